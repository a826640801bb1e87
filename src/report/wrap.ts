/**
 * Fitting text to a terminal: words are wrapped at spaces, and a word longer than the line (an id,
 * an ARN, a URL) is put on a line of its own rather than cut, so that it can still be copied whole.
 */

/** The width used when standard output is not a terminal (a file, a pipe, a CI log). */
export const DEFAULT_TEXT_WIDTH = 100;

/** Wraps `text` into lines of at most `width` characters, each starting with `indent`. */
export function wrapText(text: string, width: number, indent: string): string[] {
  const words = text.split(/\s+/).filter((word) => word !== "");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line === "") line = word;
    else if (indent.length + visibleLength(line) + 1 + visibleLength(word) <= width) line = `${line} ${word}`;
    else {
      lines.push(`${indent}${line}`);
      line = word;
    }
  }
  if (line !== "") lines.push(`${indent}${line}`);
  return lines;
}

/** The visible length of a line, without its ANSI colour codes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}

/** The first sentence of a rule's remediation: what to do, on one line. */
export function firstSentence(text: string): string {
  const paragraph = (text.split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim();
  const end = paragraph.search(/[.!?]\s+(?=[A-Z`])/);
  return end === -1 ? paragraph : paragraph.slice(0, end + 1);
}
