import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flatText, inQuotes, quote } from "../../src/report/json-text.js";

describe("flatText", () => {
  it("gives back every code unit of text put together from pieces, lone surrogates and controls included", () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom("\ud800", "\udc00", "\u0000", '"', "\\", "é", "😀"));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        let text = "";
        for (const part of pieces) text += part;
        expect(flatText(text)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe("quote and inQuotes", () => {
  it("write what JSON.stringify writes for a string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom("\ud800x", "a\udc00", "\u001f", '"\\')), (text) => {
        expect(quote(text)).toBe(JSON.stringify(text));
        expect(`"${inQuotes(text)}"`).toBe(JSON.stringify(text));
      }),
      { numRuns: 500 },
    );
  });
});
