import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileCondition } from "../../src/engine/condition/compile.js";
import { compileRuleText } from "../../src/engine/rule-loader.js";
import { REPO } from "../support/cli.js";

/**
 * Every YAML example in the rule-language page is compiled, so the documentation cannot describe
 * a language the engine does not accept. Examples that are whole rules go through the loader;
 * the others are conditions (with the parameters the examples mention declared).
 */
const page = await readFile(join(REPO, "docs/rule-language.md"), "utf8");
const blocks = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe("docs/rule-language.md", () => {
  it("has examples", () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  blocks.forEach((block, index) => {
    const value = parse(block) as Record<string, unknown> | null;
    if (value === null || "fail" in value || "rules" in value) return; // comments only, rule tests, configuration
    it(`example ${index + 1} compiles`, () => {
      if ("id" in value) {
        const result = compileRuleText(block, `example-${index + 1}.yaml`, "/example.yaml", "example.yaml");
        expect("problem" in result ? result.problem : undefined).toBeUndefined();
      } else {
        expect(() => compileCondition(value, new Set(["minimumVersion", "port"]))).not.toThrow();
      }
    });
  });
});
