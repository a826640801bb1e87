import { describe, expect, it } from "vitest";
import { globIncluded, globMatches, tokenizeGlob } from "../../src/iam/glob.js";

/** A small deterministic generator, so that a failure names a reproducible seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomPattern(next: () => number, maxLength: number): string {
  const symbols = ["a", "b", "*", "?"];
  const length = Math.floor(next() * (maxLength + 1));
  return Array.from({ length }, () => symbols[Math.floor(next() * symbols.length)]).join("");
}

/** Every string over {a, b, c} up to `maxLength`; `c` plays a character neither pattern names. */
function allStrings(maxLength: number): string[] {
  const strings = [""];
  let frontier = [""];
  for (let length = 1; length <= maxLength; length++) {
    frontier = frontier.flatMap((prefix) => ["a", "b", "c"].map((character) => prefix + character));
    strings.push(...frontier);
  }
  return strings;
}

function referenceMatches(pattern: string, text: string): boolean {
  const source = Array.from(pattern, (character) =>
    character === "*" ? ".*" : character === "?" ? "." : character.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
  ).join("");
  return new RegExp(`^${source}$`, "s").test(text);
}

const tokens = (pattern: string) => tokenizeGlob(pattern, { escapes: true });
const STRINGS = allStrings(7);

describe("globMatches", () => {
  it("agrees with a regular-expression reference on random patterns", () => {
    const next = generator(7);
    for (let round = 0; round < 300; round++) {
      const pattern = randomPattern(next, 5);
      for (const text of STRINGS.slice(0, 400)) {
        expect(globMatches(tokens(pattern), text), `${pattern} on ${text}`).toBe(
          referenceMatches(pattern, text),
        );
      }
    }
  });
});

describe("globIncluded", () => {
  it("agrees with checking every short string on random pattern pairs", () => {
    const next = generator(11);
    const answers = new Set<boolean>();
    for (let round = 0; round < 600; round++) {
      const inner = randomPattern(next, 4);
      const outer = randomPattern(next, 4);
      // For patterns this short a counterexample, when there is one, is only a few characters long.
      const expected = STRINGS.every(
        (text) => !referenceMatches(inner, text) || referenceMatches(outer, text),
      );
      expect(globIncluded(tokens(inner), tokens(outer)), `${inner} within ${outer}`).toBe(expected);
      answers.add(expected);
    }
    expect([...answers].sort()).toEqual([false, true]);
  });
});

describe("tokenizeGlob", () => {
  const star = { kind: "star" };
  const single = { kind: "single" };
  const literal = (char: string) => ({ kind: "literal", char });

  it.each([
    ["a**b", [literal("a"), star, literal("b")]],
    ["?", [single]],
    ["${*}${?}${$}", [literal("*"), literal("?"), literal("$")]],
    ["${aws:username}", Array.from("${aws:username}", literal)],
  ])("reads %j with escapes", (pattern, expected) => {
    expect(tokenizeGlob(pattern, { escapes: true })).toEqual(expected);
  });

  it("leaves escapes alone in actions", () => {
    expect(tokenizeGlob("${*}", { escapes: false })).toEqual([
      literal("$"),
      literal("{"),
      star,
      literal("}"),
    ]);
  });
});
