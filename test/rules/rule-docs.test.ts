import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { stalePages } from "../../src/cli/commands/rules.js";
import { renderRuleReference } from "../../src/docs/rule-reference.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { REPO } from "../support/cli.js";

describe("the generated rule reference in docs/rules", () => {
  it("is up to date with the rule files (run `npm run docs` when this fails)", async () => {
    const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO);
    const pages = await renderRuleReference(rules);
    expect(await stalePages(join(REPO, "docs/rules"), pages)).toEqual([]);
  });

  it("has a page per rule with every required section", async () => {
    const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO);
    const pages = await renderRuleReference(rules);
    for (const rule of rules) {
      const page = pages.get(`${rule.metadata.id}.md`)!;
      for (const section of [
        "## What it checks",
        "## Why it matters",
        "## Failing example",
        "## Passing example",
        "## Remediation",
        "## Condition",
      ]) {
        expect(page, `${rule.metadata.id} lacks ${section}`).toContain(section);
      }
    }
    expect(pages.get("README.md")).toContain(`${rules.length} rules`);
  });

  it("gives every built-in rule's remediation as an AWS CLI command, CloudFormation and Terraform", async () => {
    const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO);
    for (const rule of rules) {
      const { remediation, id } = rule.metadata;
      expect(remediation, `${id}: no AWS CLI command`).toMatch(/```sh\n[^`]*\baws /);
      expect(remediation, `${id}: no CloudFormation`).toMatch(/CloudFormation/);
      expect(remediation, `${id}: no Terraform`).toMatch(/Terraform/);
    }
  });
});
