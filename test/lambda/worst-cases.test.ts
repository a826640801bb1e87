import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EvaluationIncompleteError } from "../../src/lambda/errors.js";
import type { JsonObject, Resource } from "../../src/model/resource.js";
import { Harness } from "./support/harness.js";
import { ACCOUNT, REGIONS, fixture, fixtureWorld, loadEvent } from "./support/world.js";

/**
 * The Config rule Lambda's worst cases: items that say nothing, items of types it does not know,
 * oversized items that cannot be fetched or come back as another resource, and Config refusing
 * or throttling the verdicts. Each asserts the exact PutEvaluations calls (or none) and whether
 * the invocation fails; a failed invocation is what makes Config show the rule as not evaluated.
 */

const harness = new Harness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
afterEach(() => {
  process.env.AWS_MAX_ATTEMPTS = "1";
});

const TOKEN = "eyJyZXN1bHRUb2tlbiI6ImV4YW1wbGUifQ==";
const epoch = (iso: string) => Date.parse(iso) / 1000;

function world(extra: Partial<Parameters<Harness["reset"]>[0]> = {}) {
  return harness.reset({ resources: fixtureWorld(), regions: REGIONS, ...extra });
}

function withItem(name: string, change: (item: Record<string, unknown>) => void) {
  const event = fixture(name);
  const invoking = structuredClone(event.invokingEvent) as { configurationItem: Record<string, unknown> };
  change(invoking.configurationItem);
  return {
    ...event,
    invokingEvent: JSON.stringify(invoking),
    ruleParameters:
      typeof event.ruleParameters === "string" ? event.ruleParameters : JSON.stringify(event.ruleParameters),
  };
}

function rolesWithAndWithoutCondition(count: number): Resource[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `role-${String(index).padStart(3, "0")}`;
    const statement: JsonObject = {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "sts:AssumeRole",
      ...(index % 2 === 0 ? { Condition: { StringLike: { "sts:RoleSessionName": "${aws:username}" } } } : {}),
    };
    return {
      type: "AWS::IAM::Role",
      id: name,
      account: ACCOUNT,
      region: "global",
      source: { kind: "aws-live" },
      properties: {
        RoleName: name,
        RoleId: `AROAEXAMPLE${String(index).padStart(9, "0")}`,
        Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [statement] },
        RolePolicyList: [],
        AttachedManagedPolicies: [],
      },
    };
  });
}

const scheduledRoles = () => ({
  ...loadEvent("scheduled-preferences.json"),
  ruleParameters: JSON.stringify({ rules: "role-session-name-condition" }),
});

describe("items that say nothing about the resource", () => {
  it("configuration null with status OK: nothing is sent, the invocation fails", async () => {
    const handler = world();
    const event = withItem("sg-compliant.json", (item) => {
      item.configuration = null;
    });
    await expect(handler(event)).rejects.toThrow(/AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60002/);
    expect(harness.fake.putEvaluations).toEqual([]);
    expect(harness.logs("invocation-failed")).toHaveLength(1);
  });

  it("a resource type access-baseline has no rule for: NOT_APPLICABLE saying so, nothing read", async () => {
    const handler = world();
    const event = withItem("sg-compliant.json", (item) => {
      item.resourceType = "AWS::S3::Bucket";
      item.resourceId = "audit-logs";
      item.ARN = "arn:aws:s3:::audit-logs";
      item.configuration = { name: "audit-logs" };
    });
    await handler(event);
    expect(harness.fake.putEvaluations).toEqual([
      {
        Evaluations: [
          {
            ComplianceResourceType: "AWS::S3::Bucket",
            ComplianceResourceId: "audit-logs",
            ComplianceType: "NOT_APPLICABLE",
            Annotation: "access-baseline has no rule for AWS::S3::Bucket",
            OrderingTimestamp: epoch("2026-11-20T10:00:00.000Z"),
          },
        ],
        ResultToken: TOKEN,
      },
    ]);
    expect(harness.fake.reads).toEqual([]);
  });
});

describe("items that contradict themselves or the event", () => {
  const compliantConfiguration = () => {
    const invoking = fixture("sg-compliant.json").invokingEvent as {
      configurationItem: { configuration: unknown };
    };
    return structuredClone(invoking.configurationItem.configuration);
  };

  it.each([
    [
      "the configuration of another group",
      (item: Record<string, unknown>) => (item.configuration = compliantConfiguration()),
      "AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001: the configuration is of GroupId sg-0a1b2c3d4e5f60002",
    ],
    [
      "an ARN of another account",
      (item: Record<string, unknown>) =>
        (item.ARN = "arn:aws:ec2:us-east-1:444455556666:security-group/sg-0a1b2c3d4e5f60001"),
      "AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001: the ARN names account 444455556666, the item 111122223333",
    ],
    [
      "an ARN of another region",
      (item: Record<string, unknown>) =>
        (item.ARN = "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1b2c3d4e5f60001"),
      "AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001: the ARN names region eu-west-1, the item us-east-1",
    ],
    [
      "an ARN of another resource",
      (item: Record<string, unknown>) =>
        (item.ARN = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60002"),
      "AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001: the ARN arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60002 does not name the resource",
    ],
    [
      "an item of another account than the event's",
      (item: Record<string, unknown>) => (item.awsAccountId = "444455556666"),
      "AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001: the item is of account 444455556666, the event of 111122223333",
    ],
  ])("%s: nothing is sent, the invocation fails", async (_, change, message) => {
    const handler = world();
    const failure = await handler(withItem("sg-world-open.json", change)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toContain(message);
    expect(harness.fake.putEvaluations).toEqual([]);
  });

  it("a role item without resourceName: its ARN holds the name, not the id, and is not compared", async () => {
    const handler = world();
    await handler(withItem("role-compliant.json", (item) => delete item.resourceName));
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      expect.objectContaining({ ComplianceResourceId: "AROAEXAMPLESESSIONOP1", ComplianceType: "COMPLIANT" }),
    ]);
  });
});

describe("oversized items", () => {
  it("GetResourceConfigHistory throttled until retries run out: nothing is sent, the invocation fails", async () => {
    process.env.AWS_MAX_ATTEMPTS = "2";
    const handler = world({
      failures: {
        "config:GetResourceConfigHistory": { code: "ThrottlingException", message: "Rate exceeded" },
      },
    });
    await expect(handler(loadEvent("sg-oversized.json"))).rejects.toThrow(
      /GetResourceConfigHistory failed for the oversized item AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60005: ThrottlingException/,
    );
    expect(harness.fake.reads).toEqual([
      "config:GetResourceConfigHistory",
      "config:GetResourceConfigHistory",
    ]);
    expect(harness.fake.putEvaluations).toEqual([]);
  });

  it("an item of another resource in the answer: nothing is sent, the invocation fails", async () => {
    const other = structuredClone(fixture("sg-oversized.history.json"));
    other.resourceId = "sg-0a1b2c3d4e5f60002";
    other.arn = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60002";
    const handler = world({ history: { "AWS::EC2::SecurityGroup/sg-0a1b2c3d4e5f60005": other } });
    const failure = await handler(loadEvent("sg-oversized.json")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toBe(
      "GetResourceConfigHistory returned AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60002 " +
        "for the oversized item AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60005",
    );
    expect(harness.fake.putEvaluations).toEqual([]);
  });
  it("an older version of the item in the answer (the notified one not yet in the history): nothing is sent, the invocation fails", async () => {
    // The version before the change: only a private range on port 8000, which passes every rule.
    const older = structuredClone(fixture("sg-oversized.history.json"));
    older.configurationItemCaptureTime = epoch("2026-11-19T08:00:00.000Z");
    older.configurationStateId = "1763539200000";
    older.configuration = JSON.stringify({
      groupName: "many-rules",
      groupId: "sg-0a1b2c3d4e5f60005",
      vpcId: "vpc-0c4f7a2e9b1d30a11",
      ipPermissions: [
        { fromPort: 8000, ipProtocol: "tcp", toPort: 8000, ipv4Ranges: [{ cidrIp: "10.0.0.0/8" }] },
      ],
      ipPermissionsEgress: [],
    });
    const handler = world({ history: { "AWS::EC2::SecurityGroup/sg-0a1b2c3d4e5f60005": older } });
    const failure = await handler(loadEvent("sg-oversized.json")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toBe(
      "GetResourceConfigHistory returned the item of AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60005 captured at " +
        "2026-11-19T08:00:00.000Z for the oversized item captured at 2026-11-20T12:00:00.000Z: " +
        "only the notified version is judged",
    );
    expect(harness.fake.putEvaluations).toEqual([]);
  });

  it("the item of another account or region in the answer: nothing is sent, the invocation fails", async () => {
    for (const [field, value] of [
      ["accountId", "444455556666"],
      ["awsRegion", "eu-west-1"],
    ] as const) {
      const other = structuredClone(fixture("sg-oversized.history.json"));
      other[field] = value;
      const handler = world({ history: { "AWS::EC2::SecurityGroup/sg-0a1b2c3d4e5f60005": other } });
      const failure = await handler(loadEvent("sg-oversized.json")).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(EvaluationIncompleteError);
      expect(harness.fake.putEvaluations).toEqual([]);
    }
  });
});

describe("one resource judged twice in an invocation", () => {
  it("a role listed twice with different trust policies: neither verdict is sent, the invocation fails", async () => {
    const [open, conditioned] = rolesWithAndWithoutCondition(2).map((role) => ({
      ...role,
      properties: { ...role.properties, RoleId: "AROAEXAMPLE000000777" },
    }));
    const others = fixtureWorld().filter((resource) => resource.type !== "AWS::IAM::Role");
    const handler = world({ resources: [...others, conditioned!, open!] });
    const failure = await handler(scheduledRoles()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toContain(
      "AWS::IAM::Role AROAEXAMPLE000000777 was judged more than once, with different verdicts (NON_COMPLIANT, COMPLIANT): none is sent",
    );
    expect(harness.fake.putEvaluations).toEqual([]);
  });
});

describe("Config does not take the verdicts", () => {
  it("FailedEvaluations in the first of three batches: all three are sent, then the invocation fails", async () => {
    const handler = world({
      resources: rolesWithAndWithoutCondition(250),
      failEvaluations: (evaluations) =>
        evaluations.filter((entry) => entry.ComplianceResourceId === "AROAEXAMPLE000000001"),
    });
    const failure = await handler(scheduledRoles()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toContain(
      "Config did not record NON_COMPLIANT for AWS::IAM::Role AROAEXAMPLE000000001",
    );
    expect(harness.fake.putEvaluations.map((call) => call.Evaluations.length)).toEqual([100, 100, 50]);
    expect(harness.logs("invocation-failed")).toHaveLength(1);
  });

  it("PutEvaluations throttled until retries run out: the invocation fails", async () => {
    process.env.AWS_MAX_ATTEMPTS = "2";
    const handler = world({
      failures: { "config:PutEvaluations": { code: "ThrottlingException", message: "Rate exceeded" } },
    });
    await expect(handler(loadEvent("sg-world-open.json"))).rejects.toThrow(/Rate exceeded/);
    // The one batch, tried as often as the retry budget allows; nothing else is sent.
    const sent = harness.fake.putEvaluations;
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[0]!.Evaluations).toEqual([
      expect.objectContaining({
        ComplianceResourceId: "sg-0a1b2c3d4e5f60001",
        ComplianceType: "NON_COMPLIANT",
      }),
    ]);
    expect(harness.logs("invocation-failed")).toHaveLength(1);
  });
});
