import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import type { RuleMetadata } from "../../src/engine/result.js";
import { buildJsonReport } from "../../src/report/json.js";
import { buildSarifLog } from "../../src/report/sarif.js";
import { buildReport, LIVE_ERROR, LIVE_FAIL, LIVE_PASS, ROLE_RULE, SSH_RULE } from "./fixtures.js";
import { compileSchema, sarifSchemaValidator } from "./validators.js";

/** The compliance controls of a rule, as the JSON and SARIF reports carry them. */

const MAPPED_SSH_RULE: RuleMetadata = {
  ...SSH_RULE,
  frameworks: {
    "cis-aws-foundations": { version: "7.0.0", controls: ["6.3", "6.4"] },
    "aws-fsbp": { version: "1.0.0", controls: ["EC2.13", "EC2.53", "EC2.54"] },
  },
};
const UNMAPPABLE_ROLE_RULE: RuleMetadata = { ...ROLE_RULE, frameworks: {} };

function mappedReport() {
  return buildReport({
    rules: [MAPPED_SSH_RULE, UNMAPPABLE_ROLE_RULE],
    results: [LIVE_FAIL, LIVE_ERROR, LIVE_PASS],
  });
}

describe("JSON output", () => {
  const json = buildJsonReport(mappedReport());

  it("gives each rule its mapping, {} for a rule no public control matches", () => {
    const byId = new Map(json.rules.map((rule) => [rule.id, rule]));
    expect(byId.get(SSH_RULE.id)?.frameworks).toEqual(MAPPED_SSH_RULE.frameworks);
    expect(byId.get(ROLE_RULE.id)?.frameworks).toEqual({});
  });

  it("leaves the key out for a rule that has not been mapped", () => {
    const unmapped = buildJsonReport(buildReport({ results: [LIVE_FAIL] }));
    expect(unmapped.rules.every((rule) => !("frameworks" in rule))).toBe(true);
    expect("frameworks" in unmapped.results[0]!).toBe(false);
  });

  it("puts the controls on the findings of a mapped rule, not on its passes", () => {
    const fail = json.results.find((result) => result.status === "fail");
    const pass = json.results.find((result) => result.status === "pass");
    const error = json.results.find((result) => result.status === "error");
    expect(fail && "frameworks" in fail ? fail.frameworks : undefined).toEqual(MAPPED_SSH_RULE.frameworks);
    expect(pass && "frameworks" in pass).toBe(false);
    // The role rule maps to no control: nothing to carry.
    expect(error && "frameworks" in error).toBe(false);
  });

  it("validates against results.schema.json", () => {
    const validate = compileSchema(loadSchema("results.schema.json"));
    const output = JSON.parse(JSON.stringify(json)) as unknown;
    expect(validate(output), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("does not share its mapping with the report it came from", () => {
    const rule = json.rules.find((candidate) => candidate.id === SSH_RULE.id)!;
    rule.frameworks!["aws-fsbp"]!.controls.push("EC2.19");
    expect(MAPPED_SSH_RULE.frameworks!["aws-fsbp"]!.controls).toEqual(["EC2.13", "EC2.53", "EC2.54"]);
  });
});

describe("SARIF output", () => {
  const log = buildSarifLog(mappedReport());
  const descriptor = (id: string) => log.runs[0]!.tool.driver.rules.find((rule) => rule.id === id)!;

  it("tags a rule with its controls, right after security", () => {
    expect(descriptor(SSH_RULE.id).properties.tags).toEqual([
      "security",
      "CIS-6.3",
      "CIS-6.4",
      "FSBP-EC2.13",
      "FSBP-EC2.53",
      "FSBP-EC2.54",
      "ec2",
      "network",
    ]);
    expect(descriptor(ROLE_RULE.id).properties.tags).toEqual(["security", "iam", "ssm"]);
  });

  it("carries the mapping, with its versions, in the rule's properties", () => {
    expect(descriptor(SSH_RULE.id).properties.frameworks).toEqual(MAPPED_SSH_RULE.frameworks);
    expect(descriptor(ROLE_RULE.id).properties.frameworks).toEqual({});
    const unmapped = buildSarifLog(buildReport({ results: [LIVE_FAIL] }));
    expect("frameworks" in unmapped.runs[0]!.tool.driver.rules[0]!.properties).toBe(false);
  });

  it("stays valid SARIF 2.1.0", () => {
    const validate = sarifSchemaValidator();
    expect(validate(JSON.parse(JSON.stringify(log))), JSON.stringify(validate.errors?.slice(0, 3))).toBe(
      true,
    );
  });
});
