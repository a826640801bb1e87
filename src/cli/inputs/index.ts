import { resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import type { Source } from "../../sources/source.js";
import { readRegularFile } from "../../util/text-file.js";
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
    // Read from now on, while the rules load: a large snapshot takes tens of milliseconds to come
    // off the disk. A pipe, a terminal or a file that cannot be read is left to the snapshot
    // reader, which reports why (a pipe read ahead would keep a run its rules stop waiting). The
    // bytes are handed over once and forgotten here, so they are let go as soon as they are decoded.
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
