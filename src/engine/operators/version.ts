/**
 * Dotted versions such as the SSM Agent's `3.2.582.0`. They compare numerically part by part:
 * compared as text, `2.3.1000.0` would sort before `2.3.672.0`.
 */

const MAX_PARTS = 4;
const VERSION_PATTERN = /^\d+(\.\d+)*$/;

/** The numeric parts of a version of one to four parts, or `undefined` for anything else. */
export function parseVersion(text: unknown): number[] | undefined {
  if (typeof text !== "string") return undefined;
  // A fleet runs a few agent versions across thousands of instances: each text is read once. The
  // caller gets its own copy of the parts, so nothing it does to them reaches the next caller.
  let parts = parsedVersions.get(text);
  if (parts === undefined && !parsedVersions.has(text)) {
    parts = parseVersionText(text);
    if (parsedVersions.size >= PARSED_VERSIONS_LIMIT) parsedVersions.clear();
    parsedVersions.set(text, parts);
  }
  return parts?.slice();
}

const PARSED_VERSIONS_LIMIT = 1024;
const parsedVersions = new Map<string, readonly number[] | undefined>();

function parseVersionText(text: string): number[] | undefined {
  if (!VERSION_PATTERN.test(text)) return undefined;
  const parts = text.split(".").map(Number);
  if (parts.length > MAX_PARTS || !parts.every(Number.isSafeInteger)) return undefined;
  return parts;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return Array.isArray(value) ? "a list" : `a value of type ${typeof value}`;
}

function requireVersion(value: unknown): number[] {
  const parts = parseVersion(value);
  if (parts !== undefined) return parts;
  // Rule parameters come from YAML, where an unquoted 2.3 is read as a number: say so.
  const hint = typeof value === "number" ? " (quote it in YAML so it stays text)" : "";
  throw new TypeError(
    `Expected a dotted version of one to four numeric parts such as "2.3.672.0", got ${describeValue(value)}${hint}.`,
  );
}

/**
 * Compares two versions part by part; missing trailing parts count as 0, so `2.3` equals
 * `2.3.0.0`. Throws a `TypeError` naming the value when either side is not a version.
 */
export function compareVersions(a: unknown, b: unknown): -1 | 0 | 1 {
  return compareVersionParts(requireVersion(a), requireVersion(b));
}

/** Compares two parsed versions (see `parseVersion`) the same way. */
export function compareVersionParts(left: readonly number[], right: readonly number[]): -1 | 0 | 1 {
  for (let position = 0; position < Math.max(left.length, right.length); position++) {
    const leftPart = left[position] ?? 0;
    const rightPart = right[position] ?? 0;
    if (leftPart !== rightPart) return leftPart < rightPart ? -1 : 1;
  }
  return 0;
}
