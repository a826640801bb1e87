import { describe, expect, it } from "vitest";
import { decodeText, NOT_TEXT, NotTextError } from "../../src/util/text-file.js";

/** One decoder for every input: the encodings editors and shells write, and nothing else. */

const TEXT = "Resources: # é ✓\n";

function utf16(text: string, order: "le" | "be", withMark: boolean): Buffer {
  const little = Buffer.from((withMark ? "\uFEFF" : "") + text, "utf16le");
  return order === "le" ? little : little.swap16();
}

function refusal(bytes: Uint8Array): string {
  try {
    decodeText(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(NotTextError);
    return (error as Error).message;
  }
  throw new Error("expected the bytes to be refused");
}

describe("decodeText", () => {
  it.each([
    ["UTF-8", Buffer.from(TEXT, "utf8")],
    ["UTF-8 with a byte-order mark", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])],
    ["UTF-16 LE with a byte-order mark (PowerShell's >)", utf16(TEXT, "le", true)],
    ["UTF-16 BE with a byte-order mark", utf16(TEXT, "be", true)],
  ])("reads %s, without the mark", (_name, bytes) => {
    expect(decodeText(bytes)).toBe(TEXT);
  });

  it("reads ASCII text as written, from any part of a larger buffer", () => {
    let ascii = "\t\r\n";
    for (let code = 0x20; code < 0x7f; code += 1) ascii += String.fromCharCode(code);
    const around = Buffer.from(`\u00e9${ascii}\u00e9`, "utf8");
    expect(decodeText(around.subarray(2, 2 + ascii.length))).toBe(ascii);
    expect(decodeText(new Uint8Array(Buffer.from(ascii)))).toBe(ascii);
    expect(decodeText(new Uint8Array(0))).toBe("");
  });

  it.each([
    ["UTF-16 LE without a byte-order mark", utf16(TEXT, "le", false), "it holds NUL bytes"],
    ["UTF-16 BE without a byte-order mark", utf16(TEXT, "be", false), "it holds NUL bytes"],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), "invalid UTF-8"],
    ["Latin-1", Buffer.from("Résumé\n", "latin1"), "invalid UTF-8"],
    ["binary data", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), "NUL"],
    ["UTF-16 with a lone surrogate", Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]), "invalid UTF-16LE"],
    ["binary data after a UTF-16 mark", Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x41, 0x00]), "NUL characters"],
  ])("refuses %s", (_name, bytes, reason) => {
    const message = refusal(bytes);
    expect(message.startsWith(`${NOT_TEXT} (`)).toBe(true);
    expect(message).toContain(reason);
  });
});
