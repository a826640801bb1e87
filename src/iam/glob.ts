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
 * literal text, because the checker judges policies as written, not for one particular caller.
 */
export function tokenizeGlob(pattern: string, options: { escapes: boolean }): GlobToken[] {
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

/**
 * States explored before {@link globIncluded} gives up. Realistic ARN patterns stay far below
 * it; the bound only protects against pathological input.
 */
const INCLUSION_STATE_LIMIT = 50_000;

/** A character no pattern contains, standing for every character neither pattern mentions. */
const ANY_OTHER_CHARACTER = "";

/** The positions reachable from `positions` without reading a character (a `*` may match nothing). */
function closure(tokens: readonly GlobToken[], positions: Iterable<number>): number[] {
  const reached = new Set<number>();
  for (let position of positions) {
    reached.add(position);
    while (tokens[position]?.kind === "star") reached.add(++position);
  }
  return [...reached].sort((a, b) => a - b);
}

function advance(tokens: readonly GlobToken[], positions: readonly number[], character: string): number[] {
  const next: number[] = [];
  for (const position of positions) {
    const token = tokens[position];
    if (token === undefined) continue;
    if (token.kind === "star") next.push(position);
    else if (token.kind === "single" || token.char === character) next.push(position + 1);
  }
  return closure(tokens, next);
}

/** Whether the pattern, from one of these positions, accepts any continuation at all. */
function acceptsEverythingFrom(tokens: readonly GlobToken[], positions: readonly number[]): boolean {
  return positions.some((position) => {
    const rest = tokens.slice(position);
    return rest.length > 0 && rest.every((token) => token.kind === "star");
  });
}

/**
 * Whether every string matched by `inner` is also matched by `outer` (language inclusion).
 *
 * Pairing tokens one to one (a `*` absorbed only by a `*`, a `?` by `?` or `*`) is not enough:
 * `?*` and `*?` both match "one or more characters", yet neither pairing works. So this searches
 * for a counterexample instead: it runs both patterns as automata side by side over an alphabet
 * made of the characters the patterns mention plus one stand-in for all others, tracking the set
 * of positions each pattern can be in, and answers `false` as soon as some string reaches the end
 * of `inner` while `outer` cannot accept it. When the search exceeds its bound the answer is
 * `false`, the cautious reading for a check that grants approval only on a proof.
 */
export function globIncluded(inner: readonly GlobToken[], outer: readonly GlobToken[]): boolean {
  const alphabet = new Set<string>([ANY_OTHER_CHARACTER]);
  for (const token of [...inner, ...outer]) if (token.kind === "literal") alphabet.add(token.char);

  const start = { inner: closure(inner, [0]), outer: closure(outer, [0]) };
  const seen = new Set<string>();
  const pending = [start];
  while (pending.length > 0) {
    const state = pending.pop();
    if (state === undefined) break;
    const key = `${state.inner.join(",")}|${state.outer.join(",")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > INCLUSION_STATE_LIMIT) return false;
    // From here `outer` accepts whatever `inner` goes on to match: no counterexample below.
    if (acceptsEverythingFrom(outer, state.outer)) continue;
    if (state.inner.includes(inner.length) && !state.outer.includes(outer.length)) return false;
    for (const character of alphabet) {
      const nextInner = advance(inner, state.inner, character);
      if (nextInner.length === 0) continue;
      pending.push({ inner: nextInner, outer: advance(outer, state.outer, character) });
    }
  }
  return true;
}
