import { describe, expect, it } from "vitest";
import { isUnknown, unknownValue } from "../../../src/model/unknown.js";
import { parseJson } from "../../../src/sources/positioned/json.js";
import { toPlain } from "../../../src/sources/positioned/node.js";
import { mergeUnknown } from "../../../src/sources/terraform/values.js";

const marker = (path: (string | number)[]) => unknownValue(JSON.stringify(path));

describe("mergeUnknown", () => {
  it("puts a marker, naming its whole path, wherever after_unknown says true", () => {
    const after = { ingress: [{ cidr_blocks: ["10.0.0.0/8"], from_port: 22 }], name: "web" };
    const unknown = { ingress: [{ cidr_blocks: [false, true], security_groups: true }], id: true };
    expect(mergeUnknown(after, unknown, marker)).toEqual({
      ingress: [
        {
          cidr_blocks: ["10.0.0.0/8", { $unknown: '["ingress",0,"cidr_blocks",1]' }],
          from_port: 22,
          security_groups: { $unknown: '["ingress",0,"security_groups"]' },
        },
      ],
      name: "web",
      id: { $unknown: '["id"]' },
    });
  });

  it("keeps the planned keys first, in their order, then those only after_unknown names", () => {
    const merged = mergeUnknown({ b: 1, a: { c: 2 } }, { z: true, a: { c: true }, b: false }, marker);
    expect(Object.keys(merged as object)).toEqual(["b", "a", "z"]);
    expect(merged).toEqual({ b: 1, a: { c: { $unknown: '["a","c"]' } }, z: { $unknown: '["z"]' } });
  });

  it("copies values rather than sharing them, and leaves values without flags as they are", () => {
    const after = { tags: { a: "1" } };
    const merged = mergeUnknown(after, { tags: {} }, marker) as { tags: object };
    expect(merged).toEqual(after);
    expect(merged.tags).not.toBe(after.tags);
    expect(mergeUnknown("text", { x: true }, marker)).toBe("text");
    expect(mergeUnknown(after, false, marker)).toBe(after);
  });
});

describe("toPlain", () => {
  it("reads a key named __proto__ as a plain key", () => {
    const plain = toPlain(parseJson('{"__proto__": {"polluted": true}, "a": [1, {"b": null}]}')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(plain)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(plain, "__proto__")?.value).toEqual({ polluted: true });
    expect(plain.a).toEqual([1, { b: null }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("mergeUnknown and keys named like Object's own", () => {
  const marker = (path: (string | number)[]) => unknownValue(path.join("."));

  it("keeps a key named __proto__ as a field, known or unknown", () => {
    const after = JSON.parse('{"__proto__": "x", "key_name": []}') as unknown;
    const merged = mergeUnknown(after, JSON.parse('{"__proto__": true, "tags": true}'), marker) as object;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(["__proto__", "key_name", "tags"]);
    expect(Object.getOwnPropertyDescriptor(merged, "__proto__")?.value).toEqual(unknownValue("__proto__"));
    expect(isUnknown(merged)).toBe(false);
  });

  it("does not take a value from Object's prototype for a flag the value does not hold", () => {
    const merged = mergeUnknown({ ami: "ami-1" }, { toString: {}, constructor: [] }, marker);
    expect(merged).toEqual({ ami: "ami-1" });
    expect(Object.keys(merged as object)).toEqual(["ami"]);
  });
});
