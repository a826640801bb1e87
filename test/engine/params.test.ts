import { describe, expect, it } from "vitest";
import { coerceParam, ParamError, resolveParams, type ParamSpec } from "../../src/engine/params.js";

const spec = (type: ParamSpec["type"], extra: Partial<ParamSpec> = {}): ParamSpec => ({
  type,
  default: null,
  description: "d",
  ...extra,
});

describe("coerceParam", () => {
  it.each([
    [spec("integer"), "22", 22],
    [spec("number"), "1.5", 1.5],
    [spec("integer"), " 22 ", 22],
    [spec("number"), "1e1", 10],
    [spec("boolean"), "false", false],
    [spec("boolean"), true, true],
    [spec("version"), "3.0.222.0", "3.0.222.0"],
    [spec("string-list"), "a, b,,c", ["a", "b", "c"]],
    [spec("string-list"), ["x"], ["x"]],
    [spec("string"), "x", "x"],
  ])("%j accepts %j", (paramSpec, raw, expected) => {
    expect(coerceParam("p", paramSpec, raw)).toEqual(expected);
  });

  it.each([
    [spec("integer"), "2.5", /a whole number/],
    [spec("integer", { maximum: 60 }), "61", /at most 60/],
    [spec("integer", { minimum: 1 }), 0, /at least 1/],
    [spec("number"), "abc", /a number/],
    [spec("integer"), "0x16", /a number/],
    [spec("integer"), "0b10110", /a number/],
    [spec("integer"), "0o26", /a number/],
    [spec("number"), "", /a number/],
    [spec("boolean"), "yes", /true or false/],
    [spec("version"), "latest", /dotted version/],
    [spec("string"), 3, /a string/],
  ])("%j rejects %j", (paramSpec, raw, message) => {
    expect(() => coerceParam("p", paramSpec, raw)).toThrow(ParamError);
    expect(() => coerceParam("p", paramSpec, raw)).toThrow(message);
  });
});

describe("resolveParams", () => {
  const specs = { limit: spec("integer", { default: 20 }), strict: spec("boolean", { default: false }) };
  it("layers defaults, then configuration, then the command line", () => {
    expect(resolveParams("r", specs, [])).toEqual({ limit: 20, strict: false });
    expect(resolveParams("r", specs, [{ limit: 30 }, { limit: "40" }])).toEqual({ limit: 40, strict: false });
  });
  it("rejects a parameter the rule does not have", () => {
    expect(() => resolveParams("r", specs, [{ limt: 1 }])).toThrow(
      /rule r has no parameter "limt" \(it has: limit, strict\)/,
    );
  });
});
