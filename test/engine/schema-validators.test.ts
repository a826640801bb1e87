import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/assets.js";
import { compileRuleText } from "../../src/engine/rule-loader.js";
import { parseConfiguration } from "../../src/config/config-file.js";
import { formats, jsonEqual, ucs2length } from "../../src/util/schema-runtime.js";
// @ts-expect-error: a build script written in JavaScript, without type declarations
import { generateSchemaValidator, SCHEMA_VALIDATORS } from "../../scripts/schema-validators.mjs";

interface Entry {
  schema: string;
  path: string;
}

describe("the rule and configuration schemas, compiled ahead of time", () => {
  it.each((SCHEMA_VALIDATORS as Entry[]).map((entry) => [entry.path, entry] as const))(
    "%s is generated from its schema as it is (npm run validators)",
    (path, entry) => {
      const onDisk = readFileSync(`${PACKAGE_ROOT}/${path}`, "utf8");
      expect(
        onDisk === (generateSchemaValidator(entry) as string),
        `${path} is stale: run npm run validators`,
      ).toBe(true);
    },
  );

  it("load no schema compiler", () => {
    for (const entry of SCHEMA_VALIDATORS as Entry[]) {
      const text = readFileSync(`${PACKAGE_ROOT}/${entry.path}`, "utf8");
      expect(text).not.toMatch(/from "ajv|require\(/);
    }
  });

  it("refuse a help-uri that is not a URI, and name it", () => {
    const rule = readFileSync(`${PACKAGE_ROOT}/rules/network/ssh-from-internet.yaml`, "utf8");
    const broken = `${rule.trimEnd()}\nhelp-uri: not a uri\n`;
    const result = compileRuleText(broken, "broken.yaml", "broken.yaml", "broken.yaml");
    expect(result).toHaveProperty("problem");
    expect(JSON.stringify(result)).toMatch(/help-uri/);
  });

  it("refuse a configuration value of the wrong kind, with its line", () => {
    expect(() => parseConfiguration("fail-on: sometimes\n", ".access-baseline.yml")).toThrow(
      /\.access-baseline\.yml:1/,
    );
  });
});

describe("the functions the compiled validators call", () => {
  it("count code points, a surrogate pair as one", () => {
    expect(ucs2length("")).toBe(0);
    expect(ucs2length("abc")).toBe(3);
    expect(ucs2length("a😀b")).toBe(3);
    expect(ucs2length("\ud800")).toBe(1);
    expect(ucs2length("x\ud83dy\udbff")).toBe(4);
    expect(ucs2length("\udc00\ud800\udc00é")).toBe(3);
  });

  it("compare JSON values deeply", () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEqual("1", 1)).toBe(false);
  });

  it("accept absolute URIs only", () => {
    expect(formats.uri("https://example.com/docs#rule")).toBe(true);
    expect(formats.uri("mailto:security@example.com")).toBe(true);
    expect(formats.uri("docs/rules/x.md")).toBe(false);
    expect(formats.uri("https://exa mple.com")).toBe(false);
  });
});
