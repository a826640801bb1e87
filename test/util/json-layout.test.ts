import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayMemberLayout } from "../../src/util/json-layout.js";
import { FUZZ_SEED, fuzzRuns } from "../support/fuzz.js";

const bytesOf = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array, start: number, end: number) =>
  new TextDecoder().decode(bytes.subarray(start, end));

/** JSON text of `value` with whitespace of every kind JSON allows around every token. */
function spaced(value: unknown, space: string): string {
  if (Array.isArray(value))
    return `[${space}${value.map((item) => spaced(item, space)).join(`${space},${space}`)}${space}]`;
  if (value !== null && typeof value === "object")
    return `{${space}${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}${space}:${space}${spaced(item, space)}`)
      .join(`${space},${space}`)}${space}}`;
  return JSON.stringify(value);
}

/** Strings that look like structure: a scan that does not skip them whole cuts in the wrong place. */
const tricky = fc.constantFrom(
  '"',
  "\\",
  "\\\\",
  '\\"',
  "{",
  "}",
  "[",
  "]",
  ",",
  '"resources":[',
  "é",
  "😀",
  "\u2028",
);
const text = fc.oneof(
  fc.string(),
  fc.array(tricky).map((parts) => parts.join("")),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(text, tie("value"), { maxKeys: 4 }),
  ),
})).value;
const space = fc.constantFrom("", " ", "\n", "\t", "\r\n  ");

describe("arrayMemberLayout", () => {
  it("finds every item of the array, and nothing else, however the document is written", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          text.filter((key) => key !== "resources"),
          json,
          { maxKeys: 3 },
        ),
        fc.array(json, { maxLength: 6 }),
        fc.nat(3),
        space,
        (others, items, position, gap) => {
          const entries = Object.entries(others);
          entries.splice(Math.min(position, entries.length), 0, ["resources", items]);
          const document = Object.fromEntries(entries);
          const source = `${gap}${spaced(document, gap)}${gap}`;
          const bytes = bytesOf(source);
          const layout = arrayMemberLayout(bytes, "resources");
          expect(layout).toBeDefined();
          expect(
            layout!.items.map(({ start, end }) => JSON.parse(decode(bytes, start, end)) as unknown),
          ).toEqual(items);
          expect(bytes[layout!.open]).toBe(0x5b);
          expect(bytes[layout!.close]).toBe(0x5d);
          const emptied = `${decode(bytes, layout!.start, layout!.open)}[]${decode(bytes, layout!.close + 1, bytes.length)}`;
          expect(JSON.parse(emptied)).toEqual({ ...document, resources: [] });
        },
      ),
      { seed: FUZZ_SEED, numRuns: fuzzRuns(300) },
    );
  });

  it("starts after a UTF-8 byte-order mark", () => {
    const bytes = bytesOf('\uFEFF{"resources": [1, {"a": "]"}]}');
    const layout = arrayMemberLayout(bytes, "resources")!;
    expect(layout.start).toBe(3);
    expect(layout.items.map(({ start, end }) => decode(bytes, start, end))).toEqual(["1", '{"a": "]"}']);
  });

  it("gives no layout for what it does not follow", () => {
    for (const source of [
      "",
      "[]",
      '{"resources": {}}',
      '{"other": []}',
      '{"resources": [], "resources": []}',
      '{"\\u0072esources": [1]}',
      '{"resources": [1, 2]} trailing',
      '{"resources": [1 2]}',
      '{"resources": [1,]',
      '{"resources": ["unterminated]}',
      '{"a" 1, "resources": []}',
      '{"resources": [{"a": [1}]}',
    ]) {
      expect(arrayMemberLayout(bytesOf(source), "resources"), source).toBeUndefined();
    }
  });
});
