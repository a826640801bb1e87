import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import { EXPIRED_WAIVER_RULE_ID, type Waiver } from "../../src/engine/result.js";
import { buildJsonReport, renderJson, type JsonReport, type JsonResult } from "../../src/report/json.js";
import { buildSarifLog, renderSarif } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import {
  EXPIRED_FAIL,
  EXPIRED_WAIVER_FINDING,
  METADATA_WAIVED,
  TEMPLATE_FAIL,
  TEMPLATE_WAIVED,
  buildReport,
  templateReport,
  waiverReport,
} from "./fixtures.js";
import { compileSchema, sarifSchemaValidator } from "./validators.js";

/** How each reporter shows waived results, expired waivers and unmatched waivers. */

const validateJson = compileSchema(loadSchema("results.schema.json"));

describe("SARIF", () => {
  const run = () => buildSarifLog(waiverReport()).runs[0]!;

  it("is valid SARIF 2.1.0", () => {
    const validate = sarifSchemaValidator();
    const log: unknown = JSON.parse(renderSarif(waiverReport()));
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("keeps waived results, suppressed with the waiver as justification", () => {
    const [configWaived, metadataWaived] = run().results;
    expect(configWaived!.properties.status).toBe("waived");
    expect(configWaived!.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification:
          "Legacy bastion, replaced by Session Manager in Q1 (owner: platform-team; expires 2027-03-31)",
        location: {
          physicalLocation: {
            artifactLocation: { uri: ".access-baseline.yml" },
            region: { startLine: 7, startColumn: 5 },
          },
        },
        properties: {
          owner: "platform-team",
          expires: "2027-03-31",
          rule: "sg-no-ssh-*",
          resource: "WebSecurityGroup",
        },
      },
    ]);
    expect(metadataWaived!.suppressions![0]).toMatchObject({
      kind: "inSource",
      status: "accepted",
      location: { physicalLocation: { artifactLocation: { uri: "templates/web%20stack.yaml" } } },
    });
    // Still located on the resource, with its fingerprint: the waiver dismisses the same alert.
    expect(configWaived!.locations[0].physicalLocation.region.startLine).toBe(14);
  });

  it("gives a waived result the fingerprint it had as a failure", () => {
    const failing = buildSarifLog(templateReport()).runs[0]!.results[0]!;
    const waived = buildSarifLog(buildReport({ results: [TEMPLATE_WAIVED] })).runs[0]!.results[0]!;
    expect(waived.partialFingerprints).toEqual(failing.partialFingerprints);
  });

  it("gives every result of the run suppression information, as SARIF requires", () => {
    for (const result of run().results) expect(Array.isArray(result.suppressions)).toBe(true);
    const expired = run().results.find(
      (result) => result.ruleId === TEMPLATE_FAIL.ruleId && !result.suppressions!.length,
    );
    expect(expired!.properties.status).toBe("fail");
    // Runs without waived results are left as they were.
    expect(buildSarifLog(templateReport()).runs[0]!.results[0]!.suppressions).toBeUndefined();
  });

  it("can leave waived results out, without changing the other fingerprints", () => {
    const all = buildSarifLog(waiverReport()).runs[0]!.results;
    const omitted = buildSarifLog(waiverReport(), { waived: "omit" }).runs[0]!.results;
    expect(omitted.map((result) => result.properties.status)).toEqual(["fail", "fail"]);
    expect(omitted.every((result) => result.suppressions === undefined)).toBe(true);
    expect(omitted.map((result) => result.partialFingerprints)).toEqual(
      all
        .filter((result) => result.properties.status !== "waived")
        .map((result) => result.partialFingerprints),
    );
  });

  it("reports an expired waiver as an error at the waiver's line, in the same run", () => {
    const log = buildSarifLog(waiverReport());
    expect(log.runs).toHaveLength(1);
    const finding = log.runs[0]!.results.find((result) => result.ruleId === EXPIRED_WAIVER_RULE_ID)!;
    expect(finding.level).toBe("error");
    expect(finding.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: ".access-baseline.yml" },
      region: { startLine: 12, startColumn: 5 },
    });
    const rule = log.runs[0]!.tool.driver.rules[finding.ruleIndex]!;
    expect(rule.id).toBe(EXPIRED_WAIVER_RULE_ID);
    expect(rule.name).toBe("AccessBaselineWaiverExpired");
    expect(finding.properties.waiver).toMatchObject({ state: "expired", expires: "2026-10-31" });
  });

  it("reports an unmatched waiver as a warning notification at its line", () => {
    const [invocation] = run().invocations;
    expect(invocation!.executionSuccessful).toBe(true);
    expect(invocation!.toolExecutionNotifications).toEqual([
      {
        level: "warning",
        message: {
          text: "the waiver at .access-baseline.yml:18:5 (rule sg-no-ssh-from-world, resource OldBastion*) matches no failing result: remove it",
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: ".access-baseline.yml" },
              region: { startLine: 18, startColumn: 5 },
            },
          },
        ],
        properties: {
          origin: "configuration",
          rule: "sg-no-ssh-from-world",
          resource: "OldBastion*",
          owner: "platform-team",
          expires: "2027-01-31",
        },
      },
    ]);
  });
});

describe("JSON", () => {
  it("validates against results.schema.json", () => {
    const output: unknown = JSON.parse(renderJson(waiverReport()));
    expect(validateJson(output), JSON.stringify(validateJson.errors, null, 2)).toBe(true);
  });

  it("gives waived results their status and waiver, and every finding the SARIF fingerprint", () => {
    const json = buildJsonReport(waiverReport()) as { results: JsonResult[] } & JsonReport;
    expect(json.summary.byStatus).toMatchObject({ waived: 2, fail: 2 });
    expect(json.summary.failuresBySeverity.error).toBe(2);
    expect(json.results[0]).toMatchObject({
      status: "waived",
      waiver: { origin: "configuration", rule: "sg-no-ssh-*", owner: "platform-team", state: "active" },
    });
    expect(json.results[1]!.waiver).toMatchObject({ origin: "source", file: "templates/web stack.yaml" });
    expect(json.results[2]!.waiver).toMatchObject({ state: "expired" });
    const sarif = buildSarifLog(waiverReport()).runs[0]!.results.map(
      (result) => result.partialFingerprints.primaryLocationLineHash,
    );
    expect(json.results.map((result) => result.fingerprint)).toEqual(sarif);
  });

  it("lists every waiver with its state, the resource of source waivers included", () => {
    const { waivers } = buildJsonReport(waiverReport());
    expect(waivers.map((waiver) => [waiver.state, waiver.line, waiver.resource])).toEqual([
      ["active", 7, "WebSecurityGroup"],
      ["expired", 12, "LegacySecurityGroup"],
      ["unmatched", 18, "OldBastion*"],
      ["active", 31, "BreakGlassSecurityGroup"],
    ]);
    expect(buildJsonReport(templateReport()).waivers).toEqual([]);
  });

  it("rejects a waived result without its waiver's required fields", () => {
    const output = JSON.parse(renderJson(waiverReport())) as { results: JsonResult[] } & JsonReport;
    delete (output.results[0]!.waiver as Partial<Waiver>).expires;
    expect(validateJson(output)).toBe(false);
  });
});

describe("text", () => {
  const text = renderText(waiverReport(), { color: false });

  it("counts waived results without listing them", () => {
    expect(text).toContain("Results: 2 failed, 2 waived, 0 not evaluated");
    expect(text).not.toContain(METADATA_WAIVED.message);
    expect(text).toContain(EXPIRED_FAIL.message);
    expect(text).toContain(EXPIRED_WAIVER_FINDING.message);
  });

  it("lists unmatched and expired waivers and those expiring within 30 days", () => {
    const section = text.slice(text.indexOf("Waivers:"));
    expect(section.split("\n")[0]).toBe("Waivers: 2 active, 1 expired, 1 unmatched");
    expect(section).toMatch(
      /\.access-baseline\.yml:12:5 +expired +sg-no-ssh-from-world +LegacySecurityGroup/,
    );
    expect(section).toMatch(/\.access-baseline\.yml:18:5 +unmatched .*matches no failing result: remove it/);
    expect(section).toMatch(
      /templates\/web stack\.yaml:31:11 +expires in 18 days .*on 2026-12-10 \(owner: sre\)/,
    );
    // Active and far from its date: only counted.
    expect(section).not.toContain(":7:5");
  });

  it("says nothing about waivers when there are none", () => {
    expect(renderText(templateReport(), { color: false })).not.toContain("Waivers:");
  });
});
