/**
 * JSON.parse keeps the last of two equal keys in an object without a word, so a file could say
 * one thing to this tool and another to a reader that keeps the first. Files read with JSON.parse
 * for speed (snapshots, baselines) are checked here afterwards: the keys written in the text are
 * counted (from colon to colon, or, where that cannot tell, from quote to quote) and compared with
 * the keys the parsed value holds; only when they differ is the text walked again to name the key
 * and its line.
 */

export interface DuplicateKey {
  key: string;
  /** 1-based line and column of the second occurrence. */
  line: number;
  column: number;
  /** 1-based line of the first occurrence. */
  firstLine: number;
}

/**
 * How a JSON text embedded in another file (a policy document written as a string) is described
 * when it writes a key twice: lines are counted within that text.
 */
export function duplicateKeyState(duplicate: DuplicateKey): string {
  return `writes the key ${JSON.stringify(duplicate.key)} twice (again at line ${duplicate.line}, column ${duplicate.column} of its text), and readers differ on which one counts`;
}

/**
 * JSON text as JSON.parse reads it, refusing what JSON.parse would settle without a word: a key
 * written twice. `syntax` is JSON.parse's own message.
 */
export type JsonReading = { value: unknown } | { syntax: string } | { duplicate: DuplicateKey };

export function readJsonText(text: string): JsonReading {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return { syntax: (error as Error).message };
  }
  const duplicate = findDuplicateKey(text, value);
  return duplicate === undefined ? { value } : { duplicate };
}

/** The first duplicate key of `text`, which must be valid JSON that parsed to `value`. */
export function findDuplicateKey(text: string, value: unknown): DuplicateKey | undefined {
  const written = countKeyColons(text) ?? countWrittenKeys(text);
  if (written === countParsedKeys(value)) return undefined;
  return locateDuplicateKey(text);
}

/**
 * Keys in valid JSON text, counted as the colons that follow one; undefined when the characters
 * before a colon cannot tell. A key's colon comes after its closing quote (past any whitespace). A
 * colon inside a string may also come after a quote: an escaped one (an odd run of backslashes
 * before it) or the string's opening quote, which in valid JSON follows `{`, `[`, `,`, `:` or
 * nothing, where a closing quote follows the last character of its key. When that character is a
 * colon, the colon before decides: a quote after a key's colon opens its value
 * (`"CidrIpv6":"::/0"`), one after a colon inside a string closes it (`"a:":`). A quote after `{`,
 * `[` or `,` is left undecided: a key or list item that opens with a colon, or a key that ends in
 * one of those. A snapshot holds half as many colons as quotes, most of them decided by two or
 * three characters, so this costs less than `countWrittenKeys`, which reads every string. A colon
 * found inside a string says that the string's other colons are no key's either: the search goes
 * on after its closing quote, which passes over the rest of an ARN's five colons in one step.
 */
export function countKeyColons(text: string): number | undefined {
  let keys = 0;
  let previousAfterKey = false;
  let colon = text.indexOf(":");
  while (colon !== -1) {
    let quote = colon - 1;
    let code = text.charCodeAt(quote);
    while (isWhitespace(code)) code = text.charCodeAt(--quote);
    let afterKey = false;
    if (code === 0x22 /* " */) {
      let backslashes = 0;
      while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes += 1;
      if (backslashes > 0) afterKey = backslashes % 2 === 0;
      else {
        let before = quote - 1;
        let previous = text.charCodeAt(before);
        while (isWhitespace(previous)) previous = text.charCodeAt(--before);
        // Between that colon and this one lie only whitespace and the quote: it is the previous one.
        if (previous === 0x3a /* : */) afterKey = !previousAfterKey;
        else if (
          previous === 0x7b /* { */ ||
          previous === 0x5b /* [ */ ||
          previous === 0x2c /* , */ ||
          before < 0
        )
          return undefined;
        else afterKey = true;
      }
    }
    if (afterKey) {
      keys += 1;
      colon = text.indexOf(":", colon + 1);
    } else {
      // This colon is inside a string, and so are the string's other colons. `previousAfterKey`
      // is false for them all, as it is for this one: in `"a:b:":1` the colon after the closing
      // quote still reads the colon before that quote as one inside a string.
      colon = text.indexOf(":", stringEnd(text, colon));
    }
    previousAfterKey = afterKey;
  }
  return keys;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Keys in valid JSON text: strings followed by a colon. Only the whitespace after each string is
 * read; the text between a colon and the next string (indentation, numbers, brackets) is skipped
 * by the search for the next quote, since valid JSON has no colon outside strings but after a key.
 */
export function countWrittenKeys(text: string): number {
  let keys = 0;
  let cursor = text.indexOf('"');
  while (cursor !== -1) {
    let after = stringEnd(text, cursor);
    let code = text.charCodeAt(after);
    while (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) code = text.charCodeAt(++after);
    if (code === 0x3a /* : */) keys += 1;
    cursor = text.indexOf('"', after);
  }
  return keys;
}

function countParsedKeys(value: unknown): number {
  // A stack rather than recursion: a document nested 100,000 levels deep must not overflow it.
  let keys = 0;
  // Only containers go on the stack: most values are strings and numbers, with no keys inside.
  const pending: object[] = [];
  if (value !== null && typeof value === "object") pending.push(value);
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (Array.isArray(current)) {
      // An index loop: an iterator for each of a snapshot's hundreds of thousands of arrays costs more.
      const items = current as unknown[];
      for (let index = 0; index < items.length; index += 1) {
        const item = items[index];
        if (item !== null && typeof item === "object") pending.push(item);
      }
      continue;
    }
    for (const key in current) {
      keys += 1;
      const item = (current as Record<string, unknown>)[key];
      if (item !== null && typeof item === "object") pending.push(item);
    }
  }
  return keys;
}

/** The offset just past the string whose opening quote is at `quote`. */
function stringEnd(text: string, quote: number): number {
  let cursor = quote + 1;
  for (;;) {
    const next = text.indexOf('"', cursor);
    if (next === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(next - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return next + 1;
    cursor = next + 1;
  }
}

function locateDuplicateKey(text: string): DuplicateKey | undefined {
  // One entry per open container: the keys of an object with their lines, nothing for an array.
  const open: (Map<string, number> | undefined)[] = [];
  let line = 1;
  let lineStart = 0;
  for (let cursor = 0; cursor < text.length; cursor += 1) {
    const code = text.charCodeAt(cursor);
    if (code === 0x0a) {
      line += 1;
      lineStart = cursor + 1;
    } else if (code === 0x7b /* { */) open.push(new Map());
    else if (code === 0x5b /* [ */) open.push(undefined);
    else if (code === 0x7d /* } */ || code === 0x5d /* ] */) open.pop();
    else if (code === 0x22 /* " */) {
      const end = stringEnd(text, cursor);
      const keys = open.at(-1);
      let after = end;
      while (after < text.length && /\s/.test(text.charAt(after))) after += 1;
      if (keys !== undefined && text.charCodeAt(after) === 0x3a /* : */) {
        // Decoded, so that "a" and "\u0061" are the same key, as they are to JSON.parse.
        const key = JSON.parse(text.slice(cursor, end)) as string;
        const first = keys.get(key);
        if (first !== undefined) return { key, line, column: cursor - lineStart + 1, firstLine: first };
        keys.set(key, line);
      }
      // A JSON string holds no raw line break, so the line count stays right.
      cursor = end - 1;
    }
  }
  return undefined;
}
