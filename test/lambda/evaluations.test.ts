import { describe, expect, it } from "vitest";
import type { RuleResult } from "../../src/engine/result.js";
import { MAX_ANNOTATION, annotationOf, combine, onePerResource } from "../../src/lambda/evaluations.js";

function result(ruleId: string, status: RuleResult["status"], message = "", path = ""): RuleResult {
  return {
    ruleId,
    status,
    severity: "error",
    message,
    resource: {
      type: "AWS::EC2::SecurityGroup",
      id: "sg-1",
      account: "1",
      region: "r",
      source: { kind: "config-item" },
    },
    evidence: path ? [{ path, value: null }] : [],
  };
}

describe("combine", () => {
  it("any failure is NON_COMPLIANT, whatever else", () => {
    expect(
      combine([result("a", "pass"), result("b", "fail", "open", "X[0]"), result("c", "error", "?")], true),
    ).toEqual({
      decided: true,
      compliance: "NON_COMPLIANT",
      annotation: "b: open [X[0]]",
    });
  });

  it("an error without failure is undecided: never COMPLIANT", () => {
    const combined = combine([result("a", "pass"), result("b", "error", "could not evaluate")], true);
    expect(combined.decided).toBe(false);
  });

  it("passes are COMPLIANT without annotation; nothing applicable is NOT_APPLICABLE", () => {
    expect(combine([result("a", "pass"), result("b", "not_applicable")], true)).toEqual({
      decided: true,
      compliance: "COMPLIANT",
    });
    expect(combine([result("a", "not_applicable")], false)).toEqual({
      decided: true,
      compliance: "NOT_APPLICABLE",
    });
    expect(combine([], false)).toEqual({ decided: true, compliance: "NOT_APPLICABLE" });
  });

  it("rules failing on the same finding share one entry, with the most precise path", () => {
    const combined = combine(
      [
        result("ssh-from-any-source", "fail", "sg-1 allows tcp 22", "IpPermissions[0]"),
        result("ssh-from-internet", "fail", "sg-1 allows tcp 22", "IpPermissions[0].IpRanges[0].CidrIp"),
      ],
      true,
    );
    expect(combined).toMatchObject({
      annotation:
        "ssh-from-any-source, ssh-from-internet: sg-1 allows tcp 22 [IpPermissions[0].IpRanges[0].CidrIp]",
    });
  });
});

describe("annotationOf", () => {
  it("keeps short text, folds whitespace, omits empty text", () => {
    expect(annotationOf("  two\n  lines ")).toBe("two lines");
    expect(annotationOf(" \n ")).toBeUndefined();
  });

  it("cuts long text visibly at exactly 256 characters", () => {
    const annotation = annotationOf("x".repeat(300))!;
    expect(annotation).toHaveLength(MAX_ANNOTATION);
    expect(annotation.endsWith("… (truncated)")).toBe(true);
    expect(annotationOf("y".repeat(256))).toBe("y".repeat(256));
  });

  it("counts characters, not UTF-16 units, and never splits one", () => {
    const annotation = annotationOf("🔑".repeat(300))!;
    expect(Array.from(annotation)).toHaveLength(MAX_ANNOTATION);
    expect(annotation.startsWith("🔑".repeat(10))).toBe(true);
    expect(annotation).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("onePerResource", () => {
  const at = new Date("2026-11-20T10:00:00.000Z");
  const verdict = (id: string, compliance: "COMPLIANT" | "NON_COMPLIANT") => ({
    resourceType: "AWS::IAM::Role",
    resourceId: id,
    compliance,
    timestamp: at,
  });

  it("sends verdicts that agree once, and none of those that differ", () => {
    const { verdicts, conflicts } = onePerResource([
      verdict("A", "COMPLIANT"),
      verdict("B", "NON_COMPLIANT"),
      verdict("A", "COMPLIANT"),
      verdict("B", "COMPLIANT"),
    ]);
    expect(verdicts).toEqual([verdict("A", "COMPLIANT")]);
    expect(conflicts).toEqual([
      { resourceType: "AWS::IAM::Role", resourceId: "B", compliance: ["NON_COMPLIANT", "COMPLIANT"] },
    ]);
  });
});
