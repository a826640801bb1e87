import { resolve } from "node:path";
import type { ApiCallCounts } from "../../engine/result.js";
import { ConfigError } from "../../errors.js";
import { readSnapshot } from "../../sources/snapshot.js";
import { emptySourceData, type SourceData } from "../../sources/source.js";
import type { CliIo } from "../io.js";
import { liveOptionsWithoutAccount, liveSettings, type AccountInputOptions } from "./account-options.js";

/**
 * Where `check` (and `collect`) read their resources from: exactly one kind of input per run.
 * Each kind's code is imported only when that kind is used, so that checking a snapshot or a
 * template never loads the AWS SDK.
 */
export interface InputOptions extends AccountInputOptions {
  snapshot?: string;
  /** Templates and plans: say on standard error which files were skipped, and why. */
  verbose?: boolean;
}

/** The inputs of a run, with the API calls live collection made. */
export interface LoadedInputs extends SourceData {
  apiCalls?: ApiCallCounts;
}

export async function loadInputs(
  options: InputOptions,
  paths: readonly string[],
  io: CliIo,
): Promise<LoadedInputs> {
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
  if (options.snapshot !== undefined) {
    const snapshot = await readSnapshot(resolve(io.cwd, options.snapshot));
    return { ...emptySourceData(), ...snapshot, inputs: [options.snapshot], shapesChecked: true };
  }
  if (options.account) {
    const settings = liveSettings(options);
    // Loaded here and only here: the SDK is large, and no other input needs it.
    const { accountInputs, collectAccounts } = await import("./account.js");
    const collection = await collectAccounts(settings, io);
    return {
      ...emptySourceData(),
      resources: collection.resources,
      scopes: collection.scopes,
      collectionErrors: collection.collectionErrors,
      inputs: accountInputs(collection),
      apiCalls: collection.apiCalls,
    };
  }
  // Loaded only for templates and plans, like the live collector for --account.
  const { loadTemplateInputs } = await import("./templates.js");
  return loadTemplateInputs(paths, io, { verbose: options.verbose === true });
}
