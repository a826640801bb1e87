import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { createColors } from "picocolors";
import { controlSummary, matchesFrameworkFilter, parseFrameworkFilter } from "../../engine/frameworks.js";
import { formatProblem } from "../../engine/rule-compile.js";
import { effectiveRules } from "../../engine/rule-set.js";
import type { JsonValue } from "../../model/resource.js";
import { EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK } from "../../engine/summary.js";
import { shouldUseColor } from "../../report/color.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import type { CliIo } from "../io.js";
import {
  loadConfigurationFor,
  loadRules,
  loadRulesOrFail,
  ruleDirectories,
  type RuleSourceOptions,
} from "./shared.js";

/**
 * `rules validate [DIR]`, `rules test [DIR]`, `rules list`, `rules docs`: for people writing and
 * reviewing rules. With DIR, only that directory is used; otherwise the built-in pack plus any
 * `--rules` directories.
 */
function directoriesFor(dir: string | undefined, options: RuleSourceOptions, io: CliIo): string[] {
  return dir ? [resolve(io.cwd, dir)] : ruleDirectories(options, io.cwd);
}

function addRuleSourceOptions(command: Command): Command {
  return command
    .option(
      "--rules <dir>",
      "also load rules from a directory (repeatable)",
      (value, previous: string[] = []) => [...previous, value],
      [],
    )
    .option("--no-builtin-rules", "do not load the built-in rule pack");
}

export function registerRules(program: Command, io: CliIo, done: (code: number) => void): void {
  const rules = program.command("rules").description("Validate, test, list and document rules.");

  addRuleSourceOptions(
    rules
      .command("validate [dir]")
      .description("Check rule files against the rule schema and compile them; list every problem."),
  ).action(async (dir: string | undefined, options: RuleSourceOptions) => {
    const { rules: loaded, problems } = await loadRules(directoriesFor(dir, options, io), io.cwd);
    for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`);
    io.stdout.write(`${loaded.length} rules valid, ${problems.length} problems\n`);
    done(problems.length ? EXIT_INCOMPLETE : EXIT_OK);
  });

  addRuleSourceOptions(
    rules.command("test [dir]").description("Run the cases in each rule's <rule>.test.yaml file."),
  ).action(async (dir: string | undefined, options: RuleSourceOptions) => {
    const { rules: loaded, problems } = await loadRules(directoriesFor(dir, options, io), io.cwd);
    for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`);
    const color = createColors(shouldUseColor(io.stdout, io.env));
    // Loaded by the commands that use them, not by every start of the CLI.
    const { testRule } = await import("../../engine/rule-tester.js");
    let passed = 0;
    let failed = 0;
    let broken = problems.length;
    for (const rule of loaded) {
      const report = await testRule(rule, io.cwd);
      const failures = report.cases.filter((c) => c.failure);
      passed += report.cases.length - failures.length;
      failed += failures.length;
      broken += report.problems.length;
      const ok = failures.length === 0 && report.problems.length === 0;
      io.stdout.write(
        `${ok ? color.green("✓") : color.red("✗")} ${rule.metadata.id} (${report.cases.length} cases)\n`,
      );
      for (const problem of report.problems) io.stdout.write(`    ${formatProblem(problem)}\n`);
      for (const failure of failures) {
        io.stdout.write(`    ${failure.expected} case "${failure.name}": ${failure.failure}\n`);
      }
    }
    io.stdout.write(`${passed} passed, ${failed} failed\n`);
    done(broken ? EXIT_INCOMPLETE : failed ? EXIT_FINDINGS : EXIT_OK);
  });

  addRuleSourceOptions(
    rules
      .command("list")
      .description(
        "List the rules and what the configuration makes of them: on or off, severity, parameters.",
      )
      .addOption(
        new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"),
      )
      .option("-c, --config <file>", "configuration file (default: .access-baseline.yml found upward)")
      .option(
        "--framework <id[:control]>",
        "only rules mapped to a compliance framework (cis-aws-foundations, aws-fsbp), or to one of its controls (aws-fsbp:EC2.13)",
      ),
  ).action(async (options: RuleSourceOptions & { format: string; config?: string; framework?: string }) => {
    const filter = options.framework === undefined ? undefined : parseFrameworkFilter(options.framework);
    const configuration = await loadConfigurationFor(options.config, io.cwd);
    const listed = effectiveRules(await loadRulesOrFail(options, io.cwd), configuration).filter(
      ({ rule }) => filter === undefined || matchesFrameworkFilter(rule.metadata.frameworks, filter),
    );
    if (options.format === "json") {
      const entries = listed.map(({ rule, enabled, severity, params }) => ({
        ...rule.metadata,
        defaultSeverity: rule.metadata.severity,
        severity,
        enabled,
        params,
      }));
      io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    } else {
      io.stdout.write(`configuration: ${configuration.file ?? "none (built-in defaults)"}\n`);
      const width = Math.max(...listed.map(({ rule }) => rule.metadata.id.length), 4);
      for (const { rule, enabled, severity, params } of listed) {
        const { id, resourceTypes, title, frameworks } = rule.metadata;
        const settings = Object.entries(params).map(([name, value]) => `${name}=${formatParam(value)}`);
        const controls = controlSummary(frameworks);
        io.stdout.write(
          `${id.padEnd(width)}  ${(enabled ? "on" : "off").padEnd(3)}  ${severity.padEnd(7)}  ${title} [${resourceTypes.join(", ")}]${settings.length ? ` (${settings.join(", ")})` : ""}${controls ? ` {${controls}}` : ""}\n`,
        );
      }
      if (filter !== undefined && listed.length === 0) {
        io.stdout.write(`no rule is mapped to ${options.framework}\n`);
      }
    }
    done(EXIT_OK);
  });

  addRuleSourceOptions(
    rules
      .command("docs")
      .description("Generate the rule reference (one Markdown page per rule) from the rule files.")
      .requiredOption("-o, --output <dir>", "directory to write the pages to")
      .option("--check", "write nothing; exit 1 when the pages in the directory are stale"),
  ).action(async (options: RuleSourceOptions & { output: string; check?: boolean }) => {
    const loaded = await loadRulesOrFail(options, io.cwd);
    const { renderRuleReference } = await import("../../docs/rule-reference.js");
    const pages = await renderRuleReference(loaded);
    const dir = resolve(io.cwd, options.output);
    if (options.check) {
      const stale = await stalePages(dir, pages);
      for (const name of stale)
        io.stderr.write(`${join(options.output, name)} is stale; run \`npm run docs\`\n`);
      done(stale.length ? EXIT_FINDINGS : EXIT_OK);
      return;
    }
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) {
      if (name.endsWith(".md") && !pages.has(name)) await rm(join(dir, name));
    }
    for (const [name, content] of pages) await writeFileAtomic(join(dir, name), content);
    io.stdout.write(`wrote ${pages.size} pages to ${options.output}\n`);
    done(EXIT_OK);
  });
}

function formatParam(value: JsonValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Pages that differ from what the rules generate, plus pages of rules that no longer exist. */
export async function stalePages(dir: string, pages: ReadonlyMap<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, content] of pages) {
    const existing = await readFile(join(dir, name), "utf8").catch(() => undefined);
    if (existing !== content) stale.push(name);
  }
  const present = await readdir(dir).catch(() => [] as string[]);
  stale.push(...present.filter((name) => name.endsWith(".md") && !pages.has(name)));
  return stale;
}
