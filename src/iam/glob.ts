/**
 * The wildcard language IAM uses for actions and resource ARNs: `*` matches any run of
 * characters (including none, and across `:` and `/`), `?` exactly one character, everything else
 * itself. Matching walks the pattern without regular expressions, so a pattern full of `*` cannot
 * make it take exponential time.
 */

export type GlobToken = { kind: "star" } | { kind: "single" } | { kind: "literal"; char: string };

const STAR: GlobToken = { kind: "star" };
const SINGLE: GlobToken = { kind: "single" };

/** In resource ARNs IAM lets `${*}`, `${?}` and `${$}` stand for the literal characters. */
const ESCAPED_CHARACTERS: Readonly<Record<string, string>> = { "${*}": "*", "${?}": "?", "${$}": "$" };

/**
 * Splits a pattern into tokens, by code point. With `escapes`, the `${*}`-style escapes become
 * literal characters; every other `${…}` (policy variables such as `${aws:username}`) stays
 * literal text, because the checker judges policies as written, not for one particular caller,
 * unless `variables` is `"any"`: then each stands for whatever text it may be replaced with, as
 * a `*` does, for questions about what some caller may reach.
 */
export function tokenizeGlob(
  pattern: string,
  options: { escapes: boolean; variables?: "literal" | "any" },
): GlobToken[] {
  const tokens: GlobToken[] = [];
  const characters = Array.from(pattern);
  for (let position = 0; position < characters.length; position++) {
    const character = characters[position] ?? "";
    if (options.escapes && character === "$") {
      const escaped = ESCAPED_CHARACTERS[characters.slice(position, position + 4).join("")];
      if (escaped !== undefined) {
        tokens.push({ kind: "literal", char: escaped });
        position += 3;
        continue;
      }
      const end = options.variables === "any" ? variableEnd(characters, position) : -1;
      if (end !== -1) {
        if (tokens.at(-1)?.kind !== "star") tokens.push(STAR);
        position = end;
        continue;
      }
    }
    if (character === "*") {
      // Consecutive stars match the same strings as one, and fewer stars mean fewer states.
      if (tokens.at(-1)?.kind !== "star") tokens.push(STAR);
    } else if (character === "?") {
      tokens.push(SINGLE);
    } else {
      tokens.push({ kind: "literal", char: character });
    }
  }
  return tokens;
}

/**
 * The position of the `}` closing a policy variable that opens at `position`, or -1. A `}` inside
 * the quotes of a default value (`${aws:PrincipalTag/team, 'a}b'}`) does not close it.
 */
function variableEnd(characters: readonly string[], position: number): number {
  if (characters[position + 1] !== "{") return -1;
  let quoted = false;
  for (let index = position + 2; index < characters.length; index++) {
    const character = characters[index];
    if (character === "'") quoted = !quoted;
    else if (character === "}" && !quoted) return index;
  }
  return -1;
}

/** Whether `text` is matched by the tokens, greedy with backtracking to the latest `*`. */
export function globMatches(tokens: readonly GlobToken[], text: string): boolean {
  const characters = Array.from(text);
  let tokenIndex = 0;
  let charIndex = 0;
  let starTokenIndex = -1;
  let starCharIndex = 0;
  while (charIndex < characters.length) {
    const token = tokens[tokenIndex];
    if (token?.kind === "star") {
      starTokenIndex = tokenIndex++;
      starCharIndex = charIndex;
    } else if (token !== undefined && (token.kind === "single" || token.char === characters[charIndex])) {
      tokenIndex++;
      charIndex++;
    } else if (starTokenIndex !== -1) {
      tokenIndex = starTokenIndex + 1;
      charIndex = ++starCharIndex;
    } else {
      return false;
    }
  }
  while (tokens[tokenIndex]?.kind === "star") tokenIndex++;
  return tokenIndex === tokens.length;
}
