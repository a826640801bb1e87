import { INFORMATION_URI, PACKAGE } from "../assets.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../model/input-problem.js";
import type { BaselineComparison, Report, RuleResult, WaiverOutcome } from "./result.js";
import type { Rule } from "./rule.js";
import { summarize } from "./summary.js";
import { EXPIRED_WAIVER_RULE } from "./waivers.js";

export function buildReport(input: {
  rules: readonly Rule[];
  results: RuleResult[];
  collectionErrors: readonly CollectionError[];
  inputProblems?: readonly InputProblem[];
  resourceCount: number;
  inputs: string[];
  severityOverrides?: ReadonlyMap<string, Report["rules"][number]["severity"]>;
  waivers?: WaiverOutcome[];
  baseline?: BaselineComparison;
}): Report {
  // Expired-waiver findings need their pseudo rule among the rules, as every result does.
  const expiredWaivers = input.results.some((result) => result.ruleId === EXPIRED_WAIVER_RULE.id);
  const report: Report = {
    tool: { name: PACKAGE.name, version: PACKAGE.version, informationUri: INFORMATION_URI },
    rules: [
      ...input.rules.map((rule) => ({
        ...rule.metadata,
        severity: input.severityOverrides?.get(rule.metadata.id) ?? rule.metadata.severity,
      })),
      ...(expiredWaivers ? [EXPIRED_WAIVER_RULE] : []),
    ],
    results: input.results,
    collectionErrors: [...input.collectionErrors],
    inputProblems: [...(input.inputProblems ?? [])],
    summary: summarize(input.results, input.rules.length, input.resourceCount),
    inputs: input.inputs,
  };
  if (input.waivers !== undefined) report.waivers = input.waivers;
  if (input.baseline !== undefined) report.baseline = input.baseline;
  return report;
}
