import picocolors from "picocolors";
import {
  SEVERITIES,
  type Report,
  type RuleMetadata,
  type RuleResult,
  type Severity,
  type WaiverOutcome,
} from "../engine/result.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../model/input-problem.js";
import { resourceIdentity, UNKNOWN_REGION } from "../model/resource.js";
import { formatLocation } from "../errors.js";
import { locateResult, type ResultLocation } from "./location.js";
import { resultMessage } from "./message.js";
import { ruleDocUri } from "./rule-docs.js";
import { firstSentence, visibleLength, wrapText } from "./wrap.js";

/**
 * The terminal summary: failing and unevaluated results grouped by rule or by resource, then the
 * counts and the collection errors. Passes and waived results are only counted; a clean run is one
 * short line. With a baseline, only new failures are listed: the others did not fail the run.
 */

/** Waivers that expire within this many days are listed, so that they are renewed or fixed in time. */
export const EXPIRING_SOON_DAYS = 30;

import type { GroupBy } from "./options.js";
import { oneLine } from "../util/one-line.js";
export { GROUP_BY, type GroupBy } from "./options.js";

export interface TextOptions {
  /** Whether to emit ANSI colours; decide it with `shouldUseColor`, never inside the reporter. */
  color: boolean;
  groupBy?: GroupBy;
  /** Columns to fit lines in (the CLI passes the terminal's width, or DEFAULT_TEXT_WIDTH); unbounded if unset. */
  width?: number;
}

type Colors = ReturnType<typeof picocolors.createColors>;

/** A result worth a line, with its location computed once. */
interface Finding {
  result: RuleResult;
  location: ResultLocation;
}

export function renderText(report: Report, options: TextOptions): string {
  const colors = picocolors.createColors(options.color);
  const findings = report.results
    .filter(
      (result) =>
        (result.status === "fail" && result.baselineState !== "unchanged") || result.status === "error",
    )
    .map((result) => ({ result, location: locateResult(result.resource, result.evidence) }))
    .sort(compareFindings);

  const width = options.width ?? Infinity;
  const sections =
    options.groupBy === "resource"
      ? [...groupByResource(findings, colors, width), ...howToFix(report, findings, colors, width)]
      : groupByRule(report, findings, colors, width);
  const lines: string[] = [];
  for (const section of sections) {
    lines.push(section.heading, ...section.lines, "");
  }
  lines.push(...summaryLines(report, colors));
  const waivers = waiverLines(report.waivers ?? [], colors);
  if (waivers.length > 0) lines.push("", ...waivers);
  if (report.inputProblems.length > 0) {
    lines.push("", ...inputProblemLines(report.inputProblems, colors));
  }
  if (report.collectionErrors.length > 0) {
    lines.push("", ...collectionErrorLines(report.collectionErrors, colors));
  }
  return `${lines.join("\n")}\n`;
}

interface Section {
  heading: string;
  lines: string[];
}

function groupByRule(report: Report, findings: readonly Finding[], colors: Colors, width: number): Section[] {
  const titles = new Map(report.rules.map((rule) => [rule.id, rule.title]));
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  const ruleOrder = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const groups = groupFindings(findings, (finding) => finding.result.ruleId);
  // Each group's worst severity once, not at every comparison of the sort.
  const worst = new Map([...groups].map(([ruleId, group]) => [ruleId, worstSeverity(group)]));
  return [...groups.entries()]
    .sort(
      ([ruleA], [ruleB]) =>
        severityRank(worst.get(ruleA)!) - severityRank(worst.get(ruleB)!) ||
        (ruleOrder.get(ruleA) ?? Infinity) - (ruleOrder.get(ruleB) ?? Infinity) ||
        compareText(ruleA, ruleB),
    )
    .map(([ruleId, group]) => {
      const title = titles.get(ruleId);
      const heading = fitHeading(
        [severityLabel(worst.get(ruleId)!, colors), colors.bold(ruleId)],
        [...(title !== undefined ? [title] : []), colors.dim(`(${group.length})`)],
        width,
      );
      const rule = rules.get(ruleId);
      const teaching =
        rule !== undefined && group.some(({ result }) => result.status === "fail")
          ? remediationLines(rule, colors, width, "  ")
          : [];
      // A template's resources have no region, only the placeholder: their file and line say where
      // they are, and a row reading "unknown" would look like a verdict.
      const regionCell = group.some(({ result }) => result.resource.region !== UNKNOWN_REGION)
        ? (region: string): Cell[] => [{ text: region === UNKNOWN_REGION ? "" : region, style: colors.dim }]
        : (): Cell[] => [];
      return {
        heading,
        lines: [
          ...teaching,
          ...table(
            group.map(({ result, location }) => [
              { text: result.resource.id },
              ...regionCell(result.resource.region),
              messageCell(result, colors),
              fileCell(location, colors),
            ]),
            width,
          ),
        ],
      };
    });
}

/**
 * A heading on one line when it fits; otherwise what names the group (`head`) on its own line and
 * the rest wrapped below it, so that an id is never cut.
 */
function fitHeading(head: readonly string[], rest: readonly string[], width: number): string {
  const line = [...head, ...rest].join("  ");
  if (visibleLength(line) <= width) return line;
  const restLines = wrapText(rest.join("  "), width, "  ");
  return [head.join("  "), ...restLines].join("\n");
}

/**
 * A failing rule's first remediation sentence and its documentation link: a finding should say how
 * to fix it, not only what is wrong.
 */
function remediationLines(rule: RuleMetadata, colors: Colors, width: number, indent: string): string[] {
  const lines = wrapText(`Fix: ${firstSentence(rule.remediation)}`, width, indent);
  const docs = ruleDocUri(rule);
  if (docs !== undefined) {
    // The link is never wrapped: it goes on its own line when it does not fit beside its label.
    lines.push(
      indent.length + 6 + docs.length <= width
        ? `${indent}Docs: ${colors.cyan(docs)}`
        : `${indent}Docs:\n${indent}${colors.cyan(docs)}`,
    );
  }
  return lines.map((line) => colors.dim(line));
}

/** Grouped by resource, the rules appear on many resources: how to fix each is said once, after. */
function howToFix(report: Report, findings: readonly Finding[], colors: Colors, width: number): Section[] {
  const failing = new Set(
    findings.filter(({ result }) => result.status === "fail").map(({ result }) => result.ruleId),
  );
  const rules = report.rules.filter((rule) => failing.has(rule.id));
  if (rules.length === 0) return [];
  return [
    {
      heading: colors.bold("How to fix:"),
      lines: rules.flatMap((rule) => [
        `  ${colors.bold(rule.id)}`,
        ...remediationLines(rule, colors, width, "    "),
      ]),
    },
  ];
}

function groupByResource(findings: readonly Finding[], colors: Colors, width: number): Section[] {
  const groups = groupFindings(findings, (finding) => resourceIdentity(finding.result.resource));
  return [...groups.values()].map((unordered) => {
    const group = [...unordered].sort(
      (a, b) =>
        severityRank(a.result.severity) - severityRank(b.result.severity) ||
        compareText(a.result.ruleId, b.result.ruleId),
    );
    const [first] = group as [Finding, ...Finding[]];
    const { resource } = first.result;
    const where =
      resource.source.file !== undefined && resource.source.file !== ""
        ? formatLocation(resource.source.file, resource.source.line)
        : `${resource.account} ${resource.region}`;
    const heading = fitHeading(
      [colors.bold(oneLine(resource.id))],
      [oneLine(resource.type), colors.dim(oneLine(where))],
      width,
    );
    return {
      heading,
      lines: table(
        group.map(({ result, location }) => [
          { text: result.severity, style: severityStyle(result.severity, colors) },
          { text: result.ruleId, style: colors.bold },
          messageCell(result, colors),
          fileCell(location, colors),
        ]),
        width,
      ),
    };
  });
}

function groupFindings(
  findings: readonly Finding[],
  key: (finding: Finding) => string,
): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const name = key(finding);
    const group = groups.get(name);
    if (group) group.push(finding);
    else groups.set(name, [finding]);
  }
  return groups;
}

// Sorting by location keeps a template's findings in file order and a live scan's by account,
// region, type and id, since that is how their URIs are built.
function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.location.uri, b.location.uri) ||
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    compareText(a.result.ruleId, b.result.ruleId)
  );
}

// Code-unit order rather than the locale's, so that the output is the same on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Cell {
  text: string;
  style?: (text: string) => string;
}

/**
 * Pads every column but the last to its widest cell, measuring before colouring. A row wider than
 * `width` is stacked instead: its first cell (an id or ARN, never cut) on a line of its own, then
 * each other cell wrapped below it.
 */
function table(cellRows: readonly Cell[][], width: number = Infinity): string[] {
  // Cells hold values from the inputs: a carriage return or an escape sequence in a resource id or
  // a file name would otherwise reach the terminal and could overwrite the finding's own line.
  const rows = cellRows.map((row) => row.map((cell) => ({ ...cell, text: oneLine(cell.text) })));
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.text.length);
    });
  }
  return rows.flatMap((row) => {
    const cells = row.filter((cell, column) => cell.text !== "" || column < row.length - 1);
    const text = cells
      .map((cell, column) => {
        const padded = column < cells.length - 1 ? cell.text.padEnd(widths[column] ?? 0) : cell.text;
        return cell.style ? cell.style(padded) : padded;
      })
      .join("  ");
    const line = `  ${text}`.trimEnd();
    if (visibleLength(line) <= width) return [line];
    // Leading cells (the id, the region) stay together while they fit; the rest is wrapped below.
    const present = cells.filter((cell) => cell.text !== "");
    const style = (cell: Cell) => (lineText: string) => (cell.style ? cell.style(lineText) : lineText);
    let head = `  ${present[0]?.text ?? ""}`;
    let taken = 1;
    while (taken < present.length - 1 && head.length + 2 + present[taken]!.text.length <= width) {
      head = `${head}  ${present[taken]!.text}`;
      taken += 1;
    }
    const headLine = present
      .slice(0, taken)
      .map((cell) => style(cell)(cell.text))
      .join("  ");
    return [
      `  ${headLine}`,
      ...present.slice(taken).flatMap((cell) => wrapText(cell.text, width, "    ").map(style(cell))),
    ];
  });
}

function messageCell(result: RuleResult, colors: Colors): Cell {
  return result.status === "error"
    ? { text: resultMessage(result), style: colors.magenta }
    : { text: result.message };
}

function fileCell(location: ResultLocation, colors: Colors): Cell {
  return location.file === undefined
    ? { text: "" }
    : { text: formatLocation(location.file, location.line, location.column), style: colors.cyan };
}

function worstSeverity(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>(
    (worst, { result }) => (severityRank(result.severity) < severityRank(worst) ? result.severity : worst),
    "note",
  );
}

function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

function severityLabel(severity: Severity, colors: Colors): string {
  return severityStyle(severity, colors)(severity.padEnd(7));
}

function severityStyle(severity: Severity, colors: Colors): (text: string) => string {
  switch (severity) {
    case "error":
      return (text) => colors.bold(colors.red(text));
    case "warning":
      return colors.yellow;
    case "note":
      return colors.blue;
  }
}

function summaryLines(report: Report, colors: Colors): string[] {
  const { byStatus, failuresBySeverity, resources, rules } = report.summary;
  const statuses = [
    colors.red(`${byStatus.fail} failed`),
    ...(byStatus.waived > 0 ? [colors.yellow(`${byStatus.waived} waived`)] : []),
    colors.magenta(`${byStatus.error} not evaluated`),
    colors.green(`${byStatus.pass} passed`),
    colors.dim(`${byStatus.not_applicable} not applicable`),
  ].join(", ");
  const severities = SEVERITIES.map((severity) =>
    severityStyle(severity, colors)(`${failuresBySeverity[severity]} ${severity}`),
  ).join(", ");
  const lines = [
    `${colors.bold("Results:")} ${statuses} (${plural(resources, "resource")}, ${plural(rules, "rule")})`,
    `${colors.bold("Failures by severity:")} ${severities}`,
  ];
  if (report.configurationFile !== undefined) {
    lines.push(`${colors.bold("Configuration:")} ${report.configurationFile ?? "none (built-in defaults)"}`);
  }
  const { baseline } = report;
  if (baseline !== undefined) {
    lines.push(
      `${colors.bold(`Baseline ${baseline.file}:`)} ${colors.red(`${baseline.new} new`)}, ` +
        `${baseline.unchanged} unchanged (not listed), ${colors.green(`${baseline.absent} no longer failing`)}` +
        (baseline.unseen > 0 ? `, ${colors.yellow(`${baseline.unseen} not seen by this run`)}` : ""),
    );
  }
  if (byStatus.error === 0 && (byStatus.fail === 0 || (baseline !== undefined && baseline.new === 0))) {
    // Nothing failed in what could be read: with an input or a scope unread, that is no verdict.
    const incomplete = report.inputProblems.length > 0 || report.collectionErrors.length > 0;
    lines.unshift(
      incomplete
        ? colors.magenta("Incomplete run: some inputs could not be read (listed below).")
        : colors.green(byStatus.fail === 0 ? "No failing results." : "No new failing results."),
      "",
    );
  }
  return lines;
}

/**
 * The waivers worth a look: those that match nothing (stale, to remove), those that have expired,
 * and those that expire within {@link EXPIRING_SOON_DAYS} days; the rest are only counted.
 */
function waiverLines(outcomes: readonly WaiverOutcome[], colors: Colors): string[] {
  if (outcomes.length === 0) return [];
  const count = (state: WaiverOutcome["state"]) => outcomes.filter((outcome) => outcome.state === state);
  const heading =
    `${colors.bold("Waivers:")} ${count("active").length} active, ` +
    `${colors.red(`${count("expired").length} expired`)}, ${colors.yellow(`${count("unmatched").length} unmatched`)}`;
  const noteworthy = outcomes
    .filter((outcome) => outcome.state !== "active" || outcome.daysLeft <= EXPIRING_SOON_DAYS)
    .map((outcome) => {
      const { waiver } = outcome;
      const where = formatLocation(waiver.file || "(no file)", waiver.line, waiver.column);
      const [label, detail, style] =
        outcome.state === "unmatched"
          ? ["unmatched", "matches no failing result: remove it", colors.yellow]
          : outcome.state === "expired"
            ? ["expired", `expired on ${waiver.expires}`, colors.red]
            : [
                outcome.daysLeft === 0 ? "expires today" : `expires in ${plural(outcome.daysLeft, "day")}`,
                `on ${waiver.expires}`,
                colors.yellow,
              ];
      return [
        { text: where, style: colors.cyan },
        { text: label, style },
        { text: waiver.rule, style: colors.bold },
        { text: waiver.resource ?? outcome.resourceId ?? "" },
        { text: `${detail} (owner: ${waiver.owner})` },
      ];
    });
  return [heading, ...table(noteworthy)];
}

function collectionErrorLines(errors: readonly CollectionError[], colors: Colors): string[] {
  return [
    colors.bold(colors.magenta(`${plural(errors.length, "collection error")}:`)),
    ...errors.map((error) => {
      const permission = error.iamAction !== undefined ? ` (requires ${error.iamAction})` : "";
      // A snapshot's collection errors are data like its resources: shown escaped, never raw.
      return (
        `  ${oneLine(`${error.account} ${error.region}`)}  ${colors.bold(oneLine(`${error.service} ${error.operation}`))}  ` +
        oneLine(`${error.code}: ${error.message}${permission}`)
      );
    }),
  ];
}

function inputProblemLines(problems: readonly InputProblem[], colors: Colors): string[] {
  return [
    colors.bold(colors.magenta(`${plural(problems.length, "input problem")}:`)),
    // A message quotes what the input holds (a condition's name): shown escaped, never raw.
    ...problems.map(
      (problem) =>
        `  ${oneLine(formatLocation(problem.file, problem.line, problem.column))}: ${oneLine(problem.message)}`,
    ),
  ];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
