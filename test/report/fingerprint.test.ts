import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { RuleResult } from "../../src/engine/result.js";
import { fingerprintResults } from "../../src/report/fingerprint.js";
import { fileUri } from "../../src/report/location.js";
import { LIVE_FAIL, TEMPLATE_FAIL } from "./fixtures.js";

/** A finding's identity as documented: the JSON array of what names its rule and resource, hashed. */
function expectedIdentity(parts: string[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

describe("fingerprintResults over interleaved scopes", () => {
  it("hashes each finding's own rule, account, region, type and id when they change and return", () => {
    // The text of a rule and of a scope is made once and looked up after that: changes of one
    // part at a time, returns to earlier ones, and values that need escapes must all show.
    const on = (ruleId: string, resource: Partial<RuleResult["resource"]>): RuleResult => ({
      ...LIVE_FAIL,
      ruleId,
      resource: { ...LIVE_FAIL.resource, ...resource },
    });
    const results = [
      on("rule-a", { account: "111122223333", region: "eu-west-1", id: "sg-1" }),
      on("rule-a", { account: "111122223333", region: "us-east-1", id: "sg-1" }),
      on("rule-a", { account: "444455556666", region: "eu-west-1", id: "sg-1" }),
      on("rule-a", { account: "111122223333", region: "eu-west-1", type: "AWS::IAM::Role", id: "sg-1" }),
      on("rule-a", { account: "111122223333", region: "eu-west-1", id: "sg-2" }),
      on("rule-b", { account: "111122223333", region: "eu-west-1", id: "sg-1" }),
      on('rule-"c"', { account: 'acc"ount', region: "eu\\west", id: "sg-\u0007" }),
      on("rule-a", { account: "444455556666", region: "eu-west-1", id: "sg-3" }),
    ];
    const fingerprints = fingerprintResults(results);
    expect(results.map((result) => fingerprints.get(result))).toEqual(
      results.map((result) => {
        const { account, region, type, id } = result.resource;
        return `${expectedIdentity([result.ruleId, account, region, type, id])}:1`;
      }),
    );
  });

  it("adds a template resource's file and address to its identity", () => {
    const fingerprints = fingerprintResults([TEMPLATE_FAIL, LIVE_FAIL]);
    const { account, region, type, id, source } = TEMPLATE_FAIL.resource;
    expect(fingerprints.get(TEMPLATE_FAIL)).toBe(
      `${expectedIdentity([TEMPLATE_FAIL.ruleId, account, region, type, id, fileUri(source.file!), source.address ?? ""])}:1`,
    );
  });
});
