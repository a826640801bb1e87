/**
 * Whether a wildcard pattern has a string in common with a target pattern: whether a Resource
 * entry such as `arn:aws:ssm:*::document/AWS-Start*` can name one of the resources the target
 * describes. Unlike inclusion this asks only for one shared string, so the two patterns run side
 * by side as automata, each in one position at a time: at most (length of one + 1) × (length of
 * the other + 1) pairs of positions, each visited once.
 */

import type { GlobToken } from "./glob.js";

/**
 * `fieldStars`: positions of `target` whose `*` stands within one field of an ARN, which never
 * holds a `:`. Without it an entry such as `arn:aws:ec2:*:111122223333:instance/*` would
 * "overlap" a document ARN through a region that swallows `:ssm:…`, which no real ARN has.
 */
export function globsOverlap(
  pattern: readonly GlobToken[],
  target: readonly GlobToken[],
  fieldStars: ReadonlySet<number> = new Set(),
): boolean {
  const width = target.length + 1;
  const seen = new Uint8Array((pattern.length + 1) * width);
  const pending: number[] = [];
  const visit = (i: number, j: number): void => {
    const state = i * width + j;
    if (seen[state] === 1) return;
    seen[state] = 1;
    pending.push(state);
  };
  visit(0, 0);
  while (pending.length > 0) {
    const state = pending.pop() ?? 0;
    const j = state % width;
    const i = (state - j) / width;
    if (i === pattern.length && j === target.length) return true;
    const a = pattern[i];
    const b = target[j];
    // A `*` may match nothing, or go on matching what the other pattern reads.
    if (a?.kind === "star") {
      visit(i + 1, j);
      if (b !== undefined && b.kind !== "star") visit(i, j + 1);
    }
    if (b?.kind === "star") {
      visit(i, j + 1);
      const withinField = fieldStars.has(j);
      if (a !== undefined && a.kind !== "star" && !(withinField && a.kind === "literal" && a.char === ":")) {
        visit(i + 1, j);
      }
    }
    if (a === undefined || b === undefined || a.kind === "star" || b.kind === "star") continue;
    // Two single characters meet: any one character, unless both are literals that differ.
    if (a.kind === "literal" && b.kind === "literal" && a.char !== b.char) continue;
    visit(i + 1, j + 1);
  }
  return false;
}
