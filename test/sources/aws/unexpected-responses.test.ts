import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LAMBDA_OPERATIONS } from "../../../src/lambda/operations.js";
import { canonicalShapeProblem } from "../../../src/model/canonical.js";
import { AwsSetupError, collectLive } from "../../../src/sources/aws/index.js";
import { OPERATIONS } from "../../../src/sources/aws/operations.js";
import { awsTestEnv } from "../../support/aws-endpoint/env.js";
import { ACCOUNT, exampleWorld, managedInstance } from "../../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint } from "../../support/aws-endpoint/server.js";
import type { Fault, FakeWorld } from "../../support/aws-endpoint/world.js";

/**
 * Answers that carry HTTP 200 but not the API's result — an empty body, a login page, another
 * call's answer, an empty JSON object — through the real SDK against the loopback endpoint. Each
 * must become an error naming the call and the region, never a region that simply has nothing.
 */

beforeAll(() => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const HTML = "<html><body>Login</body></html>";

async function collectFrom(world: FakeWorld) {
  const endpoint = await startAwsEndpoint(world);
  try {
    const result = await collectLive({
      sessionName: "access-baseline-test",
      endpoint: endpoint.url,
      // Retries are allowed; an answer that is not the API's must not use them.
      maxAttempts: 3,
      credentials: () =>
        Promise.resolve({ accessKeyId: world.base.accessKeyId, secretAccessKey: world.base.secretAccessKey }),
    });
    return { result, endpoint };
  } finally {
    await endpoint.close();
  }
}

interface Case {
  name: string;
  fault: Fault & { service: string; operation: string; region: string };
  message: string;
}

const REGIONAL_CASES: Case[] = [
  {
    name: "EC2: an empty body",
    fault: { service: "ec2", operation: "DescribeSecurityGroups", region: "eu-west-1", body: "" },
    message: "the response had no DescribeSecurityGroupsResponse element (an empty body)",
  },
  {
    name: "EC2: an HTML login page",
    fault: {
      service: "ec2",
      operation: "DescribeInstances",
      region: "eu-west-1",
      body: HTML,
      contentType: "text/html",
    },
    message: "the response had no DescribeInstancesResponse element (an HTML page, content-type text/html)",
  },
  {
    name: "EC2: another call's answer",
    fault: {
      service: "ec2",
      operation: "DescribeSecurityGroups",
      region: "eu-west-1",
      body: '<?xml version="1.0" encoding="UTF-8"?>\n<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet/></DescribeInstancesResponse>',
    },
    message:
      "the response had no DescribeSecurityGroupsResponse element (its root element is <DescribeInstancesResponse>)",
  },
  {
    name: "EC2: the right element without the result in it",
    fault: {
      service: "ec2",
      operation: "DescribeSecurityGroups",
      region: "eu-west-1",
      body: '<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId></DescribeSecurityGroupsResponse>',
    },
    message: "the response had no SecurityGroups",
  },
  {
    name: "EC2: a reservation without its instances",
    fault: {
      service: "ec2",
      operation: "DescribeInstances",
      region: "eu-west-1",
      body: '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet><item><reservationId>r-0e00000000000e101</reservationId><ownerId>111122223333</ownerId></item></reservationSet></DescribeInstancesResponse>',
    },
    message: "the response listed reservation r-0e00000000000e101 without its Instances",
  },
  {
    name: "SSM (JSON 1.1): an empty JSON object",
    fault: { service: "ssm", operation: "DescribeInstanceInformation", region: "eu-west-1", body: "{}" },
    message: "the response had no InstanceInformationList (an empty JSON object)",
  },
  {
    name: "SSM (JSON 1.1): another document's content",
    fault: {
      service: "ssm",
      operation: "GetDocument",
      region: "eu-west-1",
      body: JSON.stringify({ Name: "AWS-StartPortForwardingSession", Content: "{}", DocumentFormat: "JSON" }),
    },
    message:
      'the response was for the document "AWS-StartPortForwardingSession", not SSM-SessionManagerRunShell',
  },
  {
    name: "SSM (JSON 1.1): a document without its name",
    fault: {
      service: "ssm",
      operation: "GetDocument",
      region: "eu-west-1",
      body: JSON.stringify({ Content: JSON.stringify({ inputs: {} }), DocumentFormat: "JSON" }),
    },
    message: "the response was a document without its Name, not SSM-SessionManagerRunShell",
  },
  {
    name: "SSM (JSON 1.1): an empty body",
    fault: { service: "ssm", operation: "GetDocument", region: "eu-west-1", body: "" },
    message: "the response was not a JSON object (an empty body)",
  },
  {
    name: "SSM (JSON 1.1): an HTML login page",
    fault: {
      service: "ssm",
      operation: "GetDocument",
      region: "eu-west-1",
      body: HTML,
      contentType: "text/html",
    },
    message: "the response was not a JSON object (an HTML page, content-type text/html)",
  },
];

describe("a 200 answer without the API's result is a collection error", () => {
  it.each(REGIONAL_CASES)("$name", async ({ fault, message }) => {
    const { result, endpoint } = await collectFrom(exampleWorld({ faults: [fault] }));
    const spec = Object.values(OPERATIONS).find(
      (candidate) => candidate.service === fault.service && candidate.operation === fault.operation,
    )!;
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: fault.region,
        service: fault.service,
        operation: fault.operation,
        code: "UnexpectedResponse",
        message,
        resourceTypes: [...spec.resourceTypes],
      },
    ]);
    // Not retried: the same endpoint would only answer the same again.
    const sent = endpoint.calls.filter(
      (call) => call.operation === fault.operation && call.region === fault.region,
    );
    expect(sent).toHaveLength(1);
    // The region's other data and the other region are collected as usual.
    expect(result.resources.some((resource) => resource.region === "us-east-1")).toBe(true);
  });

  it.each([
    {
      name: "IAM (query): an empty body",
      body: "",
      message: "the response had no GetAccountAuthorizationDetailsResponse element (an empty body)",
    },
    {
      name: "IAM (query): the response element without its result",
      body: '<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>',
      message: "the response had no GetAccountAuthorizationDetailsResult element",
    },
    {
      name: "IAM (query): a result without IsTruncated",
      body: "<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>",
      message: "the response had no IsTruncated",
    },
  ])("$name", async ({ body, message }) => {
    const fault = {
      service: "iam",
      operation: "GetAccountAuthorizationDetails",
      body,
      contentType: "text/xml",
    };
    const { result, endpoint } = await collectFrom(exampleWorld({ faults: [fault] }));
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "global",
        service: "iam",
        operation: "GetAccountAuthorizationDetails",
        code: "UnexpectedResponse",
        message,
        resourceTypes: [...OPERATIONS["iam:GetAccountAuthorizationDetails"].resourceTypes],
      },
    ]);
    expect(endpoint.counts()["iam:GetAccountAuthorizationDetails"]).toBe(1);
  });

  it("IAM (query): a page that says it is truncated but gives no Marker leaves IAM unjudged", async () => {
    // Stopping at that page would read the account as having only the entities it held.
    const body =
      "<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult>" +
      "<UserDetailList/><GroupDetailList/><RoleDetailList/><Policies/><IsTruncated>true</IsTruncated>" +
      "</GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>";
    const fault = {
      service: "iam",
      operation: "GetAccountAuthorizationDetails",
      body,
      contentType: "text/xml",
    };
    const { result } = await collectFrom(exampleWorld({ faults: [fault] }));
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "global",
        service: "iam",
        operation: "GetAccountAuthorizationDetails",
        code: "PaginationTokenMissing",
        message: "the response had IsTruncated true but no Marker; the listing is incomplete",
        resourceTypes: [...OPERATIONS["iam:GetAccountAuthorizationDetails"].resourceTypes],
      },
    ]);
  });

  it.each([
    ["without its security groups", "", 'missing required key "SecurityGroups"'],
    [
      "with an empty list of security groups",
      "<groupSet/>",
      "SecurityGroups: expected at least 1 item, found an empty list",
    ],
  ])(
    "an instance answered %s is refused at the boundary, not read as having none",
    async (_, groupSet, named) => {
      // EC2 always answers at least one group for an instance; an AWS-compatible endpoint that
      // answers none would otherwise make every rule over the instance's groups hold for no group.
      const body =
        '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet><item>' +
        "<reservationId>r-1</reservationId><ownerId>" +
        ACCOUNT +
        "</ownerId><instancesSet><item><instanceId>i-0000000000000abcd</instanceId>" +
        "<instanceState><code>16</code><name>running</name></instanceState><ipAddress>203.0.113.9</ipAddress>" +
        groupSet +
        "</item></instancesSet></item></reservationSet></DescribeInstancesResponse>";
      const fault = { service: "ec2", operation: "DescribeInstances", region: "eu-west-1", body };
      const { result } = await collectFrom(exampleWorld({ faults: [fault] }));
      const instance = result.resources.find((resource) => resource.id === "i-0000000000000abcd");
      expect(instance).toBeDefined();
      expect(canonicalShapeProblem(instance!)).toContain(named);
    },
  );

  it("an EC2 region listing that is a login page marks every region but the home one missing", async () => {
    const fault = { operation: "DescribeRegions", body: HTML, contentType: "text/html" };
    const { result } = await collectFrom(exampleWorld({ faults: [fault] }));
    expect(result.scopes).toEqual([{ account: ACCOUNT, region: "us-east-1", partition: "aws" }]);
    expect(result.collectionErrors).toMatchObject([
      {
        region: "global",
        operation: "DescribeRegions",
        code: "UnexpectedResponse",
        message: "the response had no DescribeRegionsResponse element (an HTML page, content-type text/html)",
      },
    ]);
  });
});

describe("a listing that names one resource twice, differently, is not read as either", () => {
  // DescribeInstanceInformation's wire form: dates are epoch seconds.
  const node = (state: string) => ({
    ...managedInstance("i-0a12c3e5f7b9d4002", "3.3.1142.0", state),
    LastPingDateTime: 1_795_000_000,
  });

  it.each([
    ["ConnectionLost then Online", ["ConnectionLost", "Online"]],
    ["Online then ConnectionLost", ["Online", "ConnectionLost"]],
  ])("a managed node %s: the managed-node rules cannot judge the region", async (_, states) => {
    // Whichever listing came last decided instance-managed-by-ssm before: Online made it pass.
    const [first, second] = states.map((state) => node(state));
    const fault = {
      service: "ssm",
      operation: "DescribeInstanceInformation",
      region: "us-east-1",
      body: JSON.stringify({ InstanceInformationList: [first, second] }),
    };
    const { result } = await collectFrom(exampleWorld({ faults: [fault] }));
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "us-east-1",
        service: "ssm",
        operation: "DescribeInstanceInformation",
        code: "InconsistentListing",
        message:
          "AWS::SSM::ManagedInstanceInventory i-0a12c3e5f7b9d4002 is listed twice with different contents; " +
          "the listing changed while it was read, or is not one listing",
        resourceTypes: [...OPERATIONS["ssm:DescribeInstanceInformation"].resourceTypes],
      },
    ]);
  });

  it("IAM: a role listed twice with two trust policies leaves the IAM rules unjudged", async () => {
    // The second listing's trust policy requires the session name: role-session-name-condition
    // both failed and passed the one role, and an instance's role was whichever listing came last.
    const world = exampleWorld();
    const roles = world.accounts[0]!.iam.roles;
    const operators = roles.find((role) => role.RoleName === "session-operators")!;
    roles.push({
      ...operators,
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "sts:RoleSessionName": "${aws:username}" } },
          },
        ],
      },
    });
    const { result } = await collectFrom(world);
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "global",
        service: "iam",
        operation: "GetAccountAuthorizationDetails",
        code: "InconsistentListing",
        message:
          "AWS::IAM::Role session-operators is listed twice with different contents; " +
          "the listing changed while it was read, or is not one listing",
        resourceTypes: [...OPERATIONS["iam:GetAccountAuthorizationDetails"].resourceTypes],
      },
    ]);
  });

  it("the same listing twice is not an error", async () => {
    const fault = {
      service: "ssm",
      operation: "DescribeInstanceInformation",
      region: "us-east-1",
      body: JSON.stringify({ InstanceInformationList: [node("Online"), node("Online")] }),
    };
    const { result } = await collectFrom(exampleWorld({ faults: [fault] }));
    expect(result.collectionErrors).toEqual([]);
  });
});

describe("a region listing that names no region to scan is not an account without regions", () => {
  it.each([
    ["no region at all", "<regionInfo/>", "the response listed no enabled region (0 regions in all)"],
    [
      "only regions the account has not opted in to",
      "<regionInfo><item><regionName>ap-east-1</regionName><optInStatus>not-opted-in</optInStatus></item></regionInfo>",
      "the response listed no enabled region (1 region in all)",
    ],
    [
      "a region without its name",
      "<regionInfo><item><regionName>us-east-1</regionName></item><item><optInStatus>opted-in</optInStatus></item></regionInfo>",
      "the response listed a region without its RegionName",
    ],
  ])("%s: only the home region is scanned, and every other is marked missing", async (_, list, message) => {
    const body = `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId>${list}</DescribeRegionsResponse>`;
    const { result } = await collectFrom(exampleWorld({ faults: [{ operation: "DescribeRegions", body }] }));
    expect(result.scopes).toEqual([{ account: ACCOUNT, region: "us-east-1", partition: "aws" }]);
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "global",
        service: "ec2",
        operation: "DescribeRegions",
        code: "UnexpectedResponse",
        message,
        resourceTypes: [...OPERATIONS["ec2:DescribeRegions"].resourceTypes],
      },
    ]);
  });
});

describe("a 200 answer without the result stops the run where nothing can be collected", () => {
  it("STS (query): a login page instead of the caller's identity", async () => {
    const world = exampleWorld({
      faults: [{ operation: "GetCallerIdentity", body: HTML, contentType: "text/html" }],
    });
    const failure = await collectFrom(world).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsSetupError);
    expect((failure as Error).message).toBe(
      "cannot identify the account of the credentials: sts:GetCallerIdentity failed: UnexpectedResponse: " +
        "the response had no GetCallerIdentityResponse element (an HTML page, content-type text/html) " +
        "(is the endpoint an AWS API? a proxy or captive portal may have answered instead)",
    );
  });
});

describe("the caller's identity must say which account and partition it is in", () => {
  it.each([
    [
      "without its ARN",
      "<Account>111122223333</Account>",
      'GetCallerIdentity returned no ARN of the identity ("")',
    ],
    [
      "with an ARN that is not one",
      "<Account>111122223333</Account><Arn>scanner</Arn>",
      'GetCallerIdentity returned no ARN of the identity ("scanner")',
    ],
    [
      "without its account id",
      "<Arn>arn:aws:iam::111122223333:user/scanner</Arn><Account>x</Account>",
      "GetCallerIdentity returned no account id (x)",
    ],
  ])("an answer %s stops the run instead of guessing the partition", async (_, fields, why) => {
    // Every ARN the scan builds takes its partition from this ARN: without one, `aws` would be
    // a guess, wrong for an account in China or GovCloud.
    const body = `<GetCallerIdentityResponse><GetCallerIdentityResult>${fields}</GetCallerIdentityResult></GetCallerIdentityResponse>`;
    const world = exampleWorld({
      faults: [{ operation: "GetCallerIdentity", body, contentType: "text/xml" }],
    });
    const failure = await collectFrom(world).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsSetupError);
    expect((failure as Error).message).toBe(
      `cannot identify the account of the credentials: sts:GetCallerIdentity failed: UnknownError: ${why}`,
    );
  });
});

describe("every declared operation says what its answer must hold", () => {
  it.each([
    ...Object.values(OPERATIONS).map(
      (spec) => ["collector", `${spec.service}:${spec.operation}`, spec] as const,
    ),
    ...LAMBDA_OPERATIONS.map(
      (spec) => ["Config rule Lambda", `${spec.service}:${spec.operation}`, spec] as const,
    ),
  ])("%s: %s", (_table, name, spec) => {
    // The one exception: Config may answer PutEvaluations with `{}` when no evaluation failed.
    if (name !== "config:PutEvaluations") expect(Object.keys(spec.resultFields).length).toBeGreaterThan(0);
    for (const field of Object.keys(spec.resultFields)) expect(field).toMatch(/^[A-Za-z]+$/);
  });
});
