/**
 * Values from the data are shown inside one-line messages (a finding, an error): a line break or
 * other control character in a value would split the message, so they are shown escaped. That
 * includes DEL and the C1 controls: a terminal reads U+009B as the start of an escape sequence,
 * as it reads ESC [.
 */
const ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

// eslint-disable-next-line no-control-regex -- control characters are what this finds and replaces
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** The same characters, for a test: a global expression's test moves on from where it last matched. */
const BREAKS_LINE = new RegExp(LINE_BREAKING.source);

export function oneLine(text: string): string {
  // Most values hold nothing to escape: testing for one costs a fraction of a replacing pass.
  if (!BREAKS_LINE.test(text)) return text;
  return text.replace(
    LINE_BREAKING,
    (character) => ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A message from elsewhere (a parser, a service's error) on one line: its runs of white space as
 * one space, and what is still a control character escaped.
 */
export function singleSpaced(text: string): string {
  return oneLine(text.replace(/\s+/g, " ").trim());
}
