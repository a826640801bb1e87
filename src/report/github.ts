import { posix } from "node:path";
import type { Report, RuleResult, Severity } from "../engine/result.js";
import { formatLocation } from "../errors.js";
import { oneLine } from "../util/one-line.js";
import { locateResult } from "./location.js";
import { resultMessage } from "./message.js";
import { ruleDocUri } from "./rule-docs.js";

/**
 * GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per listed
 * finding, which GitHub shows as an annotation on the file and line (templates and plans) or on
 * the run (live resources). The same findings as the text output are listed: failures (new ones
 * only, with a baseline) and rules that could not be evaluated. `renderGithubSummary` gives the
 * Markdown job summary the CLI appends to `$GITHUB_STEP_SUMMARY`.
 */

const COMMAND_BY_SEVERITY: Record<Severity, "error" | "warning" | "notice"> = {
  error: "error",
  warning: "warning",
  note: "notice",
};

export function renderGithub(report: Report, repositoryPath = ""): string {
  // GitHub places an annotation by the file's path in the repository.
  const inRepository = (file: string) =>
    repositoryPath === "" ? file : posix.join(repositoryPath.replaceAll("\\", "/"), file);
  const lines = listedResults(report).map((result) => {
    const location = locateResult(result.resource, result.evidence);
    const command = result.status === "error" ? "error" : COMMAND_BY_SEVERITY[result.severity];
    const properties: [string, string][] = [];
    if (location.file !== undefined) {
      properties.push(["file", inRepository(location.file)]);
      if (location.line !== undefined) properties.push(["line", String(location.line)]);
      if (location.column !== undefined) properties.push(["col", String(location.column)]);
    }
    // The id is shown escaped, as in the message: a control character in it stays out of the log.
    properties.push(["title", `${result.ruleId}: ${oneLine(result.resource.id)}`]);
    const props = properties.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(",");
    return `::${command} ${props}::${escapeData(resultMessage(result))}`;
  });
  for (const problem of report.inputProblems) {
    // On the file and line, so that a template that could not be read shows in the pull request.
    const properties: [string, string][] = [["file", inRepository(problem.file)]];
    if (problem.line !== undefined) properties.push(["line", String(problem.line)]);
    if (problem.column !== undefined) properties.push(["col", String(problem.column)]);
    properties.push(["title", "input problem"]);
    const props = properties.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(",");
    lines.push(
      `::error ${props}::${escapeData(
        `${formatLocation(problem.file, problem.line, problem.column)}: ${problem.message}`,
      )}`,
    );
  }
  for (const error of report.collectionErrors) {
    lines.push(
      `::error title=${escapeProperty(`collection error: ${error.service} ${error.operation}`)}::${escapeData(
        `${error.account} ${error.region}: ${error.code}: ${error.message}`,
      )}`,
    );
  }
  return lines.map((line) => `${line}\n`).join("");
}

/** What a workflow command's message may not contain as is (GitHub's `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** What a property value may not contain as is (GitHub's `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function listedResults(report: Report): RuleResult[] {
  return report.results.filter(
    (result) =>
      (result.status === "fail" && result.baselineState !== "unchanged") || result.status === "error",
  );
}

/** The job summary: counts, then a table of the failing rules with how to fix them. */
export function renderGithubSummary(report: Report): string {
  const { byStatus } = report.summary;
  const listed = listedResults(report);
  const lines = [
    "## access-baseline",
    "",
    `**${byStatus.fail}** failed, **${byStatus.error}** not evaluated, ${byStatus.waived} waived, ` +
      `${byStatus.pass} passed, ${byStatus.not_applicable} not applicable`,
  ];
  if (report.baseline !== undefined) {
    lines.push(
      "",
      `Baseline \`${markdownCell(report.baseline.file)}\`: ${report.baseline.new} new, ` +
        `${report.baseline.unchanged} unchanged, ${report.baseline.absent} no longer failing` +
        (report.baseline.unseen > 0 ? `, ${report.baseline.unseen} not seen by this run` : ""),
    );
  }
  const problems = report.inputProblems.length + report.collectionErrors.length;
  if (problems > 0) {
    lines.push("", `**${problems} input problem(s) or collection error(s): the run is incomplete.**`);
  }
  if (listed.length > 0) {
    lines.push("", "| Severity | Rule | Findings | How to fix |", "| --- | --- | --- | --- |");
    for (const rule of report.rules) {
      const count = listed.filter((result) => result.ruleId === rule.id).length;
      if (count === 0) continue;
      const docs = ruleDocUri(rule);
      const name = docs !== undefined ? `[${markdownCell(rule.id)}](${docs})` : markdownCell(rule.id);
      const fix = markdownCell((rule.remediation.split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " "));
      lines.push(`| ${rule.severity} | ${name} | ${count} | ${fix} |`);
    }
  } else if (byStatus.error === 0 && problems === 0) {
    // Failures the baseline already had are not listed, but they still fail: only nothing new does not.
    lines.push("", byStatus.fail === 0 ? "No failing results." : "No new failing results.");
  }
  return `${lines.join("\n")}\n`;
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}
