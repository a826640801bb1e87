/**
 * JSON.parse keeps the last of two equal keys in an object without a word, so a file could say
 * one thing to this tool and another to a reader that keeps the first. Files read with JSON.parse
 * for speed (snapshots, baselines) are checked here afterwards: the keys written in the text are
 * counted (a scan that jumps from quote to quote) and compared with the keys the parsed value
 * holds; only when they differ is the text walked again to name the key and its line.
 */

export interface DuplicateKey {
  key: string;
  /** 1-based line and column of the second occurrence. */
  line: number;
  column: number;
  /** 1-based line of the first occurrence. */
  firstLine: number;
}

/** The first duplicate key of `text`, which must be valid JSON that parsed to `value`. */
export function findDuplicateKey(text: string, value: unknown): DuplicateKey | undefined {
  if (countWrittenKeys(text) === countParsedKeys(value)) return undefined;
  return locateDuplicateKey(text);
}

/** Keys in valid JSON text: colons outside strings. */
function countWrittenKeys(text: string): number {
  let keys = 0;
  let cursor = 0;
  for (;;) {
    const quote = text.indexOf('"', cursor);
    const end = quote === -1 ? text.length : quote;
    for (let index = cursor; index < end; index += 1) if (text.charCodeAt(index) === 0x3a) keys += 1;
    if (quote === -1) return keys;
    cursor = stringEnd(text, quote);
  }
}

function countParsedKeys(value: unknown): number {
  // A stack rather than recursion: a document nested 100,000 levels deep must not overflow it.
  let keys = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== "object") continue;
    if (Array.isArray(current)) {
      for (const item of current) pending.push(item);
      continue;
    }
    for (const key in current) {
      keys += 1;
      pending.push((current as Record<string, unknown>)[key]);
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
