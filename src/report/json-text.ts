/**
 * Strings as JSON text, for writers that put a report's JSON together from pieces rather than
 * stringify whole objects: the text is exactly what `JSON.stringify` writes for the string.
 */

/**
 * What `JSON.stringify` escapes in a string: quotes, backslashes, control characters and lone
 * surrogates (a pair is tested too, and left to `JSON.stringify`, which writes it as it is).
 */
// eslint-disable-next-line no-control-regex -- control characters are among what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Whether JSON writes `text` otherwise than as it is, between quotes. */
export function needsEscape(text: string): boolean {
  return NEEDS_ESCAPE.test(text);
}

/** A string as JSON: most ids and names need no escape, and quoting them is cheaper than a call. */
export function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * A string as it goes between quotes the surrounding text already has: most need no escape, and
 * are then written as they are, one piece of the line rather than three.
 */
export function inQuotes(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

/**
 * `text` as one flat string. Text put together with `+` or a template is a tree of its pieces,
 * which encoding walks piece by piece: a fragment kept to be repeated on a hundred thousand
 * lines would be walked again on each of them. A copy read back from JSON is one piece, and
 * JSON gives back every code unit as it was, lone surrogates included.
 */
export function flatText(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * `value` as `JSON.stringify(value, null, 2)` writes it where it stands `indent` deep in a larger
 * document, for writers that stringify a document a part at a time: every line after the first is
 * moved right. No string in JSON holds a raw line break, so each one is the indentation's.
 */
export function stringifyAt(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll("\n", `\n${indent}`);
}
