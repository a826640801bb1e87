import { resolve } from "node:path";
import type { Command } from "commander";
import { PACKAGE } from "../../assets.js";
import { ConfigError } from "../../errors.js";
import { EXIT_INCOMPLETE, EXIT_OK } from "../../engine/summary.js";
import { readInputs, snapshotInputs } from "../../pipeline/run.js";
import { runTimestamp } from "../../pipeline/run-time.js";
import { addAccountOptions, liveSettings, type AccountInputOptions } from "../inputs/account-options.js";
import type { CliIo } from "../io.js";
import { emit } from "./shared.js";

interface CollectOptions extends AccountInputOptions {
  output: string;
}

/**
 * `collect --account --output FILE`: live collection written to a snapshot, for `check
 * --snapshot` to evaluate later (offline, in another job, with other rules) with the same results.
 */
export function registerCollect(program: Command, io: CliIo, done: (code: number) => void): void {
  const command = program
    .command("collect")
    .description("Collect live AWS inventory into a snapshot file for `check --snapshot`.")
    .requiredOption(
      "-o, --output <file>",
      "the snapshot file to write (atomically), or - for standard output",
    );
  addAccountOptions(command)
    .addHelpText(
      "after",
      `
Exit codes: 0 everything was collected; 2 the snapshot was written but some data could not be
collected (its collection errors are in the file, and checking it reports them), or nothing
could be collected at all.

Examples:
  access-baseline collect --account --output inventory.json
  access-baseline collect --account --org --org-role access-baseline-scanner --output org.json
  access-baseline check --snapshot inventory.json

Live collection is described in docs/live-scanning.md.`,
    )
    .action(async (options: CollectOptions) => done(await runCollect(options, io)));
}

export async function runCollect(options: CollectOptions, io: CliIo): Promise<number> {
  if (!options.account) {
    throw new ConfigError("collect needs --account (snapshots are collected from live AWS accounts)");
  }
  const settings = liveSettings(options);
  // The SDK is loaded only now, as for `check --account`.
  const { accountSource } = await import("../inputs/account.js");
  const collection = snapshotInputs(await readInputs(accountSource(settings, io)));
  const snapshot = {
    createdAt: runTimestamp(io.env),
    tool: { name: PACKAGE.name, version: PACKAGE.version },
    scopes: collection.scopes,
    resources: collection.resources,
    collectionErrors: collection.collectionErrors,
  };
  // `-o -` writes to standard output, for piping; a file is written atomically.
  // The snapshot module (and its schema's validator) is loaded by the commands that use it.
  const { serializeSnapshot, writeSnapshot } = await import("../../sources/snapshot.js");
  // To standard output through `emit`, which waits for the stream to take it: a reader that
  // closed the pipe is a snapshot not delivered (exit 2), not a run that looks done.
  if (options.output === "-") await emit(io, serializeSnapshot(snapshot), undefined);
  else await writeSnapshot(resolve(io.cwd, options.output), snapshot);
  const calls = Object.values(collection.apiCalls ?? {})
    .flatMap((operations) => Object.values(operations))
    .reduce((sum, count) => sum + count, 0);
  const errors = collection.collectionErrors.length;
  const accounts = collection.inputs.length;
  io.stderr.write(
    `access-baseline: collected ${collection.resources.length} resources from ${accounts} ` +
      `account${accounts === 1 ? "" : "s"} and ${collection.scopes.length} ` +
      `region${collection.scopes.length === 1 ? "" : "s"} with ${calls} API calls; ` +
      `${errors} collection error${errors === 1 ? "" : "s"}; ` +
      `wrote ${options.output === "-" ? "the snapshot to standard output" : options.output}\n`,
  );
  for (const error of collection.collectionErrors) {
    io.stderr.write(
      `  ${error.account} ${error.region}  ${error.service}:${error.operation}  ${error.code}: ${error.message}` +
        (error.iamAction ? ` (needs ${error.iamAction})` : "") +
        "\n",
    );
  }
  return errors > 0 ? EXIT_INCOMPLETE : EXIT_OK;
}
