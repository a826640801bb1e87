import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { awsTestEnv } from "../support/aws-endpoint/env.js";
import { exampleWorld } from "../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint, type AwsEndpoint } from "../support/aws-endpoint/server.js";
import type { Fault } from "../support/aws-endpoint/world.js";
import { runCli } from "../support/cli.js";

/**
 * `check --account --endpoint-url …` when the endpoint answers HTTP 200 with something that is
 * not the API's answer: the data of that call is reported missing (the rules that need it give
 * `error`, the collection error names the call, the region and what came back) and the run exits
 * 2, for each protocol family the collector speaks.
 */

interface JsonResult {
  ruleId: string;
  status: string;
  message: string;
  resource: { type: string; id: string; region: string };
}

interface JsonReport {
  results: JsonResult[];
  collectionErrors: { service: string; operation: string; region: string; code: string; message: string }[];
}

const endpoints: AwsEndpoint[] = [];

beforeAll(() => {
  // The normal retry budget: these answers must not use it up, and must not loop.
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld(), { AWS_MAX_ATTEMPTS: "3" })))
    vi.stubEnv(name, value);
});
afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  vi.unstubAllEnvs();
});

async function checkAgainst(fault: Fault, format: "json" | "text" = "json") {
  const endpoint = await startAwsEndpoint(exampleWorld({ faults: [fault] }));
  endpoints.push(endpoint);
  const run = await runCli(["check", "--account", "--endpoint-url", endpoint.url, "--format", format]);
  return { run, endpoint };
}

const HTML = "<html><body>Login</body></html>";

describe("a 200 answer without the API's result", () => {
  it("EC2, an empty body: security-group rules give error in that region, and the run exits 2", async () => {
    const fault = { service: "ec2", operation: "DescribeSecurityGroups", region: "eu-west-1", body: "" };
    const { run, endpoint } = await checkAgainst(fault);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.collectionErrors).toMatchObject([
      {
        service: "ec2",
        operation: "DescribeSecurityGroups",
        region: "eu-west-1",
        code: "UnexpectedResponse",
        message: "the response had no DescribeSecurityGroupsResponse element (an empty body)",
      },
    ]);
    const rdp = report.results.filter(
      (result) => result.ruleId === "rdp-from-internet" && result.resource.region === "eu-west-1",
    );
    expect(rdp.map((result) => result.status)).toEqual(["error"]);
    expect(rdp[0]!.message).toBe(
      "could not evaluate: ec2:DescribeSecurityGroups failed in 111122223333/eu-west-1 " +
        "(UnexpectedResponse: the response had no DescribeSecurityGroupsResponse element (an empty body))",
    );
    expect(
      endpoint.calls.filter(
        (call) => call.operation === "DescribeSecurityGroups" && call.region === "eu-west-1",
      ),
    ).toHaveLength(1);
  });

  it("EC2, another call's answer: the text report names the call, the region and what came back", async () => {
    const fault = {
      service: "ec2",
      operation: "DescribeInstances",
      region: "us-east-1",
      body: "<DescribeRegionsResponse><regionInfo/></DescribeRegionsResponse>",
    };
    const { run } = await checkAgainst(fault, "text");
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /exposed-bastion[\s\S]*could\s+not\s+evaluate:\s+ec2:DescribeInstances\s+failed\s+in\s+111122223333\/us-east-1\s+\(UnexpectedResponse:\s+the\s+response\s+had\s+no\s+DescribeInstancesResponse\s+element\s+\(its\s+root\s+element\s+is\s+<DescribeRegionsResponse>\)\)/,
    );
    expect(run.stdout).toMatch(
      /111122223333 us-east-1 +ec2 DescribeInstances +UnexpectedResponse: the response had no DescribeInstancesResponse element/,
    );
    expect(run.stdout).not.toMatch(/i-0b45e1a7c3d9f2001 has public IP/);
  });

  it("IAM, an HTML login page: every IAM rule gives error, and the run exits 2", async () => {
    const fault = {
      service: "iam",
      operation: "GetAccountAuthorizationDetails",
      body: HTML,
      contentType: "text/html",
    };
    const { run } = await checkAgainst(fault);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.collectionErrors).toMatchObject([
      {
        operation: "GetAccountAuthorizationDetails",
        region: "global",
        message:
          "the response had no GetAccountAuthorizationDetailsResponse element (an HTML page, content-type text/html)",
      },
    ]);
    const iam = report.results.filter((result) => result.ruleId === "session-termination-scoped");
    expect(iam.length).toBeGreaterThan(0);
    expect(new Set(iam.map((result) => result.status))).toEqual(new Set(["error"]));
  });

  it("SSM (JSON 1.1), an empty JSON object: managed-node rules give error in that region, exit 2", async () => {
    const fault = {
      service: "ssm",
      operation: "DescribeInstanceInformation",
      region: "eu-west-1",
      body: "{}",
    };
    const { run } = await checkAgainst(fault);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.collectionErrors).toMatchObject([
      {
        operation: "DescribeInstanceInformation",
        region: "eu-west-1",
        message: "the response had no InstanceInformationList (an empty JSON object)",
      },
    ]);
    const managed = report.results.find(
      (result) => result.ruleId === "instance-managed-by-ssm" && result.resource.id === "i-0e00000000000e101",
    );
    expect(managed?.status).toBe("error");
  });

  it.each([
    ["text", '{"InstanceInformationList": "i-0e00000000000e101"}'],
    ["a structure", '{"InstanceInformationList": {"InstanceId": "i-0e00000000000e101"}}'],
    ["a number", '{"InstanceInformationList": 1}'],
  ])("SSM, a result list that is %s: an error of the call that says so, exit 2", async (kind, body) => {
    const fault = { service: "ssm", operation: "DescribeInstanceInformation", region: "eu-west-1", body };
    const { run } = await checkAgainst(fault);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.collectionErrors).toEqual([
      expect.objectContaining({
        operation: "DescribeInstanceInformation",
        region: "eu-west-1",
        code: "UnexpectedResponse",
        message: `the response's InstanceInformationList was ${kind}, not a list`,
      }),
    ]);
    const managed = report.results.find(
      (result) => result.ruleId === "instance-managed-by-ssm" && result.resource.id === "i-0e00000000000e101",
    );
    expect(managed?.status).toBe("error");
  });

  it("STS, a login page instead of the account's identity: one line, exit 2", async () => {
    const fault = { operation: "GetCallerIdentity", body: HTML, contentType: "text/html" };
    const { run } = await checkAgainst(fault, "text");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "access-baseline: cannot identify the account of the credentials: sts:GetCallerIdentity failed: " +
        "UnexpectedResponse: the response had no GetCallerIdentityResponse element (an HTML page, content-type text/html) " +
        "(is the endpoint an AWS API? a proxy or captive portal may have answered instead)\n",
    );
  });
});
