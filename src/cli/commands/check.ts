import { Option, type Command } from "commander";
import { buildReport } from "../../engine/build-report.js";
import { evaluateRules } from "../../engine/evaluate.js";
import { parseParamOptions, prepareRuleSet } from "../../engine/rule-set.js";
import { exitCodeFor, type FailThreshold } from "../../engine/summary.js";
import { Inventory } from "../../model/inventory.js";
import { FORMATS, GROUP_BY, renderReport, shouldUseColor, type GroupBy } from "../../report/index.js";
import { loadInputs, type InputOptions } from "../inputs/index.js";
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
}

export function registerCheck(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command("check")
    .argument("[paths...]", "templates and plans to check (coming)")
    .description("Evaluate the baseline rules and report findings.")
    .addOption(new Option("--snapshot <file>", "evaluate a snapshot file written by `collect` (or by hand)"))
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
    .option("--category <category>", "SARIF: code-scanning category (automationDetails.id)")
    .addOption(new Option("--group-by <grouping>", "text: group findings").choices(GROUP_BY).default("rule"))
    .addHelpText(
      "after",
      `
Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 the run could not
complete (bad input, bad rule, data that could not be collected or evaluated).

Examples:
  access-baseline check --snapshot examples/snapshot.json
  access-baseline check --snapshot inventory.json --format sarif --output results.sarif
  access-baseline check --snapshot inventory.json --param ssm-agent-version.minimumVersion=3.0.0.0`,
    )
    .action(async (paths: string[], options: CheckOptions) => done(await runCheck(options, paths, io)));
}

export async function runCheck(options: CheckOptions, paths: readonly string[], io: CliIo): Promise<number> {
  const configuration = await loadConfigurationFor(options.config, io.cwd);
  const paramOptions = parseParamOptions(options.param);
  const rules = await loadRulesOrFail(options, io.cwd);
  const { rules: enabled, settings } = prepareRuleSet(rules, configuration, paramOptions);

  const data = await loadInputs(options, paths, io);
  const inventory = new Inventory(data);
  const results = evaluateRules(enabled, inventory, settings);
  const report = buildReport({
    rules: enabled,
    results,
    collectionErrors: inventory.collectionErrors,
    inputProblems: data.inputProblems,
    resourceCount: inventory.resources.length,
    inputs: data.inputs,
    ...(settings.severities ? { severityOverrides: settings.severities } : {}),
  });

  const toFile = options.output !== undefined && options.output !== "-";
  const text = renderReport(options.format, report, {
    color: !toFile && shouldUseColor(io.stdout, io.env),
    groupBy: options.groupBy,
    ...(options.category !== undefined ? { category: options.category } : {}),
  });
  await emit(io, text, options.output);
  const failOn = options.failOn ?? configuration.failOn ?? "error";
  const code = exitCodeFor(results, inventory.collectionErrors, failOn, data.inputProblems);
  if (toFile) {
    const { byStatus } = report.summary;
    io.stderr.write(
      `access-baseline: ${byStatus.fail} failing, ${byStatus.error} not evaluated, ${byStatus.pass} passing; wrote ${options.output}\n`,
    );
  }
  return code;
}
