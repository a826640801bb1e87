import type { ErrorObject } from "ajv";
import { formatLocation } from "../errors.js";
import type { ResourceType } from "../model/resource.js";
import { explainSchemaErrors } from "../util/schema-errors.js";
import type { SourcePosition } from "../util/source-position.js";
import { compileCondition, ConditionError } from "./condition/compile.js";
import { MessageBranches } from "./condition/message-branch.js";
import { frameworkTags } from "./frameworks.js";
import {
  compileMessage,
  messagesById,
  singleMessage,
  TemplateError,
  type MessageTemplate,
  type RuleMessages,
} from "./message.js";
import { coerceParam, ParamError } from "./params.js";
import type { checkRulePaths } from "./rule-paths.js";
import type { Rule, RuleDefinition } from "./rule.js";

/**
 * Compiles a rule from its plain value (a rule file's mapping): schema validation, then paths,
 * references and message placeholders. It knows nothing of YAML, so that the built-in rules,
 * stored as JSON at build time, compile without loading a YAML parser; the caller says where in
 * its file each part of the value was written, when it knows.
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

/** Where the value at a JSON pointer was written; empty when the source has no positions. */
export type RuleLocator = (pointer: (string | number)[], key?: string) => Partial<SourcePosition>;

export type CompileResult = { rule: Rule; idPosition: Partial<SourcePosition> } | { problem: RuleProblem };

/** GitHub code scanning keeps 20 tags of a rule; reports add `security`. */
const MAX_RULE_TAGS = 19;

/** A compiled JSON Schema validator (ajv's standalone code). */
export interface SchemaValidator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * The checks that find problems in a rule without building any part of it: its schema, and
 * whether its paths can select anything. A definition the loader accepted when the package was
 * built (the built-in pack) has none to find, and is compiled without them (nor loading them).
 */
export interface RuleChecks {
  validateRule: SchemaValidator;
  checkRulePaths: typeof checkRulePaths;
}

/**
 * Compiles one rule's value. `display` names the file in messages; `path` is where it lives;
 * `relativeFile` is its path inside the rules directory (shown in reports and docs).
 * Without `checks`, the value is a definition the loader accepted when the package was built
 * (the built-in pack).
 */
export function compileRuleValue(
  value: unknown,
  display: string,
  path: string,
  relativeFile: string,
  locate: RuleLocator,
  checks?: RuleChecks,
): CompileResult {
  const at = (pointer: (string | number)[], message: string, key?: string): CompileResult => ({
    problem: { file: display, ...locate(pointer, key), message },
  });
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { problem: { file: display, line: 1, column: 1, message: "a rule file must be a YAML mapping" } };
  }
  if (checks && !checks.validateRule(value)) {
    const explained = explainSchemaErrors(checks.validateRule.errors ?? []);
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
  const resourceTypes: ResourceType[] = Array.isArray(definition.resource)
    ? definition.resource
    : [definition.resource];
  const rule: Omit<Rule, keyof CompiledParts> = {
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
    definition,
  };
  if (!checks) return { rule: compiledOnFirstUse(rule, paramNames, display), idPosition: locate(["id"]) };
  const compiled = compileParts(definition, paramNames);
  if ("problem" in compiled) return at(compiled.pointer, compiled.problem, compiled.key);
  const pathProblem = checks.checkRulePaths(definition, resourceTypes);
  if (pathProblem) return at(pathProblem.pointer, pathProblem.message);
  const { appliesWhen, ...always } = compiled;
  return {
    rule: { ...rule, ...(appliesWhen ? { appliesWhen } : {}), ...always },
    idPosition: locate(["id"]),
  };
}

/** The parts of a rule compiled from its condition and messages. */
type CompiledParts = Pick<Rule, "condition" | "appliesWhen" | "message">;

interface PartsProblem {
  pointer: (string | number)[];
  problem: string;
  key?: string;
}

function compileParts(definition: RuleDefinition, paramNames: Set<string>): CompiledParts | PartsProblem {
  let templatePointer: (string | number)[] = ["message"];
  try {
    const branches = definition.messages ? new MessageBranches(Object.keys(definition.messages)) : undefined;
    const condition = compileCondition(definition.condition, paramNames, ["condition"], branches);
    const appliesWhen =
      definition["applies-when"] === undefined
        ? undefined
        : // A filter that is false makes a resource not applicable: there, as under `not`, a value
          // a test cannot read must not count as "does not match".
          compileCondition(definition["applies-when"], paramNames, ["applies-when"], undefined, {
            leansToPass: true,
          });
    const names = collectBindings(definition.condition);
    let message: RuleMessages;
    if (definition.messages && branches) {
      const fallback = (definition.condition as Record<string, unknown>).message;
      if (typeof fallback !== "string") {
        return {
          pointer: ["condition"],
          problem: `a rule with "messages" names, at the top of its condition, the message for failures no branch names ("message: <id>")`,
        };
      }
      const unused = branches.unused();
      if (unused.length) {
        return {
          pointer: ["messages"],
          problem: `message "${unused[0]}" is declared but no branch of the condition names it`,
          key: unused[0],
        };
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
    return { condition, appliesWhen, message };
  } catch (error) {
    if (error instanceof ConditionError) return { pointer: error.pointer, problem: error.message };
    if (error instanceof TemplateError) return { pointer: templatePointer, problem: error.message };
    throw error;
  }
}

/**
 * A rule whose condition and messages are compiled when first used. A run compiles only the
 * rules it evaluates (those of the resource types it read), as the Lambda does; a rule of the
 * built-in pack compiled when the package was built, so a failure here is a packaging bug.
 */
function compiledOnFirstUse(
  rule: Omit<Rule, keyof CompiledParts>,
  paramNames: Set<string>,
  display: string,
): Rule {
  let parts: CompiledParts | undefined;
  const compiled = (): CompiledParts => {
    if (parts) return parts;
    const result = compileParts(rule.definition, paramNames);
    if ("problem" in result) throw new Error(`built-in rule ${display} does not compile: ${result.problem}`);
    parts = result;
    return parts;
  };
  return Object.defineProperties(rule as Rule, {
    condition: { get: () => compiled().condition, enumerable: true },
    appliesWhen: { get: () => compiled().appliesWhen, enumerable: true },
    message: { get: () => compiled().message, enumerable: true },
  });
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
