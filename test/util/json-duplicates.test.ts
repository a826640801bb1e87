import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countKeyColons, countWrittenKeys, findDuplicateKey } from "../../src/util/json-duplicates.js";

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

  it("tells a key of an object from the same key of the objects inside it and beside it", () => {
    expect(duplicateIn('[{"a": 1}, {"a": 2}, {"b": {"a": [{"a": 3}]}, "a": {"b": 4}}]')).toBeUndefined();
    expect(duplicateIn('{"a": {"b": {"c": 1}}, "b": [{"c": 2}], "c": 3}')).toBeUndefined();
    expect(duplicateIn('{"a": {"x": [1, {"y": 2}]},\n "a": 2}')).toEqual({
      key: "a",
      line: 2,
      column: 2,
      firstLine: 1,
    });
  });

  it("is not misled by brackets, braces and escaped quotes inside strings", () => {
    expect(duplicateIn('{"{": "}", "}": "{[", "[": 3, "x\\"y": "]}", "x": "\\"{"}')).toBeUndefined();
    expect(duplicateIn('{"a": "}}]]", "a\\"": 1, "a": 2}')?.key).toBe("a");
    expect(duplicateIn('{"a\\"b": 1, "a\\u0022b": 2}')?.key).toBe('a"b');
  });

  it("finds a duplicate among many keys of one object, escaped or not", () => {
    const keys = Array.from({ length: 5000 }, (_, index) => `"k${index}": ${index}`);
    expect(duplicateIn(`{${keys.join(", ")}}`)).toBeUndefined();
    expect(duplicateIn(`{${keys.join(", ")}, "k4999": 0}`)).toMatchObject({ key: "k4999", line: 1 });
    expect(duplicateIn(`{${keys.join(", ")}, "\\u006b7": 0}`)?.key).toBe("k7");
    // Each of the first few keys against the one after them, before and after the object grows.
    for (const count of [2, 15, 16, 17, 40]) {
      const few = keys.slice(0, count);
      expect(duplicateIn(`{${few.join(",")}, "k${count - 1}": 1}`)?.key).toBe(`k${count - 1}`);
      expect(duplicateIn(`{${few.join(",")}, "k${count}": 1}`)).toBeUndefined();
    }
  });

  it("counts keys written without spaces, as JSON.stringify writes them, around values that open with a colon", () => {
    const compact = JSON.stringify({ a: "::/0", b: [":", { "c:": ":x", "": ":" }], ":d": { e: 'a":' } });
    expect(duplicateIn(compact)).toBeUndefined();
    expect(duplicateIn(compact.replace('"b":', '"a":'))?.key).toBe("a");
    expect(duplicateIn('{"CidrIpv6":"::/0","CidrIpv6":"::/0"}')?.key).toBe("CidrIpv6");
    expect(duplicateIn('{"":":","":":"}')?.key).toBe("");
    expect(duplicateIn('{"a:":1,"a:":2}')?.key).toBe("a:");
    expect(duplicateIn('[":",{"x":1,"x":2}]')?.key).toBe("x");
    // A space before a colon inside a string does not hide a duplicate written compactly.
    expect(duplicateIn('{"note":"a :b","x":1,"x":2}')?.key).toBe("x");
  });

  it("finds a duplicate in an object nested a hundred thousand levels deep", () => {
    const depth = 100_000;
    const text = `${"[".repeat(depth)}{"a": 1, "b": {"a": 2}, "a": 3}${"]".repeat(depth)}`;
    expect(duplicateIn(text)).toMatchObject({ key: "a", firstLine: 1 });
    expect(duplicateIn(`${"[".repeat(depth)}{"a": 1}, {"a": 2}${"]".repeat(depth)}`)).toBeUndefined();
  });

  it("agrees with a reading of every object's keys on random documents", () => {
    // Objects are written as lists of entries, so that keys may repeat; a key is written plainly,
    // with a \\u escape or with its quote escaped, and what it decodes to decides.
    type Written =
      | { kind: "object"; entries: [string, string, Written][] }
      | { kind: "array"; items: Written[] }
      | { kind: "leaf"; text: string };
    const name = fc.constantFrom("a", "b", "ab", '"', "{", "]", ":", "a:", ":a", ",");
    const spelled = name.chain((key) =>
      fc.constantFrom(
        [key, JSON.stringify(key)],
        [
          key,
          `"${[...key].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"`,
        ],
      ),
    );
    const leaf = fc
      .constantFrom('"x:y"', '"}{"', "1", "null", '"\\\\"', '"a\\":"', '"::/0"', '":"', '""')
      .map((text): Written => ({ kind: "leaf", text }));
    const { node } = fc.letrec<{ node: Written }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.array(tie("node"), { maxLength: 4 }).map((items): Written => ({ kind: "array", items })),
        fc.array(fc.tuple(spelled, tie("node")), { maxLength: 5 }).map((entries): Written => ({
          kind: "object",
          entries: entries.map(([[key, text], value]) => [key, text, value]),
        })),
      ),
    }));
    // Spaced out, or compact as JSON.stringify writes: the two are counted differently.
    const write = (value: Written, compact: boolean): string =>
      value.kind === "leaf"
        ? value.text
        : value.kind === "array"
          ? `[${value.items.map((item) => write(item, compact)).join(compact ? "," : ", ")}]`
          : `{${value.entries
              .map(([, text, item]) => `${text}${compact ? ":" : " : "}${write(item, compact)}`)
              .join(compact ? "," : ",\n")}}`;
    const repeats = (value: Written): boolean =>
      value.kind === "leaf"
        ? false
        : value.kind === "array"
          ? value.items.some(repeats)
          : new Set(value.entries.map(([key]) => key)).size < value.entries.length ||
            value.entries.some(([, , item]) => repeats(item));
    fc.assert(
      fc.property(node, fc.boolean(), (value, compact) => {
        expect(duplicateIn(write(value, compact)) !== undefined).toBe(repeats(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("countKeyColons", () => {
  it("counts the keys of compact and spaced JSON with colons inside keys and values", () => {
    for (const text of [
      '{"a":"::/0","b":{"c:":":x","":":"},"d:":{"e":"a\\":"},"f":[1,"a::"]}',
      '{ "a" : " :x" , "b"\n:\t":" , "c :" : "x: ", "d\\\\" : "\\":" }',
      '{"arn":"arn:aws:iam::123456789012:role/x","t":"2026-11-20T09:30:00Z","x":{"y":":"}}',
      '{"a\\\\":1,"b\\\\\\":c":2,"\\":":":\\"","__proto__":{"a::":"::"}}',
      '"just: a string"',
      "[1, 2, {}]",
      "{}",
    ]) {
      JSON.parse(text);
      expect(countKeyColons(text)).toBe(countWrittenKeys(text));
    }
    expect(countKeyColons('{"CidrIpv6":"::/0"}')).toBe(1);
  });

  it("passes over the rest of a string from its first colon, escaped quotes and backslashes included", () => {
    for (const text of [
      '{"arn":"arn:aws:iam::123456789012:role/x","k":"2026-11-20T09:30:00Z"}',
      '{"a":"x:\\":y:\\\\","b:c:":":\\"d\\":e","f":1}',
      '{"s":"a: \\"b\\" : \\"c","t":{"u:v":"w:"}}',
      '{"v":"x:\\\\","w":"::"}',
      '[{"a":":"},"b:",{"c::":"::d","e":"f"}]',
    ]) {
      JSON.parse(text);
      expect(countKeyColons(text)).toBe(countWrittenKeys(text));
    }
    // Strings that read like keys and values hide no key, and hide no duplicate written after them.
    expect(
      findDuplicateKey('{"s":"a:\\"b\\":1,\\"b\\":2","b":1}', { s: 'a:"b":1,"b":2', b: 1 }),
    ).toBeUndefined();
    expect(duplicateIn('{"s":"a:\\"b\\":1","b":1,"b":2}')?.key).toBe("b");
    expect(duplicateIn('{"v":"x:\\\\","v":1}')?.key).toBe("v");
    expect(duplicateIn('{"a:b:":1,"a:b:":2}')?.key).toBe("a:b:");
    expect(duplicateIn('{"a":"b:c","a:":"b:c","a":"d"}')?.key).toBe("a");
  });

  it("leaves undecided a quote after a bracket, brace or comma before a colon", () => {
    expect(countKeyColons('[":x"]')).toBeUndefined();
    expect(countKeyColons('["a", " :x"]')).toBeUndefined();
    expect(countKeyColons('{"a{":1}')).toBeUndefined();
    expect(countKeyColons('{"a,"  :1}')).toBeUndefined();
    expect(countKeyColons('":"')).toBeUndefined();
    // The exact count, which the check then falls back on, names the duplicate.
    expect(findDuplicateKey('[":x", {"a,":1, "a,":2}]', [":x", { "a,": 2 }])?.key).toBe("a,");
  });

  it("finds duplicates through the colon count, whatever their values hold", () => {
    const found = (text: string) => {
      expect(countKeyColons(text)).toBeDefined();
      return duplicateIn(text)?.key;
    };
    expect(found('{"__proto__":{"a":"::"},"__proto__":"x:y"}')).toBe("__proto__");
    expect(found('{"a":{"b":"arn:aws:iam::1:x","c":{"d":":"}},"a":1}')).toBe("a");
    expect(found('{"x":[{"y":[{"b":"::1","b":"::2"}]}]}')).toBe("b");
    expect(found('{"a:" : " :", "a:" : " :"}')).toBe("a:");
    expect(found('{"a\\\\":1,"a\\u005c":2}')).toBe("a\\");
    expect(found('{"a":"x","b":"\\u003a","b":"\\u003A"}')).toBe("b");
  });

  it("never counts other than the scan from quote to quote on random documents", () => {
    // Keys and strings from characters that sit around colons, spaced in every way JSON allows.
    const piece = fc.constantFrom(":", "::/0", " ", "a", "\\\\", '\\"', "{", "[", ",", "}", "]", "\\u003a");
    const string = fc.array(piece, { maxLength: 4 }).map((pieces) => `"${pieces.join("")}"`);
    const space = fc.constantFrom("", "", " ", "\n", "\t ", "\r\n");
    const leaf = fc.oneof(string, fc.constantFrom("1", "null", "true"));
    const { node } = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc
          .array(fc.tuple(space, tie("node"), space), { maxLength: 4 })
          .map((items) => `[${items.map(([before, item, after]) => before + item + after).join(",")}]`),
        fc
          .array(fc.tuple(space, string, space, space, tie("node"), space), { maxLength: 4 })
          .map(
            (entries) =>
              `{${entries.map(([a, key, b, c, value, d]) => `${a}${key}${b}:${c}${value}${d}`).join(",")}}`,
          ),
      ),
    }));
    let decided = 0;
    fc.assert(
      fc.property(node, (text) => {
        JSON.parse(text);
        const counted = countKeyColons(text);
        if (counted !== undefined) {
          decided += 1;
          expect(counted).toBe(countWrittenKeys(text));
        }
      }),
      { numRuns: 5000 },
    );
    // Most documents are decided, so the agreement above is tested, not skipped.
    expect(decided).toBeGreaterThan(1000);
  });
});
