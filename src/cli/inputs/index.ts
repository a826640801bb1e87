import { readFile, stat } from "node:fs/promises";
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
    return (await stat(path)).isFile() ? await readFile(path) : undefined;
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
