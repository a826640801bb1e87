import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import checkSnapshotSchema from "../../src/sources/snapshot-check.generated.js";
import validateSnapshotSchema from "../../src/sources/snapshot-validator.generated.js";

const root = join(import.meta.dirname, "..", "..");
const example = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, "examples", "snapshot.json"), "utf8")) as Record<string, unknown>;

const check = checkSnapshotSchema as (value: unknown) => boolean;
const validate = validateSnapshotSchema as (value: unknown) => boolean;

type Container = Record<string, unknown> | unknown[];

/** Every object and array in `value` with the keys it holds, the document itself first. */
function containers(value: unknown, found: Container[] = []): Container[] {
  if (value === null || typeof value !== "object") return found;
  found.push(value as Container);
  for (const item of Object.values(value)) containers(item, found);
  return found;
}

/** Values of every JSON kind, each wrong somewhere in a snapshot. */
const REPLACEMENTS: unknown[] = [null, 0, 1.5, "", "x", [], { x: 1 }];

describe("the yes-or-no snapshot check", () => {
  it("agrees with the validator on every value of a snapshot replaced, removed or added to", () => {
    const document = example();
    expect(check(document)).toBe(true);
    expect(validate(document)).toBe(true);
    let compared = 0;
    const agree = () => {
      expect(check(document)).toBe(validate(document));
      compared += 1;
    };
    for (const container of containers(document)) {
      const record = container as Record<string, unknown>;
      for (const key of Object.keys(container)) {
        const original = record[key];
        for (const replacement of REPLACEMENTS) {
          record[key] = replacement;
          agree();
        }
        if (Array.isArray(container)) {
          record[key] = original;
          continue;
        }
        delete record[key];
        agree();
        record[key] = original;
      }
      if (!Array.isArray(container)) {
        record.unexpected = "x";
        agree();
        delete record.unexpected;
      }
    }
    expect(validate(document)).toBe(true);
    expect(compared).toBeGreaterThan(8_000);
  });

  it("builds no path or context for the values it checks: its checks take the value alone, and keep no record of it", () => {
    const text = readFileSync(join(root, "src", "sources", "snapshot-check.generated.ts"), "utf8");
    expect(text).not.toMatch(/\bvalidate\d+\([^()]*\{instancePath:/);
    // Unpacking a context at each of hundreds of thousands of calls is work for nothing.
    expect(text).toMatch(/\bfunction validate\d+\(data\)\{/);
    expect(text).not.toMatch(/\bfunction validate\d+\(data, /);
    expect(text).toMatch(/\bvalidate\d+\(data\.properties\)/);
    // Nor does each call look up what the schema, without unevaluated keywords, never tracks.
    expect(text).not.toMatch(/= validate\d+\.evaluated;/);
  });

  it("makes nothing for a string that passes: no discarded error for a non-empty one, no count of its code points", () => {
    const text = readFileSync(join(root, "src", "sources", "snapshot-check.generated.ts"), "utf8");
    // A `not` that fails as it should records an error, and a snapshot holds millions of strings.
    expect(text).not.toMatch(/\bconst err\d+ = \{\};/);
    // Only emptiness is asked of a string's length, which its UTF-16 length tells as well.
    expect(text).not.toMatch(/ucs2length/);
    expect(text).toMatch(/\.length < 1\b/);
  });
});
