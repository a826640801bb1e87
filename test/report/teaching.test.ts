import { describe, expect, it } from "vitest";
import { INFORMATION_URI } from "../../src/assets.js";
import type { RuleMetadata, RuleResult } from "../../src/engine/result.js";
import { buildJsonReport, type JsonResult } from "../../src/report/json.js";
import { ruleDocUri } from "../../src/report/rule-docs.js";
import { buildSarifLog } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import { firstSentence, wrapText } from "../../src/report/wrap.js";
import { LIVE_FAIL, SSH_RULE, buildReport } from "./fixtures.js";

/** A built-in rule: it has a page in docs/rules/, and no help-uri of its own. */
const BUILTIN_RULE: RuleMetadata = {
  ...SSH_RULE,
  id: "ssh-from-internet",
  remediation:
    "Remove the ingress entries that open the SSH port to public sources. Then reach instances\nthrough Session Manager.\n\nAWS CLI:\n  aws ec2 revoke-security-group-ingress …",
};
delete BUILTIN_RULE.helpUri;

const LONG_ARN = `arn:aws:iam::111122223333:role/${"very-long-path-segment/".repeat(5)}operator-role`;

function builtinFinding(overrides: Partial<RuleResult["resource"]> = {}): RuleResult {
  return { ...LIVE_FAIL, ruleId: BUILTIN_RULE.id, resource: { ...LIVE_FAIL.resource, ...overrides } };
}

describe("rule documentation links", () => {
  it("links a built-in rule to its page in docs/rules/ on the project's repository", () => {
    expect(ruleDocUri(BUILTIN_RULE)).toBe(`${INFORMATION_URI}/blob/main/docs/rules/ssh-from-internet.md`);
  });

  it("prefers the rule's own help-uri, and invents no page for a rule that has none", () => {
    expect(ruleDocUri(SSH_RULE)).toBe(SSH_RULE.helpUri);
    expect(ruleDocUri({ id: "my-team-custom-rule" })).toBeUndefined();
    expect(ruleDocUri({ id: "../../README" })).toBeUndefined();
  });

  it("puts the link on SARIF rules and results, and on JSON rules and results", () => {
    const report = buildReport({ rules: [BUILTIN_RULE], results: [builtinFinding()] });
    const uri = ruleDocUri(BUILTIN_RULE);
    const run = buildSarifLog(report).runs[0]!;
    expect(run.tool.driver.rules[0]!.helpUri).toBe(uri);
    expect(run.results[0]!.properties.helpUri).toBe(uri);
    const json = buildJsonReport(report);
    expect(json.rules[0]!.helpUri).toBe(uri);
    expect((json.results[0] as JsonResult).helpUri).toBe(uri);
  });
});

describe("text findings that teach", () => {
  it("shows the first sentence of the remediation and the doc link under the failing rule", () => {
    const text = renderText(buildReport({ rules: [BUILTIN_RULE], results: [builtinFinding()] }), {
      color: false,
    });
    expect(text).toContain("  Fix: Remove the ingress entries that open the SSH port to public sources.\n");
    expect(text).not.toContain("AWS CLI");
    expect(text).toContain(`  Docs: ${INFORMATION_URI}/blob/main/docs/rules/ssh-from-internet.md\n`);
  });

  it("keeps every line within the width, except a word that cannot be cut, alone on its line", () => {
    const report = buildReport({
      rules: [BUILTIN_RULE],
      results: [builtinFinding({ id: LONG_ARN, arn: LONG_ARN })],
    });
    const width = 60;
    const text = renderText(report, { color: false, width });
    // The findings: the counts below them are short lines of their own.
    const lines = text.slice(0, text.indexOf("Results:")).split("\n");
    for (const line of lines.filter((line) => line.length > width)) {
      // Only unbreakable words go over, and then alone on their line, whole.
      expect(line.trim()).not.toContain(" ");
    }
    expect(lines).toContain(`  ${LONG_ARN}`);
    expect(lines).toContain(`  ${INFORMATION_URI}/blob/main/docs/rules/ssh-from-internet.md`);
  });
});

describe("wrapText", () => {
  it("wraps at spaces and never cuts a word", () => {
    expect(wrapText("aaa bbb ccc dddddddddddd e", 9, "  ")).toEqual([
      "  aaa bbb",
      "  ccc",
      "  dddddddddddd",
      "  e",
    ]);
  });

  it("takes the first sentence of the first paragraph", () => {
    expect(firstSentence("Do this\nnow. Then that.\n\nDetails.")).toBe("Do this now.");
    expect(firstSentence("Use `aws ssm start-session --target i-…`.")).toBe(
      "Use `aws ssm start-session --target i-…`.",
    );
  });
});
