import { compileRuleText } from "../../src/engine/rule-loader.js";
import type { Rule } from "../../src/engine/rule.js";

const ENVELOPE = `
title: A test rule
severity: error
security-severity: 5
description: d
rationale: r
remediation: m
tags: [test]
`;

/** Compiles a rule from the YAML of its logic (id, resource, condition, message, …). */
export function ruleFrom(yaml: string): Rule {
  const result = compileRuleText(`${ENVELOPE}\n${yaml}`, "inline.yaml", "/inline.yaml", "inline.yaml");
  if ("problem" in result)
    throw new Error(`${result.problem.line}:${result.problem.column}: ${result.problem.message}`);
  return result.rule;
}
