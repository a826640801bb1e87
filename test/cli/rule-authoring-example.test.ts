import { describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/report/json.js";
import { FIXTURES, runCli } from "../support/cli.js";

/**
 * The custom rule docs/rule-authoring.md builds (examples/rules/imdsv2-required.yaml) runs with
 * `--rules` on every kind of input: a snapshot, a CloudFormation template and a Terraform plan.
 */
async function checkWithExampleRule(input: string[]) {
  const run = await runCli([
    "check",
    ...input,
    "--no-builtin-rules",
    "--verbose-passes",
    "--rules",
    "examples/rules",
    "--format",
    "json",
  ]);
  const report = JSON.parse(run.stdout) as JsonReport;
  const verdicts = report.results
    .filter((result) => result.ruleId === "imdsv2-required")
    .map((result) => `${result.resource.id}: ${result.status}: ${"message" in result ? result.message : ""}`)
    .sort();
  return { code: run.code, verdicts };
}

describe("the rule-authoring guide's IMDSv2 rule", () => {
  it("judges a snapshot", async () => {
    expect(await checkWithExampleRule(["--snapshot", `${FIXTURES}rule-authoring/snapshot.json`])).toEqual({
      code: 1,
      verdicts: [
        "i-0a1b2c3d4e5f60001: pass: compliant",
        "i-0a1b2c3d4e5f60002: fail: i-0a1b2c3d4e5f60002 does not require IMDSv2 session tokens (HttpTokens: optional)",
      ],
    });
  });

  it("judges a CloudFormation template, reading the options from the launch template", async () => {
    expect(await checkWithExampleRule([`${FIXTURES}rule-authoring/stack.yaml`])).toEqual({
      code: 1,
      verdicts: [
        "Legacy: fail: Legacy does not require IMDSv2 session tokens (HttpTokens: optional)",
        "Web: pass: compliant",
      ],
    });
  });

  it("judges a Terraform plan", async () => {
    expect(await checkWithExampleRule([`${FIXTURES}rule-authoring/plan.json`])).toEqual({
      code: 1,
      verdicts: [
        "aws_instance.legacy: fail: aws_instance.legacy does not require IMDSv2 session tokens (HttpTokens: optional)",
        "aws_instance.web: pass: compliant",
      ],
    });
  });
});
