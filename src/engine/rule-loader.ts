import { parseYaml, positionOf, toJs, type ParsedYaml } from "../util/yaml-position.js";
import {
  compileRuleValue,
  type CompileResult,
  type RuleChecks,
  type SchemaValidator,
} from "./rule-compile.js";
import { checkRulePaths } from "./rule-paths.js";
import validateRuleSchema from "./rule-validator.generated.js";

/**
 * Loads rule files: YAML, validated against `schemas/rule.schema.json`, then compiled (paths,
 * references, message placeholders). Problems are collected, not thrown, so `rules validate`
 * reports every broken file at once; each problem names file, line and column.
 */

export { formatProblem, type RuleProblem } from "./rule-compile.js";
export { findRuleFiles, loadRuleDirectories, type LoadedRules } from "./rule-directories.js";

/**
 * `schemas/rule.schema.json`, compiled ahead of time (`npm run validators`) rather than at every
 * start: compiling it took longer than loading every built-in rule.
 */
const CHECKS: RuleChecks = { validateRule: validateRuleSchema as SchemaValidator, checkRulePaths };

/**
 * Compiles one rule file's text. `display` names the file in messages; `path` is where it lives;
 * `relativeFile` is its path inside the rules directory (shown in reports and docs).
 */
export function compileRuleText(
  text: string,
  display: string,
  path: string,
  relativeFile: string,
): CompileResult {
  const parsed = parseYaml(text);
  if (parsed.problem) {
    const { line, column, message } = parsed.problem;
    return { problem: { file: display, line, column, message: `invalid YAML: ${message}` } };
  }
  let value: unknown;
  try {
    value = toJs(parsed);
  } catch (error) {
    return { problem: { file: display, message: `invalid YAML: ${(error as Error).message}` } };
  }
  return compileRuleValue(
    value,
    display,
    path,
    relativeFile,
    (pointer, key) => positionOf(parsed, pointer, key === undefined ? {} : { key }),
    CHECKS,
  );
}

export type { ParsedYaml };
