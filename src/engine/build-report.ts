import { INFORMATION_URI, PACKAGE } from "../assets.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../sources/source.js";
import type { Report, RuleResult } from "./result.js";
import type { Rule } from "./rule.js";
import { summarize } from "./summary.js";

export function buildReport(input: {
  rules: readonly Rule[];
  results: RuleResult[];
  collectionErrors: readonly CollectionError[];
  inputProblems?: readonly InputProblem[];
  resourceCount: number;
  inputs: string[];
  severityOverrides?: ReadonlyMap<string, Report["rules"][number]["severity"]>;
}): Report {
  return {
    tool: { name: PACKAGE.name, version: PACKAGE.version, informationUri: INFORMATION_URI },
    rules: input.rules.map((rule) => ({
      ...rule.metadata,
      severity: input.severityOverrides?.get(rule.metadata.id) ?? rule.metadata.severity,
    })),
    results: input.results,
    collectionErrors: [...input.collectionErrors],
    inputProblems: [...(input.inputProblems ?? [])],
    summary: summarize(input.results, input.rules.length, input.resourceCount),
    inputs: input.inputs,
  };
}
