/**
 * Values from the data are shown inside one-line messages (a finding, an error): a line break or
 * other control character in a value would split the message, so they are shown escaped.
 */
const ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

// eslint-disable-next-line no-control-regex -- control characters are what this finds
const BREAKS_LINE = /[\u0000-\u001f\u2028\u2029]/;

export function oneLine(text: string): string {
  // Most values hold nothing to escape: testing for one costs a fraction of a replacing pass.
  if (!BREAKS_LINE.test(text)) return text;
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces
    /[\u0000-\u001f\u2028\u2029]/g,
    (character) => ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
