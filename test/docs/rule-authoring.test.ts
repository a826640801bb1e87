import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileCondition } from "../../src/engine/condition/compile.js";
import { MessageBranches } from "../../src/engine/condition/message-branch.js";
import { compileRuleText } from "../../src/engine/rule-loader.js";
import { REPO } from "../support/cli.js";

/**
 * The rule-authoring guide's YAML compiles, and the whole rule it ends with is the example rule
 * the tests run (examples/rules/imdsv2-required.yaml), so the guide cannot drift from either.
 */
const page = await readFile(join(REPO, "docs/rule-authoring.md"), "utf8");
const blocks = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
const ENVELOPE =
  "id: x\ntitle: t\nseverity: note\nsecurity-severity: 1\ndescription: d\nrationale: r\nremediation: m\ntags: [t]\nresource: AWS::EC2::Instance\n";

describe("docs/rule-authoring.md", () => {
  it("ends with the example rule, as examples/rules holds it", async () => {
    const example = await readFile(join(REPO, "examples/rules/imdsv2-required.yaml"), "utf8");
    const whole = blocks.find((block) => block.startsWith("id: imdsv2-required"));
    expect(parse(whole!)).toEqual(parse(example));
  });

  blocks.forEach((block, index) => {
    const value = parse(block) as Record<string, unknown> | null;
    if (value === null || "pass" in value) return; // the schema line, rule tests
    it(`example ${index + 1} compiles`, () => {
      if ("id" in value) {
        const result = compileRuleText(block, "guide.yaml", "/guide.yaml", "guide.yaml");
        expect("problem" in result ? result.problem : undefined).toBeUndefined();
      } else if ("condition" in value || "message" in value || "params" in value) {
        const rest = "condition" in value ? "" : "condition: { path: InstanceId, exists: true }\n";
        const text = `${ENVELOPE}${rest}${"message" in value || "messages" in value ? "" : "message: m\n"}${block}`;
        const result = compileRuleText(text, "guide.yaml", "/guide.yaml", "guide.yaml");
        expect("problem" in result ? result.problem : undefined).toBeUndefined();
      } else {
        expect(() => compileCondition(value, new Set(), [], new MessageBranches([]))).not.toThrow();
      }
    });
  });
});
