import { isAbsolute, relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import { parseParamOptions } from "../../engine/rule-set.js";
import type { FailThreshold } from "../../engine/summary.js";
import { todayFrom } from "../../engine/waivers.js";
import { shouldUseColor } from "../../report/color.js";
import { renderReportLazily } from "../../report/load.js";
import {
  FORMATS,
  GROUP_BY,
  WAIVED_IN_SARIF,
  type GroupBy,
  type WaivedInSarif,
} from "../../report/options.js";
import { DEFAULT_TEXT_WIDTH } from "../../report/wrap.js";
import { addAccountOptions } from "../inputs/account-options.js";
import { loadBaseline } from "../../pipeline/gate.js";
import { runCheck as runPipeline } from "../../pipeline/run.js";
import { runTimestamp } from "../../pipeline/run-time.js";
import { inputSource, type InputOptions } from "../inputs/index.js";
import type { CliIo } from "../io.js";
import { appendFile } from "node:fs/promises";
import { ConfigError, UserError } from "../../errors.js";
import { describeFileError } from "../../util/file-errors.js";
import type { Baseline } from "../../report/baseline.js";
import type { Report } from "../../engine/result.js";
import { checkDestinations, parseFormatOptions, writeOutputs } from "./outputs.js";
import { collect, loadConfigurationFor, loadRulesOrFail, type RuleSourceOptions } from "./shared.js";

interface CheckOptions extends RuleSourceOptions, InputOptions {
  format: string[];
  output?: string;
  failOn?: FailThreshold;
  param: string[];
  config?: string;
  category?: string;
  groupBy: GroupBy;
  baseline?: string;
  sarifWaived?: WaivedInSarif;
  rule: string[];
  skipRule: string[];
  securityHub?: boolean;
  verbosePasses?: boolean;
}

export function registerCheck(program: Command, io: CliIo, done: (code: number) => void): void {
  const command = program
    .command("check")
    .argument("[paths...]", "CloudFormation templates and Terraform plans (files or directories) to check")
    .description("Evaluate the baseline rules and report findings.")
    .addOption(
      new Option("--snapshot <file>", "evaluate a snapshot file written by `collect` (or by hand)").argParser(
        oneSnapshot,
      ),
    );
  addAccountOptions(command)
    .option(
      "-f, --format <format[=file]>",
      `output format: ${FORMATS.join(", ")} (default: text); repeatable, FORMAT=FILE writes that format to FILE`,
      collect,
      [],
    )
    .option(
      "-o, --output <file>",
      "write the report of the bare --format to a file (atomically) instead of standard output",
    )
    .addOption(
      new Option(
        "--fail-on <severity>",
        "lowest severity of a finding that makes the exit code 1 (default: error)",
      ).choices(["error", "warning", "note", "never"]),
    )
    .option("--rules <dir>", "load extra rules from a directory (repeatable)", collect, [])
    .option("--no-builtin-rules", "do not load the built-in rule pack (use with --rules)")
    .option("--param <rule.name=value>", "override a rule parameter (repeatable)", collect, [])
    .option("-c, --config <file>", "configuration file (default: .access-baseline.yml found upward)")
    // Choosing the rules of this run: ids or globs, checked against the loaded rules.
    .option("--rule <id>", "run only the rules matching this id or glob (repeatable)", collect, [])
    .option("--skip-rule <id>", "do not run the rules matching this id or glob (repeatable)", collect, [])
    .option("--category <category>", "SARIF: code-scanning category (automationDetails.id)")
    .option("--verbose", "templates and plans: list skipped files and notes on standard error")
    .option("--baseline <file>", "a previous SARIF or JSON output: fail only on findings that are new")
    .addOption(
      new Option("--sarif-waived <mode>", "SARIF: write waived findings as suppressed results, or omit them")
        .choices(WAIVED_IN_SARIF)
        .default("suppress"),
    )
    .addOption(new Option("--group-by <grouping>", "text: group findings").choices(GROUP_BY).default("rule"))
    .option(
      "--verbose-passes",
      "JSON: write passes and not-applicable results in full (message, location, evidence), not compact",
    )
    .option(
      "--security-hub",
      "send the ASFF findings to AWS Security Hub (BatchImportFindings; see docs/output-formats.md)",
    )
    .addHelpText(
      "after",
      `
Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 the run could not
complete (bad input, bad rule, data that could not be collected or evaluated). Waived findings,
and with --baseline those the baseline already had, never fail the run. Waivers expire by the
UTC date, and access keys' ages are counted to it; ACCESS_BASELINE_TODAY=YYYY-MM-DD fixes the
date (docs/ci-gate.md).

Examples:
  access-baseline check --snapshot examples/snapshot.json
  access-baseline check --snapshot inventory.json --format sarif --output results.sarif
  access-baseline check --snapshot inventory.json --param ssm-agent-version.minimumVersion=3.0.0.0
  access-baseline check --account --regions eu-west-1,us-east-1
  access-baseline check --account --profile audit --org --format sarif --output results.sarif
  access-baseline check templates/ plan.json --format sarif --output results.sarif

Live collection (--account) is described in docs/live-scanning.md, templates and plans
(PATH…) in docs/templates.md.`,
    )
    .action(async (paths: string[], options: CheckOptions) => done(await runCheck(options, paths, io)));
}

/**
 * `--snapshot` takes one file. Given again, the last would replace the first, as other options
 * are, and the first snapshot would go unchecked without a word.
 */
function oneSnapshot(file: string, previous: string | undefined): string {
  if (previous !== undefined) {
    throw new ConfigError(`--snapshot given twice (${previous}, ${file}): check one snapshot per run`);
  }
  return file;
}

export async function runCheck(options: CheckOptions, paths: readonly string[], io: CliIo): Promise<number> {
  // Bad format options fail before any collection starts.
  const requests = parseFormatOptions(options.format, options.output);
  // Made before the rules load: a snapshot starts being read meanwhile.
  const source = inputSource(options, paths, io);
  const configuration = {
    ...(await loadConfigurationFor(options.config, io.cwd)),
    selection: { only: options.rule, skip: options.skipRule },
  };
  const paramOverrides = parseParamOptions(options.param);
  const rules = await loadRulesOrFail(options, io.cwd);
  const baseline = options.baseline !== undefined ? await loadBaseline(options.baseline, io.cwd) : undefined;
  // One timestamp for the whole run: the JSON report's createdAt and the ASFF findings' times agree,
  // and ACCESS_BASELINE_NOW fixes both.
  const createdAt = runTimestamp(io.env);
  const { report, exitCode } = await runPipeline({
    rules,
    configuration,
    paramOverrides,
    source,
    today: todayFrom(io.env),
    createdAt,
    ...(baseline !== undefined ? { baseline } : {}),
  });

  const toTerminal = io.stdout.isTTY === true;
  await checkDestinations(requests, io.cwd, inputFiles(report, configuration.file, options.snapshot));
  await writeOutputs(io, requests, (request) =>
    renderReportLazily(request.format, report, {
      color: request.file === undefined && shouldUseColor(io.stdout, io.env),
      width:
        request.file === undefined && toTerminal
          ? (io.stdout.columns ?? DEFAULT_TEXT_WIDTH)
          : DEFAULT_TEXT_WIDTH,
      groupBy: options.groupBy,
      homeRegion: homeRegion(io.env),
      now: new Date(createdAt),
      repositoryPath: repositoryPath(io),
      verbosePasses: options.verbosePasses === true,
      ...(baseline !== undefined ? { previous: baseline } : {}),
      ...(options.category !== undefined ? { category: options.category } : {}),
      ...(options.sarifWaived !== undefined ? { waived: options.sarifWaived } : {}),
    }),
  );
  await writeJobSummary(requests, report, io);
  const imported =
    options.securityHub === true
      ? await sendToSecurityHub(report, baseline, options, io, new Date(createdAt))
      : true;
  const files = requests.flatMap((request) => (request.file !== undefined ? [request.file] : []));
  const toFile = files.length > 0 && requests.every((request) => request.file !== undefined);
  const failOn = options.failOn ?? configuration.failOn ?? "error";
  const code = exitCode(failOn);
  if (toFile) {
    const { byStatus } = report.summary;
    const newFailures = report.baseline !== undefined ? ` (${report.baseline.new} new)` : "";
    const waived = byStatus.waived > 0 ? `, ${byStatus.waived} waived` : "";
    // The only line on the terminal: what made the run incomplete must be in it, not only in the files.
    const unread = [
      ...(report.inputProblems.length > 0 ? [plural(report.inputProblems.length, "input problem")] : []),
      ...(report.collectionErrors.length > 0
        ? [plural(report.collectionErrors.length, "collection error")]
        : []),
    ];
    const incomplete = unread.length > 0 ? `, ${unread.join(", ")} (the run is incomplete)` : "";
    io.stderr.write(
      `access-baseline: ${byStatus.fail} failing${newFailures}${waived}, ${byStatus.error} not evaluated, ${byStatus.pass} passing${incomplete}; wrote ${files.join(", ")}\n`,
    );
  }
  return imported ? code : 2;
}

/**
 * The files the run read, which no report may be written over: the snapshot, the configuration,
 * and each template or plan (those that could not be used included). The baseline is not among
 * them: writing this run's results where the previous ones were is how a baseline is kept.
 */
function* inputFiles(report: Report, configuration: string | undefined, snapshot: string | undefined) {
  if (snapshot !== undefined) yield snapshot;
  if (configuration !== undefined) yield configuration;
  for (const problem of report.inputProblems) yield problem.file;
  for (const resource of report.resources ?? []) {
    if (resource.source.file !== undefined) yield resource.source.file;
  }
}

/**
 * Inside GitHub Actions, the path from the workspace (the repository's checkout) to the working
 * directory; empty elsewhere, or when the run is not inside the workspace.
 */
function repositoryPath(io: CliIo): string {
  const workspace = io.env.GITHUB_WORKSPACE;
  if (workspace === undefined || workspace === "") return "";
  const path = relative(resolve(workspace), resolve(io.cwd));
  return path.startsWith("..") || isAbsolute(path) ? "" : path;
}

/**
 * With `--format github` inside GitHub Actions, a Markdown summary of the run is appended to the
 * job summary file (appended, as GitHub asks: other steps write to the same page).
 */
async function writeJobSummary(
  requests: readonly { format: string }[],
  report: Report,
  io: CliIo,
): Promise<void> {
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (file === undefined || file === "" || !requests.some((request) => request.format === "github")) return;
  const { renderGithubSummary } = await import("../../report/github.js");
  try {
    await appendFile(file, renderGithubSummary(report));
  } catch (error) {
    throw new UserError(
      `cannot write the job summary to ${file} (GITHUB_STEP_SUMMARY): ${describeFileError(error)}`,
      {
        cause: error,
      },
    );
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Where findings about resources without a region (IAM, the account) go in Security Hub. */
function homeRegion(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
}

/** Failed findings listed one per line, up to this many; the rest are counted. */
const MAX_LISTED_FAILURES = 20;

/**
 * `--security-hub`: the ASFF findings go to Security Hub with the scan's base credentials
 * (`--profile`, or the default chain) and `--endpoint-url`. Every refused finding is listed (up
 * to a cap, then counted); any refusal makes the run exit 2.
 */
async function sendToSecurityHub(
  report: Report,
  baseline: Baseline | undefined,
  options: CheckOptions,
  io: CliIo,
  now: Date,
): Promise<boolean> {
  const { buildAsffFindings } = await import("../../report/asff.js");
  const findings = buildAsffFindings(report, {
    now,
    homeRegion: homeRegion(io.env),
    ...(baseline !== undefined ? { previous: baseline } : {}),
  });
  // Loaded only when asked for: a run that sends nothing must not load the AWS SDK.
  const { baseCredentials } = await import("../../sources/aws/credentials.js");
  const { importFindings } = await import("../security-hub.js");
  const outcome = await importFindings(findings, {
    credentials: baseCredentials(options.profile),
    ...(options.endpointUrl !== undefined ? { endpoint: options.endpointUrl } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  });
  const { failed } = outcome;
  if (failed.length === 0) {
    io.stderr.write(
      `access-baseline: Security Hub imported ${outcome.imported} findings in ${outcome.batches} batches\n`,
    );
    return true;
  }
  const lines = failed
    .slice(0, MAX_LISTED_FAILURES)
    .map(
      (failure) =>
        `access-baseline: Security Hub refused ${failure.id}: ${failure.code}: ${failure.message}\n`,
    );
  if (failed.length > MAX_LISTED_FAILURES) {
    lines.push(`access-baseline: … and ${failed.length - MAX_LISTED_FAILURES} more refused findings\n`);
  }
  lines.push(
    `access-baseline: Security Hub imported ${outcome.imported} of ${findings.length} findings; ${failed.length} failed (requires securityhub:BatchImportFindings)\n`,
  );
  io.stderr.write(lines.join(""));
  return false;
}
