import { resolve } from "node:path";
import type { Command } from "commander";
import {
  buildCampaignView,
  CAMPAIGN_FORMATS,
  DEFAULT_OWNER_TAGS,
  historyDirectoryFiles,
  isCampaignFormat,
  loadRuns,
  mergeRuns,
  renderCampaign,
  runFromReport,
  type CampaignFormat,
  type RunFile,
} from "../../campaign/index.js";
import { parseParamOptions } from "../../engine/rule-set.js";
import { todayFrom } from "../../engine/waivers.js";
import { ConfigError } from "../../errors.js";
import { runCheck } from "../../pipeline/run.js";
import { runTimestamp } from "../../pipeline/run-time.js";
import type { Source } from "../../sources/source.js";
import { addAccountOptions } from "../inputs/account-options.js";
import { inputSource, type InputOptions } from "../inputs/index.js";
import type { CliIo } from "../io.js";
import { checkDestinations, writeOutputs } from "./outputs.js";
import { collect, loadConfigurationFor, loadRulesOrFail, type RuleSourceOptions } from "./shared.js";

interface ReportOptions extends RuleSourceOptions, InputOptions {
  history?: string;
  format: string[];
  output?: string;
  ownerTag: string[];
  param: string[];
  config?: string;
}

interface CampaignOutput {
  format: CampaignFormat;
  file?: string;
}

export function registerReport(program: Command, io: CliIo, done: (code: number) => void): void {
  const command = program
    .command("report")
    .argument("[runs...]", "results files (check --format json) and snapshots (collect), one per run")
    .description("The migration campaign over several runs: headline, progress per owner, next steps, cost.")
    .option("--history <dir>", "a directory with one results file or snapshot per run");
  addAccountOptions(command)
    .option(
      "-f, --format <format[=file]>",
      `output format: ${CAMPAIGN_FORMATS.join(", ")} (default: markdown); repeatable, FORMAT=FILE writes that format to FILE`,
      collect,
      [],
    )
    .option("-o, --output <file>", "write the report of the bare --format to a file (atomically)")
    .option(
      "--owner-tag <key>",
      "tag naming a resource's owner, tried in order (default: Team, then Owner)",
      collect,
      [],
    )
    .option(
      "--rules <dir>",
      "snapshots and --account: load extra rules from a directory (repeatable)",
      collect,
      [],
    )
    .option("--no-builtin-rules", "snapshots and --account: do not load the built-in rule pack")
    .option(
      "--param <rule.name=value>",
      "snapshots and --account: override a rule parameter (repeatable)",
      collect,
      [],
    )
    .option("-c, --config <file>", "snapshots and --account: configuration file (default: found upward)")
    .addHelpText(
      "after",
      `
Runs are ordered by the timestamp inside each file and merged per account: at each run's time,
every account counts with its newest run so far. Runs of different major versions of the tool are
refused. With --account, the account is collected now and becomes the newest run. Exit codes: 0
the report was written; 2 a run could not be used (the message names the file), nothing written.

Examples:
  access-baseline report --history examples/history --format html=campaign.html
  access-baseline report runs/*.json --format markdown --format csv=open-items.csv
  access-baseline report --history runs --account --format html=campaign.html

See docs/campaign-report.md.`,
    )
    .action(async (runs: string[], options: ReportOptions) => done(await runReport(options, runs, io)));
}

export async function runReport(
  options: ReportOptions,
  paths: readonly string[],
  io: CliIo,
): Promise<number> {
  const outputs = parseCampaignFormats(options.format, options.output);
  const files: RunFile[] = [];
  if (options.history !== undefined)
    files.push(...(await historyDirectoryFiles(options.history, options.history, io.cwd)));
  files.push(...paths.map((path) => ({ path: resolve(io.cwd, path), shown: path })));
  if (files.length === 0 && !options.account) {
    throw new ConfigError(
      "report needs runs: results files or snapshots (RUN…), --history DIR, or --account",
    );
  }
  let evaluate: ((source: Source) => ReturnType<typeof runCheck>) | undefined;
  const evaluator = async (source: Source) => {
    // Rules and configuration are loaded once, and only when a snapshot or an account needs them.
    if (evaluate === undefined) {
      const configuration = await loadConfigurationFor(options.config, io.cwd);
      const rules = await loadRulesOrFail(options, io.cwd);
      const paramOverrides = parseParamOptions(options.param);
      const today = todayFrom(io.env);
      evaluate = (from) => runCheck({ rules, configuration, paramOverrides, source: from, today });
    }
    return evaluate(source);
  };
  const runs = await loadRuns(files, async (file) => {
    // The snapshot reader is loaded only when a run is a snapshot, as `check` does.
    const { snapshotSource } = await import("../../sources/snapshot.js");
    return (await evaluator(snapshotSource(file.path, file.shown))).report;
  });
  if (options.account) {
    const createdAt = runTimestamp(io.env);
    const { report } = await evaluator(inputSource(options, [], io));
    runs.push(runFromReport(report, "--account", createdAt));
  }
  const view = buildCampaignView(mergeRuns(runs), {
    ownerTags: options.ownerTag.length > 0 ? options.ownerTag : DEFAULT_OWNER_TAGS,
  });
  // Every output is rendered before anything is written: a failure leaves no partial report.
  const rendered = new Map<CampaignOutput, string>();
  for (const request of outputs) rendered.set(request, await renderCampaign(request.format, view));
  // No report replaces a run it was made from, nor the configuration.
  const inputs = [
    ...files.map((file) => file.path),
    ...(options.config !== undefined ? [options.config] : []),
  ];
  await checkDestinations(outputs, io.cwd, inputs);
  await writeOutputs(io, outputs, (request) => rendered.get(request)!);
  const written = outputs.flatMap((output) => (output.file !== undefined ? [output.file] : []));
  if (written.length > 0) {
    const open = view.points.at(-1)!.open;
    io.stderr.write(
      `access-baseline: ${open} open items over ${view.owners.length} owners in ${view.points.length} runs; wrote ${written.join(", ")}\n`,
    );
  }
  return 0;
}

function parseCampaignFormats(specs: readonly string[], output: string | undefined): CampaignOutput[] {
  const requests = (specs.length > 0 ? specs : ["markdown"]).map((spec): CampaignOutput => {
    const at = spec.indexOf("=");
    const name = at === -1 ? spec : spec.slice(0, at);
    const file = at === -1 ? undefined : spec.slice(at + 1);
    if (!isCampaignFormat(name)) {
      throw new ConfigError(
        `unknown report format "${name}": expected one of ${CAMPAIGN_FORMATS.join(", ")}`,
      );
    }
    if (file === "") throw new ConfigError(`--format ${spec}: the file name after "=" is empty`);
    return file === undefined || file === "-" ? { format: name } : { format: name, file };
  });
  const toDefault = requests.filter((request) => request.file === undefined);
  if (toDefault.length > 1) {
    throw new ConfigError(
      `--format ${toDefault.map((request) => request.format).join(", ")}: only one format can go to ${output ?? "standard output"}; ` +
        "write the others to files with --format NAME=PATH",
    );
  }
  return requests.map((request) =>
    request.file === undefined && output !== undefined && output !== "-"
      ? { format: request.format, file: output }
      : request,
  );
}
