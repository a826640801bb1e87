import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EvaluationIncompleteError } from "../../src/lambda/errors.js";
import type { JsonObject, Resource } from "../../src/model/resource.js";
import { Harness } from "./support/harness.js";
import { ACCOUNT, REGIONS, fixtureWorld, loadEvent } from "./support/world.js";

/**
 * AWS Config records no access keys: the Config rule reads them from the account's credential
 * report, on a change to a user and on schedule, and an unreadable report is never compliant.
 */

const harness = new Harness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

const RULE = JSON.stringify({ rules: "long-lived-access-keys" });

function key(userName: string, properties: JsonObject): Resource {
  const name = `${userName}/access_key_1`;
  return {
    type: "AWS::IAM::AccessKey",
    id: name,
    account: ACCOUNT,
    region: "global",
    source: { kind: "aws-live" },
    properties: { Name: name, UserName: userName, ...properties },
  };
}

const carol: Resource = {
  type: "AWS::IAM::User",
  id: "carol",
  account: ACCOUNT,
  region: "global",
  source: { kind: "aws-live" },
  properties: {
    UserName: "carol",
    UserId: "AIDAEXAMPLECAROL0001",
    Arn: `arn:aws:iam::${ACCOUNT}:user/carol`,
  },
};

const BOBS_KEY = key("bob", {
  Status: "Active",
  CreateDate: "2021-07-01T10:00:00+00:00",
  AccessKeyLastUsed: { LastUsedDate: "2026-11-01T08:00:00+00:00", ServiceName: "s3", Region: "us-east-1" },
});

function world(extra: {
  resources?: Resource[];
  failures?: Record<string, { code: string; status: number }>;
}) {
  return harness.reset({
    resources: [...fixtureWorld(), ...(extra.resources ?? [])],
    regions: REGIONS,
    ...(extra.failures ? { failures: extra.failures } : {}),
  });
}

describe("access keys in the Config rule", () => {
  it("a change to a user reads the credential report: an active key is NON_COMPLIANT", async () => {
    const handler = world({
      resources: [carol, key("carol", { Status: "Active", CreateDate: "2026-01-05T09:00:00+00:00" })],
    });
    const summary = await handler(loadEvent("user-start-session.json", RULE));
    expect(harness.fake.reads).toEqual(["iam:GenerateCredentialReport", "iam:GetCredentialReport"]);
    expect(summary.results).toEqual([
      expect.objectContaining({
        ruleId: "long-lived-access-keys",
        resourceId: "AIDAEXAMPLECAROL0001",
        status: "fail",
        message: expect.stringMatching(
          /^IAM user carol has active access keys: carol\/access_key_1 \(\d+ days old, never used\)$/,
        ),
      }),
    ]);
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      expect.objectContaining({
        ComplianceResourceId: "AIDAEXAMPLECAROL0001",
        ComplianceType: "NON_COMPLIANT",
      }),
    ]);
  });

  it("on schedule, every user is judged with its keys", async () => {
    const event = { ...loadEvent("scheduled-preferences.json"), ruleParameters: RULE };
    const summary = await world({ resources: [BOBS_KEY] })(event);
    expect([...harness.fake.reads].sort()).toEqual([
      "iam:GenerateCredentialReport",
      "iam:GetAccountAuthorizationDetails",
      "iam:GetCredentialReport",
    ]);
    expect(summary.results.map((result) => [result.resourceId, result.status])).toEqual([
      ["AIDAZ3EXAMPLEUSER0001", "pass"],
      ["AIDAZ3EXAMPLEUSER0002", "fail"],
    ]);
    expect(summary.results[1]!.message).toMatch(
      /bob\/access_key_1 \(\d+ days old, last used 2026-11-01 \(s3, us-east-1\)\)/,
    );
  });

  it("a credential report that cannot be read records no user as compliant and fails the invocation", async () => {
    const event = { ...loadEvent("scheduled-preferences.json"), ruleParameters: RULE };
    const handler = world({
      resources: [BOBS_KEY],
      failures: { "iam:GetCredentialReport": { code: "AccessDenied", status: 403 } },
    });
    const failure = await handler(event).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toMatch(/iam:GetCredentialReport failed/);
    expect(harness.fake.putEvaluations).toEqual([]);
  });
});
