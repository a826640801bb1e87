import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isUnknown } from "../../../src/model/unknown.js";
import { collectLive } from "../../../src/sources/aws/index.js";
import { awsTestEnv } from "../../support/aws-endpoint/env.js";
import {
  ACCOUNT,
  SESSION_START_PATTERN,
  eventRule,
  exampleWorld,
  trail,
} from "../../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint } from "../../support/aws-endpoint/server.js";
import type { FakeWorld } from "../../support/aws-endpoint/world.js";

/** Trails and EventBridge rules read live, through the real SDK against the loopback endpoint. */

const MANAGEMENT = "999988887777";

beforeAll(() => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
});
afterAll(() => {
  vi.unstubAllEnvs();
});

async function collectFrom(world: FakeWorld) {
  const endpoint = await startAwsEndpoint(world);
  try {
    const result = await collectLive({
      sessionName: "access-baseline-test",
      endpoint: endpoint.url,
      credentials: () =>
        Promise.resolve({ accessKeyId: world.base.accessKeyId, secretAccessKey: world.base.secretAccessKey }),
    });
    return { result, endpoint };
  } finally {
    await endpoint.close();
  }
}

/** us-east-1 is home to the account's multi-region trail; eu-west-1 to the organization's. */
function alertingWorld(): FakeWorld {
  const world = exampleWorld();
  const regions = world.accounts[0]!.regions;
  regions["us-east-1"]!.trails = [
    trail(ACCOUNT, "management-events", "us-east-1", {
      EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true, DataResources: [] }],
    }),
    trail(ACCOUNT, "local-only", "us-east-1", { IsMultiRegionTrail: false, IsLogging: false }),
  ];
  regions["eu-west-1"]!.trails = [
    trail(MANAGEMENT, "organization-trail", "eu-west-1", { IsOrganizationTrail: true }),
  ];
  regions["us-east-1"]!.eventRules = [
    eventRule(ACCOUNT, "us-east-1", "session-start-alert", {
      Targets: [
        { Id: "notify", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:session-alerts` },
        { Id: "log", Arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:sessions` },
      ],
    }),
    eventRule(ACCOUNT, "us-east-1", "nightly", {
      EventPattern: undefined,
      ScheduleExpression: "rate(1 day)",
      Targets: [],
    }),
    eventRule(ACCOUNT, "us-east-1", "on-custom-bus", { EventBusName: "custom" }),
  ];
  world.pageSizes = { "events:ListRules": 1, "events:ListTargetsByRule": 1 };
  return world;
}

describe("trails", () => {
  it("reads each trail once, in its home region, with its status and selectors", async () => {
    const { result, endpoint } = await collectFrom(alertingWorld());
    expect(result.collectionErrors).toEqual([]);
    const trails = result.resources.filter((resource) => resource.type === "AWS::CloudTrail::Trail");
    expect(trails.map((resource) => [resource.id, resource.region]).sort()).toEqual([
      ["local-only", "us-east-1"],
      ["management-events", "us-east-1"],
      ["organization-trail", "eu-west-1"],
    ]);
    const management = trails.find((resource) => resource.id === "management-events")!;
    expect(management.properties).toMatchObject({
      IsLogging: true,
      IsMultiRegionTrail: true,
      EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }],
    });
    expect(trails.find((resource) => resource.id === "local-only")!.properties.IsLogging).toBe(false);
    // Both regions list the multi-region trail; only its home region asks about it.
    const counts = endpoint.counts();
    expect(counts["cloudtrail:DescribeTrails"]).toBe(2);
    expect(counts["cloudtrail:GetTrailStatus"]).toBe(3);
    expect(counts["cloudtrail:GetEventSelectors"]).toBe(3);
    const described = endpoint.calls.find((call) => call.operation === "DescribeTrails")!;
    expect(described.params).toMatchObject({ includeShadowTrails: true });
    const status = endpoint.calls.find(
      (call) => call.operation === "GetTrailStatus" && call.region === "us-east-1",
    )!;
    expect(String(status.params.Name)).toMatch(/^arn:aws:cloudtrail:us-east-1:/);
  });

  it("leaves the status of an organization trail it may not read unknown, not failed and never passed", async () => {
    const { result } = await collectFrom(alertingWorld());
    const organization = result.resources.find((resource) => resource.id === "organization-trail")!;
    expect(organization.arn).toBe(`arn:aws:cloudtrail:eu-west-1:${MANAGEMENT}:trail/organization-trail`);
    expect(organization.properties.IsOrganizationTrail).toBe(true);
    for (const field of ["IsLogging", "EventSelectors"]) {
      const value = organization.properties[field];
      expect(isUnknown(value)).toBe(true);
      expect(JSON.stringify(value)).toContain("TrailNotFoundException");
      expect(JSON.stringify(value)).toContain(MANAGEMENT);
    }
    expect(result.collectionErrors).toEqual([]);
  });

  it("makes a refused status of the account's own trail a collection error for its region", async () => {
    const world = alertingWorld();
    world.faults = [
      {
        service: "cloudtrail",
        operation: "GetTrailStatus",
        region: "us-east-1",
        code: "AccessDeniedException",
      },
    ];
    const { result } = await collectFrom(world);
    expect(result.collectionErrors).toMatchObject([
      {
        region: "us-east-1",
        service: "cloudtrail",
        operation: "GetTrailStatus",
        code: "AccessDeniedException",
        iamAction: "cloudtrail:GetTrailStatus",
        resourceTypes: ["AWS::CloudTrail::Trail"],
      },
      { region: "us-east-1", operation: "GetTrailStatus" },
    ]);
    expect(result.collectionErrors[0]!.message).toMatch(/^trail (management-events|local-only): /);
  });

  it("makes a failed DescribeTrails a collection error naming the API and region", async () => {
    const world = alertingWorld();
    world.faults = [
      {
        service: "cloudtrail",
        operation: "DescribeTrails",
        region: "eu-west-1",
        code: "ValidationException",
        status: 400,
      },
    ];
    const { result } = await collectFrom(world);
    expect(result.collectionErrors).toMatchObject([
      {
        region: "eu-west-1",
        operation: "DescribeTrails",
        code: "ValidationException",
        resourceTypes: ["AWS::CloudTrail::Trail"],
      },
    ]);
    expect(result.resources.some((resource) => resource.id === "organization-trail")).toBe(false);
  });
});

describe("event rules", () => {
  it("lists the default bus's rules page by page, each with every page of its targets", async () => {
    const { result, endpoint } = await collectFrom(alertingWorld());
    const rules = result.resources.filter((resource) => resource.type === "AWS::Events::Rule");
    expect(rules.map((rule) => rule.id)).toEqual(["session-start-alert", "nightly"]);
    const alert = rules[0]!;
    expect(alert.arn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/session-start-alert`);
    expect(alert.properties.EventPattern).toEqual(SESSION_START_PATTERN);
    expect((alert.properties.Targets as unknown[]).map((target) => (target as { Id: string }).Id)).toEqual([
      "notify",
      "log",
    ]);
    expect(rules[1]!.properties.Targets).toEqual([]);
    const calls = endpoint.calls.filter((call) => call.service === "events" && call.region === "us-east-1");
    // Two pages of rules, two of the alert's targets, one of the scheduled rule's.
    expect(calls.map((call) => call.operation)).toEqual(
      expect.arrayContaining(["ListRules", "ListRules", "ListTargetsByRule"]),
    );
    expect(calls.filter((call) => call.operation === "ListRules")).toHaveLength(2);
    expect(calls.filter((call) => call.operation === "ListTargetsByRule")).toHaveLength(3);
    for (const call of calls) expect(call.params).toMatchObject({ EventBusName: "default" });
  });

  it("makes a failed target listing a collection error for the region's rules", async () => {
    const world = alertingWorld();
    world.faults = [
      { service: "events", operation: "ListTargetsByRule", code: "ValidationException", status: 400 },
    ];
    const { result } = await collectFrom(world);
    expect(result.collectionErrors).toMatchObject([
      {
        region: "us-east-1",
        service: "events",
        operation: "ListTargetsByRule",
        code: "ValidationException",
        resourceTypes: ["AWS::Events::Rule"],
      },
      { region: "us-east-1", operation: "ListTargetsByRule" },
    ]);
    expect(result.collectionErrors[0]!.message).toMatch(/^rule (session-start-alert|nightly): /);
  });
});

describe("trails whose home region is not scanned", () => {
  it("reads a multi-region trail once, from the first region scanned, when --regions leaves out its home", async () => {
    const world = alertingWorld();
    const endpoint = await startAwsEndpoint(world);
    try {
      const result = await collectLive({
        sessionName: "access-baseline-test",
        endpoint: endpoint.url,
        regions: ["eu-west-1"],
        credentials: () =>
          Promise.resolve({
            accessKeyId: world.base.accessKeyId,
            secretAccessKey: world.base.secretAccessKey,
          }),
      });
      const trails = result.resources.filter((resource) => resource.type === "AWS::CloudTrail::Trail");
      // local-only records us-east-1 alone: eu-west-1 does not list it.
      expect(trails.map((resource) => [resource.id, resource.region]).sort()).toEqual([
        ["management-events", "us-east-1"],
        ["organization-trail", "eu-west-1"],
      ]);
      expect(trails.find((resource) => resource.id === "management-events")!.properties.IsLogging).toBe(true);
      expect(result.collectionErrors).toEqual([]);
    } finally {
      await endpoint.close();
    }
  });
});
