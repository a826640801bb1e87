import type { Report, RuleResult } from "../engine/result.js";
import { formatLocation } from "../errors.js";
import { locateResult } from "./location.js";
import { resultMessage } from "./message.js";
import { element } from "./xml.js";

/**
 * JUnit XML, for CI servers that show test reports (Jenkins, GitLab, Azure Pipelines): one
 * `testsuite` per rule, one `testcase` per rule and resource. A failure is a `failure`; a rule
 * that could not be evaluated is an `error` (never a pass); waived results, not-applicable
 * results and failures the baseline already had are `skipped`, since none of them fails the run.
 * Collection errors and input problems make a last suite of errors, so an incomplete run cannot
 * look green.
 */

const RUN_SUITE = "access-baseline";

export function renderJunit(report: Report): string {
  const byRule = new Map<string, RuleResult[]>(report.rules.map((rule) => [rule.id, []]));
  for (const result of report.results) {
    const group = byRule.get(result.ruleId);
    if (group) group.push(result);
    else byRule.set(result.ruleId, [result]);
  }
  const titles = new Map(report.rules.map((rule) => [rule.id, rule.title]));
  const suites = [...byRule].map(([ruleId, results]) =>
    suite(ruleId, titles.get(ruleId), results.map(testcase)),
  );
  const runProblems = [
    ...report.inputProblems.map((problem) =>
      caseOf(
        "input problem",
        formatLocation(problem.file, problem.line, problem.column),
        "error",
        problem.message,
        "input-problem",
      ),
    ),
    ...report.collectionErrors.map((error) =>
      caseOf(
        "collection error",
        `${error.service} ${error.operation} ${error.account} ${error.region}`,
        "error",
        `${error.code}: ${error.message}${error.iamAction !== undefined ? ` (requires ${error.iamAction})` : ""}`,
        "collection-error",
      ),
    ),
  ];
  if (runProblems.length > 0) suites.push(suite(RUN_SUITE, "Inputs and collection", runProblems));
  const totals = suites.reduce(
    (sum, { counts }) => ({
      tests: sum.tests + counts.tests,
      failures: sum.failures + counts.failures,
      errors: sum.errors + counts.errors,
      skipped: sum.skipped + counts.skipped,
    }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  const lines = element(
    "testsuites",
    { name: RUN_SUITE, ...totals, time: 0 },
    suites.flatMap((entry) => entry.lines),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${lines.join("\n")}\n`;
}

type Outcome = "pass" | "failure" | "error" | "skipped";

interface Case {
  outcome: Outcome;
  lines: string[];
}

function testcase(result: RuleResult): Case {
  const { resource } = result;
  const location = locateResult(resource, result.evidence);
  const where =
    location.file !== undefined
      ? formatLocation(location.file, location.line, location.column)
      : `${resource.account} ${resource.region}`;
  const name = `${resource.type} ${resource.id} (${where})`;
  switch (result.status) {
    case "pass":
      return caseOf(result.ruleId, name, "pass", "", "");
    case "fail":
      return result.baselineState === "unchanged"
        ? caseOf(result.ruleId, name, "skipped", `already failing in the baseline: ${result.message}`, "")
        : caseOf(result.ruleId, name, "failure", result.message, result.severity);
    case "error":
      return caseOf(result.ruleId, name, "error", resultMessage(result), "not-evaluated");
    case "waived":
      return caseOf(
        result.ruleId,
        name,
        "skipped",
        `waived until ${result.waiver?.expires ?? "?"}: ${result.waiver?.reason ?? result.message}`,
        "",
      );
    case "not_applicable":
      return caseOf(result.ruleId, name, "skipped", "not applicable", "");
  }
}

function caseOf(classname: string, name: string, outcome: Outcome, message: string, type: string): Case {
  const detail =
    outcome === "pass"
      ? []
      : outcome === "skipped"
        ? element("skipped", { message }, [], "      ")
        : element(outcome, { message, type }, [], "      ");
  return { outcome, lines: element("testcase", { name, classname, time: 0 }, detail, "    ") };
}

function suite(
  name: string,
  title: string | undefined,
  cases: readonly Case[],
): { counts: { tests: number; failures: number; errors: number; skipped: number }; lines: string[] } {
  const count = (outcome: Outcome) => cases.filter((entry) => entry.outcome === outcome).length;
  const counts = {
    tests: cases.length,
    failures: count("failure"),
    errors: count("error"),
    skipped: count("skipped"),
  };
  const properties =
    title !== undefined
      ? element("properties", {}, element("property", { name: "title", value: title }, [], "      "), "    ")
      : [];
  return {
    counts,
    lines: element(
      "testsuite",
      { name, ...counts, time: 0 },
      [...properties, ...cases.flatMap((entry) => entry.lines)],
      "  ",
    ),
  };
}
