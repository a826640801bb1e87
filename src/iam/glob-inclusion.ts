/**
 * Language inclusion between two wildcard patterns: whether every string one pattern matches is
 * also matched by the other.
 *
 * The search rests on one observation. A character that `inner` leaves open (under its `?` or
 * inside its `*`) is hardest for `outer` to match when it is a character `outer` never names:
 * only a `?` or a `*` of `outer` can take it, and those take any character. So `inner` is within
 * `outer` exactly when `outer` matches every string made from `inner` by writing that one
 * "foreign" character for each `?` and a run of them, of any length, for each `*`. Those strings
 * are walked one position of `inner` at a time, choosing only how long each run is, while the
 * set of positions `outer` can be in is carried along. Unlike running both patterns as automata
 * over an alphabet, `inner` is never in more than one position, so the work grows with the length
 * of `inner` times the handful of position sets `outer` can reach, not with the subsets of
 * `inner`'s positions that a pattern full of `*` produces.
 */

import { tokenizeGlob, type GlobToken } from "./glob.js";

/**
 * Pairs of an `inner` position and an `outer` position set, and distinct `outer` position sets,
 * explored before {@link globIncluded} gives up and answers "not within". A 10,240-character
 * pattern against the ARN patterns rules use stays far below both (a few dozen sets); the bounds
 * only cap the time and memory a hostile `outer` could take.
 */
const INCLUSION_STATE_LIMIT = 2_000_000;
const OUTER_SET_LIMIT = 2_048;

/** Stands for the foreign character: no literal token equals it. */
const FOREIGN = null;
type Character = string | typeof FOREIGN;

/**
 * The sets of positions `outer` can be in, each numbered once, with the step from one set to the
 * next on a character remembered, so each step is computed once however often it is taken.
 */
class OuterPositionSets {
  private readonly sets: number[][] = [];
  private readonly numbers = new Map<string, number>();
  private readonly steps: Map<Character, number>[] = [];
  /** Whether from this position `outer` matches everything: only `*` tokens are left. */
  private readonly onlyStarsFrom: boolean[];

  constructor(private readonly tokens: readonly GlobToken[]) {
    this.onlyStarsFrom = new Array<boolean>(tokens.length + 1).fill(false);
    for (let position = tokens.length - 1; position >= 0; position--) {
      const rest = this.onlyStarsFrom[position + 1] === true || position + 1 === tokens.length;
      this.onlyStarsFrom[position] = tokens[position]?.kind === "star" && rest;
    }
  }

  get count(): number {
    return this.sets.length;
  }

  start(): number {
    return this.number(this.settle([0]));
  }

  step(set: number, character: Character): number {
    const known = this.steps[set]?.get(character);
    if (known !== undefined) return known;
    const next: number[] = [];
    for (const position of this.sets[set] ?? []) {
      const token = this.tokens[position];
      if (token === undefined) continue;
      if (token.kind === "star") next.push(position);
      else if (token.kind === "single" || token.char === character) next.push(position + 1);
    }
    const number = this.number(this.settle(next));
    this.steps[set]?.set(character, number);
    return number;
  }

  isEmpty(set: number): boolean {
    return this.sets[set]?.length === 0;
  }

  accepts(set: number): boolean {
    return this.sets[set]?.includes(this.tokens.length) === true;
  }

  acceptsEverything(set: number): boolean {
    return this.sets[set]?.some((position) => this.onlyStarsFrom[position] === true) === true;
  }

  /**
   * Adds the positions a `*` lets `outer` skip to without reading, then drops every position
   * before the last `*` reached: from a `*` the rest of the pattern matches whatever the rest
   * from an earlier position matches, so those positions can never make the difference, and
   * dropping them keeps the sets few.
   */
  private settle(positions: readonly number[]): number[] {
    const reached = new Set<number>();
    for (let position of positions) {
      reached.add(position);
      while (this.tokens[position]?.kind === "star") reached.add(++position);
    }
    let lastStar = -1;
    for (const position of reached) {
      if (this.tokens[position]?.kind === "star" && position > lastStar) lastStar = position;
    }
    return [...reached].filter((position) => position >= lastStar).sort((a, b) => a - b);
  }

  private number(set: number[]): number {
    const key = set.join(",");
    let number = this.numbers.get(key);
    if (number === undefined) {
      number = this.sets.length;
      this.sets.push(set);
      this.steps.push(new Map());
      this.numbers.set(key, number);
    }
    return number;
  }
}

/**
 * Whether every string matched by `inner` is also matched by `outer`. Exact up to a bound on the
 * work that realistic patterns do not approach; past it the answer is `false`, so that a
 * pattern too costly to judge is never taken to be within another.
 */
export function globIncluded(inner: readonly GlobToken[], outer: readonly GlobToken[]): boolean {
  const outerSets = new OuterPositionSets(outer);
  // A state is a position in `inner` and a numbered `outer` position set, packed in one number;
  // each set has one flag per position of `inner`.
  const width = inner.length + 1;
  const seenBySet: Uint8Array[] = [];
  let states = 0;
  const pending: number[] = [];
  const visit = (position: number, set: number): void => {
    const seen = (seenBySet[set] ??= new Uint8Array(width));
    if (seen[position] === 1) return;
    seen[position] = 1;
    states++;
    pending.push(set * width + position);
  };
  visit(0, outerSets.start());
  while (pending.length > 0) {
    if (states > INCLUSION_STATE_LIMIT || outerSets.count > OUTER_SET_LIMIT) return false;
    const state = pending.pop() ?? 0;
    const position = state % width;
    const set = (state - position) / width;
    if (outerSets.acceptsEverything(set)) continue;
    // Whatever `inner` goes on to match, `outer` has no way left to match it.
    if (outerSets.isEmpty(set)) return false;
    const token = inner[position];
    if (token === undefined) {
      if (!outerSets.accepts(set)) return false;
    } else if (token.kind === "star") {
      // The run of foreign characters ends here, or grows by one.
      visit(position + 1, set);
      visit(position, outerSets.step(set, FOREIGN));
    } else {
      visit(position + 1, outerSets.step(set, token.kind === "single" ? FOREIGN : token.char));
    }
  }
  return true;
}

/**
 * Whether the wildcard pattern `outer` matches every string `inner` matches, both written as in a
 * StringLike condition value (`*` and `?`, no escapes): `*` and `vpce-*` cover `vpce-*`, while
 * `vpce-0a1b*` does not.
 */
export function wildcardPatternCovers(outer: string, inner: string): boolean {
  return globIncluded(tokenizeGlob(inner, { escapes: false }), tokenizeGlob(outer, { escapes: false }));
}
