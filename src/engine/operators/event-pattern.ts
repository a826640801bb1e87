/**
 * EventBridge event patterns: whether a rule's pattern matches an event, as EventBridge decides it
 * (content filtering: exact values, lists as OR, nested objects, `prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`, `anything-but`, `exists`, `numeric`, `cidr` and `$or`).
 *
 * A pattern is read completely before it is used, so that a mistake anywhere in it — a leaf that
 * is not a list, an unknown operator, a malformed numeric range — is an
 * `InvalidEventPatternError` naming where it sits, never "does not match": a rule EventBridge
 * would refuse says nothing about what is alerted on.
 *
 * It lives beside the CIDR operators because `cidr` filtering is range containment.
 */

import type { JsonValue } from "../../model/resource.js";
import { readJsonText } from "../../util/json-duplicates.js";
import { cidrContains, parseCidr } from "./cidr.js";

export class InvalidEventPatternError extends Error {
  constructor(
    readonly reason: string,
    /** Where in the pattern the mistake sits (`detail.eventName[0]`), empty for the whole pattern. */
    readonly at: string,
  ) {
    super(`not a valid EventBridge event pattern: ${at ? `${at}: ` : ""}${reason}`);
  }
}

/** A compiled pattern: a test of an event (or of one nested object of it). */
type ObjectTest = (event: JsonValue | undefined) => boolean;
/** A compiled leaf matcher: a test of the values a field holds (none when it is absent). */
type ValueTest = (values: readonly JsonValue[], present: boolean) => boolean;

type JsonRecord = { [key: string]: JsonValue };

function isRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function join(at: string, key: string): string {
  return at === "" ? key : `${at}.${key}`;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Reads a pattern, given as an object or as the JSON text AWS stores (`EventPattern` of
 * `ListRules`), into a test of events. Throws `InvalidEventPatternError`.
 */
export function compileEventPattern(pattern: unknown): (event: JsonValue) => boolean {
  let parsed: unknown = pattern;
  if (typeof pattern === "string") {
    const read = readJsonText(pattern);
    if ("syntax" in read) throw new InvalidEventPatternError("the text is not JSON", "");
    // Which of two equal keys EventBridge keeps is not documented, so neither reading is taken.
    if ("duplicate" in read)
      throw new InvalidEventPatternError(
        `the key ${show(read.duplicate.key)} is written twice (line ${read.duplicate.firstLine} and line ${read.duplicate.line})`,
        "",
      );
    parsed = read.value;
  }
  if (!isRecord(parsed))
    throw new InvalidEventPatternError(`a pattern is an object, got ${show(parsed)}`, "");
  const test = compileObject(parsed, "");
  return (event) => test(event);
}

/** Whether `pattern` matches `event`. Throws `InvalidEventPatternError` for an invalid pattern. */
export function eventPatternMatches(pattern: unknown, event: JsonValue): boolean {
  return compileEventPattern(pattern)(event);
}

/**
 * The event's own field: a pattern naming `constructor` or `toString` must not find what every
 * object inherits, or `exists: true` would hold for a field the event lacks.
 */
function fieldOf(event: JsonValue | undefined, key: string): JsonValue | undefined {
  return isRecord(event) && Object.hasOwn(event, key) ? event[key] : undefined;
}

function compileObject(pattern: JsonRecord, at: string): ObjectTest {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidEventPatternError("an empty object matches nothing", at);
  const tests = keys.map((key): ObjectTest => {
    const value = pattern[key]!;
    const where = join(at, key);
    if (key === "$or") return compileOr(value, where);
    if (Array.isArray(value)) {
      const leaf = compileLeaf(value, where);
      return (event) => {
        const field = fieldOf(event, key);
        return leaf(field === undefined ? [] : Array.isArray(field) ? field : [field], field !== undefined);
      };
    }
    if (isRecord(value)) {
      const nested = compileObject(value, where);
      return (event) => {
        const field = fieldOf(event, key);
        // An event's list of objects matches when one of its objects does.
        return Array.isArray(field) ? field.some((item) => nested(item)) : nested(field);
      };
    }
    throw new InvalidEventPatternError(`a value to match is written in a list, got ${show(value)}`, where);
  });
  return (event) => tests.every((test) => test(event));
}

function compileOr(value: JsonValue, at: string): ObjectTest {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isRecord))
    throw new InvalidEventPatternError('"$or" takes a list of at least two patterns', at);
  const branches = value.map((branch, index) => compileObject(branch, `${at}[${index}]`));
  return (event) => branches.some((branch) => branch(event));
}

function compileLeaf(matchers: JsonValue[], at: string): ValueTest {
  if (matchers.length === 0) throw new InvalidEventPatternError("an empty list matches nothing", at);
  const tests = matchers.map((matcher, index) => compileMatcher(matcher, `${at}[${index}]`));
  return (values, present) => tests.some((test) => test(values, present));
}

function compileMatcher(matcher: JsonValue, at: string): ValueTest {
  if (!isRecord(matcher)) {
    if (Array.isArray(matcher)) throw new InvalidEventPatternError("a list inside a list", at);
    return (values) => values.some((value) => sameValue(value, matcher));
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1)
    throw new InvalidEventPatternError(`a filter has exactly one operator, got ${show(keys)}`, at);
  const operator = keys[0]!;
  const argument = matcher[operator]!;
  const where = `${at}.${operator}`;
  switch (operator) {
    case "exists":
      if (typeof argument !== "boolean")
        throw new InvalidEventPatternError(`"exists" takes true or false, got ${show(argument)}`, where);
      return (_values, present) => present === argument;
    case "prefix":
    case "suffix":
    case "equals-ignore-case":
    case "wildcard": {
      const test = compileTextTest(operator, argument, where);
      return (values) => values.some((value) => typeof value === "string" && test(value));
    }
    case "anything-but": {
      const excluded = compileAnythingBut(argument, where);
      // Nothing to compare when the field is absent: anything-but never matches a missing field.
      return (values) => values.some((value) => !excluded(value));
    }
    case "numeric": {
      const inRange = compileNumeric(argument, where);
      return (values) => values.some((value) => typeof value === "number" && inRange(value));
    }
    case "cidr": {
      if (typeof argument !== "string" || parseCidr(argument) === undefined)
        throw new InvalidEventPatternError(`"cidr" takes a CIDR, got ${show(argument)}`, where);
      return (values) => values.some((value) => isAddress(value) && cidrContains(argument, value));
    }
    default:
      throw new InvalidEventPatternError(`unknown filter "${operator}"`, at);
  }
}

/** An exact value: strings, booleans and null by identity, numbers by numeric value. */
function sameValue(value: JsonValue, expected: JsonValue): boolean {
  if (isRecord(value) || Array.isArray(value)) return false;
  return value === expected;
}

function isAddress(value: JsonValue): boolean {
  return typeof value === "string" && !value.includes("/") && parseCidr(value) !== undefined;
}

type TextOperator = "prefix" | "suffix" | "equals-ignore-case" | "wildcard";

function compileTextTest(operator: TextOperator, argument: JsonValue, at: string): (text: string) => boolean {
  if (operator === "prefix" || operator === "suffix") {
    let expected: string;
    let ignoreCase = false;
    if (typeof argument === "string") expected = argument;
    else if (
      isRecord(argument) &&
      Object.keys(argument).length === 1 &&
      typeof argument["equals-ignore-case"] === "string"
    ) {
      expected = argument["equals-ignore-case"];
      ignoreCase = true;
    } else
      throw new InvalidEventPatternError(
        `"${operator}" takes text or { "equals-ignore-case": text }, got ${show(argument)}`,
        at,
      );
    const wanted = ignoreCase ? fold(expected) : expected;
    const read = ignoreCase ? fold : (text: string) => text;
    return operator === "prefix"
      ? (text) => read(text).startsWith(wanted)
      : (text) => read(text).endsWith(wanted);
  }
  if (typeof argument !== "string")
    throw new InvalidEventPatternError(`"${operator}" takes text, got ${show(argument)}`, at);
  if (operator === "equals-ignore-case") {
    const wanted = fold(argument);
    return (text) => fold(text) === wanted;
  }
  return compileWildcard(argument, at);
}

function fold(text: string): string {
  return text.toLowerCase();
}

/**
 * `*` stands for any run of characters; `\*` and `\\` are a literal star and backslash. Two stars
 * in a row are refused, as EventBridge refuses them.
 */
function compileWildcard(pattern: string, at: string): (text: string) => boolean {
  const pieces: string[] = [""];
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index]!;
    if (character === "\\") {
      const next = pattern[index + 1];
      if (next !== "*" && next !== "\\")
        throw new InvalidEventPatternError(`"wildcard" ${show(pattern)} has a stray backslash`, at);
      pieces[pieces.length - 1] += next;
      index += 1;
    } else if (character === "*") {
      if (pattern[index - 1] === "*")
        throw new InvalidEventPatternError(`"wildcard" ${show(pattern)} has consecutive stars`, at);
      pieces.push("");
    } else pieces[pieces.length - 1] += character;
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (pieces.length === 1) return (text) => text === first;
  const middle = pieces.slice(1, -1);
  return (text) => {
    if (text.length < first.length + last.length) return false;
    if (!text.startsWith(first) || !text.endsWith(last)) return false;
    // The earliest place of each middle piece leaves the most room for the rest.
    let from = first.length;
    const end = text.length - last.length;
    for (const piece of middle) {
      const found = text.indexOf(piece, from);
      if (found === -1 || found + piece.length > end) return false;
      from = found + piece.length;
    }
    return true;
  };
}

/** The values `anything-but` excludes, as a test of one event value. */
function compileAnythingBut(argument: JsonValue, at: string): (value: JsonValue) => boolean {
  if (typeof argument === "string" || typeof argument === "number") {
    return (value) => sameValue(value, argument);
  }
  if (Array.isArray(argument)) {
    const allText = argument.every((item) => typeof item === "string");
    const allNumbers = argument.every((item) => typeof item === "number");
    if (argument.length === 0 || (!allText && !allNumbers))
      throw new InvalidEventPatternError(
        `"anything-but" takes a non-empty list of only text or only numbers, got ${show(argument)}`,
        at,
      );
    return (value) => argument.some((item) => sameValue(value, item));
  }
  if (isRecord(argument) && Object.keys(argument).length === 1) {
    const operator = Object.keys(argument)[0]!;
    const inner = argument[operator]!;
    const where = `${at}.${operator}`;
    if (operator === "prefix" || operator === "suffix") {
      if (typeof inner !== "string")
        throw new InvalidEventPatternError(`"${operator}" takes text, got ${show(inner)}`, where);
      const test = compileTextTest(operator, inner, where);
      return (value) => typeof value === "string" && test(value);
    }
    if (operator === "equals-ignore-case" || operator === "wildcard") {
      const options = typeof inner === "string" ? [inner] : inner;
      if (
        !Array.isArray(options) ||
        options.length === 0 ||
        !options.every((item) => typeof item === "string")
      )
        throw new InvalidEventPatternError(
          `"${operator}" takes text or a list of text, got ${show(inner)}`,
          where,
        );
      const tests = options.map((option) => compileTextTest(operator, option, where));
      return (value) => typeof value === "string" && tests.some((test) => test(value));
    }
  }
  throw new InvalidEventPatternError(
    `"anything-but" takes a value, a list, or one of prefix, suffix, equals-ignore-case, wildcard; got ${show(argument)}`,
    at,
  );
}

const LOWER_BOUNDS = new Set([">", ">="]);
const UPPER_BOUNDS = new Set(["<", "<="]);

/** `numeric`: one comparison (`["=", 5]`, `[">", 0]`), or a lower then an upper bound. */
function compileNumeric(argument: JsonValue, at: string): (value: number) => boolean {
  const invalid = () =>
    new InvalidEventPatternError(
      `"numeric" takes one comparison or a lower and an upper bound ([">", 0, "<=", 5]), got ${show(argument)}`,
      at,
    );
  if (!Array.isArray(argument) || (argument.length !== 2 && argument.length !== 4)) throw invalid();
  const comparisons: ((value: number) => boolean)[] = [];
  for (let index = 0; index < argument.length; index += 2) {
    const operator = argument[index];
    const limit = argument[index + 1];
    if (typeof operator !== "string" || typeof limit !== "number" || !Number.isFinite(limit)) throw invalid();
    comparisons.push(comparison(operator, limit, invalid));
  }
  if (argument.length === 4) {
    const [lower, , upper] = argument as [string, number, string, number];
    if (!LOWER_BOUNDS.has(lower) || !UPPER_BOUNDS.has(upper)) throw invalid();
  }
  return (value) => comparisons.every((compare) => compare(value));
}

function comparison(
  operator: string,
  limit: number,
  invalid: () => InvalidEventPatternError,
): (value: number) => boolean {
  switch (operator) {
    case "=":
      return (value) => value === limit;
    case "<":
      return (value) => value < limit;
    case "<=":
      return (value) => value <= limit;
    case ">":
      return (value) => value > limit;
    case ">=":
      return (value) => value >= limit;
    default:
      throw invalid();
  }
}
