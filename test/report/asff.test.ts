import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { asffResourceType, buildAsffFindings, renderAsff, renderAsffChunks } from "../../src/report/asff.js";
import type { RuleResult } from "../../src/engine/result.js";
import { parseBaseline } from "../../src/report/baseline.js";
import { fingerprintResults } from "../../src/report/fingerprint.js";
import { renderJson } from "../../src/report/json.js";
import { renderSarif } from "../../src/report/sarif.js";
import {
  ACCOUNT_A,
  COLLECTION_ERROR,
  LIVE_ERROR,
  LIVE_FAIL,
  LIVE_PASS,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  mixedReport,
  waiverReport,
} from "./fixtures.js";
import { compileSchema } from "./validators.js";

const validate = compileSchema(
  JSON.parse(readFileSync(new URL("../fixtures/report/asff.schema.json", import.meta.url), "utf8")) as object,
);
const OPTIONS = { now: new Date("2026-12-06T10:00:00.000Z"), homeRegion: "eu-central-1" };

describe("renderAsffChunks: the findings written one at a time", () => {
  const oddValues = {
    ...LIVE_FAIL,
    message: 'sg-1 "allows"\ntcp/22\u2028from\r\n::/0 \\ ',
    resource: { ...LIVE_FAIL.resource, id: "sg-1\n  }\n]" },
  };
  const previous = parseBaseline(renderJson(mixedReport()), "previous");
  it.each([
    ["mixed", mixedReport(), OPTIONS],
    ["waivers", waiverReport(), OPTIONS],
    ["clean", buildReport(), OPTIONS],
    ["odd values", buildReport({ results: [oddValues, LIVE_PASS] }), OPTIONS],
    [
      "with resolved findings of a previous run",
      buildReport({ results: [LIVE_PASS] }),
      { ...OPTIONS, previous },
    ],
    ["with only resolved findings", buildReport(), { ...OPTIONS, previous }],
  ])("%s: the same text as the whole list stringified", (_name, report, options) => {
    const whole = `${JSON.stringify(buildAsffFindings(report, options), null, 2)}\n`;
    expect([...renderAsffChunks(report, options)].join("")).toBe(whole);
    expect(renderAsff(report, options)).toBe(whole);
  });

  it("gives each finding as a piece of its own", () => {
    const report = buildReport({ results: [LIVE_FAIL, LIVE_PASS, LIVE_ERROR] });
    const pieces = [...renderAsffChunks(report, OPTIONS)];
    expect(pieces.filter((piece) => piece.includes('"SchemaVersion"'))).toHaveLength(3);
  });
});

describe("renderAsff", () => {
  it.each([
    ["mixed", mixedReport()],
    ["waivers", waiverReport()],
    ["clean", buildReport()],
  ])("%s: every finding has the fields and types ASFF requires", (_name, report) => {
    const findings = JSON.parse(renderAsff(report, OPTIONS));
    expect(validate(findings), JSON.stringify(validate.errors)).toBe(true);
  });

  it("the schema refuses a finding without a required field", () => {
    const [finding] = buildAsffFindings(mixedReport(), OPTIONS);
    const { Severity: _severity, ...incomplete } = finding!;
    expect(validate([incomplete])).toBe(false);
  });

  it("describes a live failure with a stable Id from its fingerprint", () => {
    const report = mixedReport();
    const findings = buildAsffFindings(report, OPTIONS);
    const fingerprint = fingerprintResults(report.results).get(LIVE_FAIL)!;
    const finding = findings.find((entry) => entry.Id === `access-baseline/${fingerprint}`)!;
    expect(finding).toMatchObject({
      SchemaVersion: "2018-10-08",
      ProductArn: `arn:aws:securityhub:eu-west-1:${ACCOUNT_A}:product/${ACCOUNT_A}/default`,
      GeneratorId: SSH_RULE.id,
      AwsAccountId: ACCOUNT_A,
      Types: ["Software and Configuration Checks/AWS Security Best Practices"],
      CreatedAt: "2026-12-06T10:00:00.000Z",
      UpdatedAt: "2026-12-06T10:00:00.000Z",
      Severity: { Label: "HIGH", Original: "8.6" },
      Title: SSH_RULE.title,
      Description: LIVE_FAIL.message,
      Resources: [
        { Type: "AwsEc2SecurityGroup", Id: LIVE_FAIL.resource.arn, Partition: "aws", Region: "eu-west-1" },
      ],
      Compliance: { Status: "FAILED" },
      RecordState: "ACTIVE",
      Remediation: { Recommendation: { Text: SSH_RULE.remediation, Url: SSH_RULE.helpUri } },
    });
    // The same report gives the same Ids: Security Hub updates the findings instead of adding new ones.
    expect(buildAsffFindings(report, OPTIONS).map((entry) => entry.Id)).toEqual(
      findings.map((entry) => entry.Id),
    );
  });

  it("marks passes PASSED, unevaluated rules NOT_AVAILABLE, and sends regionless resources to the home region", () => {
    const findings = buildAsffFindings(mixedReport(), OPTIONS);
    const byResource = (id: string) => findings.find((entry) => entry.Resources[0].Id.endsWith(id))!;
    expect(byResource(LIVE_PASS.resource.id).Compliance.Status).toBe("PASSED");
    const error = byResource(LIVE_ERROR.resource.id);
    expect(error.Compliance.Status).toBe("NOT_AVAILABLE");
    expect(error.Resources[0]).toMatchObject({ Type: "AwsIamRole", Region: "eu-central-1" });
    expect(error.ProductArn).toContain(":securityhub:eu-central-1:");
  });

  it("names the framework controls a rule implements as related requirements, at most 32", () => {
    const mapped = {
      ...SSH_RULE,
      frameworks: {
        "aws-fsbp": { version: "1.0.0", controls: ["EC2.13"] },
        "cis-aws-foundations": { version: "7.0.0", controls: ["6.3", "6.4"] },
      },
    };
    const [finding] = buildAsffFindings(buildReport({ rules: [mapped], results: [LIVE_FAIL] }), OPTIONS);
    expect(finding!.Compliance).toEqual({
      Status: "FAILED",
      RelatedRequirements: [
        "CIS Amazon Web Services Foundations Benchmark v7.0.0/6.3",
        "CIS Amazon Web Services Foundations Benchmark v7.0.0/6.4",
        "AWS Foundational Security Best Practices v1.0.0/EC2.13",
      ],
    });
    expect(validate([finding])).toBe(true);
    const many = {
      ...SSH_RULE,
      frameworks: {
        "cis-aws-foundations": {
          version: "7.0.0",
          controls: Array.from({ length: 40 }, (_, i) => `1.${i + 1}`),
        },
      },
    };
    const [capped] = buildAsffFindings(buildReport({ rules: [many], results: [LIVE_FAIL] }), OPTIONS);
    expect(capped!.Compliance.RelatedRequirements).toHaveLength(32);
    expect(validate([capped])).toBe(true);
    const unmapped = buildAsffFindings(
      buildReport({ rules: [{ ...SSH_RULE, frameworks: {} }], results: [LIVE_FAIL] }),
      OPTIONS,
    );
    expect(unmapped[0]!.Compliance).toEqual({ Status: "FAILED" });
  });

  it("cuts long texts to ASFF's limits by characters, never inside one", () => {
    const description = (message: string) =>
      buildAsffFindings(buildReport({ results: [{ ...LIVE_FAIL, message }] }), OPTIONS)[0]!.Description;
    expect(description("a".repeat(1024))).toBe("a".repeat(1024));
    expect(description("a".repeat(1025))).toBe(`${"a".repeat(1023)}…`);
    // 1,024 characters outside the Basic Multilingual Plane are 2,048 code units, and fit.
    expect(description("🔑".repeat(1024))).toBe("🔑".repeat(1024));
    expect(description("🔑".repeat(1025))).toBe(`${"🔑".repeat(1023)}…`);
    const wordy = { ...SSH_RULE, remediation: `Close\n\n  the port. ${"x ".repeat(300)}` };
    const [finding] = buildAsffFindings(buildReport({ rules: [wordy], results: [LIVE_FAIL] }), OPTIONS);
    const text = finding!.Remediation!.Recommendation.Text;
    expect(text.startsWith("Close the port. x x")).toBe(true);
    expect(Array.from(text)).toHaveLength(512);
    expect(text.endsWith("…")).toBe(true);
    expect(validate([finding])).toBe(true);
  });

  it("suppresses waived failures rather than passing them", () => {
    const waived = buildAsffFindings(waiverReport(), OPTIONS).filter(
      (entry) => entry.Workflow?.Status === "SUPPRESSED",
    );
    expect(waived.length).toBeGreaterThan(0);
    expect(waived.every((entry) => entry.Compliance.Status === "FAILED")).toBe(true);
  });

  it("uses ASFF's own resource type names, and Other for the rest", () => {
    expect(asffResourceType("AWS::EC2::Instance")).toBe("AwsEc2Instance");
    expect(asffResourceType("AWS::IAM::Policy")).toBe("AwsIamPolicy");
    expect(asffResourceType("AWS::SSM::Document")).toBe("Other");
  });

  it.each([
    ["JSON", renderJson],
    ["SARIF", (report: ReturnType<typeof mixedReport>) => renderSarif(report)],
  ])("archives the failures of a previous %s run that are gone", (_kind, render) => {
    const previous = parseBaseline(render(mixedReport()), "previous");
    // Passes on other resources in the accounts and regions of the previous failures: the run covered them.
    const passIn = (result: RuleResult): RuleResult => ({
      ...LIVE_PASS,
      resource: { ...result.resource, id: "sg-0bbbbbbbbbbbbbbbb" },
    });
    const fixed = buildReport({ results: [LIVE_PASS, passIn(TEMPLATE_FAIL), passIn(LIVE_FAIL)] });
    const findings = buildAsffFindings(fixed, { ...OPTIONS, previous });
    const archived = findings.filter((entry) => entry.RecordState === "ARCHIVED");
    const fingerprints = fingerprintResults(mixedReport().results);
    expect(archived.map((entry) => entry.Id).sort()).toEqual(
      [...fingerprints]
        .filter(([result]) => result.status === "fail")
        .map(([, fingerprint]) => `access-baseline/${fingerprint}`)
        .sort(),
    );
    expect(archived.every((entry) => entry.Compliance.Status === "PASSED")).toBe(true);
    expect(validate(findings), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ["a collection error", buildReport({ collectionErrors: [COLLECTION_ERROR] })],
    [
      "an input problem",
      buildReport({ inputProblems: [{ file: "templates/web.yaml", message: "unreadable" }] }),
    ],
    [
      "the rule not evaluated in the account",
      buildReport({
        results: [
          { ...LIVE_ERROR, ruleId: SSH_RULE.id, resource: { ...LIVE_ERROR.resource, account: ACCOUNT_A } },
        ],
      }),
    ],
    ["a run over another account", buildReport({ results: [LIVE_PASS] })],
  ])("archives no previous failure the run may not have seen, after %s", (_why, incomplete) => {
    const previous = parseBaseline(renderJson(buildReport({ results: [LIVE_FAIL] })), "previous");
    const findings = buildAsffFindings(incomplete, { ...OPTIONS, previous });
    expect(findings.filter((entry) => entry.RecordState === "ARCHIVED")).toEqual([]);
    const sameScope = { ...LIVE_PASS, resource: { ...LIVE_FAIL.resource, id: "sg-0aaaaaaaaaaaaaaaa" } };
    const seen = buildAsffFindings(buildReport({ results: [sameScope] }), { ...OPTIONS, previous });
    expect(seen.filter((entry) => entry.RecordState === "ARCHIVED")).toHaveLength(1);
  });
});
