import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globIncluded } from "../../src/iam/glob-inclusion.js";
import { globsOverlap } from "../../src/iam/glob-overlap.js";
import { globMatches, tokenizeGlob } from "../../src/iam/glob.js";

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

const referenceExpressions = new Map<string, RegExp>();

function referenceMatches(pattern: string, text: string): boolean {
  let expression = referenceExpressions.get(pattern);
  if (expression === undefined) {
    expression = referenceExpression(pattern);
    referenceExpressions.set(pattern, expression);
  }
  return expression.test(text);
}

function referenceExpression(pattern: string): RegExp {
  const source = Array.from(pattern, (character) =>
    character === "*" ? ".*" : character === "?" ? "." : character.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
  ).join("");
  return new RegExp(`^${source}$`, "s");
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

  const shortPattern = (maxLength: number) =>
    fc.array(fc.constantFrom("a", "b", "*", "?"), { maxLength }).map((symbols) => symbols.join(""));
  const STRINGS_UP_TO_8 = allStrings(8);

  it("agrees with checking every string up to eight characters (property)", () => {
    fc.assert(
      fc.property(shortPattern(4), shortPattern(4), (inner, outer) => {
        const expected = STRINGS_UP_TO_8.every(
          (text) => !referenceMatches(inner, text) || referenceMatches(outer, text),
        );
        expect(globIncluded(tokens(inner), tokens(outer)), `${inner} within ${outer}`).toBe(expected);
      }),
      { numRuns: 400, seed: 20_261_206 },
    );
  });

  /** A string `pattern` matches, each `?` and `*` filled from `fillers` in turn. */
  function instance(pattern: string, fillers: string[]): string {
    let next = 0;
    return Array.from(pattern, (symbol) => {
      if (symbol !== "*" && symbol !== "?") return symbol;
      const filler = fillers[next++ % Math.max(fillers.length, 1)] ?? "";
      return symbol === "?" ? (filler[0] ?? "c") : filler;
    }).join("");
  }

  it("never calls a longer pattern within another when one of its strings is not (property)", () => {
    fc.assert(
      fc.property(
        shortPattern(14),
        shortPattern(8),
        fc.array(fc.stringMatching(/^[abc]{0,12}$/), { minLength: 1, maxLength: 8 }),
        (inner, outer, fillers) => {
          const text = instance(inner, fillers);
          expect(referenceMatches(inner, text)).toBe(true);
          if (globIncluded(tokens(inner), tokens(outer))) expect(referenceMatches(outer, text)).toBe(true);
        },
      ),
      { numRuns: 600, seed: 7_919 },
    );
  });

  describe("at IAM's size limit", () => {
    // The largest inline role policy is 10,240 characters; a Resource pattern close to that size,
    // full of `*` runs that each nearly spell out the own-session pattern, is the worst input a
    // policy can hand the check.
    const OWN_SESSIONS = "arn:aws:ssm:*:*:session/${aws:username}-*";
    const LIMIT = 10_240;
    function nearMisses(prefix: string, piece: (index: number) => string, suffix = ""): string {
      let pattern = prefix;
      for (let index = 0; pattern.length + suffix.length < LIMIT; index++) pattern += piece(index);
      return (pattern + suffix).slice(0, LIMIT);
    }
    const username = "${aws:username}-";

    it.each([
      [
        "runs of ever longer prefixes",
        nearMisses("arn:aws:ssm:*:*:session/", (i) => `*${username.slice(0, 1 + (i % username.length))}`),
        false,
      ],
      [
        "the name followed by a single wildcard",
        nearMisses("arn:aws:ssm:*:*:session/", () => "*${aws:username}?"),
        false,
      ],
      [
        "wildcards between the name's characters",
        nearMisses("arn:aws:ssm:*:*:session/", () => "*?$?{*a?w*s?:*u"),
        false,
      ],
      [
        "a session of the caller's, then anything",
        nearMisses(`arn:aws:ssm:*:*:session/${username}`, () => `*${username}?`),
        true,
      ],
      [
        "the same ending with a character outside the pattern",
        nearMisses(`arn:aws:ssm:*:*:session/${username}`, () => `*${username}?`, "x"),
        true,
      ],
      ["the whole pattern repeated", nearMisses("", () => OWN_SESSIONS), true],
    ])("settles %s", (_name, pattern, expected) => {
      expect(pattern.length).toBe(LIMIT);
      expect(globIncluded(tokens(pattern), tokens(OWN_SESSIONS))).toBe(expected);
      for (const other of ["arn:*:ec2:*", "arn:*:ssm:*:*:managed-instance/*", "arn:*:ssm:*:*:document/*"]) {
        expect(globIncluded(tokens(pattern), tokens(other))).toBe(false);
      }
    });

    it("settles a pattern within every session and within *", () => {
      const pattern = nearMisses("arn:aws:ssm:*:*:session/", () => "*${aws:username}?");
      expect(globIncluded(tokens(pattern), tokens("arn:aws:ssm:*:*:session/*"))).toBe(true);
      expect(globIncluded(tokens(pattern), tokens("*"))).toBe(true);
    });
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

describe("globsOverlap", () => {
  const shortPattern = (maxLength: number) =>
    fc.array(fc.constantFrom("a", "b", "*", "?"), { maxLength }).map((symbols) => symbols.join(""));
  const STRINGS_UP_TO_8 = allStrings(8);

  it("agrees with looking for a shared string up to eight characters (property)", () => {
    fc.assert(
      fc.property(shortPattern(4), shortPattern(4), (first, second) => {
        const expected = STRINGS_UP_TO_8.some(
          (text) => referenceMatches(first, text) && referenceMatches(second, text),
        );
        expect(globsOverlap(tokens(first), tokens(second)), `${first} and ${second}`).toBe(expected);
      }),
      { numRuns: 400, seed: 4_242 },
    );
  });

  it.each([
    ["arn:aws:ssm:*::document/AWS-Start*", "arn:*:ssm:*:*:document/AWS-StartSSHSession", true],
    ["*", "arn:*:ssm:*:*:document/AWS-StartSSHSession", true],
    ["arn:aws:ssm:*::document/AWS-StartSSHSessionX", "arn:*:ssm:*:*:document/AWS-StartSSHSession", false],
    ["arn:aws:ec2:*:1:instance/*", "arn:*:ssm:*:*:document/AWS-StartSSHSession", true],
  ])("%j and %j: %s", (first, second, expected) => {
    expect(globsOverlap(tokens(first), tokens(second))).toBe(expected);
  });

  it("keeps a field star within its field", () => {
    const target = tokens("arn:*:ssm:*:*:document/AWS-StartSSHSession");
    const fieldStars = new Set([4, 10, 12]);
    expect(target.map((token) => token.kind).filter((_, index) => fieldStars.has(index))).toEqual([
      "star",
      "star",
      "star",
    ]);
    expect(globsOverlap(tokens("arn:aws:ec2:*:1:instance/*"), target, fieldStars)).toBe(false);
    expect(globsOverlap(tokens("arn:aws:*"), target, fieldStars)).toBe(true);
    expect(globsOverlap(tokens("arn:aws-us-gov:ssm:us-gov-west-1::document/*"), target, fieldStars)).toBe(
      true,
    );
    expect(globsOverlap(tokens("arn:a:b:ssm:c:d:document/AWS-StartSSHSession"), target, fieldStars)).toBe(
      false,
    );
  });
});
