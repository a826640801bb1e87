import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oneLine, singleSpaced } from "../../src/util/one-line.js";

describe("oneLine", () => {
  it("gives back a value that holds nothing to escape as it is", () => {
    const value = "arn:aws:iam::123456789012:role/app-role ünïcode \u00a0 \u2027 \u202a";
    expect(oneLine(value)).toBe(value);
    expect(oneLine("")).toBe("");
  });

  it("escapes line breaks, tabs and other control characters wherever they are", () => {
    expect(oneLine("a\nb\rc\td")).toBe("a\\nb\\rc\\td");
    expect(oneLine("\u0000start")).toBe("\\u0000start");
    expect(oneLine("end\u001f")).toBe("end\\u001f");
    expect(oneLine("bell \u0007 and escape \u001b")).toBe("bell \\u0007 and escape \\u001b");
  });

  it("escapes DEL and the C1 controls, which a terminal can read as an escape sequence", () => {
    expect(oneLine("del \u007f")).toBe("del \\u007f");
    expect(oneLine("\u009b2Jerased")).toBe("\\u009b2Jerased");
    expect(oneLine("next line \u0085 and \u009f")).toBe("next line \\u0085 and \\u009f");
    // The first character after them is shown as it is.
    expect(oneLine("no-break \u00a0 space")).toBe("no-break \u00a0 space");
  });

  it("escapes the Unicode line and paragraph separators", () => {
    expect(oneLine("one\u2028two\u2029three")).toBe("one\\u2028two\\u2029three");
  });

  it("escapes every character of a value that has several, the same in each call", () => {
    // The test for a character and the replacing pass must agree from one call to the next.
    for (let round = 0; round < 3; round++) {
      expect(oneLine("x\n\ny")).toBe("x\\n\\ny");
      expect(oneLine("plain")).toBe("plain");
    }
  });

  it("escapes each control character and separator of any value, one code unit at a time", () => {
    const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
    const expected = (value: string): string => {
      let shown = "";
      for (const unit of value.split("")) {
        const code = unit.charCodeAt(0);
        const escaped = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
        shown += escaped ? (named[unit] ?? `\\u${code.toString(16).padStart(4, "0")}`) : unit;
      }
      return shown;
    };
    const piece = fc.oneof(
      fc.constantFrom(
        "\n",
        "\r",
        "\t",
        "\u0000",
        "\u001f",
        "\u2028",
        "\u2029",
        "\u007f",
        "\u0085",
        "\u009b",
        "\u00a0",
        "\\",
        '"',
      ),
      fc.string({ unit: "binary", maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const value = pieces.join("");
        expect(oneLine(value)).toBe(expected(value));
      }),
    );
  });

  it("puts a message from elsewhere on one line: white space runs as one space, controls escaped", () => {
    expect(singleSpaced("  Access denied\n  for   user\t")).toBe("Access denied for user");
    expect(singleSpaced("bad \u001b[2K\u009b2J value")).toBe("bad \\u001b[2K\\u009b2J value");
    expect(singleSpaced("")).toBe("");
  });
});
