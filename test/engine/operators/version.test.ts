import { describe, expect, it } from "vitest";
import { compareVersions, parseVersion } from "../../../src/engine/operators/version.js";

describe("parseVersion", () => {
  it.each([
    ["2.3.672.0", [2, 3, 672, 0]],
    ["3", [3]],
    ["3.0", [3, 0]],
    ["3.0.161", [3, 0, 161]],
    ["03.02", [3, 2]],
  ])("reads %s", (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  it("gives every caller parts of its own, so changing them does not change the next reading", () => {
    const first = parseVersion("3.2.582.0");
    first!.fill(0);
    expect(parseVersion("3.2.582.0")).toEqual([3, 2, 582, 0]);
  });

  it("reads a version the same when it comes again, also after many other versions", () => {
    for (let index = 0; index < 3_000; index += 1) {
      expect(parseVersion(`3.${index}.1`)).toEqual([3, index, 1]);
    }
    expect(parseVersion("3.0.1")).toEqual([3, 0, 1]);
    expect(parseVersion("1.2.3.4.5")).toBeUndefined();
    expect(parseVersion("1.2.3.4.5")).toBeUndefined();
  });

  it.each<[unknown, string]>([
    ["", "empty text"],
    ["1.2.3.4.5", "five parts"],
    ["v2.3.672.0", "a leading letter"],
    ["2.3.672.0-beta", "a suffix"],
    [" 2.3.672.0", "leading space"],
    ["2.3.672.0\n", "a trailing newline"],
    ["2..3", "an empty part"],
    ["2.3.", "a trailing dot"],
    [".2.3", "a leading dot"],
    ["2.-3", "a negative part"],
    ["2.3e1", "an exponent"],
    ["99999999999999999999", "a part too large to hold exactly"],
    [2.3, "a number"],
    [null, "null"],
    [undefined, "undefined"],
    [["2", "3"], "a list"],
  ])("rejects %j (%s)", (text) => {
    expect(parseVersion(text)).toBeUndefined();
  });
});

describe("compareVersions", () => {
  it.each([
    ["3.2.582.0", "2.3.672.0", 1],
    ["2.3.672.0", "3.2.582.0", -1],
    ["2.3.1000.0", "2.3.672.0", 1],
    ["2.3.672.0", "2.3.672.0", 0],
    ["2.3", "2.3.0.0", 0],
    ["2.3.0.0", "2.3", 0],
    ["2.3.0.1", "2.3", 1],
    ["2.3.68.0", "2.3.539.0", -1],
    ["10.0", "9.9.9.9", 1],
    ["3.0.222.0", "3.0.284.0", -1],
    ["0", "0.0.0.0", 0],
  ] as const)("compares %s with %s as %i", (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it.each([
    ["latest", "2.3.672.0", /"latest"/],
    ["2.3.672.0", "2.3.x", /"2\.3\.x"/],
    [2.3, "2.3.672.0", /number 2\.3.*quote it in YAML/],
    [undefined, "2.3", /undefined/],
  ])("throws a TypeError naming %j", (a, b, message) => {
    expect(() => compareVersions(a, b)).toThrow(TypeError);
    expect(() => compareVersions(a, b)).toThrow(message);
  });
});
