import { describe, expect, it } from "vitest";
import { iacResource, PositionRecorder, PositionStore } from "../../src/sources/iac.js";
import { parseJson } from "../../src/sources/positioned/json.js";
import { positionAt, type MapNode, type SeqNode } from "../../src/sources/positioned/node.js";

function recorded(recorder: PositionRecorder): Record<string, unknown> {
  return { ...recorder.positions };
}

describe("PositionRecorder", () => {
  it("keeps the first position recorded for a path, in the order paths were first recorded", () => {
    const recorder = new PositionRecorder();
    recorder.set("B", { line: 2, column: 1 });
    recorder.set("A", { line: 3, column: 5 });
    recorder.set("B", { line: 9, column: 9 });
    recorder.set("C", undefined);
    recorder.set("C", { line: 4 });
    expect(JSON.stringify(recorder.positions)).toBe(
      '{"B":{"line":2,"column":1},"A":{"line":3,"column":5},"C":{"line":4}}',
    );
  });

  it("records paths located at keys of one mapping as one entry, each as if recorded on its own", () => {
    const entry = parseJson('{\n  "IpProtocol": "tcp",\n    "CidrIp": "10.0.0.0/8"\n}') as MapNode;
    const located = { paths: ["IpRanges[0]", "IpRanges[0].CidrIp", "IpProtocol"], keys: [1, 1, 0] };
    const store = new PositionStore();
    const recorder = new PositionRecorder(store);
    const other = new PositionRecorder(store);
    recorder.set("IpProtocol", { line: 1, column: 1 });
    recorder.setKeysAt(located, entry);
    other.setKeysAt(located, entry);
    recorder.set("Later", { line: 9, column: 2 });
    expect(store.paths).toHaveLength(4);
    expect(JSON.stringify(recorder.positions)).toBe(
      '{"IpProtocol":{"line":1,"column":1},"IpRanges[0]":{"line":3,"column":5},"IpRanges[0].CidrIp":{"line":3,"column":5},"Later":{"line":9,"column":2}}',
    );
    // Once the positions have been read, recording goes on path by path.
    recorder.setKeysAt({ paths: ["Late", "IpProtocol"], keys: [0, 1] }, entry);
    expect(recorded(recorder)).toMatchObject({
      Late: { line: 2, column: 3 },
      IpProtocol: { line: 1, column: 1 },
    });
    expect(recorded(other)).toEqual({
      "IpRanges[0]": { line: 3, column: 5 },
      "IpRanges[0].CidrIp": { line: 3, column: 5 },
      IpProtocol: { line: 2, column: 3 },
    });
  });

  it("gives back every line and column as recorded, from the smallest to the largest a file can hold", () => {
    const positions = {
      first: { line: 1, column: 1 },
      noColumn: { line: 7 },
      // A 64 MiB file written on one line.
      farColumn: { line: 1, column: 64 * 1024 * 1024 },
      // A 64 MiB file of empty lines.
      farLine: { line: 64 * 1024 * 1024, column: 1 },
      // Beyond any file this tool reads, and still given back as recorded.
      beyondColumn: { line: 3, column: 2 ** 40 },
      beyondLine: { line: 2 ** 40, column: 9 },
    };
    const recorder = new PositionRecorder();
    for (const [path, position] of Object.entries(positions)) recorder.set(path, position);
    expect(recorded(recorder)).toEqual(positions);
  });

  it("keeps every position of thousands of recorders sharing one store, however many the store holds", () => {
    const store = new PositionStore();
    const recorders = Array.from({ length: 3_000 }, () => new PositionRecorder(store));
    const expected: Record<string, { line: number; column: number }>[] = recorders.map(() => ({}));
    for (let round = 0; round < 3; round += 1) {
      recorders.forEach((recorder, index) => {
        // Now and then a position too far for a packed number, kept apart from the others.
        const line = index % 997 === 0 ? 2 ** 40 + index : 10 * index + round + 1;
        const position = { line, column: round + 2 };
        recorder.set(`P${round}`, position);
        expected[index]![`P${round}`] = position;
      });
    }
    recorders.forEach((recorder, index) => expect(recorded(recorder)).toEqual(expected[index]));
  });

  it("keeps each recorder's positions apart when several record into one store in turn", () => {
    const store = new PositionStore();
    const group = new PositionRecorder(store);
    const other = new PositionRecorder(store);
    group.set("GroupName", { line: 2, column: 3 });
    group.set("IpPermissions", { line: 4, column: 3 });
    other.set("GroupName", { line: 20, column: 3 });
    // A separate rule, read later, adds to the group.
    group.set("IpPermissions[1]", { line: 30, column: 5 });
    group.set("GroupName", { line: 31, column: 5 });
    other.set("IpPermissions", { line: 21 });
    expect(JSON.stringify(group.positions)).toBe(
      '{"GroupName":{"line":2,"column":3},"IpPermissions":{"line":4,"column":3},"IpPermissions[1]":{"line":30,"column":5}}',
    );
    other.set("Tags", { line: 22, column: 1 });
    expect(recorded(other)).toEqual({
      GroupName: { line: 20, column: 3 },
      IpPermissions: { line: 21 },
      Tags: { line: 22, column: 1 },
    });
  });

  it("keeps a recorder's positions in order across three runs and more, each run extended", () => {
    const store = new PositionStore();
    const group = new PositionRecorder(store);
    const other = new PositionRecorder(store);
    group.set("A", { line: 1, column: 1 });
    other.set("X", { line: 2, column: 1 });
    group.set("B", { line: 3, column: 1 });
    group.set("C", { line: 4, column: 1 });
    other.set("Y", { line: 5, column: 1 });
    group.set("D", { line: 6, column: 1 });
    group.set("E", { line: 7, column: 1 });
    other.set("Z", { line: 8, column: 1 });
    group.set("A", { line: 9, column: 1 });
    group.set("F", { line: 10, column: 1 });
    expect(JSON.stringify(group.positions)).toBe(
      JSON.stringify({
        A: { line: 1, column: 1 },
        B: { line: 3, column: 1 },
        C: { line: 4, column: 1 },
        D: { line: 6, column: 1 },
        E: { line: 7, column: 1 },
        F: { line: 10, column: 1 },
      }),
    );
    expect(recorded(other)).toEqual({
      X: { line: 2, column: 1 },
      Y: { line: 5, column: 1 },
      Z: { line: 8, column: 1 },
    });
  });

  it("records a member's position from its node as positionAt gives it", () => {
    const document = parseJson('{\n  "a": [1,\n    {"b": 2}],\n  "c": 3\n}') as MapNode;
    const list = document.values[0] as SeqNode;
    const recorder = new PositionRecorder();
    recorder.setAt("a", document, 0);
    recorder.setAt("a[1]", list, 1);
    recorder.setAt("c", document, 1);
    expect(recorded(recorder)).toEqual({
      a: positionAt(document, 0),
      "a[1]": positionAt(list, 1),
      c: positionAt(document, 1),
    });
    expect(recorder.positions["a[1]"]).toEqual({ line: 3, column: 5 });
  });

  it("still takes positions, first one winning, once its record has been read", () => {
    const recorder = new PositionRecorder();
    recorder.set("A", { line: 1, column: 1 });
    expect(recorder.positions.A).toEqual({ line: 1, column: 1 });
    recorder.set("A", { line: 7, column: 7 });
    recorder.set("B", { line: 2, column: 3 });
    expect(recorded(recorder)).toEqual({ A: { line: 1, column: 1 }, B: { line: 2, column: 3 } });
  });

  it("keeps a path named like an object's prototype as a plain path", () => {
    const recorder = new PositionRecorder();
    recorder.set("__proto__", { line: 5, column: 2 });
    recorder.set("toString", { line: 6, column: 2 });
    expect(Object.keys(recorder.positions)).toEqual(["__proto__", "toString"]);
    expect(Object.hasOwn(recorder.positions, "constructor")).toBe(false);
  });
});

describe("iacResource", () => {
  it("gives the resource the recorder's positions, also when serialized", () => {
    const recorder = new PositionRecorder();
    recorder.set("GroupName", { line: 4, column: 7 });
    const resource = iacResource(
      {
        type: "AWS::EC2::SecurityGroup",
        id: "Web",
        kind: "cloudformation",
        file: "t.json",
        account: "000012345678",
        region: "unknown",
        address: "Web",
        position: { line: 3, column: 5 },
        properties: { GroupId: "Web" },
        recorder,
      },
      false,
    );
    // Recorded after the resource was made, as related policies are.
    recorder.set("IpPermissions", { line: 8, column: 7 });
    expect(resource.source.positions?.IpPermissions).toEqual({ line: 8, column: 7 });
    expect(JSON.parse(JSON.stringify(resource.source))).toEqual({
      kind: "cloudformation",
      file: "t.json",
      line: 3,
      column: 5,
      address: "Web",
      positions: { GroupName: { line: 4, column: 7 }, IpPermissions: { line: 8, column: 7 } },
    });
    expect(Object.keys(resource.source)).toEqual(["kind", "file", "line", "address", "positions", "column"]);
  });

  it("gives each resource its own recorder's positions, also in a copy of its source", () => {
    const made = ["A", "B"].map((id, index) => {
      const recorder = new PositionRecorder();
      recorder.set("GroupName", { line: 10 + index, column: 3 });
      return iacResource(
        {
          type: "AWS::EC2::SecurityGroup",
          id,
          kind: "cloudformation",
          file: "t.json",
          account: "000012345678",
          region: "unknown",
          address: id,
          position: { line: 1 + index },
          properties: { GroupId: id },
          recorder,
        },
        false,
      );
    });
    expect(made.map((resource) => resource.source.positions?.GroupName)).toEqual([
      { line: 10, column: 3 },
      { line: 11, column: 3 },
    ]);
    expect({ ...made[1]!.source }).toEqual({
      kind: "cloudformation",
      file: "t.json",
      line: 2,
      address: "B",
      positions: { GroupName: { line: 11, column: 3 } },
    });
  });
});
