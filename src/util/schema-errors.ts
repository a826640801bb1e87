import type { ErrorObject } from "ajv";

/**
 * Picks the one ajv error worth showing and says it in words. Schemas with `oneOf` and recursion
 * produce many errors for one mistake; the most specific is the deepest one, preferring errors
 * that name a key or an expected value over the generic "must match a schema in oneOf".
 */
const GENERIC = new Set(["oneOf", "anyOf", "allOf", "if", "not", "$ref"]);

export interface ExplainedError {
  /** Keys and indexes from the root to the offending value. */
  pointer: (string | number)[];
  /** Set when the problem is a key (unknown or not allowed): point at the key itself. */
  key?: string;
  message: string;
}

export function pointerOf(instancePath: string): (string | number)[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}

export function explainSchemaErrors(errors: readonly ErrorObject[]): ExplainedError {
  return explain(mostSpecificSchemaError(errors), errors);
}

/**
 * The one error of a failed validation worth showing, for readers that word it themselves. ajv
 * reports at least one error on failure; an empty list is a caller's mistake.
 */
export function mostSpecificSchemaError(errors: readonly ErrorObject[]): ErrorObject {
  if (errors.length === 0) throw new Error("a failed validation reports at least one error");
  const specific = errors.filter((error) => !GENERIC.has(error.keyword));
  const candidates = specific.length ? specific : errors;
  const depth = (error: ErrorObject) =>
    pointerOf(error.instancePath).length + (error.params.propertyName ? 1 : 0);
  const rank = (error: ErrorObject) =>
    ["additionalProperties", "propertyNames", "required"].includes(error.keyword) ? 0 : 1;
  return [...candidates].sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b))[0]!;
}

function quote(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

function explain(error: ErrorObject, all: readonly ErrorObject[]): ExplainedError {
  const pointer = pointerOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return {
        pointer,
        key: String(params.additionalProperty),
        message: `unexpected key "${String(params.additionalProperty)}"${allowed.length ? `; expected one of: ${allowed.join(", ")}` : ""}`,
      };
    }
    case "propertyNames":
    case "enum": {
      const found = params.propertyName ?? findPropertyName(all, error.instancePath);
      const propertyName = found === undefined ? undefined : JSON.stringify(found).replace(/^"|"$/g, "");
      const allowed = (params.allowedValues as unknown[] | undefined) ?? findAllowed(all, error.instancePath);
      if (propertyName !== undefined) {
        return {
          pointer,
          key: propertyName,
          message: `unknown key "${propertyName}"${allowed ? `; expected one of: ${allowed.join(", ")}` : ""}`,
        };
      }
      return {
        pointer,
        message: `${quote(error.data)} is not allowed; expected one of: ${(allowed ?? []).map(quote).join(", ")}`,
      };
    }
    case "required":
      return { pointer, message: `missing required key "${String(params.missingProperty)}"` };
    case "type":
      return { pointer, message: `expected ${String(params.type)}, found ${describeType(error.data)}` };
    case "minItems": {
      // ajv reports minItems only of a list.
      const least = Number(params.limit);
      const found = (error.data as unknown[]).length;
      const items = `${least} ${least === 1 ? "item" : "items"}`;
      return {
        pointer,
        message: `expected at least ${items}, found ${found === 0 ? "an empty list" : found}`,
      };
    }
    case "pattern":
      return {
        pointer,
        message: `${quote(error.data)} does not match the pattern ${String(params.pattern)}`,
      };
    case "not": {
      const refused = refusedEmptyString(error);
      if (refused !== undefined) return { pointer, message: `${refused}, found an empty string` };
      return { pointer, message: `${quote(error.data)} is not allowed here` };
    }
    default:
      return { pointer, message: error.message ?? `fails "${error.keyword}"` };
  }
}

/**
 * What a `not` error says when it refuses the empty string: the schemas write a text that must not
 * be empty as "a string, and not the const \"\"" (`nonEmptyString`), whose error ajv words as
 * "must NOT be valid".
 */
export function refusedEmptyString(error: ErrorObject): string | undefined {
  return error.keyword === "not" && error.data === "" ? "expected a non-empty string" : undefined;
}

function findPropertyName(all: readonly ErrorObject[], instancePath: string): unknown {
  return all.find((error) => error.instancePath === instancePath && error.params.propertyName !== undefined)
    ?.params.propertyName;
}

function findAllowed(all: readonly ErrorObject[], instancePath: string): unknown[] | undefined {
  return all.find((error) => error.instancePath === instancePath && error.keyword === "enum")?.params
    .allowedValues as unknown[] | undefined;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  // JSON writes a number it cannot hold (a template's 1e400 reads as Infinity) as null.
  if (typeof value === "number" && !Number.isFinite(value)) return `number ${String(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
