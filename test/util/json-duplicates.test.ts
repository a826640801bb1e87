import { describe, expect, it } from "vitest";
import { findDuplicateKey } from "../../src/util/json-duplicates.js";

const duplicateIn = (text: string) => findDuplicateKey(text, JSON.parse(text));

describe("findDuplicateKey", () => {
  it("finds none where colons, quotes and backslashes only sit inside strings", () => {
    expect(duplicateIn('{"a": "x:y", "b": ["c:", {"d\\"": "e\\\\"}], "f\\\\": 1}')).toBeUndefined();
    expect(duplicateIn('{\r\n\t"a" \t\r\n: {"b":{}},\n  "c"  :  [1, 2, null, true]\n}')).toBeUndefined();
    expect(duplicateIn('["a", "b:", {"c": ":"}]')).toBeUndefined();
    expect(duplicateIn('"just: a string"')).toBeUndefined();
  });

  it("names a duplicate key however the whitespace around its colon is written", () => {
    const text = '{\n  "outer": [\n    {"id": 1},\n    {"id" \t:\r\n 2, "name": "x", "id"\n  : 3}\n  ]\n}';
    expect(duplicateIn(text)).toEqual({ key: "id", line: 5, column: 18, firstLine: 4 });
  });

  it("treats an escaped key as the key it decodes to", () => {
    expect(duplicateIn('{"a": 1,\n "\\u0061": 2}')).toEqual({ key: "a", line: 2, column: 2, firstLine: 1 });
  });

  it("finds a duplicate inside an array of objects deep in the document", () => {
    const text = JSON.stringify({ resources: [{ a: [{ b: 1 }] }] }).replace('{"b":1}', '{"b":1,"b":2}');
    expect(duplicateIn(text)?.key).toBe("b");
  });
});
