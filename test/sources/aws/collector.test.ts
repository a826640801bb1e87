import { ListRolesCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JsonObject, Resource } from "../../../src/model/resource.js";
import { ApiCallCounter } from "../../../src/sources/aws/call-counter.js";
import { AwsClients, UndeclaredOperationError } from "../../../src/sources/aws/clients.js";
import { AwsSetupError, collectLive, type LiveCollectionOptions } from "../../../src/sources/aws/index.js";
import { awsTestEnv } from "../../support/aws-endpoint/env.js";
import {
  ACCOUNT,
  ENCODED_POLICY,
  GOOD_PREFERENCES,
  GOOD_PREFERENCES_YAML,
  MEMBER_DENIED,
  MEMBER_OK,
  exampleAccount,
  exampleWorld,
  organizationWorld,
} from "../../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint, type AwsEndpoint } from "../../support/aws-endpoint/server.js";
import type { FakeWorld } from "../../support/aws-endpoint/world.js";

/**
 * The collector end to end: the real SDK over HTTP against the loopback endpoint, so that
 * serialization, pagination, retries and error codes all run as they do against AWS.
 */

beforeAll(() => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
});
afterAll(() => {
  vi.unstubAllEnvs();
});

async function collectFrom(world: FakeWorld, options: Partial<LiveCollectionOptions> = {}) {
  const endpoint = await startAwsEndpoint(world);
  try {
    const result = await collectLive({
      sessionName: "access-baseline-test",
      endpoint: endpoint.url,
      credentials: () =>
        Promise.resolve({ accessKeyId: world.base.accessKeyId, secretAccessKey: world.base.secretAccessKey }),
      ...options,
    });
    return { result, endpoint };
  } finally {
    await endpoint.close();
  }
}

function find(
  resources: readonly Resource[],
  type: string,
  id: string,
  region?: string,
): Resource | undefined {
  return resources.find(
    (resource) =>
      resource.type === type && resource.id === id && (region === undefined || resource.region === region),
  );
}

function keys(resources: readonly Resource[]): string[] {
  return resources.map(
    (resource) => `${resource.account} ${resource.region} ${resource.type} ${resource.id}`,
  );
}

describe("collecting one account", () => {
  let endpoint: AwsEndpoint;
  let result: Awaited<ReturnType<typeof collectLive>>;
  const account = exampleAccount();

  beforeAll(async () => {
    ({ result, endpoint } = await collectFrom(exampleWorld()));
  });

  it("covers every enabled region and reports nothing missing", () => {
    expect(result.accounts).toEqual([ACCOUNT]);
    expect(result.scopes).toEqual([
      { account: ACCOUNT, region: "eu-west-1", partition: "aws" },
      { account: ACCOUNT, region: "us-east-1", partition: "aws" },
    ]);
    expect(result.collectionErrors).toEqual([]);
  });

  it("returns security groups exactly in the describe-API shape", () => {
    for (const group of account.regions["us-east-1"]!.securityGroups) {
      const resource = find(
        result.resources,
        "AWS::EC2::SecurityGroup",
        group.GroupId as string,
        "us-east-1",
      );
      expect(resource?.properties).toEqual(group);
      expect(resource?.arn).toBe(
        `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${group.GroupId as string}`,
      );
      expect(resource?.source).toEqual({ kind: "aws-live" });
    }
  });

  it("returns instances that are not terminated, and managed nodes, as the APIs describe them", () => {
    const instances = result.resources.filter((resource) => resource.type === "AWS::EC2::Instance");
    expect(instances.map((resource) => resource.id).sort()).toEqual([
      "i-0a12c3e5f7b9d4002",
      "i-0b45e1a7c3d9f2001",
      "i-0e00000000000e101",
    ]);
    const bastion = account.regions["us-east-1"]!.instances[0]!;
    expect(find(result.resources, "AWS::EC2::Instance", "i-0b45e1a7c3d9f2001")?.properties).toEqual(bastion);
    const managed = account.regions["us-east-1"]!.managedInstances[0]!;
    expect(
      find(result.resources, "AWS::SSM::ManagedInstanceInventory", "i-0b45e1a7c3d9f2001")?.properties,
    ).toEqual(managed);
  });

  it("decodes URL-encoded IAM documents with %2B, %2F and non-ASCII, Statement always a list", () => {
    const wire = encodeURIComponent(JSON.stringify(ENCODED_POLICY));
    expect(wire).toMatch(/%2B.*%2F/);
    expect(wire).toContain("%C3%BC");
    const role = find(result.resources, "AWS::IAM::Role", "session-operators");
    expect(role?.properties.RolePolicyList).toEqual([
      {
        PolicyName: "start-sessions",
        PolicyDocument: { ...ENCODED_POLICY, Statement: [ENCODED_POLICY.Statement] },
      },
    ]);
    expect(role?.properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Action: "sts:AssumeRole" }],
    });
  });

  it("lists IAM entities once, instance profiles included, in the global region", () => {
    const iam = result.resources.filter((resource) => resource.region === "global");
    expect(keys(iam)).toEqual([
      `${ACCOUNT} global AWS::IAM::User alice`,
      `${ACCOUNT} global AWS::IAM::Group session-users`,
      `${ACCOUNT} global AWS::IAM::Role ec2-ssm-instance-role`,
      `${ACCOUNT} global AWS::IAM::InstanceProfile ssm-managed-instance`,
      `${ACCOUNT} global AWS::IAM::Role session-operators`,
      `${ACCOUNT} global AWS::IAM::Policy arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      `${ACCOUNT} global AWS::IAM::AccessKey alice/access_key_1`,
      `${ACCOUNT} global AWS::IAM::AccessKey alice/access_key_2`,
    ]);
  });

  it("reads the preferences document where it exists and nothing where it does not", () => {
    const documents = result.resources.filter((resource) => resource.type === "AWS::SSM::Document");
    expect(documents.map((resource) => resource.region)).toEqual(["us-east-1"]);
    expect((documents[0]!.properties.Content as JsonObject).inputs).toMatchObject({
      kmsKeyId: expect.any(String),
    });
  });

  it("makes one call per page, with each API's largest page size and the instance-state filter", () => {
    expect(endpoint.counts()).toEqual({
      "sts:GetCallerIdentity": 1,
      "ec2:DescribeRegions": 1,
      "iam:GetAccountAuthorizationDetails": 1,
      "iam:GenerateCredentialReport": 1,
      "iam:GetCredentialReport": 1,
      "ec2:DescribeSecurityGroups": 2,
      "ec2:DescribeInstances": 2,
      "ssm:DescribeInstanceInformation": 2,
      "ssm:GetDocument": 2,
      "cloudtrail:DescribeTrails": 2,
      "events:ListRules": 2,
    });
    expect(result.apiCalls).toEqual({
      cloudtrail: { DescribeTrails: 2 },
      events: { ListRules: 2 },
      ec2: { DescribeInstances: 2, DescribeRegions: 1, DescribeSecurityGroups: 2 },
      iam: { GenerateCredentialReport: 1, GetAccountAuthorizationDetails: 1, GetCredentialReport: 1 },
      ssm: { DescribeInstanceInformation: 2, GetDocument: 2 },
      sts: { GetCallerIdentity: 1 },
    });
    const params = (operation: string) => endpoint.calls.find((call) => call.operation === operation)!.params;
    expect(params("DescribeSecurityGroups")).toMatchObject({ MaxResults: "1000" });
    expect(params("DescribeInstances")).toMatchObject({
      MaxResults: "1000",
      "Filter.1.Name": "instance-state-name",
      "Filter.1.Value.1": "pending",
    });
    expect(params("DescribeInstances")).not.toHaveProperty("Filter.1.Value.6");
    expect(params("DescribeInstanceInformation")).toMatchObject({ MaxResults: 50 });
    expect(params("GetAccountAuthorizationDetails")).toMatchObject({
      MaxItems: "1000",
      "Filter.member.1": "User",
      "Filter.member.5": "AWSManagedPolicy",
    });
    expect(params("GetDocument")).toEqual({ Name: "SSM-SessionManagerRunShell" });
  });

  it("gives the same inventory in the same order on every run", async () => {
    const again = await collectFrom(exampleWorld(), { regionConcurrency: 1 });
    expect(again.result.resources).toEqual(result.resources);
    expect(again.result.scopes).toEqual(result.scopes);
  });
});

describe("preferences kept in YAML", () => {
  it("are parsed into the same shape as JSON ones", async () => {
    const world = exampleWorld();
    world.accounts[0]!.regions["us-east-1"]!.preferences = {
      Content: GOOD_PREFERENCES_YAML,
      DocumentFormat: "YAML",
    };
    const { result } = await collectFrom(world, { regions: ["us-east-1"] });
    const document = find(result.resources, "AWS::SSM::Document", "SSM-SessionManagerRunShell", "us-east-1");
    expect(document?.properties).toMatchObject({ DocumentFormat: "YAML", Content: GOOD_PREFERENCES });
  });
});

describe("pagination", () => {
  it("follows every API through several pages and gets what one page would give", async () => {
    // Prepare: the server returns fewer items per page than asked, as AWS may.
    const paged = exampleWorld({
      pageSizes: {
        "iam:GetAccountAuthorizationDetails": 2,
        "ec2:DescribeSecurityGroups": 1,
        "ec2:DescribeInstances": 1,
        "ssm:DescribeInstanceInformation": 1,
      },
    });
    // Act
    const { result, endpoint } = await collectFrom(paged);
    const whole = await collectFrom(exampleWorld());
    // Assess
    expect(result.resources).toEqual(whole.result.resources);
    expect(endpoint.counts()).toMatchObject({
      "iam:GetAccountAuthorizationDetails": 3, // 6 entities, 2 a page
      "ec2:DescribeSecurityGroups": 4, // 3 + 1 groups
      "ec2:DescribeInstances": 3, // 2 + 1 live instances
      "ssm:DescribeInstanceInformation": 3, // 2 in one region, and an empty page in the other
    });
    const markers = endpoint.calls
      .filter((call) => call.operation === "GetAccountAuthorizationDetails")
      .map((call) => call.params.Marker);
    expect(markers[0]).toBeUndefined();
    expect(markers.slice(1).every((marker) => typeof marker === "string")).toBe(true);
  });
});

describe("throttling", () => {
  it("retries throttled calls of every service and succeeds", async () => {
    // Prepare: each service throttles twice with its own error code, then answers.
    const world = exampleWorld({
      faults: [
        {
          service: "iam",
          operation: "GetAccountAuthorizationDetails",
          code: "Throttling",
          message: "Rate exceeded",
          times: 2,
        },
        {
          service: "ec2",
          operation: "DescribeSecurityGroups",
          region: "us-east-1",
          code: "RequestLimitExceeded",
          times: 2,
        },
        {
          service: "ssm",
          operation: "GetDocument",
          region: "us-east-1",
          code: "ThrottlingException",
          times: 2,
        },
      ],
    });
    // Act
    const { result, endpoint } = await collectFrom(world, { maxAttempts: 3 });
    // Assess
    expect(result.collectionErrors).toEqual([]);
    expect(
      find(result.resources, "AWS::SSM::Document", "SSM-SessionManagerRunShell", "us-east-1"),
    ).toBeDefined();
    expect(endpoint.counts()).toMatchObject({
      "iam:GetAccountAuthorizationDetails": 3,
      "ec2:DescribeSecurityGroups": 4,
      "ssm:GetDocument": 4,
    });
    // Retries are calls too: the report counts every request sent.
    expect(result.apiCalls.iam?.GetAccountAuthorizationDetails).toBe(3);
    expect(result.apiCalls.ec2?.DescribeSecurityGroups).toBe(4);
  });

  it("reports throttling beyond the retries as missing data for that region only", async () => {
    const world = exampleWorld({
      faults: [
        { service: "ec2", operation: "DescribeInstances", region: "eu-west-1", code: "RequestLimitExceeded" },
      ],
    });
    const { result } = await collectFrom(world, { maxAttempts: 2 });
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "eu-west-1",
        service: "ec2",
        operation: "DescribeInstances",
        code: "RequestLimitExceeded",
        message: "RequestLimitExceeded (scripted) (after 2 attempts)",
        resourceTypes: ["AWS::EC2::Instance"],
      },
    ]);
    expect(
      find(result.resources, "AWS::EC2::SecurityGroup", "sg-0e00000000000e001", "eu-west-1"),
    ).toBeDefined();
    expect(find(result.resources, "AWS::EC2::Instance", "i-0b45e1a7c3d9f2001", "us-east-1")).toBeDefined();
  });
});

describe("partial failures", () => {
  it("reads InvalidDocument as no preferences only with HTTP 400, as SSM sends it", async () => {
    const world = exampleWorld({
      faults: [
        {
          service: "ssm",
          operation: "GetDocument",
          region: "eu-west-1",
          code: "InvalidDocument",
          message: "upstream failed",
          status: 502,
        },
      ],
    });
    const { result } = await collectFrom(world, { maxAttempts: 1 });
    expect(result.collectionErrors).toMatchObject([
      { region: "eu-west-1", service: "ssm", operation: "GetDocument", code: "InvalidDocument" },
    ]);
  });

  it("reports AccessDenied on SSM in one region, naming the IAM action, and collects the rest", async () => {
    const denied = "User: arn:aws:iam::111122223333:user/scanner is not authorized to perform this operation";
    const world = exampleWorld({
      faults: [{ service: "ssm", region: "eu-west-1", code: "AccessDeniedException", message: denied }],
    });
    const { result } = await collectFrom(world);
    expect(result.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "eu-west-1",
        service: "ssm",
        operation: "DescribeInstanceInformation",
        code: "AccessDeniedException",
        message: denied,
        iamAction: "ssm:DescribeInstanceInformation",
        resourceTypes: ["AWS::SSM::ManagedInstanceInventory"],
      },
      {
        account: ACCOUNT,
        region: "eu-west-1",
        service: "ssm",
        operation: "GetDocument",
        code: "AccessDeniedException",
        message: denied,
        iamAction: "ssm:GetDocument",
        resourceTypes: ["AWS::SSM::Document"],
      },
    ]);
    expect(
      find(result.resources, "AWS::SSM::Document", "SSM-SessionManagerRunShell", "us-east-1"),
    ).toBeDefined();
    expect(
      result.resources.filter((resource) => resource.type === "AWS::SSM::ManagedInstanceInventory"),
    ).toHaveLength(2);
  });

  it("reports a region that is not enabled when --regions names it, without listing regions", async () => {
    const { result, endpoint } = await collectFrom(exampleWorld(), { regions: ["us-east-1", "ap-east-1"] });
    expect(endpoint.counts()["ec2:DescribeRegions"]).toBeUndefined();
    expect(result.scopes.map((scope) => scope.region)).toEqual(["ap-east-1", "us-east-1"]);
    const errors = result.collectionErrors.map((error) => [
      error.region,
      error.operation,
      error.code,
      error.iamAction,
    ]);
    expect(errors).toEqual([
      ["ap-east-1", "DescribeSecurityGroups", "AuthFailure", undefined],
      ["ap-east-1", "DescribeInstances", "AuthFailure", undefined],
      ["ap-east-1", "DescribeInstanceInformation", "UnrecognizedClientException", undefined],
      ["ap-east-1", "GetDocument", "UnrecognizedClientException", undefined],
      ["ap-east-1", "DescribeTrails", "UnrecognizedClientException", undefined],
      ["ap-east-1", "ListRules", "UnrecognizedClientException", undefined],
    ]);
    expect(result.collectionErrors[0]!.message).toContain("is the region enabled");
  });

  it("reports a call that times out", async () => {
    const world = exampleWorld({
      faults: [{ service: "ssm", operation: "GetDocument", region: "us-east-1", delayMs: 20_000 }],
    });
    const { result } = await collectFrom(world, { requestTimeoutMs: 1_000, maxAttempts: 2 });
    expect(result.collectionErrors).toMatchObject([
      {
        region: "us-east-1",
        operation: "GetDocument",
        code: "TimeoutError",
        message: expect.stringContaining("did not answer in time"),
        resourceTypes: ["AWS::SSM::Document"],
      },
    ]);
    expect(
      find(result.resources, "AWS::SSM::Document", "SSM-SessionManagerRunShell", "us-east-1"),
    ).toBeUndefined();
  });

  it("collects the home region when the regions cannot be listed, and marks the rest missing", async () => {
    const world = exampleWorld({ faults: [{ operation: "DescribeRegions", code: "UnauthorizedOperation" }] });
    const { result } = await collectFrom(world);
    expect(result.scopes).toEqual([{ account: ACCOUNT, region: "us-east-1", partition: "aws" }]);
    expect(result.collectionErrors).toMatchObject([
      {
        region: "global",
        operation: "DescribeRegions",
        iamAction: "ec2:DescribeRegions",
        resourceTypes: [
          "AWS::EC2::SecurityGroup",
          "AWS::EC2::Instance",
          "AWS::SSM::ManagedInstanceInventory",
          "AWS::SSM::Document",
          "AWS::CloudTrail::Trail",
          "AWS::Events::Rule",
        ],
      },
    ]);
  });
});

describe("organizations", () => {
  it("scans every active account, reporting the one whose role cannot be assumed", async () => {
    // Act
    const { result, endpoint } = await collectFrom(
      organizationWorld({ pageSizes: { "organizations:ListAccounts": 1 } }),
      { organization: { roleName: "OrganizationAccountAccessRole" } },
    );
    // Assess: the suspended account is skipped, the denied one is an error for everything.
    expect(result.accounts).toEqual([ACCOUNT, MEMBER_OK, MEMBER_DENIED]);
    expect(result.collectionErrors).toEqual([
      {
        account: MEMBER_DENIED,
        region: "global",
        service: "sts",
        operation: "AssumeRole",
        code: "AccessDenied",
        message: expect.stringMatching(
          /^arn:aws:iam::777788889999:role\/OrganizationAccountAccessRole: User: .* is not authorized to perform: sts:AssumeRole/,
        ),
        iamAction: "sts:AssumeRole",
        resourceTypes: expect.arrayContaining([
          "AWS::IAM::Role",
          "AWS::EC2::SecurityGroup",
          "AWS::SSM::Document",
        ]),
      },
    ]);
    expect(new Set(result.resources.map((resource) => resource.account))).toEqual(
      new Set([ACCOUNT, MEMBER_OK]),
    );
    expect(result.scopes.map((scope) => scope.account)).toEqual([ACCOUNT, ACCOUNT, MEMBER_OK, MEMBER_OK]);
    // The member's calls are signed with the member's assumed credentials.
    const memberCalls = endpoint.calls.filter((call) => call.account === MEMBER_OK);
    expect(memberCalls.length).toBeGreaterThan(0);
    expect(memberCalls.every((call) => call.accessKeyId.startsWith("ASIA"))).toBe(true);
    // Four accounts, one per page; only the two members' roles are assumed.
    expect(endpoint.counts()).toMatchObject({ "organizations:ListAccounts": 4, "sts:AssumeRole": 2 });
    const assumed = endpoint.calls
      .filter((call) => call.operation === "AssumeRole")
      .map((call) => call.params);
    expect(assumed).toContainEqual(
      expect.objectContaining({
        RoleArn: `arn:aws:iam::${MEMBER_OK}:role/OrganizationAccountAccessRole`,
        RoleSessionName: "access-baseline-test",
      }),
    );
  });

  it("passes the external id and session name to every AssumeRole", async () => {
    const { endpoint } = await collectFrom(organizationWorld(), {
      organization: { roleName: "access-baseline-scanner" },
      externalId: "audit-2026",
      sessionName: "alice",
      regions: ["us-east-1"],
    });
    const assumed = endpoint.calls
      .filter((call) => call.operation === "AssumeRole")
      .map((call) => call.params);
    expect(assumed.length).toBe(2);
    expect(
      assumed.every((params) => params.ExternalId === "audit-2026" && params.RoleSessionName === "alice"),
    ).toBe(true);
  });

  it.each([
    [
      "no account",
      { Accounts: [] },
      "the response listed no active account, not even the management account",
    ],
    [
      "only suspended accounts",
      { Accounts: [{ Id: MEMBER_OK, State: "SUSPENDED" }] },
      "the response listed no active account, not even the management account",
    ],
    [
      "an account without its id",
      {
        Accounts: [
          { Id: ACCOUNT, State: "ACTIVE" },
          { Name: "payments", State: "ACTIVE" },
        ],
      },
      "the response listed an account without its Id",
    ],
    [
      "an account without a state",
      { Accounts: [{ Id: ACCOUNT, State: "ACTIVE" }, { Id: MEMBER_OK }] },
      `account ${MEMBER_OK} is listed with no State, which says neither that it is active nor that it is not`,
    ],
    [
      "an account in a state Organizations does not use",
      {
        Accounts: [
          { Id: ACCOUNT, State: "ACTIVE" },
          { Id: MEMBER_OK, State: "active" },
        ],
      },
      `account ${MEMBER_OK} is listed with the State "active", which says neither that it is active nor that it is not`,
    ],
  ])(
    "fails in one line when the listing holds %s, rather than scan fewer accounts",
    async (_, answer, why) => {
      const world = organizationWorld({
        faults: [{ service: "organizations", operation: "ListAccounts", body: JSON.stringify(answer) }],
      });
      await expect(
        collectFrom(world, { organization: { roleName: "OrganizationAccountAccessRole" } }),
      ).rejects.toThrow(
        `cannot list the organization's accounts: organizations:ListAccounts failed: UnexpectedResponse: ${why}`,
      );
    },
  );

  it("fails in one line when the organization cannot be listed", async () => {
    const world = exampleWorld();
    await expect(
      collectFrom(world, { organization: { roleName: "OrganizationAccountAccessRole" } }),
    ).rejects.toThrow(
      /cannot list the organization's accounts: organizations:ListAccounts failed: AWSOrganizationsNotInUseException/,
    );
  });
});

describe("what stops the run", () => {
  it("an endpoint that does not answer", async () => {
    const endpoint = await startAwsEndpoint(exampleWorld());
    const url = endpoint.url;
    await endpoint.close();
    const run = collectLive({
      sessionName: "test",
      endpoint: url,
      maxAttempts: 1,
      credentials: () => Promise.resolve({ accessKeyId: "AKIAX", secretAccessKey: "x" }),
    });
    await expect(run).rejects.toBeInstanceOf(AwsSetupError);
    await expect(run).rejects.toThrow(
      /^cannot identify the account of the credentials: sts:GetCallerIdentity failed: ECONNREFUSED: .*check --endpoint-url/,
    );
  });

  it("credentials the service does not accept", async () => {
    const world = exampleWorld();
    const endpoint = await startAwsEndpoint(world);
    try {
      const run = collectLive({
        sessionName: "test",
        endpoint: endpoint.url,
        credentials: () => Promise.resolve({ accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x" }),
      });
      await expect(run).rejects.toThrow(/GetCallerIdentity failed: InvalidClientTokenId: The security token/);
    } finally {
      await endpoint.close();
    }
  });

  it("a --role-arn that cannot be assumed", async () => {
    const run = collectFrom(exampleWorld(), { roleArn: `arn:aws:iam::${ACCOUNT}:role/not-there` });
    await expect(run).rejects.toBeInstanceOf(AwsSetupError);
    await expect(run).rejects.toThrow(
      /^cannot assume arn:aws:iam::111122223333:role\/not-there: sts:AssumeRole failed: AccessDenied: .*\(the credentials need sts:AssumeRole\)$/,
    );
  });

  it("scans the --role-arn account with the role's credentials", async () => {
    const { result, endpoint } = await collectFrom(organizationWorld(), {
      roleArn: `arn:aws:iam::${MEMBER_OK}:role/access-baseline-scanner`,
      regions: ["us-east-1"],
    });
    expect(result.accounts).toEqual([MEMBER_OK]);
    expect(endpoint.counts()["sts:GetCallerIdentity"]).toBeUndefined();
    expect(
      endpoint.calls
        .filter((call) => call.operation !== "AssumeRole")
        .every((call) => call.account === MEMBER_OK),
    ).toBe(true);
  });
});

describe("the operation table guard", () => {
  it("refuses an operation the scanner policy does not list, before anything is sent", async () => {
    const world = exampleWorld();
    const endpoint = await startAwsEndpoint(world);
    const counter = new ApiCallCounter();
    const clients = new AwsClients({
      counter,
      endpoint: endpoint.url,
      requestTimeoutMs: 1000,
      connectTimeoutMs: 1000,
    });
    try {
      const iam = clients.iam(
        {
          key: "test",
          credentials: () => Promise.resolve({ accessKeyId: world.base.accessKeyId, secretAccessKey: "x" }),
        },
        "us-east-1",
      );
      await expect(iam.send(new ListRolesCommand({}))).rejects.toBeInstanceOf(UndeclaredOperationError);
      expect(endpoint.calls).toEqual([]);
      expect(counter.total).toBe(0);
    } finally {
      clients.destroy();
      await endpoint.close();
    }
  });
});
