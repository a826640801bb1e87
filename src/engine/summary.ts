import type { CollectionError } from "../model/collection-error.js";
import { SEVERITIES, type RuleResult, type Severity, type Summary } from "./result.js";

export function summarize(results: readonly RuleResult[], rules: number, resources: number): Summary {
  const summary: Summary = {
    byStatus: { pass: 0, fail: 0, not_applicable: 0, error: 0, waived: 0 },
    failuresBySeverity: { error: 0, warning: 0, note: 0 },
    resources,
    rules,
  };
  for (const result of results) {
    summary.byStatus[result.status] += 1;
    if (result.status === "fail") summary.failuresBySeverity[result.severity] += 1;
  }
  return summary;
}

export type FailThreshold = Severity | "never";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_INCOMPLETE = 2;

/**
 * 2 when the run could not judge everything (an `error` result, a collection error or an input
 * file that could not be used), else 1
 * when a failure is at or above the threshold, else 0. The same for every command. Waived results
 * never fail the run, and neither do failures a baseline already had (`baselineState: "unchanged"`).
 */
export function exitCodeFor(
  results: readonly RuleResult[],
  collectionErrors: readonly CollectionError[],
  failOn: FailThreshold,
  inputProblems: readonly unknown[] = [],
): number {
  const incomplete =
    collectionErrors.length > 0 ||
    inputProblems.length > 0 ||
    results.some((result) => result.status === "error");
  if (incomplete) return EXIT_INCOMPLETE;
  if (failOn === "never") return EXIT_OK;
  const threshold = SEVERITIES.indexOf(failOn);
  const failing = results.some(
    (result) =>
      result.status === "fail" &&
      result.baselineState !== "unchanged" &&
      SEVERITIES.indexOf(result.severity) <= threshold,
  );
  return failing ? EXIT_FINDINGS : EXIT_OK;
}
