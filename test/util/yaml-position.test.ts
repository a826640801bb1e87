import { describe, expect, it } from "vitest";
import { parseYaml } from "../../src/util/yaml-position.js";

function problemOf(text: string) {
  const { problem } = parseYaml(text);
  return (
    problem && { message: problem.message, line: problem.line, column: problem.column, code: problem.code }
  );
}

describe("parseYaml: keys written twice", () => {
  it("names the key and the line it was first written on, block and flow alike", () => {
    expect(problemOf("a: 1\nb:\n  c: 2\n  c: 3\n")).toEqual({
      message: 'duplicate key "c" (first written at line 3)',
      line: 4,
      column: 3,
      code: "DUPLICATE_KEY",
    });
    expect(problemOf("x: [1, {k: 1, k: 2}]\n")).toMatchObject({
      message: 'duplicate key "k" (first written at line 1)',
      line: 1,
      column: 15,
    });
    expect(problemOf(": 1\n: 2\n")).toMatchObject({ code: "DUPLICATE_KEY", line: 2, column: 1 });
  });

  it("finds a key written twice at the end of a mapping of many thousands", () => {
    const keys = Array.from({ length: 50_000 }, (_, index) => `k${index}: ${index}`);
    expect(problemOf(`${keys.join("\n")}\n`)).toBeUndefined();
    expect(problemOf(`${keys.join("\n")}\nk49999: again\n`)).toEqual({
      message: 'duplicate key "k49999" (first written at line 50000)',
      line: 50_001,
      column: 1,
      code: "DUPLICATE_KEY",
    });
  });

  it("reports the first problem in the document, a key written twice or a syntax error", () => {
    expect(problemOf('a: 1\na: 2\nb: "open\n')).toMatchObject({ code: "DUPLICATE_KEY", line: 2 });
    expect(problemOf('b: "open\nc: 1\na: 1\na: 2\n')?.code).not.toBe("DUPLICATE_KEY");
  });

  it("compares keys by value, as YAML does: 1 and '1' differ, and so does .nan from itself", () => {
    expect(problemOf("1: a\n'1': b\n")).toBeUndefined();
    expect(problemOf(".nan: a\n.nan: b\n")).toBeUndefined();
    expect(problemOf("1: a\n0x1: b\n")).toMatchObject({ code: "DUPLICATE_KEY", line: 2 });
    expect(problemOf("&a k: 1\nother: *a\n")).toBeUndefined();
  });
});
