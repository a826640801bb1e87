import type { JsonValue } from "../model/resource.js";
import { parseVersion } from "./operators/version.js";

/**
 * Rule parameters. A rule declares each one with a type and a default; the configuration file
 * and then `--param rule.key=value` override it (and, in the Config Lambda, `InputParameters`).
 * Values from the command line arrive as strings and are converted by the declared type.
 */
export type ParamType = "string" | "number" | "integer" | "boolean" | "version" | "string-list";

export interface ParamSpec {
  type: ParamType;
  default: JsonValue;
  description: string;
  minimum?: number;
  maximum?: number;
}

export class ParamError extends Error {}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function coerceParam(name: string, spec: ParamSpec, raw: unknown): JsonValue {
  const fail = (expected: string): never => {
    throw new ParamError(`parameter "${name}" must be ${expected}, got ${JSON.stringify(raw)}`);
  };
  switch (spec.type) {
    case "string":
      if (typeof raw !== "string") return fail("a string");
      return raw;
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      return fail("true or false");
    case "number":
    case "integer": {
      // Decimal text only: Number() also reads "0x16" (22) and "0b1", which nobody writes as a port.
      const number = typeof raw === "string" && DECIMAL.test(raw.trim()) ? Number(raw) : raw;
      if (typeof number !== "number" || !Number.isFinite(number)) return fail("a number");
      if (spec.type === "integer" && !Number.isInteger(number)) fail("a whole number");
      const value = number;
      if (spec.minimum !== undefined && value < spec.minimum) fail(`at least ${spec.minimum}`);
      if (spec.maximum !== undefined && value > spec.maximum) fail(`at most ${spec.maximum}`);
      return value;
    }
    case "version":
      if (typeof raw !== "string" || !parseVersion(raw)) return fail("a dotted version such as 2.3.672.0");
      return raw;
    case "string-list":
      if (typeof raw === "string") {
        return raw
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item !== "");
      }
      if (!Array.isArray(raw) || !raw.every((item) => typeof item === "string")) {
        return fail("a list of strings");
      }
      return raw;
  }
}

/**
 * The effective parameters of one rule: each default, replaced by each override layer in order
 * (configuration file, then command line). An override for a parameter the rule does not declare
 * is an error, so a typo cannot silently leave the default in place.
 */
export function resolveParams(
  ruleId: string,
  specs: Record<string, ParamSpec>,
  layers: readonly Record<string, unknown>[],
): Record<string, JsonValue> {
  const params: Record<string, JsonValue> = {};
  for (const [name, spec] of Object.entries(specs)) params[name] = spec.default;
  for (const layer of layers) {
    for (const [name, raw] of Object.entries(layer)) {
      // Own keys only: `constructor` or `toString` is on every object, and no parameter of a rule.
      const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
      if (!spec) {
        const declared = Object.keys(specs);
        throw new ParamError(
          `rule ${ruleId} has no parameter "${name}"` +
            (declared.length ? ` (it has: ${declared.join(", ")})` : " (it has none)"),
        );
      }
      params[name] = coerceParam(`${ruleId}.${name}`, spec, raw);
    }
  }
  return params;
}
