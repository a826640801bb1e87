/**
 * The few functions that validators compiled ahead of time from the project's JSON Schemas call at
 * run time (`scripts/schema-validators.mjs` points them here instead of at ajv's own modules), so
 * that checking a rule or configuration file loads no schema compiler at all.
 */

const HIGH_SURROGATE = /[\ud800-\udbff]/;

/** Length in code points, as JSON Schema counts `minLength` and `maxLength`: a surrogate pair is one. */
export function ucs2length(text: string): number {
  // Almost every string has no surrogate at all, and a regular expression says so without a loop
  // over its characters: a snapshot has millions of strings with length limits.
  if (!HIGH_SURROGATE.test(text)) return text.length;
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      if ((text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) index += 1;
    }
    length += 1;
  }
  return length;
}

/** Equality of JSON values, as `const`, `enum` and `uniqueItems` compare them. */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) {
    return Number.isNaN(left) && Number.isNaN(right);
  }
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const keys = Object.keys(leftRecord);
  if (keys.length !== Object.keys(rightRecord).length) return false;
  return keys.every((key) => Object.hasOwn(rightRecord, key) && jsonEqual(leftRecord[key], rightRecord[key]));
}

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/** The string formats the schemas use: an absolute URI with a scheme (`https://…`, `mailto:…`). */
export const formats = {
  uri: (value: string): boolean => URI_SCHEME.test(value) && URL.canParse(value),
};
