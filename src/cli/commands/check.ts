import { Option, type Command } from "commander";
import { parseParamOptions } from "../../engine/rule-set.js";
import type { FailThreshold } from "../../engine/summary.js";
import { todayFrom } from "../../engine/waivers.js";
import {
  FORMATS,
  GROUP_BY,
  WAIVED_IN_SARIF,
  renderReport,
  shouldUseColor,
  type GroupBy,
  type WaivedInSarif,
} from "../../report/index.js";
import { addAccountOptions } from "../inputs/account-options.js";
import { loadBaseline } from "../../pipeline/gate.js";
import { runCheck as runPipeline } from "../../pipeline/run.js";
import { inputSource, type InputOptions } from "../inputs/index.js";
import type { CliIo } from "../io.js";
import { collect, emit, loadConfigurationFor, loadRulesOrFail, type RuleSourceOptions } from "./shared.js";

interface CheckOptions extends RuleSourceOptions, InputOptions {
  format: string;
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
}

export function registerCheck(program: Command, io: CliIo, done: (code: number) => void): void {
  const command = program
    .command("check")
    .argument("[paths...]", "CloudFormation templates and Terraform plans (files or directories) to check")
    .description("Evaluate the baseline rules and report findings.")
    .addOption(new Option("--snapshot <file>", "evaluate a snapshot file written by `collect` (or by hand)"));
  addAccountOptions(command)
    .addOption(new Option("-f, --format <format>", "output format").choices(FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to a file (atomically) instead of standard output")
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
    .addHelpText(
      "after",
      `
Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 the run could not
complete (bad input, bad rule, data that could not be collected or evaluated). Waived findings,
and with --baseline those the baseline already had, never fail the run. Waivers expire by the
UTC date; ACCESS_BASELINE_TODAY=YYYY-MM-DD fixes the date (docs/ci-gate.md).

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

export async function runCheck(options: CheckOptions, paths: readonly string[], io: CliIo): Promise<number> {
  const configuration = {
    ...(await loadConfigurationFor(options.config, io.cwd)),
    selection: { only: options.rule, skip: options.skipRule },
  };
  const paramOverrides = parseParamOptions(options.param);
  const rules = await loadRulesOrFail(options, io.cwd);
  const baseline = options.baseline !== undefined ? await loadBaseline(options.baseline, io.cwd) : undefined;
  const { report, exitCode } = await runPipeline({
    rules,
    configuration,
    paramOverrides,
    source: inputSource(options, paths, io),
    today: todayFrom(io.env),
    ...(baseline !== undefined ? { baseline } : {}),
  });

  const toFile = options.output !== undefined && options.output !== "-";
  const text = renderReport(options.format, report, {
    color: !toFile && shouldUseColor(io.stdout, io.env),
    groupBy: options.groupBy,
    ...(options.category !== undefined ? { category: options.category } : {}),
    ...(options.sarifWaived !== undefined ? { waived: options.sarifWaived } : {}),
  });
  await emit(io, text, options.output);
  const failOn = options.failOn ?? configuration.failOn ?? "error";
  const code = exitCode(failOn);
  if (toFile) {
    const { byStatus } = report.summary;
    const newFailures = report.baseline !== undefined ? ` (${report.baseline.new} new)` : "";
    const waived = byStatus.waived > 0 ? `, ${byStatus.waived} waived` : "";
    io.stderr.write(
      `access-baseline: ${byStatus.fail} failing${newFailures}${waived}, ${byStatus.error} not evaluated, ${byStatus.pass} passing; wrote ${options.output}\n`,
    );
  }
  return code;
}
