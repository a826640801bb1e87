import type { JsonObject, JsonValue } from "../../model/resource.js";
import type { UnknownValue } from "../../model/unknown.js";
import { defineField } from "../../util/own-field.js";

/** A step path into a resource's planned attributes: `["ingress", 0, "cidr_blocks"]`. */
export type Path = readonly (string | number)[];

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A list attribute's items, a single value as a list of one, nothing as an empty list. */
export function asList<T>(value: T[] | T | undefined): T[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

export function scalarText(value: JsonValue): string {
  return typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : JSON.stringify(value);
}

/** `module.a.module.b.aws_x.y[0]` → `module.a.module.b`. */
export function moduleOf(address: string): string {
  const match = /^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.?)*)/.exec(address);
  return (match?.[1] ?? "").replace(/\.$/, "");
}

/** `ingress[0].cidr_blocks` */
export function pathText(path: Path): string {
  return path.reduce<string>(
    (text, step) => (typeof step === "number" ? `${text}[${step}]` : text === "" ? step : `${text}.${step}`),
    "",
  );
}

/**
 * The planned value with markers where `after_unknown` says a nested part is unknown: a list of
 * CIDR blocks with one element computed keeps its known elements.
 */
export function mergeUnknown(
  value: unknown,
  unknown: unknown,
  marker: (path: (string | number)[]) => UnknownValue,
): JsonValue {
  return merge(value, unknown, [], marker);
}

/**
 * `mergeUnknown` below `path` (the steps from the top, a stack shared by the whole walk): a large
 * plan has hundreds of thousands of values, so no list or function is made for each of them.
 */
function merge(
  value: unknown,
  unknown: unknown,
  path: (string | number)[],
  marker: (path: (string | number)[]) => UnknownValue,
): JsonValue {
  if (unknown === null || typeof unknown !== "object") return value as JsonValue;
  if (Array.isArray(value)) {
    const flags = Array.isArray(unknown) ? unknown : [];
    const length = Math.max(value.length, flags.length);
    const result: JsonValue[] = [];
    for (let index = 0; index < length; index += 1) {
      path.push(index);
      const flag: unknown = flags[index];
      if (flag === true) result.push(marker(path.slice()));
      else result.push(merge(value[index], flag, path, marker));
      path.pop();
    }
    return result;
  }
  if (value !== null && typeof value === "object") {
    const result: JsonObject = {};
    const record = value as Record<string, unknown>;
    const flags = unknown as Record<string, unknown>;
    const mergeKey = (key: string): void => {
      const flag = flags[key];
      path.push(key);
      if (flag === true) defineField(result, key, marker(path.slice()));
      else if (Object.hasOwn(record, key)) defineField(result, key, merge(record[key], flag, path, marker));
      path.pop();
    };
    // The value's own keys first, then those only the flags name, each once.
    const own = Object.keys(record);
    for (const key of own) mergeKey(key);
    for (const key of Object.keys(flags))
      if (!Object.prototype.propertyIsEnumerable.call(record, key)) mergeKey(key);
    return result;
  }
  return value as JsonValue;
}
