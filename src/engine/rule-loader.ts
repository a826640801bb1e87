import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import type { ErrorObject } from "ajv";
import { formatLocation } from "../errors.js";
import type { ResourceType } from "../model/resource.js";
import { explainSchemaErrors } from "../util/schema-errors.js";
import { NotTextError, readTextFile } from "../util/text-file.js";
import { parseYaml, positionOf, toJs, type ParsedYaml } from "../util/yaml-position.js";
import { compileCondition, ConditionError } from "./condition/compile.js";
import { frameworkTags } from "./frameworks.js";
import { MessageBranches } from "./condition/message-branch.js";
import {
  compileMessage,
  messagesById,
  singleMessage,
  TemplateError,
  type MessageTemplate,
  type RuleMessages,
} from "./message.js";
import { coerceParam, ParamError } from "./params.js";
import { checkRulePaths } from "./rule-paths.js";
import type { Rule, RuleDefinition } from "./rule.js";
import { describeFileError } from "../util/file-errors.js";
import validateRuleSchema from "./rule-validator.generated.js";
import type { SourcePosition } from "../util/source-position.js";

/**
 * Loads rule files: YAML, validated against `schemas/rule.schema.json`, then compiled (paths,
 * references, message placeholders). Problems are collected, not thrown, so `rules validate`
 * reports every broken file at once; each problem names file, line and column.
 */

export interface RuleProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export function formatProblem(problem: RuleProblem): string {
  return `${formatLocation(problem.file, problem.line, problem.column)}: ${problem.message}`;
}

export interface LoadedRules {
  rules: Rule[];
  problems: RuleProblem[];
}

/** GitHub code scanning keeps 20 tags of a rule; reports add `security`. */
const MAX_RULE_TAGS = 19;

const TEST_SUFFIX = /\.test\.ya?ml$/;
const RULE_FILE = /\.ya?ml$/;

/**
 * `schemas/rule.schema.json`, compiled ahead of time (`npm run validators`) rather than at every
 * start: compiling it took longer than loading every built-in rule.
 */
interface SchemaValidator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}
const validateRule = validateRuleSchema as SchemaValidator;

/** Rule files below `dir`, sorted so that load order and output are stable. */
export async function findRuleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && RULE_FILE.test(entry.name) && !TEST_SUFFIX.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export async function loadRuleDirectories(
  dirs: readonly string[],
  cwd = process.cwd(),
): Promise<LoadedRules> {
  const rules: Rule[] = [];
  const problems: RuleProblem[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = await findRuleFiles(dir);
    } catch (error) {
      problems.push({
        file: relative(cwd, dir) || dir,
        message: `cannot read rule directory: ${describeFileError(error)}`,
      });
      continue;
    }
    if (files.length === 0)
      problems.push({ file: relative(cwd, dir) || dir, message: "no rule files (*.yaml) found" });
    for (const file of files) {
      const display = relative(cwd, file);
      let text: string;
      try {
        text = await readTextFile(file);
      } catch (error) {
        const message =
          error instanceof NotTextError
            ? error.message
            : `cannot read the rule file: ${describeFileError(error)}`;
        problems.push({ file: display, message });
        continue;
      }
      const result = compileRuleText(text, display, file, relative(dir, file));
      if ("problem" in result) {
        problems.push(result.problem);
        continue;
      }
      const previous = seen.get(result.rule.metadata.id);
      if (previous) {
        problems.push({
          file: display,
          ...result.idPosition,
          message: `duplicate rule id "${result.rule.metadata.id}" (also defined in ${previous})`,
        });
        continue;
      }
      seen.set(result.rule.metadata.id, display);
      rules.push(result.rule);
    }
  }
  return { rules, problems };
}

type CompileResult = { rule: Rule; idPosition: SourcePosition } | { problem: RuleProblem };

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
  const at = (pointer: (string | number)[], message: string, key?: string): CompileResult => {
    const position = positionOf(parsed, pointer, key === undefined ? {} : { key });
    return { problem: { file: display, ...position, message } };
  };
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
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { problem: { file: display, line: 1, column: 1, message: "a rule file must be a YAML mapping" } };
  }
  if (!validateRule(value)) {
    const explained = explainSchemaErrors(validateRule.errors ?? []);
    const where = explained.pointer.length ? `${explained.pointer.join(".")}: ` : "";
    const inCondition = explained.pointer[0] === "condition" || explained.pointer[0] === "applies-when";
    const message = inCondition
      ? explained.message.replace(/^unknown key/, "unknown operator")
      : explained.message;
    return at(explained.pointer, `${where}${message}`, explained.key);
  }
  const definition = value as RuleDefinition;
  // Reports show each control as a tag next to the rule's own, within GitHub's limit of 20
  // (one of them `security`): a rule whose tags would be cut is refused rather than cut.
  const tagCount = definition.tags.length + frameworkTags(definition.frameworks).length;
  if (tagCount > MAX_RULE_TAGS) {
    return at(
      ["frameworks"],
      `frameworks: the rule's ${definition.tags.length} tags and its ${tagCount - definition.tags.length} framework controls make ${tagCount} tags, more than ${MAX_RULE_TAGS}`,
    );
  }
  if ((definition.message === undefined) === (definition.messages === undefined)) {
    return definition.message === undefined
      ? at([], `missing required key "message" (or "messages", by id)`)
      : at(
          [],
          `"message" and "messages" do not go together: a rule has one message, or messages by id`,
          "messages",
        );
  }
  const params = definition.params ?? {};
  for (const [name, spec] of Object.entries(params)) {
    try {
      coerceParam(name, spec, spec.default);
    } catch (error) {
      if (error instanceof ParamError) return at(["params", name, "default"], error.message);
      throw error;
    }
  }
  const paramNames = new Set(Object.keys(params));
  let templatePointer: (string | number)[] = ["message"];
  try {
    const branches = definition.messages ? new MessageBranches(Object.keys(definition.messages)) : undefined;
    const condition = compileCondition(definition.condition, paramNames, ["condition"], branches);
    const appliesWhen =
      definition["applies-when"] === undefined
        ? undefined
        : compileCondition(definition["applies-when"], paramNames, ["applies-when"]);
    const names = collectBindings(definition.condition);
    let message: RuleMessages;
    if (definition.messages && branches) {
      const fallback = (definition.condition as Record<string, unknown>).message;
      if (typeof fallback !== "string") {
        return at(
          ["condition"],
          `a rule with "messages" names, at the top of its condition, the message for failures no branch names ("message: <id>")`,
        );
      }
      const unused = branches.unused();
      if (unused.length) {
        return at(
          ["messages"],
          `message "${unused[0]}" is declared but no branch of the condition names it`,
          unused[0],
        );
      }
      const templates = new Map<string, MessageTemplate>();
      for (const [id, text] of Object.entries(definition.messages)) {
        templatePointer = ["messages", id];
        templates.set(id, compileMessage(text, names));
      }
      message = messagesById(templates, fallback);
    } else {
      message = singleMessage(compileMessage(definition.message!, names));
    }
    const resourceTypes: ResourceType[] = Array.isArray(definition.resource)
      ? definition.resource
      : [definition.resource];
    const pathProblem = checkRulePaths(definition, resourceTypes);
    if (pathProblem) return at(pathProblem.pointer, pathProblem.message);
    const rule: Rule = {
      metadata: {
        id: definition.id,
        title: definition.title,
        severity: definition.severity,
        securitySeverity: definition["security-severity"],
        precision: definition.precision ?? "high",
        description: definition.description.trim(),
        rationale: definition.rationale.trim(),
        remediation: definition.remediation.trim(),
        ...(definition["help-uri"] ? { helpUri: definition["help-uri"] } : {}),
        tags: definition.tags,
        ...(definition.frameworks ? { frameworks: definition.frameworks } : {}),
        resourceTypes,
        file: relativeFile.split("\\").join("/"),
      },
      path,
      dependsOn: [...new Set([...resourceTypes, ...(definition.uses ?? [])])],
      params,
      liveOnly: definition["live-only"] ?? false,
      ...(appliesWhen ? { appliesWhen } : {}),
      condition,
      message,
      definition,
    };
    return { rule, idPosition: positionOf(parsed, ["id"]) };
  } catch (error) {
    if (error instanceof ConditionError) return at(error.pointer, error.message);
    if (error instanceof TemplateError) return at(templatePointer, error.message);
    throw error;
  }
}

/** Names bound by `as` anywhere in a condition: the message may use them as placeholders. */
function collectBindings(condition: unknown, names = new Set<string>()): Set<string> {
  if (Array.isArray(condition)) condition.forEach((item) => collectBindings(item, names));
  else if (condition !== null && typeof condition === "object") {
    for (const [key, value] of Object.entries(condition)) {
      if (key === "as" && typeof value === "string") names.add(value);
      else collectBindings(value, names);
    }
  }
  return names;
}

export type { ParsedYaml };
