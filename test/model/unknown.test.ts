import { describe, expect, it } from "vitest";
import { assertKnown, isUnknown, unknownValue, UnknownValueError } from "../../src/model/unknown.js";

function reasonOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UnknownValueError);
    return (error as UnknownValueError).reason;
  }
}

describe("assertKnown", () => {
  it("accepts known values, and unknowns deeper than a list inside a field", () => {
    expect(reasonOf(() => assertKnown(undefined))).toBeUndefined();
    expect(reasonOf(() => assertKnown("tcp"))).toBeUndefined();
    expect(
      reasonOf(() => assertKnown({ IpProtocol: "tcp", IpRanges: [{ CidrIp: "10.0.0.0/8" }] })),
    ).toBeUndefined();
    expect(reasonOf(() => assertKnown({ IpRanges: [{ CidrIp: unknownValue("deep") }] }))).toBeUndefined();
    expect(reasonOf(() => assertKnown([[[unknownValue("deep")]]]))).toBeUndefined();
  });

  it("names the unknown value itself, a field, or an item of a list field", () => {
    expect(reasonOf(() => assertKnown(unknownValue("whole")))).toBe("whole");
    expect(reasonOf(() => assertKnown({ FromPort: 22, ToPort: unknownValue("port") }))).toBe("port");
    expect(reasonOf(() => assertKnown({ IpRanges: [{ CidrIp: "a" }, unknownValue("range")] }))).toBe("range");
    expect(reasonOf(() => assertKnown([1, unknownValue("item")]))).toBe("item");
    expect(reasonOf(() => assertKnown([[unknownValue("nested item")]]))).toBe("nested item");
  });

  it("names the first unknown in field order", () => {
    expect(reasonOf(() => assertKnown({ a: [unknownValue("first")], b: unknownValue("second") }))).toBe(
      "first",
    );
    expect(reasonOf(() => assertKnown({ $unknown: "own", a: unknownValue("field") }))).toBe("own");
  });
});

describe("isUnknown", () => {
  it("holds for a marker of its own, never for one an object inherits", () => {
    expect(isUnknown(unknownValue("why"))).toBe(true);
    // What assigning a key named `__proto__` made of a template resource's properties.
    const properties: Record<string, unknown> = { KeyName: [] };
    Object.setPrototypeOf(properties, unknownValue("an unread property"));
    expect(isUnknown(properties)).toBe(false);
    expect(isUnknown(Object.create(unknownValue("inherited")))).toBe(false);
  });
});
