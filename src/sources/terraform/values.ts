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
  return address.slice(0, moduleCalls(address).length);
}

/** A module call in a module address: its name, and its instance key as written (`["a"]`, `[0]`, or none). */
export interface ModuleCall {
  name: string;
  key: string;
}

/**
 * The module calls an address starts with, and how much of the text they take. A `for_each` key
 * is any string, dots, brackets and `module.` included, so it is read to its closing quote:
 * `module.a["module.b"]` is one call, never two.
 */
export function moduleCalls(address: string): { calls: ModuleCall[]; length: number } {
  const calls: ModuleCall[] = [];
  let length = 0;
  let at = 0;
  while (address.startsWith("module.", at)) {
    const name = /^[A-Za-z0-9_-]+/.exec(address.slice(at + "module.".length))?.[0];
    if (name === undefined) break;
    let end = at + "module.".length + name.length;
    let key = "";
    if (address[end] === "[") {
      const close = instanceKeyEnd(address, end);
      if (close === undefined) break;
      key = address.slice(end, close);
      end = close;
    }
    calls.push({ name, key });
    length = end;
    if (address[end] !== ".") break;
    at = end + 1;
  }
  return { calls, length };
}

/** Where the instance key that opens at `open` (`[0]`, `["a\"]b"]`) ends, or nothing when it does not close. */
function instanceKeyEnd(text: string, open: number): number | undefined {
  if (text[open + 1] !== '"') {
    const digits = /^\[\d+\]/.exec(text.slice(open))?.[0];
    return digits === undefined ? undefined : open + digits.length;
  }
  for (let at = open + 2; at < text.length; at += 1) {
    if (text[at] === "\\") at += 1;
    else if (text[at] === '"') return text[at + 1] === "]" ? at + 2 : undefined;
  }
  return undefined;
}

/** `ingress[0].cidr_blocks` */
export function pathText(path: Path): string {
  return path.reduce<string>(
    (text, step) => (typeof step === "number" ? `${text}[${step}]` : text === "" ? step : `${text}.${step}`),
    "",
  );
}

/** The part of a value, or of its marks, at one step; nothing when there is none. */
export function childOf(value: unknown, step: string | number): unknown {
  return value !== null && typeof value === "object" && Object.hasOwn(value, step)
    ? (value as Record<string | number, unknown>)[step]
    : undefined;
}

/**
 * Where sensitivity marks (`after_sensitive`) say a value is sensitive and the value holds none,
 * as `true` in the shape of `after_unknown`; nothing when there is no such place. A redacted plan
 * takes sensitive values out, and what is taken out must not read as not set.
 */
export function redactions(value: unknown, marks: unknown): unknown {
  if (marks === true) return value === undefined || value === null ? true : undefined;
  if (marks === null || typeof marks !== "object") return undefined;
  if (value === undefined || value === null) return marksSome(marks) ? true : undefined;
  if (typeof value !== "object") return undefined;
  const found: Record<string, unknown> = {};
  let any = false;
  for (const [step, mark] of Object.entries(marks)) {
    const inner = redactions(childOf(value, step), mark);
    if (inner === undefined) continue;
    defineField(found, step, inner as JsonValue);
    any = true;
  }
  if (!any) return undefined;
  if (!Array.isArray(value)) return found;
  // Elements the marks name past the end of the list were taken out too.
  const length = Math.max(value.length, ...Object.keys(found).map((step) => Number(step) + 1));
  return Array.from({ length }, (_, index) => found[index]);
}

function marksSome(marks: unknown): boolean {
  if (marks === true) return true;
  return marks !== null && typeof marks === "object" && Object.values(marks).some(marksSome);
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
