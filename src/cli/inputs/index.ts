import { resolve } from "node:path";
import { ConfigError } from "../../errors.js";
import { readSnapshot } from "../../sources/snapshot.js";
import { emptySourceData, type SourceData } from "../../sources/source.js";
import type { CliIo } from "../io.js";

/**
 * Where `check` (and `collect`) read their resources from: exactly one kind of input per run.
 * Each kind's code is imported only when that kind is used, so that checking a snapshot or a
 * template never loads the AWS SDK.
 */
export interface InputOptions {
  snapshot?: string;
}

export async function loadInputs(
  options: InputOptions,
  paths: readonly string[],
  io: CliIo,
): Promise<SourceData> {
  const kinds = [
    options.snapshot !== undefined ? "--snapshot" : undefined,
    paths.length ? "PATH" : undefined,
  ].filter((kind): kind is string => kind !== undefined);
  if (kinds.length === 0) {
    throw new ConfigError("check needs an input: --snapshot FILE (live accounts and templates are coming)");
  }
  if (kinds.length > 1) {
    throw new ConfigError(`give one kind of input per run, not ${kinds.join(" and ")}`);
  }
  if (options.snapshot !== undefined) {
    const snapshot = await readSnapshot(resolve(io.cwd, options.snapshot));
    return { ...emptySourceData(), ...snapshot, inputs: [options.snapshot] };
  }
  throw new ConfigError(
    `templates and plans (${paths.join(", ")}) are not supported yet; use --snapshot FILE`,
  );
}
