import { posix } from "node:path";

/**
 * What a GitHub Actions job shows of a check, made from the SARIF file the check wrote: a
 * workflow annotation per finding (`::error file=…,line=…::message`) and a Markdown job summary.
 * SARIF is the input because it is the file code scanning uploads: the annotations and the alerts
 * then say the same thing.
 */

interface SarifResult {
  ruleId?: string;
  level?: "error" | "warning" | "note" | "none";
  kind?: string;
  message?: { text?: string };
  suppressions?: unknown[];
  locations?: {
    physicalLocation?: {
      artifactLocation?: { uri?: string };
      region?: { startLine?: number; startColumn?: number };
    };
    logicalLocations?: { name?: string; fullyQualifiedName?: string }[];
  }[];
  properties?: { status?: string; resourceId?: string; account?: string; region?: string };
}

/** A problem with the run itself, such as a template that could not be read. */
interface SarifNotification {
  level?: "error" | "warning" | "note" | "none";
  message?: { text?: string };
  locations?: SarifResult["locations"];
}

export interface SarifLog {
  runs?: { results?: SarifResult[]; invocations?: { toolExecutionNotifications?: SarifNotification[] }[] }[];
}

/** A finding as the job shows it. */
export interface WorkflowFinding {
  level: "error" | "warning" | "notice";
  rule: string;
  message: string;
  /** Relative to the repository root (the workspace), with forward slashes. */
  file?: string;
  line?: number;
  column?: number;
  resource?: string;
}

/**
 * What needs attention: the run's own problems (inputs that could not be read, collection
 * errors), failures and results that could not be evaluated; not waived (suppressed) results and
 * not passes. `root` is where the check ran, relative to the workspace, so that file names are
 * the repository's.
 */
export function findingsOf(log: SarifLog, root: string): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  for (const run of log.runs ?? []) {
    for (const notification of (run.invocations ?? []).flatMap((i) => i.toolExecutionNotifications ?? [])) {
      if (notification.level === "none") continue;
      findings.push(
        findingAt(root, notification.level, "input problem", notification.message, notification.locations),
      );
    }
    for (const result of run.results ?? []) {
      if (result.suppressions?.length || result.kind === "pass" || result.level === "none") continue;
      const finding = findingAt(
        root,
        result.level,
        result.ruleId ?? "access-baseline",
        result.message,
        result.locations,
      );
      const resource = result.properties?.resourceId ?? result.locations?.[0]?.logicalLocations?.[0]?.name;
      findings.push(resource !== undefined ? { ...finding, resource } : finding);
    }
  }
  return findings;
}

function findingAt(
  root: string,
  level: SarifResult["level"],
  rule: string,
  message: SarifResult["message"],
  locations: SarifResult["locations"],
): WorkflowFinding {
  const physical = locations?.[0]?.physicalLocation;
  const uri = physical?.artifactLocation?.uri;
  const line = physical?.region?.startLine;
  const column = physical?.region?.startColumn;
  return {
    level: level === "warning" ? "warning" : level === "note" ? "notice" : "error",
    rule,
    message: message?.text ?? "",
    // Only files of the repository: a live resource's location is not a file to annotate.
    ...(uri !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(uri)
      ? { file: posix.normalize(posix.join(root.split("\\").join("/") || ".", decodeURI(uri))) }
      : {}),
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
  };
}

/** `::error file=…,line=…,col=…,title=…::message`, one line per finding. */
export function annotations(findings: readonly WorkflowFinding[]): string {
  return findings
    .map((finding) => {
      const properties = [
        ...(finding.file !== undefined ? [`file=${escapeProperty(finding.file)}`] : []),
        ...(finding.line !== undefined ? [`line=${finding.line}`] : []),
        ...(finding.column !== undefined ? [`col=${finding.column}`] : []),
        `title=${escapeProperty(`access-baseline ${finding.rule}`)}`,
      ];
      return `::${finding.level} ${properties.join(",")}::${escapeData(finding.message)}\n`;
    })
    .join("");
}

/** The job summary: counts by level and a table of the findings (the first 100). */
export function jobSummary(findings: readonly WorkflowFinding[], exitCode: number): string {
  const count = (level: WorkflowFinding["level"]) =>
    findings.filter((finding) => finding.level === level).length;
  const verdict =
    exitCode === 0
      ? "passed"
      : exitCode === 1
        ? "failed: findings at or above the fail-on severity"
        : "could not complete (see the step's log)";
  const lines = [
    "## access-baseline",
    "",
    `The check ${verdict}. ${count("error")} errors, ${count("warning")} warnings, ${count("notice")} notes.`,
    "",
  ];
  if (findings.length > 0) {
    lines.push("| Level | Rule | Where | Finding |", "| --- | --- | --- | --- |");
    for (const finding of findings.slice(0, 100)) {
      const where = finding.file
        ? `${finding.file}${finding.line !== undefined ? `:${finding.line}` : ""}`
        : (finding.resource ?? "");
      lines.push(`| ${finding.level} | ${cell(finding.rule)} | ${cell(where)} | ${cell(finding.message)} |`);
    }
    if (findings.length > 100) lines.push("", `${findings.length - 100} more in the SARIF file.`);
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

// The escapes the runner undoes in workflow commands.
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
