import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { awsTestEnv } from "../support/aws-endpoint/env.js";
import { ACCOUNT, eventRule, exampleWorld, trail } from "../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint, type AwsEndpoint } from "../support/aws-endpoint/server.js";
import type { FakeWorld } from "../support/aws-endpoint/world.js";
import { runCli } from "../support/cli.js";

/**
 * session-start-alerting in `check --account`: trails and event rules read live, through the real
 * SDK against the loopback endpoint, judged per region.
 */

interface JsonResult {
  ruleId: string;
  status: string;
  message: string;
  resource: { region: string; sourceKind: string };
}

const MANAGEMENT = "999988887777";
const endpoints: AwsEndpoint[] = [];

beforeAll(() => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
});
afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  vi.unstubAllEnvs();
});

async function alertingResults(world: FakeWorld) {
  const endpoint = await startAwsEndpoint(world);
  endpoints.push(endpoint);
  const run = await runCli([
    "check",
    "--account",
    "--quiet",
    "--endpoint-url",
    endpoint.url,
    "--format",
    "json",
  ]);
  const report = JSON.parse(run.stdout) as { results: JsonResult[] };
  const byRegion = new Map(
    report.results
      .filter((result) => result.ruleId === "session-start-alerting")
      .map((result) => [result.resource.region, result]),
  );
  return { run, byRegion };
}

describe("session-start alerting from live data", () => {
  it("passes the region with a rule and fails the region without one", async () => {
    const world = exampleWorld();
    const regions = world.accounts[0]!.regions;
    // The multi-region trail covers both regions; only us-east-1 has a rule.
    regions["us-east-1"]!.trails = [trail(ACCOUNT, "management-events", "us-east-1")];
    regions["us-east-1"]!.eventRules = [eventRule(ACCOUNT, "us-east-1", "session-start-alert")];
    regions["eu-west-1"]!.eventRules = [
      eventRule(ACCOUNT, "eu-west-1", "session-start-alert", { State: "DISABLED" }),
    ];
    const { run, byRegion } = await alertingResults(world);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(byRegion.get("us-east-1")).toMatchObject({ status: "pass", resource: { sourceKind: "aws-live" } });
    expect(byRegion.get("eu-west-1")!.status).toBe("fail");
  });

  it("fails every region when no trail is logging", async () => {
    const world = exampleWorld();
    const regions = world.accounts[0]!.regions;
    regions["us-east-1"]!.trails = [trail(ACCOUNT, "management-events", "us-east-1", { IsLogging: false })];
    for (const region of ["us-east-1", "eu-west-1"])
      regions[region]!.eventRules = [eventRule(ACCOUNT, region, "session-start-alert")];
    const { run, byRegion } = await alertingResults(world);
    expect(run.code).toBe(1);
    expect([...byRegion.values()].map((result) => result.status)).toEqual(["fail", "fail"]);
  });

  it.each([
    [
      "an organization trail the account may not read",
      "eu-west-1",
      () => trail(MANAGEMENT, "organization-trail", "eu-west-1", { IsOrganizationTrail: true }),
      "organization-trail",
    ],
    [
      "a trail whose GetEventSelectors answers an empty list",
      "us-east-1",
      () => trail(ACCOUNT, "management-events", "us-east-1", { EventSelectors: [] }),
      "GetEventSelectors answered no event selectors for trail management-events",
    ],
  ])("cannot decide on %s: error naming it, exit 2", async (_name, home, made, named) => {
    const world = exampleWorld();
    const regions = world.accounts[0]!.regions;
    regions[home]!.trails = [made()];
    for (const region of ["us-east-1", "eu-west-1"])
      regions[region]!.eventRules = [eventRule(ACCOUNT, region, "session-start-alert")];
    const { run, byRegion } = await alertingResults(world);
    expect(run.code).toBe(2);
    expect(byRegion.size).toBe(2);
    for (const result of byRegion.values()) {
      expect(result.status).toBe("error");
      expect(result.message).toContain(named);
    }
  });
});
