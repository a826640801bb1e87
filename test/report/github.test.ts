import { describe, expect, it } from "vitest";
import { escapeData, escapeProperty, renderGithub, renderGithubSummary } from "../../src/report/github.js";
import {
  LIVE_ERROR,
  LIVE_FAIL,
  ROLE_RULE,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  mixedReport,
} from "./fixtures.js";

describe("renderGithub", () => {
  const lines = renderGithub(mixedReport()).trimEnd().split("\n");

  it("annotates a template finding on its file, line and column", () => {
    expect(lines).toContain(
      `::error file=templates/web stack.yaml,line=14,col=13,title=${SSH_RULE.id}%3A WebSecurityGroup::${TEMPLATE_FAIL.message}`,
    );
  });

  it("annotates live findings on the run, and unevaluated rules as errors whatever their severity", () => {
    expect(lines).toContain(`::error title=${SSH_RULE.id}%3A sg-0123456789abcdef0::${LIVE_FAIL.message}`);
    expect(lines).toContain(
      `::error title=${ROLE_RULE.id}%3A web-instance-role::could not evaluate: ${LIVE_ERROR.message}`,
    );
  });

  it("uses warning and notice for lower severities", () => {
    const warning = { ...LIVE_FAIL, ruleId: ROLE_RULE.id, severity: "warning" as const };
    const note = { ...LIVE_FAIL, severity: "note" as const };
    const text = renderGithub(buildReport({ results: [warning, note] }));
    expect(text).toMatch(/^::warning title=/m);
    expect(text).toMatch(/^::notice title=/m);
  });

  it("annotates an input problem on its file and line", () => {
    const text = renderGithub(
      buildReport({
        results: [],
        inputProblems: [{ file: "infra/broken,1.yaml", line: 3, column: 5, message: "not valid YAML" }],
      }),
    );
    expect(text).toBe(
      "::error file=infra/broken%2C1.yaml,line=3,col=5,title=input problem::infra/broken,1.yaml:3:5: not valid YAML\n",
    );
  });

  it("reports collection errors, so an incomplete run shows", () => {
    expect(lines.some((line) => line.startsWith("::error title=collection error%3A iam "))).toBe(true);
  });

  it("escapes %, CR and LF in messages, and also : and , in properties", () => {
    expect(escapeData("100% a:b,c\r\nd")).toBe("100%25 a:b,c%0D%0Ad");
    expect(escapeProperty("100% a:b,c\r\nd")).toBe("100%25 a%3Ab%2Cc%0D%0Ad");
    const hostile = {
      ...TEMPLATE_FAIL,
      message: "line one\nline two: 5%",
      resource: {
        ...TEMPLATE_FAIL.resource,
        id: "a,b:c",
        source: { ...TEMPLATE_FAIL.resource.source, file: "x,y:z.yaml" },
      },
    };
    const [line] = renderGithub(buildReport({ rules: [SSH_RULE], results: [hostile] })).split("\n");
    expect(line).toBe(
      `::error file=x%2Cy%3Az.yaml,line=14,col=13,title=${SSH_RULE.id}%3A a%2Cb%3Ac::line one%0Aline two: 5%25`,
    );
  });
});

describe("renderGithub with control characters in a resource id", () => {
  it("shows them escaped in the title, as in the message", () => {
    const hostile = {
      ...LIVE_FAIL,
      resource: { ...LIVE_FAIL.resource, id: "sg-1\u001b[2K\u0000x" },
    };
    const [line] = renderGithub(buildReport({ rules: [SSH_RULE], results: [hostile] })).split("\n");
    expect(line).not.toContain("\u001b");
    expect(line).not.toContain("\u0000");
    expect(line!.startsWith(`::error title=${SSH_RULE.id}%3A sg-1\\u001b[2K\\u0000x::`)).toBe(true);
  });
});

describe("renderGithubSummary", () => {
  it("counts the results and tells how to fix each failing rule, linking its docs", () => {
    const summary = renderGithubSummary(mixedReport());
    expect(summary).toContain("**2** failed, **1** not evaluated");
    expect(summary).toContain(
      `| error | [${SSH_RULE.id}](${SSH_RULE.helpUri}) | 2 | ${SSH_RULE.remediation} |`,
    );
    expect(summary).toContain("the run is incomplete");
  });

  it("says so when nothing fails", () => {
    expect(renderGithubSummary(buildReport())).toContain("No failing results.");
  });

  it("says only that nothing new fails when every failure is one the baseline had", () => {
    const report = buildReport({
      results: [{ ...LIVE_FAIL, baselineState: "unchanged" }],
      baseline: { file: "base.sarif", new: 0, unchanged: 1, absent: 0, unseen: 0 },
    });
    const summary = renderGithubSummary(report);
    expect(summary).toContain("**1** failed");
    expect(summary).not.toContain("No failing results.");
    expect(summary).toContain("No new failing results.");
  });
});
