import { describe, expect, it } from "vitest";
import { parseCloudFormationYaml } from "../../../src/sources/cloudformation/yaml.js";
import { MAX_ALIAS_NODES } from "../../../src/util/yaml-position.js";
import { MAX_PATHS, parseJson } from "../../../src/sources/positioned/json.js";
import {
  isMapNode,
  isSeqNode,
  keyPosition,
  member,
  ParseProblem,
  positionAt,
  toPlain,
  type MapNode,
  type PositionedValue,
} from "../../../src/sources/positioned/node.js";

function problemOf(read: () => unknown): { message: string; line?: number; column?: number } {
  try {
    read();
  } catch (error) {
    if (error instanceof ParseProblem)
      return { message: error.message, line: error.line, column: error.column };
    throw error;
  }
  throw new Error("expected a problem");
}

function map(value: PositionedValue | undefined): MapNode {
  if (!isMapNode(value)) throw new Error("not a mapping");
  return value;
}

describe("the position-keeping JSON reader", () => {
  const text = ["{", '  "a": 1,', '  "list": [', '    "x",', '    { "deep": true }', "  ]", "}"].join("\n");

  it("reads values as JSON.parse does", () => {
    expect(toPlain(parseJson(text))).toEqual(JSON.parse(text));
    const escapes =
      '{"s": "tab\\there \\u00e9 \\"q\\" \\\\", "n": -1.5e3, "z": 0, "t": true, "f": false, "u": null}';
    expect(toPlain(parseJson(escapes))).toEqual(JSON.parse(escapes));
  });

  it("reads numbers as JSON.parse does, short integers and all other forms alike", () => {
    const numbers = [
      "0",
      "-0",
      "7",
      "-7",
      "22",
      "65535",
      "-1",
      "123456789012345",
      "-123456789012345",
      "1234567890123456",
      "12345678901234567890",
      "9007199254740993",
      "1.5",
      "-0.25",
      "10.0",
      "1e3",
      "1E-3",
      "-2e+2",
      "0.1e1",
      "123456789012345e2",
    ];
    const list = `[${numbers.join(", ")}]`;
    const read = toPlain(parseJson(list)) as number[];
    expect(read.map((value) => (Object.is(value, -0) ? "-0" : value))).toEqual(
      (JSON.parse(list) as number[]).map((value) => (Object.is(value, -0) ? "-0" : value)),
    );
    expect(toPlain(parseJson('{"FromPort":22,"ToPort":-1}'))).toEqual({ FromPort: 22, ToPort: -1 });
  });

  it.each([
    ["-", "-"],
    ["12-3", "12-3"],
    ["1.", "1."],
    ["2e", "2e"],
    ["-01", "-01"],
    ["1.2.3", "1.2.3"],
    ["99999999999999999e+-1", "99999999999999999e+-1"],
  ])("refuses the number %s, naming it", (input, token) => {
    expect(problemOf(() => parseJson(`[${input}]`))).toEqual({
      message: `expected a number, found ${JSON.stringify(token)}`,
      line: 1,
      column: 2,
    });
  });

  it("reads repeated short keys and values as the same text each time, whatever they look like", () => {
    const entries = Array.from({ length: 3000 }, (_, index) => {
      const key = ["IpProtocol", "FromPort", "ab", "ba", String.raw`a\"b`, "x".repeat(32), "x".repeat(33)][
        index % 7
      ];
      return `{"${key}": "${["tcp", "udp", "tpc", String(index % 50), ""][index % 5]}"}`;
    });
    const text = `[${entries.join(",\n")}]`;
    expect(toPlain(parseJson(text))).toEqual(JSON.parse(text));
  });

  it("tells apart repeated texts of one length that differ only inside", () => {
    // Same length, same first, middle and last characters: read into one slot of recent texts,
    // each in turn, long enough to be kept as slices of the document.
    const texts = ["10.251.0.0/16", "10.151.0.0/16", "10.251.9.0/16", "10.251.0.0/16"];
    const text = JSON.stringify(
      Array.from({ length: 40 }, (_, index) => ({ [texts[(index + 1) % 4]!]: texts[index % 4] })),
    );
    expect(toPlain(parseJson(text))).toEqual(JSON.parse(text));
  });

  it("gives objects with the same keys one shared key list, and each its own values", () => {
    const text = '[{"a": 1, "b": 2}, {"a": 3, "b": 4}, {"b": 5, "a": 6}, {"a": 7}]';
    const [first, second, swapped, shorter] = (parseJson(text) as { items: MapNode[] }).items;
    expect(second!.keys).toBe(first!.keys);
    expect(swapped!.keys).toEqual(["b", "a"]);
    expect(shorter!.keys).toEqual(["a"]);
    expect([first, second, swapped, shorter].map((node) => toPlain(node))).toEqual(JSON.parse(text));
  });

  it("keeps of each mapping and list only its members and where they are, its own place beside theirs", () => {
    // A large template is a hundred thousand of these, all kept while it is read.
    const root = map(parseJson('{\n  "list": [\n    {}, []\n  ]\n}'));
    expect(Object.keys(root)).toEqual(["keys", "values", "positions", "offset"]);
    const list = member(root, "list");
    if (!isSeqNode(list)) throw new Error("not a list");
    expect(Object.keys(list)).toEqual(["items", "positions", "offset"]);
    expect([root.kind, root.line, root.column]).toEqual(["map", 1, 1]);
    expect([list.kind, list.line, list.column]).toEqual(["seq", 2, 11]);
    const [empty, emptyList] = list.items;
    expect(isMapNode(empty) && [empty.line, empty.column, empty.keys.length]).toEqual([3, 5, 0]);
    expect(isSeqNode(emptyList) && [emptyList.line, emptyList.column, emptyList.items.length]).toEqual([
      3, 9, 0,
    ]);
    expect(positionAt(list, 1)).toEqual({ line: 3, column: 9 });
  });

  it("places every empty mapping and list, also where the positions it is kept with run over into a new block", () => {
    // Two thousand lines of small objects fill several blocks of positions; an empty `{}` or `[]`
    // at the end of one must point at its own line, not into the block before.
    const lines = Array.from({ length: 2000 }, () => '{"a": 1, "e": {}, "s": []},');
    const list = parseJson(`[\n${lines.join("\n")}\n{"a": 1}\n]`);
    if (!isSeqNode(list)) throw new Error("not a list");
    const misplaced: string[] = [];
    list.items.slice(0, lines.length).forEach((item, index) => {
      const entry = map(item);
      for (const name of ["e", "s"]) {
        const node = member(entry, name);
        const column = name === "e" ? 15 : 24;
        if (!isMapNode(node) && !isSeqNode(node)) misplaced.push(`${index}.${name} is not a node`);
        else if (node.line !== index + 2 || node.column !== column)
          misplaced.push(`${index}.${name} at ${node.line}:${node.column}`);
      }
    });
    expect(misplaced).toEqual([]);
  });

  it("keeps the line and column of every key and item", () => {
    const root = map(parseJson(text));
    expect(keyPosition(root, "a")).toEqual({ line: 2, column: 3 });
    expect(keyPosition(root, "list")).toEqual({ line: 3, column: 3 });
    const list = member(root, "list");
    if (!isSeqNode(list)) throw new Error("not a list");
    expect(positionAt(list, 0)).toEqual({ line: 4, column: 5 });
    expect(positionAt(list, 1)).toEqual({ line: 5, column: 5 });
    expect(keyPosition(map(list.items[1]), "deep")).toEqual({ line: 5, column: 7 });
  });

  it("keeps every position in a large document, of small objects and of an object with many keys", () => {
    // Thousands of entries on lines of their own, inside one object with more keys than the
    // reader keeps the positions of together, followed by a list.
    const count = 40_000;
    const lines = ["{", '  "entries": {'];
    for (let index = 0; index < count; index += 1)
      lines.push(`    "e${index}": {"port": ${index}, "to": [${index}]}${index + 1 < count ? "," : ""}`);
    lines.push("  },", '  "after": [', "    1,", "    2", "  ]", "}");
    const root = map(parseJson(lines.join("\n")));
    const entries = map(member(root, "entries"));
    for (const index of [0, 1, 4_095, 4_096, 20_000, count - 1]) {
      const line = 3 + index;
      const written = lines[line - 1]!;
      expect(keyPosition(entries, `e${index}`)).toEqual({ line, column: 5 });
      const entry = map(entries.values[index]);
      expect(keyPosition(entry, "port")).toEqual({ line, column: written.indexOf('"port"') + 1 });
      const to = member(entry, "to");
      if (!isSeqNode(to)) throw new Error("not a list");
      expect(positionAt(to, 0)).toEqual({ line, column: written.indexOf("[") + 2 });
    }
    const after = member(root, "after");
    if (!isSeqNode(after)) throw new Error("not a list");
    expect(keyPosition(root, "after")).toEqual({ line: count + 4, column: 3 });
    expect(positionAt(after, 1)).toEqual({ line: count + 6, column: 5 });
  });

  it("does not count a byte-order mark as a column", () => {
    expect(keyPosition(map(parseJson('\uFEFF{"a": 1}')), "a")).toEqual({ line: 1, column: 2 });
  });

  it.each([
    [
      "a missing comma",
      '{\n  "a": 1\n  "b": 2\n}',
      "expected ',' or '}' after a property value, found \"\\\"\"",
      3,
      3,
    ],
    ["a trailing comma", '{"a": [1, 2,]}', 'expected a value, found "]"', 1, 13],
    ["a missing colon", '{"a" 1}', "expected ':' after a property name, found \"1\"", 1, 6],
    ["an unquoted key", "{a: 1}", 'expected a property name in double quotes, found "a"', 1, 2],
    [
      "a truncated file",
      '{\n  "a": [1, 2',
      "the file ends unexpectedly inside an array (is it truncated?)",
      2,
      13,
    ],
    [
      "an unterminated string",
      '{"a": "b',
      "the file ends unexpectedly inside a string (is it truncated?)",
      1,
      9,
    ],
    [
      "a line break in a string",
      '{"a": "b\nc"}',
      "a string contains an unescaped control character or line break",
      1,
      9,
    ],
    ["a bad escape", '{"a": "\\q"}', "invalid escape \\q in a string", 1, 8],
    ["a bad literal", '{"a": nope}', 'expected a value, found "nope"', 1, 7],
    ["a bad number", '{"a": 01}', 'expected a number, found "01"', 1, 7],
    ["text after the value", '{"a": 1} x', 'expected the end of the file, found "x"', 1, 10],
    ["an empty file", "  \n", "the file is empty", 2, 1],
  ])("reports %s with its position", (_name, input, message, line, column) => {
    expect(problemOf(() => parseJson(input))).toEqual({ message, line, column });
  });

  it("refuses a key written twice, naming both lines", () => {
    expect(problemOf(() => parseJson('{\n  "CidrIp": "10.0.0.0/8",\n  "CidrIp": "0.0.0.0/0"\n}'))).toEqual({
      message: 'duplicate key "CidrIp" (first written at line 2)',
      line: 3,
      column: 3,
    });
    const many = `{${Array.from({ length: 40 }, (_, index) => `"k${index}": ${index}`).join(", ")}, "k7": 0}`;
    expect(problemOf(() => parseJson(many)).message).toBe('duplicate key "k7" (first written at line 1)');
  });

  it("checks the keys of each mapping apart from those of the mappings around and inside it", () => {
    const keys = (count: number, value: (index: number) => string): string =>
      Array.from({ length: count }, (_, index) => `"k${index}": ${value(index)}`).join(", ");
    // Large mappings (checked with a set) and small ones (checked by scanning), nested both ways.
    const inner = `{${keys(20, () => `{${keys(3, String)}}`)}}`;
    const nested = `{${keys(20, (index) => (index === 5 ? `[${inner}, ${inner}]` : String(index)))}}`;
    expect(toPlain(parseJson(nested))).toEqual(JSON.parse(nested));
    const twice = `{${keys(20, (index) => (index === 5 ? inner : "0"))}, "k5": 1}`;
    expect(problemOf(() => parseJson(twice))).toEqual({
      message: 'duplicate key "k5" (first written at line 1)',
      line: 1,
      column: twice.lastIndexOf('"k5"') + 1,
    });
    expect(problemOf(() => parseJson(`[{"a": {"b": 1, "a": 2}, "b": {"a": 1}, "a": 3}]`)).message).toBe(
      'duplicate key "a" (first written at line 1)',
    );
  });

  it("refuses a repeated key however the mappings before it were written", () => {
    // Mappings written alike are read along a path of the keys seen before; a duplicate must be
    // refused whether it ends a path taken before, starts a new one, or is written with escapes.
    const cases: [string, number, string][] = [
      ['[{"a": 1, "b": 2},\n {"a": 1, "a": 2}]', 2, '"a": 2'],
      ['[{"a": 1, "b": 2},\n {"a": 1, "b": 2, "a": 3}]', 2, '"a": 3'],
      ['[{"a": 1, "a": 2}]', 1, '"a": 2'],
      ['[{"a": 1},\n {"\\u0061": 1, "a": 2}]', 2, '"a": 2'],
      ['[{"a": 1},\n {"a": 1, "\\u0061": 2}]', 2, '"\\u0061": 2'],
    ];
    for (const [text, line, duplicate] of cases)
      expect(problemOf(() => parseJson(text))).toEqual({
        message: `duplicate key "a" (first written at line ${line})`,
        line,
        column: text.split("\n")[line - 1]!.indexOf(duplicate) + 1,
      });
  });

  it("reads keys that start alike, or are written with escapes, as the keys they are", () => {
    const text = JSON.stringify([
      { ab: 1 },
      { a: 2 },
      { ab: 3, a: 4 },
      { a: 5, ab: 6 },
      { "": 7 },
      { "": 8, a: 9 },
    ]);
    const escaped =
      '[{"\\u0061": 1, "b": 2}, {"a": 3, "b": 4}, {"a": 5, "\\u0062": 6}, {"a\\"": 7}, {"a": 8}]';
    for (const each of [text, escaped]) {
      expect(toPlain(parseJson(each))).toEqual(JSON.parse(each));
      const items = (parseJson(each) as { items: MapNode[] }).items;
      expect(items.map((item) => item.keys)).toEqual((JSON.parse(each) as object[]).map(Object.keys));
    }
    const many = Array.from(
      { length: 3 },
      () => `{${Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`).join(", ")}}`,
    );
    const read = parseJson(`[${many.join(",")}]`);
    if (!isSeqNode(read)) throw new Error("not a list");
    expect(read.items.map((item) => map(item).keys.length)).toEqual([40, 40, 40]);
    expect(toPlain(read)).toEqual(JSON.parse(`[${many.join(",")}]`));
  });

  it("reads and checks mappings alike once it has made as many paths of keys as it keeps", () => {
    // Each of these mappings has a key of its own, so every one makes a path until there are too
    // many; the mappings after that are read and checked without one.
    const own = Array.from({ length: MAX_PATHS + 10 }, (_, index) => `{"u${index}": ${index}}`);
    const many = (count: number, last: string): string =>
      `{${Array.from({ length: count }, (_, index) => `"f${index}": ${index}`).join(", ")}, ${last}}`;
    const after = ['{"fresh": 1, "other": [2], "more": {"x": 3}}', '{"u0": 1, "u1": 2}', many(20, '"g": 0')];
    const text = `[${[...own, ...after].join(",\n")}]`;
    const read = parseJson(text);
    if (!isSeqNode(read)) throw new Error("not a list");
    expect(toPlain(read)).toEqual(JSON.parse(text));
    const fresh = map(read.items[own.length]);
    expect(fresh.keys).toEqual(["fresh", "other", "more"]);
    expect(keyPosition(fresh, "more")).toEqual({ line: own.length + 1, column: 28 });
    const line = own.length + 1;
    for (const [last, duplicate] of [
      ['{"fresh": 1, "other": 2, "fresh": 3}', '"fresh": 3'],
      ['{"u0": 1, "u0": 2}', '"u0": 2'],
      [many(20, '"f7": 0'), '"f7": 0'],
    ] as const) {
      const twice = `[${[...own, last].join(",\n")}]`;
      expect(problemOf(() => parseJson(twice))).toEqual({
        message: `duplicate key ${JSON.stringify(duplicate.slice(1, duplicate.indexOf('"', 1)))} (first written at line ${line})`,
        line,
        column: last.indexOf(duplicate) + 1,
      });
    }
  });

  it("bounds nesting depth", () => {
    const deep = `${"[".repeat(129)}${"]".repeat(129)}`;
    expect(problemOf(() => parseJson(deep))).toEqual({
      message: "nesting deeper than 128 levels",
      line: 1,
      column: 129,
    });
    expect(() => parseJson(`${"[".repeat(128)}${"]".repeat(128)}`)).not.toThrow();
  });
});

describe("the CloudFormation YAML reader", () => {
  it("turns every short-form tag into its long form", () => {
    const text = [
      "A: !Ref Param",
      "B: !GetAtt Database.Endpoint.Address",
      "C: !GetAtt [Group, GroupId]",
      "D: !Sub ${AWS::Region}",
      "E: !Join [',', [a, b]]",
      "F: !Select [0, !Split [',', 'a,b']]",
      "G: !If [Cond, !Base64 text, !FindInMap [M, k1, k2]]",
      "H: !And [!Equals [a, b], !Or [!Not [!Condition Other], !Condition Other]]",
      "I: !ImportValue shared",
      "J: !GetAZs ''",
      "K: !Cidr [10.0.0.0/16, 4, 8]",
      "L: !Length [1, 2]",
      "M: !ToJsonString {a: 1}",
      "N: !Transform {Name: AWS::Include}",
    ].join("\n");
    const { value, unknownTags } = parseCloudFormationYaml(text);
    expect(unknownTags).toEqual([]);
    expect(toPlain(value)).toEqual({
      A: { Ref: "Param" },
      B: { "Fn::GetAtt": ["Database", "Endpoint.Address"] },
      C: { "Fn::GetAtt": ["Group", "GroupId"] },
      D: { "Fn::Sub": "${AWS::Region}" },
      E: { "Fn::Join": [",", ["a", "b"]] },
      F: { "Fn::Select": [0, { "Fn::Split": [",", "a,b"] }] },
      G: { "Fn::If": ["Cond", { "Fn::Base64": "text" }, { "Fn::FindInMap": ["M", "k1", "k2"] }] },
      H: {
        "Fn::And": [
          { "Fn::Equals": ["a", "b"] },
          { "Fn::Or": [{ "Fn::Not": [{ Condition: "Other" }] }, { Condition: "Other" }] },
        ],
      },
      I: { "Fn::ImportValue": "shared" },
      J: { "Fn::GetAZs": "" },
      K: { "Fn::Cidr": ["10.0.0.0/16", 4, 8] },
      L: { "Fn::Length": [1, 2] },
      M: { "Fn::ToJsonString": { a: 1 } },
      N: { "Fn::Transform": { Name: "AWS::Include" } },
    });
  });

  it("keeps the line and column of keys and items", () => {
    const { value } = parseCloudFormationYaml(
      "Resources:\n  Group:\n    Ingress:\n      - CidrIp: !Ref Cidr\n",
    );
    const ingress = member(map(member(map(member(map(value), "Resources")), "Group")), "Ingress");
    if (!isSeqNode(ingress)) throw new Error("not a list");
    expect(positionAt(ingress, 0)).toEqual({ line: 4, column: 9 });
    expect(keyPosition(map(ingress.items[0]), "CidrIp")).toEqual({ line: 4, column: 9 });
  });

  it("keeps as text what reads as a number but is not written as one", () => {
    const { value } = parseCloudFormationYaml(
      "012345678901: { Port: 22, Zero: -1, Id: 012345678901, Version: 1.0 }\n",
    );
    expect(toPlain(value)).toEqual({
      "012345678901": { Port: 22, Zero: -1, Id: "012345678901", Version: "1.0" },
    });
  });

  it("reads a plain number with a leading zero as YAML 1.1 does, octal, as CloudFormation reads it", () => {
    const { value } = parseCloudFormationYaml(
      "A: { Port: 026, Signed: -026, Spaced: 02_6, Zeros: 00, Zero: 0, Quoted: '026', Tagged: !!str 026, Ref: !Ref 026 }\n",
    );
    expect(toPlain(value)).toEqual({
      A: {
        Port: 22,
        Signed: -22,
        Spaced: 22,
        Zeros: 0,
        Zero: 0,
        Quoted: "026",
        Tagged: "026",
        Ref: { Ref: "026" },
      },
    });
    // The same under a %YAML 1.1 directive, which makes the parser itself read 026 as 22.
    expect(toPlain(parseCloudFormationYaml("%YAML 1.1\n---\nPort: 026\n").value)).toEqual({ Port: 22 });
  });

  it("reads plain yes, no, on and off as YAML 1.1 does, booleans, as CloudFormation reads them", () => {
    const { value } = parseCloudFormationYaml(
      "A: [yes, Yes, YES, on, On, ON, no, No, NO, off, Off, OFF, y, n, 'yes', !!str off, !Ref on, yess]\nOn: key\n",
    );
    expect(toPlain(value)).toEqual({
      A: [
        ...[true, true, true, true, true, true, false, false, false, false, false, false],
        ...["y", "n", "yes", "off", { Ref: "on" }, "yess"],
      ],
      true: "key",
    });
  });

  it("reads values of unknown tags as written, and lists the tags", () => {
    const { value, unknownTags } = parseCloudFormationYaml("A: !Custom value\n");
    expect(toPlain(value)).toEqual({ A: "value" });
    expect(unknownTags).toEqual(["!Custom"]);
  });

  it("expands aliases and merge keys, within bounds", () => {
    const { value } = parseCloudFormationYaml(
      "base: &base {FromPort: 22, ToPort: 22}\nrule:\n  <<: *base\n  ToPort: 23\nsame: *base\n",
    );
    expect(toPlain(value)).toEqual({
      base: { FromPort: 22, ToPort: 22 },
      rule: { ToPort: 23, FromPort: 22 },
      same: { FromPort: 22, ToPort: 22 },
    });
  });

  it("merges only a plain <<: a quoted or tagged one is a key named <<", () => {
    const { value } = parseCloudFormationYaml(
      'base: &base {CidrIp: 10.0.0.0/8}\nquoted:\n  "<<": *base\n  CidrIp: 0.0.0.0/0\ntagged:\n  !!str <<: *base\n',
    );
    expect(toPlain(value)).toEqual({
      base: { CidrIp: "10.0.0.0/8" },
      quoted: { "<<": { CidrIp: "10.0.0.0/8" }, CidrIp: "0.0.0.0/0" },
      tagged: { "<<": { CidrIp: "10.0.0.0/8" } },
    });
  });

  it("merges a << the parser reads as a merge: tagged !!merge, or plain under a %YAML 1.1 directive", () => {
    const base = "base: &base {CidrIp: 0.0.0.0/0, FromPort: 22}\n";
    for (const text of [
      `${base}rule:\n  !!merge <<: *base\n  ToPort: 22\n`,
      `%YAML 1.1\n---\n${base}rule:\n  <<: *base\n  ToPort: 22\n`,
      `%YAML 1.1\n---\n${base}rule:\n  !!merge <<: *base\n  ToPort: 22\n`,
    ]) {
      expect(toPlain(member(map(parseCloudFormationYaml(text).value), "rule")), text).toEqual({
        CidrIp: "0.0.0.0/0",
        FromPort: 22,
        ToPort: 22,
      });
    }
    expect(toPlain(parseCloudFormationYaml("Value: !!merge <<\n").value)).toEqual({ Value: "<<" });
  });

  it("keeps a mapping's own keys over merged ones, in long mappings too", () => {
    const own = Array.from({ length: 40 }, (_, index) => `  k${index}: own${index}`).join("\n");
    const base = Array.from({ length: 40 }, (_, index) => `k${index * 2}: base${index}`).join(", ");
    const { value } = parseCloudFormationYaml(
      `base: &base {${base}, 1: merged}\nrule:\n${own}\n  <<: *base\n  "1": own\n`,
    );
    const rule = map(member(map(value), "rule"));
    expect(rule.keys).toHaveLength(40 + 20 + 1);
    expect(member(rule, "k2")).toBe("own2");
    expect(member(rule, "k78")).toBe("base39");
    expect(member(rule, "1")).toBe("own");
    expect(rule.keys.filter((key) => key === "1")).toHaveLength(1);
    expect(keyPosition(rule, "1")).toEqual({ line: 44, column: 3 });
  });

  it.each([
    ['1 and "1"', '1: number\n"1": text\n'],
    ['true and "true"', 'true: a\n"true": b\n'],
    ["yes and true", "yes: a\ntrue: b\n"],
    ['null and ""', '~: a\n"": b\n'],
    [
      '0x1 and "0x1", in a long mapping',
      `${Array.from({ length: 20 }, (_, i) => `k${i}: v`).join("\n")}\n0x1: a\n"0x1": b\n`,
    ],
  ])("refuses two keys CloudFormation reads as one: %s", (_name, text) => {
    const lines = text.trimEnd().split("\n").length;
    const problem = problemOf(() => parseCloudFormationYaml(`${text}`));
    expect(problem.message).toMatch(
      /^duplicate key ".*" \(first written at line \d+, as another YAML type or through an alias\)$/,
    );
    expect([problem.line, problem.column]).toEqual([lines, 1]);
  });

  it("refuses an alias as a key that repeats a key of its mapping", () => {
    const problem = problemOf(() =>
      parseCloudFormationYaml("name: &key CidrIp\nrule:\n  CidrIp: 0.0.0.0/0\n  *key : 10.0.0.0/8\n"),
    );
    expect(problem).toEqual({
      message: 'duplicate key "CidrIp" (first written at line 3, as another YAML type or through an alias)',
      line: 4,
      column: 3,
    });
  });

  it("refuses a key written twice in two types after a merge key gave it", () => {
    const problem = problemOf(() =>
      parseCloudFormationYaml('base: &base {1: merged}\nrule:\n  <<: *base\n  1: own\n  "1": again\n'),
    );
    expect(problem.message).toBe(
      'duplicate key "1" (first written at line 4, as another YAML type or through an alias)',
    );
    expect([problem.line, problem.column]).toEqual([5, 3]);
  });

  it("refuses an alias bomb", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [index, name] of ["b", "c", "d", "e", "f"].entries()) {
      const previous = "abcde"[index]!;
      levels.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(", ")}]`);
    }
    const problem = problemOf(() => parseCloudFormationYaml(levels.join("\n")));
    expect(problem.message).toBe(
      `YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes; this looks like an alias bomb and is not read`,
    );
    expect(problem.line).toBe(5);
  });

  it("refuses an alias that contains itself", () => {
    expect(problemOf(() => parseCloudFormationYaml("a: &x [1, *x]\n"))).toEqual({
      message: "the YAML alias *x refers to a node that contains it",
      line: 1,
      column: 11,
    });
  });

  it.each([
    ["bad indentation", "a:\n  - b\n c: d\n", 3, 1],
    ["a duplicate key", "Resources: {}\nResources: {}\n", 2, 1],
    ["an unterminated quote", 'A: "open\n', 2, 1],
  ])("reports %s with its position", (_name, text, line, column) => {
    const problem = problemOf(() => parseCloudFormationYaml(text));
    expect(problem.message).toMatch(/^not valid YAML: /);
    expect([problem.line, problem.column]).toEqual([line, column]);
  });

  it("refuses several documents in one file", () => {
    expect(problemOf(() => parseCloudFormationYaml("a: 1\n---\nb: 2\n")).message).toBe(
      "not a single YAML document (a template is one document)",
    );
  });

  it("bounds nesting depth, however deep the parser itself could go", () => {
    expect(problemOf(() => parseCloudFormationYaml(`a: ${"[".repeat(200)}${"]".repeat(200)}`))).toEqual({
      message: "nesting deeper than 128 levels",
      line: 1,
      column: 4 + 127,
    });
    const veryDeep = problemOf(() => parseCloudFormationYaml(`a: ${"[".repeat(20000)}${"]".repeat(20000)}`));
    expect(veryDeep.message).toMatch(/nesting/);
  });
});
