import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectLive, type LiveCollection } from "../../../src/sources/aws/index.js";
import { awsTestEnv } from "../../support/aws-endpoint/env.js";
import { budgetWorld } from "../../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint, type AwsEndpoint } from "../../support/aws-endpoint/server.js";

/**
 * The API-call budget, counted at the endpoint (not timed): for 1,500 roles, 300 users, 2,500
 * security groups, 3,000 instances and 120 managed nodes in two regions, the collector makes
 * exactly the pages the APIs require at their largest page sizes, one GetDocument per region, one
 * status and selectors call per trail and one targets call per event rule, and the constant calls (identity, regions). A per-role collector (GetRole,
 * ListAttachedRolePolicies, ListRolePolicies, GetRolePolicy, …) would make thousands.
 */

const world = budgetWorld();
const account = world.accounts[0]!;
let endpoint: AwsEndpoint;
let result: LiveCollection;

beforeAll(async () => {
  for (const [name, value] of Object.entries(awsTestEnv(world))) vi.stubEnv(name, value);
  endpoint = await startAwsEndpoint(world);
  result = await collectLive({
    sessionName: "budget",
    endpoint: endpoint.url,
    credentials: () => Promise.resolve({ accessKeyId: world.base.accessKeyId, secretAccessKey: "x" }),
  });
});
afterAll(async () => {
  await endpoint.close();
  vi.unstubAllEnvs();
});

/** Pages a listing of `items` needs at `pageSize` a page (an empty listing still takes one call). */
function pages(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

describe("the API-call budget", () => {
  it("holds the fixture's sizes", () => {
    const regions = Object.values(account.regions);
    expect(account.iam.roles).toHaveLength(1500);
    expect(account.iam.users).toHaveLength(300);
    expect(regions.reduce((sum, region) => sum + region.securityGroups.length, 0)).toBe(2500);
    expect(regions.reduce((sum, region) => sum + region.instances.length, 0)).toBe(3000);
    expect(regions.reduce((sum, region) => sum + region.managedInstances.length, 0)).toBe(120);
    expect(result.collectionErrors).toEqual([]);
    expect(result.resources.filter((resource) => resource.type === "AWS::IAM::Role")).toHaveLength(1500);
    expect(result.resources.filter((resource) => resource.type === "AWS::EC2::Instance")).toHaveLength(3000);
  });

  it("makes only the pages the APIs require, one GetDocument per region and the constant calls", () => {
    const iamEntities =
      account.iam.users.length +
      account.iam.groups.length +
      account.iam.roles.length +
      account.iam.policies.length;
    const regions = Object.values(account.regions);
    const expected = {
      "sts:GetCallerIdentity": 1,
      "ec2:DescribeRegions": 1,
      "iam:GetAccountAuthorizationDetails": pages(iamEntities, 1000),
      "ec2:DescribeSecurityGroups": regions.reduce(
        (sum, region) => sum + pages(region.securityGroups.length, 1000),
        0,
      ),
      "ec2:DescribeInstances": regions.reduce((sum, region) => sum + pages(region.instances.length, 1000), 0),
      "ssm:DescribeInstanceInformation": regions.reduce(
        (sum, region) => sum + pages(region.managedInstances.length, 50),
        0,
      ),
      "ssm:GetDocument": regions.length,
      // One credential report for every user's access keys, already complete when first asked.
      "iam:GenerateCredentialReport": 1,
      "iam:GetCredentialReport": 1,
      // Every region lists the multi-region trail; only its home region reads its status and selectors.
      "cloudtrail:DescribeTrails": regions.length,
      "cloudtrail:GetTrailStatus": 1,
      "cloudtrail:GetEventSelectors": 1,
      "events:ListRules": regions.reduce((sum, region) => sum + pages(region.eventRules!.length, 100), 0),
      // One targets call per rule: EventBridge lists targets only rule by rule.
      "events:ListTargetsByRule": regions.reduce((sum, region) => sum + region.eventRules!.length, 0),
    };
    expect(endpoint.counts()).toEqual(expected);
    const total = Object.values(expected).reduce((sum, count) => sum + count, 0);
    expect(total).toBe(30);
    // The report's own count agrees with the endpoint's.
    const reported = Object.values(result.apiCalls).flatMap((operations) => Object.values(operations));
    expect(reported.reduce((sum, count) => sum + count, 0)).toBe(endpoint.calls.length);
  });

  it("is orders of magnitude below per-role collection", () => {
    // At least three calls per role (GetRole, ListAttachedRolePolicies, ListRolePolicies).
    const perRole = account.iam.roles.length * 3;
    expect(endpoint.calls.length * 100).toBeLessThan(perRole);
  });
});
