/**
 * Where the items of one large array are in a JSON document's bytes, so that the document can be
 * checked a part at a time: the rest of the document with the array emptied, then the items a
 * group at a time. Each part is parsed by JSON.parse, which does all the validating; this scan
 * only follows the structure to find the cuts, reading UTF-8 bytes (the bytes of `"`, `\`,
 * brackets and commas never occur inside a multi-byte character).
 *
 * Every cut it gives is between two items of the array, and only there: a cut inside a string or
 * inside an item would leave a part that JSON.parse refuses, so parts that all parse are the
 * document's own pieces. Anything the scan does not follow gives no layout at all, and the
 * document is read whole.
 */

export interface ArrayLayout {
  /** Where the document starts (after a UTF-8 byte-order mark). */
  start: number;
  /** The offsets of the array's `[` and `]`. */
  open: number;
  close: number;
  /** Where each item starts and ends (one past its last byte), in order. */
  items: { start: number; end: number }[];
}

/**
 * The layout of the array that is the value of `member` in the top-level object of `bytes`, or
 * undefined when the bytes are not such a document as the scan reads it (a member written with an
 * escape, given twice, or not an array; text that is not JSON).
 */
export function arrayMemberLayout(bytes: Uint8Array, member: string): ArrayLayout | undefined {
  const key = new TextEncoder().encode(JSON.stringify(member));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let at = skipSpace(bytes, start);
  if (bytes[at] !== OPEN_OBJECT) return undefined;
  at = skipSpace(bytes, at + 1);
  let layout: ArrayLayout | undefined;
  if (bytes[at] === CLOSE_OBJECT) return undefined;
  for (;;) {
    if (bytes[at] !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, at);
    if (keyEnd < 0) return undefined;
    const isMember = keyEnd - at === key.length && sameBytes(bytes, at, key);
    at = skipSpace(bytes, keyEnd);
    if (bytes[at] !== COLON) return undefined;
    at = skipSpace(bytes, at + 1);
    if (isMember) {
      if (layout !== undefined || bytes[at] !== OPEN_ARRAY) return undefined;
      const items = arrayItems(bytes, at);
      if (items === undefined) return undefined;
      layout = { start, open: at, close: items.close, items: items.items };
      at = items.close + 1;
    } else {
      at = valueEnd(bytes, at);
      if (at < 0) return undefined;
    }
    at = skipSpace(bytes, at);
    if (bytes[at] === COMMA) {
      at = skipSpace(bytes, at + 1);
      continue;
    }
    if (bytes[at] !== CLOSE_OBJECT) return undefined;
    return skipSpace(bytes, at + 1) === bytes.length ? layout : undefined;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

function arrayItems(
  bytes: Uint8Array,
  open: number,
): { items: { start: number; end: number }[]; close: number } | undefined {
  const items: { start: number; end: number }[] = [];
  let at = skipSpace(bytes, open + 1);
  if (bytes[at] === CLOSE_ARRAY) return { items, close: at };
  for (;;) {
    const end = valueEnd(bytes, at);
    if (end < 0) return undefined;
    items.push({ start: at, end });
    at = skipSpace(bytes, end);
    if (bytes[at] === CLOSE_ARRAY) return { items, close: at };
    if (bytes[at] !== COMMA) return undefined;
    at = skipSpace(bytes, at + 1);
  }
}

/** One past the value that starts at `at`, or -1 when none can be followed from there. */
function valueEnd(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return stringEnd(bytes, at);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) return containerEnd(bytes, at);
  // A number, true, false or null: up to the next delimiter; JSON.parse judges what it is.
  let end = at;
  while (end < bytes.length && !isDelimiter(bytes[end]!)) end++;
  return end === at ? -1 : end;
}

/** One past the bracket that closes the one at `at`; strings are skipped whole. */
function containerEnd(bytes: Uint8Array, at: number): number {
  let depth = 0;
  for (let index = at; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (byte === QUOTE) {
      index = stringEnd(bytes, index) - 1;
      if (index < 0) return -1;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth++;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

/** One past the quote that ends the string whose opening quote is at `quote`, or -1. */
function stringEnd(bytes: Uint8Array, quote: number): number {
  let from = quote + 1;
  for (;;) {
    const next = bytes.indexOf(QUOTE, from);
    if (next < 0) return -1;
    let backslashes = 0;
    while (bytes[next - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return next + 1;
    from = next + 1;
  }
}

function skipSpace(bytes: Uint8Array, at: number): number {
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    at++;
  }
  return at;
}

function isDelimiter(byte: number): boolean {
  return (
    byte === COMMA ||
    byte === CLOSE_OBJECT ||
    byte === CLOSE_ARRAY ||
    byte === 0x20 ||
    byte === 0x0a ||
    byte === 0x0d ||
    byte === 0x09
  );
}

function sameBytes(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  for (let index = 0; index < expected.length; index++)
    if (bytes[at + index] !== expected[index]) return false;
  return true;
}
