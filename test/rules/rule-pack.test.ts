import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { testRule } from "../../src/engine/rule-tester.js";
import { REPO } from "../support/cli.js";

/** Every rule of the built-in pack, with the cases written beside it (like ESLint's RuleTester). */
const { rules, problems } = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO);

describe("the built-in rule pack", () => {
  it("loads without problems", () => {
    expect(problems).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(3);
  });

  for (const rule of rules) {
    describe(rule.metadata.id, async () => {
      const report = await testRule(rule, REPO);
      it("has a valid test file with pass and fail cases", () => {
        expect(report.problems).toEqual([]);
        expect(report.cases.some((c) => c.expected === "pass")).toBe(true);
        expect(report.cases.some((c) => c.expected === "fail")).toBe(true);
      });
      for (const outcome of report.cases) {
        it(`${outcome.expected}: ${outcome.name}`, () => {
          expect(outcome.failure).toBeUndefined();
        });
      }
    });
  }
});
