import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { expect } from "vitest";
import { UserError } from "../../src/errors.js";
import { TemplateShapeError } from "../../src/sources/cloudformation/template.js";
import { ConfigurationItemError } from "../../src/sources/config-item/item.js";
import { ParseProblem } from "../../src/sources/positioned/node.js";

/**
 * Shared settings for the property-based tests under test/fuzz/.
 *
 * Every property runs from a fixed seed, so a failure in CI reproduces locally with the same
 * inputs (fast-check prints the counterexample and its path). The default number of runs keeps
 * the suite short; a longer hunt is one variable away:
 *
 *   ACCESS_BASELINE_FUZZ_RUNS=5000 npx vitest run test/fuzz
 *
 * multiplies every property's default by ACCESS_BASELINE_FUZZ_RUNS / 100 (never below the
 * default), and ACCESS_BASELINE_FUZZ_SEED=<integer> explores other inputs than the fixed seed.
 */
export const FUZZ_SEED = Number.parseInt(process.env.ACCESS_BASELINE_FUZZ_SEED ?? "", 10) || 20261206;

const RUNS_VARIABLE = Number.parseInt(process.env.ACCESS_BASELINE_FUZZ_RUNS ?? "", 10);

/** Runs for one property: its default, scaled up when ACCESS_BASELINE_FUZZ_RUNS asks for more. */
export function fuzzRuns(defaultRuns: number): number {
  if (!Number.isFinite(RUNS_VARIABLE) || RUNS_VARIABLE <= 100) return defaultRuns;
  return Math.round((defaultRuns * RUNS_VARIABLE) / 100);
}

/** The options every property passes to `fc.assert`. */
export function fuzzParameters(defaultRuns: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(defaultRuns), endOnFailure: true };
}

/** A longer per-test timeout when more runs were asked for. */
export function fuzzTimeout(defaultMs: number): number {
  return Math.max(defaultMs, (defaultMs * fuzzRuns(100)) / 100);
}

/**
 * The failures a reader may signal by throwing: the project's own, each carrying a message for
 * the user. Anything else (a TypeError from reading a member of undefined, a RangeError from a
 * runaway recursion) is a defect: it would surface as an "internal error".
 */
export function isOwnFailure(error: unknown): boolean {
  return (
    error instanceof UserError ||
    error instanceof ParseProblem ||
    error instanceof TemplateShapeError ||
    error instanceof ConfigurationItemError
  );
}

/** Calls `read`; a throw is allowed only when it is one of the project's own failures. */
export function expectOnlyOwnFailures(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    if (!isOwnFailure(error)) throw error;
    expect((error as Error).message).not.toBe("");
  }
}

export async function expectOnlyOwnFailuresAsync(read: () => Promise<unknown>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!isOwnFailure(error)) throw error;
    expect((error as Error).message).not.toBe("");
  }
}

/** The encodings every input is documented to be read in (docs/templates.md). */
export const TEXT_ENCODINGS = ["utf-8", "utf-8 with BOM", "utf-16le with BOM", "utf-16be with BOM"] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export function encodeText(text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case "utf-8":
      return Buffer.from(text, "utf8");
    case "utf-8 with BOM":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    case "utf-16le with BOM":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "utf-16be with BOM":
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]);
  }
}

/** A JSON value with one subtree replaced: which one is picked by `index` over a pre-order walk. */
export function replaceSubtree(document: unknown, index: number, replacement: unknown): unknown {
  let remaining = index % countNodes(document);
  const walk = (value: unknown): unknown => {
    if (remaining === 0) {
      remaining -= 1;
      return replacement;
    }
    remaining -= 1;
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, walk(member)]));
    return value;
  };
  return walk(document);
}

function countNodes(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((sum: number, item) => sum + countNodes(item), 0);
  if (value !== null && typeof value === "object")
    return 1 + Object.values(value).reduce((sum: number, item) => sum + countNodes(item), 0);
  return 1;
}

/** Values of every JSON type, shallow enough to keep documents small, with awkward numbers and strings. */
export const awkwardValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ depthSize: "small", maxDepth: 3 }),
  fc.constantFrom(
    "",
    "22",
    "-1",
    "0.0.0.0/0",
    "::/0",
    "0.0.0.0/00",
    "__proto__",
    "constructor",
    "${aws:username}",
    -1,
    0,
    1e308,
    -0,
    65536,
    Number.MAX_SAFE_INTEGER + 2,
    [],
    {},
    [[[]]],
    { __proto__: null },
    { Ref: "AWS::NoValue" },
  ),
);

/** A scratch directory for one test file, removed by `cleanup`. */
export async function scratchDirectory(prefix: string): Promise<{
  path: string;
  write: (name: string, content: string | Uint8Array) => Promise<string>;
  cleanup: () => Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), `access-baseline-${prefix}-`));
  return {
    path,
    write: async (name, content) => {
      const file = join(path, name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
      return file;
    },
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}
