import type { Report, RuleResult } from "../engine/result.js";
import { formatLocation } from "../errors.js";
import { locateResult } from "./location.js";
import { resultMessage } from "./message.js";
import { element, startTag } from "./xml.js";

/**
 * JUnit XML, for CI servers that show test reports (Jenkins, GitLab, Azure Pipelines): one
 * `testsuite` per rule, one `testcase` per rule and resource. A failure is a `failure`; a rule
 * that could not be evaluated is an `error` (never a pass); waived results, not-applicable
 * results and failures the baseline already had are `skipped`, since none of them fails the run.
 * Collection errors and input problems make a last suite of errors, so an incomplete run cannot
 * look green.
 */

const RUN_SUITE = "access-baseline";

type Outcome = "pass" | "failure" | "error" | "skipped";

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** A suite's counts, known before its cases are written (they are attributes of its start tag). */
interface Suite {
  name: string;
  title: string | undefined;
  counts: Counts;
  /** The suite's cases, each written when it is taken. */
  cases: Iterable<string[]>;
}

export function renderJunit(report: Report): string {
  return [...renderJunitChunks(report)].join("");
}

/**
 * The JUnit XML of `report` a test case at a time, so that a large account's report is written as
 * it is rendered. Every count is an attribute of a start tag, so they are worked out first, from
 * the results' outcomes alone.
 */
export function* renderJunitChunks(report: Report): Generator<string> {
  const byRule = new Map<string, RuleResult[]>(report.rules.map((rule) => [rule.id, []]));
  for (const result of report.results) {
    const group = byRule.get(result.ruleId);
    if (group) group.push(result);
    else byRule.set(result.ruleId, [result]);
  }
  const titles = new Map(report.rules.map((rule) => [rule.id, rule.title]));
  const suites: Suite[] = [...byRule].map(([ruleId, results]) => ({
    name: ruleId,
    title: titles.get(ruleId),
    counts: countOutcomes(results.map(outcomeOf)),
    cases: mapped(results, testcase),
  }));
  const runProblems: { outcome: Outcome; lines: string[] }[] = [
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
  if (runProblems.length > 0) {
    suites.push({
      name: RUN_SUITE,
      title: "Inputs and collection",
      counts: countOutcomes(runProblems.map((entry) => entry.outcome)),
      cases: runProblems.map((entry) => entry.lines),
    });
  }
  const totals = suites.reduce<Counts>(
    (sum, { counts }) => ({
      tests: sum.tests + counts.tests,
      failures: sum.failures + counts.failures,
      errors: sum.errors + counts.errors,
      skipped: sum.skipped + counts.skipped,
    }),
    { tests: 0, failures: 0, errors: 0, skipped: 0 },
  );
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  const attributes = { name: RUN_SUITE, ...totals, time: 0 };
  if (suites.length === 0) {
    yield `${element("testsuites", attributes).join("\n")}\n`;
    return;
  }
  yield `${startTag("testsuites", attributes)}\n`;
  for (const suite of suites) yield* suiteChunks(suite);
  yield "</testsuites>\n";
}

function* suiteChunks({ name, title, counts, cases }: Suite): Generator<string> {
  const attributes = { name, ...counts, time: 0 };
  const properties =
    title !== undefined
      ? element("properties", {}, element("property", { name: "title", value: title }, [], "      "), "    ")
      : [];
  if (properties.length === 0 && counts.tests === 0) {
    yield `${element("testsuite", attributes, [], "  ").join("\n")}\n`;
    return;
  }
  yield `${[startTag("testsuite", attributes, "  "), ...properties].join("\n")}\n`;
  for (const lines of cases) yield `${lines.join("\n")}\n`;
  yield "  </testsuite>\n";
}

function* mapped<T, U>(items: readonly T[], map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item);
}

function countOutcomes(outcomes: readonly Outcome[]): Counts {
  const count = (outcome: Outcome) => outcomes.filter((entry) => entry === outcome).length;
  return {
    tests: outcomes.length,
    failures: count("failure"),
    errors: count("error"),
    skipped: count("skipped"),
  };
}

/** How a result shows in JUnit; `testcase` writes it so. */
function outcomeOf(result: RuleResult): Outcome {
  switch (result.status) {
    case "pass":
      return "pass";
    case "fail":
      return result.baselineState === "unchanged" ? "skipped" : "failure";
    case "error":
      return "error";
    case "waived":
    case "not_applicable":
      return "skipped";
  }
}

function testcase(result: RuleResult): string[] {
  const { resource } = result;
  const location = locateResult(resource, result.evidence);
  const where =
    location.file !== undefined
      ? formatLocation(location.file, location.line, location.column)
      : `${resource.account} ${resource.region}`;
  const name = `${resource.type} ${resource.id} (${where})`;
  const outcome = outcomeOf(result);
  switch (result.status) {
    case "pass":
      return caseOf(result.ruleId, name, outcome, "", "").lines;
    case "fail":
      return outcome === "skipped"
        ? caseOf(result.ruleId, name, outcome, `already failing in the baseline: ${result.message}`, "").lines
        : caseOf(result.ruleId, name, outcome, result.message, result.severity).lines;
    case "error":
      return caseOf(result.ruleId, name, outcome, resultMessage(result), "not-evaluated").lines;
    case "waived":
      return caseOf(
        result.ruleId,
        name,
        outcome,
        `waived until ${result.waiver?.expires ?? "?"}: ${result.waiver?.reason ?? result.message}`,
        "",
      ).lines;
    case "not_applicable":
      return caseOf(result.ruleId, name, outcome, "not applicable", "").lines;
  }
}

function caseOf(
  classname: string,
  name: string,
  outcome: Outcome,
  message: string,
  type: string,
): { outcome: Outcome; lines: string[] } {
  const detail =
    outcome === "pass"
      ? []
      : outcome === "skipped"
        ? element("skipped", { message }, [], "      ")
        : element(outcome, { message, type }, [], "      ");
  return { outcome, lines: element("testcase", { name, classname, time: 0 }, detail, "    ") };
}
