import { open, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import type { Source } from "../../sources/source.js";
import type { CliIo } from "../io.js";
import { liveOptionsWithoutAccount, liveSettings, type AccountInputOptions } from "./account-options.js";

/**
 * Turns the command line into the one source a run reads: a snapshot, live accounts, or templates
 * and plans. Each kind's code is imported only when that kind is read, so that checking a
 * snapshot or a template never loads the AWS SDK.
 */
export interface InputOptions extends AccountInputOptions {
  snapshot?: string;
  /** Templates and plans: say on standard error which files were skipped, and why. */
  verbose?: boolean;
}

/**
 * A snapshot's bytes, read from now on while the rules load (a large snapshot takes tens of
 * milliseconds to come off the disk). Only a regular file is: a pipe or a terminal could keep the
 * process waiting after an error in the rules, so it, and a file that cannot be read, is left to
 * the snapshot reader, which reports why.
 */
async function readRegularFile(path: string): Promise<Uint8Array | undefined> {
  try {
    // Opening a FIFO for reading waits for a writer, so the path is looked at first.
    if (!(await stat(path)).isFile()) return undefined;
    const handle = await open(path, "r");
    try {
      const info = await handle.stat();
      if (!info.isFile()) return undefined;
      // One read for the whole file where the system allows: `readFile` asks for 512 KiB at a
      // time, each from the main thread, so it made no progress while the rules were loading.
      const bytes = Buffer.allocUnsafe(info.size);
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
        if (bytesRead === 0) return undefined;
        read += bytesRead;
      }
      // A file that changed size while it was read is read again, whole, by the snapshot reader.
      const { bytesRead: beyond } = await handle.read(Buffer.alloc(1), 0, 1, read);
      return beyond === 0 ? bytes : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

export function inputSource(options: InputOptions, paths: readonly string[], io: CliIo): Source {
  const kinds = [
    options.snapshot !== undefined ? "--snapshot" : undefined,
    options.account ? "--account" : undefined,
    paths.length ? "PATH" : undefined,
  ].filter((kind): kind is string => kind !== undefined);
  if (kinds.length === 0) {
    throw new ConfigError("check needs an input: --snapshot FILE, --account, or templates and plans (PATH…)");
  }
  if (kinds.length > 1) {
    throw new ConfigError(`give one kind of input per run, not ${kinds.join(" and ")}`);
  }
  const stray = liveOptionsWithoutAccount(options);
  if (stray.length > 0) {
    throw new ConfigError(`${stray.join(", ")} only apply to live collection: add --account`);
  }
  const snapshot = options.snapshot;
  if (snapshot !== undefined) {
    const path = resolve(io.cwd, snapshot);
    // Handed over once and then forgotten here, so the bytes are let go as soon as they are decoded.
    let reading: Promise<Uint8Array | undefined> | undefined = readRegularFile(path);
    const takeBytes = () => {
      const bytes = reading ?? Promise.resolve(undefined);
      reading = undefined;
      return bytes;
    };
    return {
      async read() {
        const { snapshotSource } = await import("../../sources/snapshot.js");
        return snapshotSource(path, snapshot, takeBytes).read();
      },
    };
  }
  if (options.account) {
    const settings = liveSettings(options);
    return {
      async read() {
        // Loaded here and only here: the SDK is large, and no other input needs it.
        const { accountSource } = await import("./account.js");
        return accountSource(settings, io).read();
      },
    };
  }
  const note = (text: string) => {
    if (options.verbose) io.stderr.write(`access-baseline: ${text}\n`);
  };
  return {
    async read() {
      // Loaded only for templates and plans, like the live collector for --account.
      const { templateSource } = await import("../../sources/templates.js");
      return templateSource(paths, { cwd: io.cwd, note }).read();
    },
  };
}
