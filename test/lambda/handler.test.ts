import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EvaluationIncompleteError,
  InputParametersError,
  InvalidEventError,
} from "../../src/lambda/errors.js";
import type { JsonObject, Resource } from "../../src/model/resource.js";
import { Harness } from "./support/harness.js";
import { ACCOUNT, REGIONS, fixture, fixtureWorld, loadEvent } from "./support/world.js";

/**
 * The handler against a loopback AWS endpoint, one fixture event per message type and resource
 * type, asserting the exact PutEvaluations requests Config receives and the reads made on the way.
 */

const harness = new Harness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

const TOKEN = "eyJyZXN1bHRUb2tlbiI6ImV4YW1wbGUifQ==";
const epoch = (iso: string) => Date.parse(iso) / 1000;
const CAPTURED = epoch("2026-11-20T10:00:00.000Z");

function world(extra: Partial<Parameters<Harness["reset"]>[0]> = {}, env: Record<string, string> = {}) {
  return harness.reset({ resources: fixtureWorld(), regions: REGIONS, ...extra }, env);
}

function evaluation(type: string, id: string, compliance: string, timestamp: number, annotation?: string) {
  return {
    ComplianceResourceType: type,
    ComplianceResourceId: id,
    ComplianceType: compliance,
    ...(annotation ? { Annotation: annotation } : {}),
    OrderingTimestamp: timestamp,
  };
}

function withItem(name: string, change: (item: Record<string, unknown>) => void, ruleParameters?: string) {
  const event = fixture(name);
  const invoking = structuredClone(event.invokingEvent) as { configurationItem: Record<string, unknown> };
  change(invoking.configurationItem);
  const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  return {
    ...event,
    invokingEvent: JSON.stringify(invoking),
    ruleParameters: ruleParameters ?? text(event.ruleParameters),
  };
}

describe("configuration item change notifications", () => {
  it("a security group open to the world: NON_COMPLIANT, with the evidence, and no other call", async () => {
    const handler = world();
    const summary = await handler(loadEvent("sg-world-open.json"));
    expect(harness.fake.putEvaluations).toEqual([
      {
        Evaluations: [
          evaluation(
            "AWS::EC2::SecurityGroup",
            "sg-0a1b2c3d4e5f60001",
            "NON_COMPLIANT",
            CAPTURED,
            "ssh-from-any-source, ssh-from-internet: sg-0a1b2c3d4e5f60001 (bastion-ssh) allows tcp 22 from 0.0.0.0/0, which includes port 22 [IpPermissions[0].IpRanges[0].CidrIp]",
          ),
        ],
        ResultToken: TOKEN,
      },
    ]);
    expect(harness.fake.reads).toEqual([]);
    expect(summary.results.map((result) => [result.ruleId, result.status])).toEqual([
      ["rdp-from-internet", "pass"],
      ["ssh-from-any-source", "fail"],
      ["ssh-from-internet", "fail"],
    ]);
  });

  it("reads the event exactly as Config sends it (invokingEvent as JSON text)", async () => {
    world();
    await harness.handler(fixture("sg-world-open.verbatim.json"));
    const verbatim = harness.fake.putEvaluations;
    world();
    await harness.handler(loadEvent("sg-world-open.json"));
    expect(harness.fake.putEvaluations).toEqual(verbatim);
  });

  it("a compliant security group (older item: IPv4 sources as strings only): COMPLIANT without annotation", async () => {
    await world()(loadEvent("sg-compliant.json"));
    expect(harness.fake.putEvaluations).toEqual([
      {
        Evaluations: [evaluation("AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f60002", "COMPLIANT", CAPTURED)],
        ResultToken: TOKEN,
      },
    ]);
  });

  it("all traffic from the IPv6 internet (-1, no ports) fails SSH from the internet", async () => {
    await world()(loadEvent("sg-ipv6-all-traffic.json"));
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::EC2::SecurityGroup",
        "sg-0a1b2c3d4e5f60003",
        "NON_COMPLIANT",
        CAPTURED,
        "sg-0a1b2c3d4e5f60003 (legacy-dual-stack) allows all traffic from ::/0, which includes port 22 [IpPermissions[0].Ipv6Ranges[0].CidrIpv6]",
      ),
    ]);
  });

  it("a role whose URL-encoded trust policy lacks the session-name condition: NON_COMPLIANT on its RoleId", async () => {
    await world()(loadEvent("role-trust-without-session-name.json"));
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::IAM::Role",
        "AROAEXAMPLEDEPLOYOP01",
        "NON_COMPLIANT",
        CAPTURED,
        `Role deploy-operator: trust statement Operators lets arn:aws:iam::${ACCOUNT}:root assume the role without requiring the session name (sts:RoleSessionName) to be \${aws:username} [AssumeRolePolicyDocument.Statement[0]]`,
      ),
    ]);
    // The trust policy is in the item: nothing else is read.
    expect(harness.fake.reads).toEqual([]);
  });

  it("a compliant role: its managed policy and the account's session keys are read, COMPLIANT", async () => {
    const summary = await world()(loadEvent("role-compliant.json"));
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation("AWS::IAM::Role", "AROAEXAMPLESESSIONOP1", "COMPLIANT", CAPTURED),
    ]);
    expect(summary.results.every((result) => result.status === "pass")).toBe(true);
    expect([...harness.fake.reads].sort()).toEqual([
      "ec2:DescribeRegions",
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "ssm:GetDocument",
      "ssm:GetDocument",
    ]);
    const documents = harness.fake.requests.filter((request) => request.operation === "GetDocument");
    expect(documents.map((request) => request.region).sort()).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("PREFERENCE_REGIONS replaces the DescribeRegions call", async () => {
    await world({}, { PREFERENCE_REGIONS: "us-east-1" })(loadEvent("role-compliant.json"));
    expect([...harness.fake.reads].sort()).toEqual([
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "ssm:GetDocument",
    ]);
  });

  it("a user with an inline StartSession policy: its groups are read, NON_COMPLIANT", async () => {
    await world()(loadEvent("user-start-session.json"));
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::IAM::User",
        "AIDAEXAMPLECAROL0001",
        "NON_COMPLIANT",
        CAPTURED,
        "User carol: policy ad-hoc-sessions, statement AdHocSessions, allows ssm:StartSession without requiring ssm:SessionDocumentAccessCheck to be true [related.Policies[0].Document.Statement[0]]",
      ),
    ]);
    expect(harness.fake.reads).toEqual(["iam:ListGroupPolicies", "iam:ListAttachedGroupPolicies"]);
  });

  it("an instance: profile, role, policies, SSM record and security groups are read; each rule judged", async () => {
    const summary = await world()(loadEvent("instance.json"));
    expect(summary.results.map((result) => [result.ruleId, result.status])).toEqual([
      ["instance-managed-by-ssm", "pass"],
      ["instance-role-ssm-permissions", "pass"],
      ["exposed-bastion", "fail"],
      ["instance-key-pair", "fail"],
    ]);
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::EC2::Instance",
        "i-0b45e1a7c3d9f2001",
        "NON_COMPLIANT",
        CAPTURED,
        "exposed-bastion: i-0b45e1a7c3d9f2001 has public IP 54.210.10.20, and security group sg-0a1b2c3d4e5f60001 (bastion-ssh) allows tcp 22 from 0.0.0.0/0, which covers port 22 [related.SecurityGroups[0].IpPermissions[0]] | instance-key-pair: i-0b45e… (truncated)",
      ),
    ]);
    expect([...harness.fake.reads].sort()).toEqual([
      "ec2:DescribeSecurityGroups",
      "iam:GetInstanceProfile",
      "iam:GetPolicy",
      "iam:GetPolicyVersion",
      "iam:ListAttachedRolePolicies",
      "iam:ListRolePolicies",
      "ssm:DescribeInstanceInformation",
    ]);
    const groups = harness.fake.requests.find((request) => request.operation === "DescribeSecurityGroups")!;
    expect(groups.params).toMatchObject({ "GroupId.1": "sg-0a1b2c3d4e5f60001" });
    const managed = harness.fake.requests.find(
      (request) => request.operation === "DescribeInstanceInformation",
    )!;
    expect(managed.params).toMatchObject({
      Filters: [{ Key: "InstanceIds", Values: ["i-0b45e1a7c3d9f2001"] }],
    });
  });

  it("a stopped instance needs no call: the rules that read related data do not apply to it", async () => {
    const summary = await world()(
      withItem("instance.json", (item) => {
        const configuration = item.configuration as Record<string, unknown>;
        configuration.state = { code: 80, name: "stopped" };
        delete configuration.publicIpAddress;
      }),
    );
    expect(harness.fake.reads).toEqual([]);
    expect(summary.results.map((result) => [result.ruleId, result.status])).toEqual([
      ["instance-managed-by-ssm", "not_applicable"],
      ["instance-role-ssm-permissions", "not_applicable"],
      ["exposed-bastion", "not_applicable"],
      ["instance-key-pair", "fail"],
    ]);
  });

  it("a managed-instance inventory item with an old agent: NON_COMPLIANT", async () => {
    await world()(loadEvent("inventory-old-agent.json"));
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::SSM::ManagedInstanceInventory",
        "i-0c78e9a1b3d5f6003",
        "NON_COMPLIANT",
        epoch("2026-11-20T10:30:00.000Z"),
        "i-0c78e9a1b3d5f6003 runs SSM Agent 2.3.444.0, below the minimum 2.3.672.0 [AgentVersion]",
      ),
    ]);
  });

  it("a deleted item (null configuration): NOT_APPLICABLE at its capture time, nothing read", async () => {
    await world()(loadEvent("sg-deleted.json"));
    expect(harness.fake.putEvaluations).toEqual([
      {
        Evaluations: [
          evaluation(
            "AWS::EC2::SecurityGroup",
            "sg-0a1b2c3d4e5f60004",
            "NOT_APPLICABLE",
            epoch("2026-11-20T11:30:00.000Z"),
            "the item's status is ResourceDeleted",
          ),
        ],
        ResultToken: TOKEN,
      },
    ]);
    expect(harness.fake.reads).toEqual([]);
  });

  it("an item that left the rule's scope, or was deleted without being recorded: NOT_APPLICABLE", async () => {
    await world()({ ...loadEvent("sg-world-open.json"), eventLeftScope: true });
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::EC2::SecurityGroup",
        "sg-0a1b2c3d4e5f60001",
        "NOT_APPLICABLE",
        CAPTURED,
        "the resource is no longer in the rule's scope",
      ),
    ]);
    await world()(
      withItem("sg-world-open.json", (item) => (item.configurationItemStatus = "ResourceDeletedNotRecorded")),
    );
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({
      ComplianceType: "NOT_APPLICABLE",
      Annotation: "the item's status is ResourceDeletedNotRecorded",
    });
  });

  it("an item that exists but is not recorded: nothing is sent, the invocation fails", async () => {
    const handler = world();
    const failure = await handler(
      withItem("sg-world-open.json", (item) => (item.configurationItemStatus = "ResourceNotRecorded")),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toContain(
      "AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001 exists but its configuration is not recorded (ResourceNotRecorded)",
    );
    expect(harness.fake.putEvaluations).toEqual([]);
    expect(harness.fake.reads).toEqual([]);
  });

  it("an item in the API model with a decoded trust policy, as published samples show it", async () => {
    const item = {
      version: "1.2",
      accountId: ACCOUNT,
      configurationItemCaptureTime: "2026-11-20T10:00:00.000Z",
      configurationItemStatus: "OK",
      configurationItemMD5Hash: "",
      arn: `arn:aws:iam::${ACCOUNT}:role/service-role/config-role`,
      resourceType: "AWS::IAM::Role",
      resourceId: "AROAEXAMPLECONFIGR01",
      resourceName: "config-role",
      awsRegion: "global",
      relationships: [
        {
          resourceType: "AWS::IAM::Policy",
          resourceId: "ANPA1",
          relationshipName: "Is attached to CustomerManagedPolicy",
        },
      ],
      configuration: {
        path: "/service-role/",
        roleName: "config-role",
        roleId: "AROAEXAMPLECONFIGR01",
        assumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Sid: "", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }],
        },
        instanceProfileList: [],
        rolePolicyList: [],
        attachedManagedPolicies: [],
      },
      supplementaryConfiguration: {},
    };
    const event = withItem("role-trust-without-session-name.json", (original) => {
      for (const key of Object.keys(original)) delete original[key];
      Object.assign(original, item);
    });
    await world()(event);
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::IAM::Role",
        "AROAEXAMPLECONFIGR01",
        "NON_COMPLIANT",
        CAPTURED,
        "Role config-role: a trust statement without a Sid lets * assume the role without requiring the session name (sts:RoleSessionName) to be ${aws:username} [AssumeRolePolicyDocument.Statement[0]]",
      ),
    ]);
  });

  it("a change to the preferences document is judged on the document, read with GetDocument", async () => {
    const document = (name: string) =>
      withItem(
        "sg-world-open.json",
        (item) => {
          Object.assign(item, {
            resourceType: "AWS::SSM::Document",
            resourceId: name,
            resourceName: name,
            ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:document/${name}`,
            configuration: { name, documentType: "Session" },
          });
        },
        JSON.stringify({ rules: "session-logging-enabled" }),
      );
    await world()(document("SSM-SessionManagerRunShell"));
    expect(harness.fake.reads).toEqual(["ssm:GetDocument"]);
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation("AWS::SSM::Document", "SSM-SessionManagerRunShell", "COMPLIANT", CAPTURED),
    ]);
    await world()(document("MyRunCommandDocument"));
    expect(harness.fake.reads).toEqual([]);
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({
      ComplianceType: "NOT_APPLICABLE",
      Annotation: "only SSM-SessionManagerRunShell holds Session Manager preferences",
    });
  });

  it("a managed policy item: no rule judges policies themselves (principals are judged on schedule)", async () => {
    await world()(
      withItem(
        "role-trust-without-session-name.json",
        (item) => {
          Object.assign(item, {
            resourceType: "AWS::IAM::Policy",
            resourceId: "ANPAEXAMPLEPOLICY001",
            configuration: {
              policyName: "p",
              policyVersionList: [{ document: "%7B%7D", versionId: "v1", isDefaultVersion: true }],
            },
          });
        },
        "",
      ),
    );
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({
      ComplianceResourceType: "AWS::IAM::Policy",
      ComplianceType: "NOT_APPLICABLE",
      Annotation: "none of this Config rule's rules applies to AWS::IAM::Policy",
    });
  });

  it("a type no selected rule judges: NOT_APPLICABLE", async () => {
    await world()(loadEvent("sg-world-open.json", JSON.stringify({ rules: "ssm-agent-version" })));
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({
      ComplianceType: "NOT_APPLICABLE",
      Annotation: "none of this Config rule's rules applies to AWS::EC2::SecurityGroup",
    });
  });
});

describe("oversized notifications", () => {
  const history = { "AWS::EC2::SecurityGroup/sg-0a1b2c3d4e5f60005": fixture("sg-oversized.history.json") };

  it("fetches the item with GetResourceConfigHistory and converts the API model", async () => {
    await world({ history })(loadEvent("sg-oversized.json"));
    const [fetch] = harness.fake.requests;
    expect(fetch).toMatchObject({
      service: "config",
      operation: "GetResourceConfigHistory",
      params: {
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-0a1b2c3d4e5f60005",
        laterTime: epoch("2026-11-20T12:00:00.000Z"),
        limit: 1,
      },
    });
    expect(harness.fake.putEvaluations[0]!.Evaluations).toEqual([
      evaluation(
        "AWS::EC2::SecurityGroup",
        "sg-0a1b2c3d4e5f60005",
        "NON_COMPLIANT",
        epoch("2026-11-20T12:00:00.000Z"),
        "rdp-from-internet: sg-0a1b2c3d4e5f60005 (many-rules) allows tcp 3389 from 0.0.0.0/0, which includes the RDP port 3389 [IpPermissions[40].IpRanges[0].CidrIp]",
      ),
    ]);
  });

  it("decides a deleted resource from the summary, without fetching it", async () => {
    const event = fixture("sg-oversized.json");
    const invoking = structuredClone(event.invokingEvent) as {
      configurationItemSummary: Record<string, unknown>;
    };
    invoking.configurationItemSummary.configurationItemStatus = "ResourceDeleted";
    await world({ history })({ ...event, invokingEvent: JSON.stringify(invoking) });
    expect(harness.fake.reads).toEqual([]);
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({
      ComplianceType: "NOT_APPLICABLE",
    });
  });

  it("fails when the item cannot be fetched", async () => {
    const handler = world({ history: {} });
    await expect(handler(loadEvent("sg-oversized.json"))).rejects.toThrow(
      /GetResourceConfigHistory failed for the oversized item AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60005: ResourceNotDiscoveredException/,
    );
    expect(harness.fake.putEvaluations).toEqual([]);
  });
});

describe("scheduled notifications", () => {
  const withoutPreferences = () =>
    fixtureWorld().filter((resource) => resource.type !== "AWS::SSM::Document");

  it("a region without preferences is judged on Session Manager's defaults, on the account", async () => {
    await world({ resources: withoutPreferences() })(loadEvent("scheduled-preferences.json"));
    expect(harness.fake.reads).toEqual(["ssm:GetDocument"]);
    expect(harness.fake.putEvaluations).toEqual([
      {
        Evaluations: [
          evaluation(
            "AWS::::Account",
            ACCOUNT,
            "NON_COMPLIANT",
            epoch("2026-11-20T13:00:00.000Z"),
            `session-kms-encryption: Session Manager in ${ACCOUNT}/us-east-1 does not encrypt session data with a KMS key (inputs.kmsKeyId is not set) [Content.inputs.kmsKeyId] | session-logging-enabled: Session Manager in ${ACCOUNT}/us-east-1 logs ses… (truncated)`,
          ),
        ],
        ResultToken: TOKEN,
      },
    ]);
    const annotation = harness.fake.putEvaluations[0]!.Evaluations[0]!.Annotation as string;
    expect(Array.from(annotation)).toHaveLength(256);
  });

  it("the region's preferences document, when it exists", async () => {
    const summary = await world()(loadEvent("scheduled-preferences.json"));
    expect(summary.results.map((result) => [result.ruleId, result.status])).toEqual([
      ["session-kms-encryption", "pass"],
      ["session-logging-enabled", "pass"],
      ["session-logs-encrypted", "fail"],
      ["session-run-as", "fail"],
      ["session-timeouts", "fail"],
    ]);
  });

  it("250 principals: three PutEvaluations calls of 100, 100 and 50, on the ids Config knows them by", async () => {
    const roles: Resource[] = Array.from({ length: 250 }, (_, index) => {
      const name = `role-${String(index).padStart(3, "0")}`;
      const condition: JsonObject =
        index % 2 === 0 ? { Condition: { StringLike: { "sts:RoleSessionName": "${aws:username}" } } } : {};
      const statement: JsonObject = {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "sts:AssumeRole",
        ...condition,
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
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [statement],
          },
          RolePolicyList: [],
          AttachedManagedPolicies: [],
        },
      };
    });
    const event = {
      ...loadEvent("scheduled-preferences.json"),
      ruleParameters: JSON.stringify({ rules: "role-session-name-condition" }),
    };
    const summary = await world({ resources: roles })(event);
    const calls = harness.fake.putEvaluations;
    expect(calls.map((call) => call.Evaluations.length)).toEqual([100, 100, 50]);
    expect(calls.every((call) => call.ResultToken === TOKEN)).toBe(true);
    const all = calls.flatMap((call) => call.Evaluations);
    expect(all[0]).toEqual(
      evaluation("AWS::IAM::Role", "AROAEXAMPLE000000000", "COMPLIANT", epoch("2026-11-20T13:00:00.000Z")),
    );
    expect(all[1]).toMatchObject({
      ComplianceResourceId: "AROAEXAMPLE000000001",
      ComplianceType: "NON_COMPLIANT",
    });
    expect(new Set(all.map((entry) => entry.ComplianceResourceId)).size).toBe(250);
    expect(summary.evaluations.filter((verdict) => verdict.compliance === "NON_COMPLIANT")).toHaveLength(125);
    expect(harness.fake.reads).toEqual(["iam:GetAccountAuthorizationDetails"]);
  });
});

describe("rule parameters", () => {
  it('"" and "{}" mean every rule for the item\'s type', async () => {
    await world()(loadEvent("sg-world-open.json", "{}"));
    const braces = harness.fake.putEvaluations;
    await world()(loadEvent("sg-world-open.json", ""));
    expect(harness.fake.putEvaluations).toEqual(braces);
    await world()({ ...loadEvent("sg-world-open.json"), ruleParameters: undefined });
    expect(harness.fake.putEvaluations).toEqual(braces);
  });

  it("overrides a parameter by rule id, or by name when one selected rule declares it", async () => {
    await world()(
      loadEvent(
        "sg-world-open.json",
        JSON.stringify({ rules: "ssh-from-internet", "ssh-from-internet.port": "2222" }),
      ),
    );
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({ ComplianceType: "COMPLIANT" });
    await world()(
      loadEvent(
        "inventory-old-agent.json",
        JSON.stringify({ rules: "ssm-agent-version", minimumVersion: "2.3.400.0" }),
      ),
    );
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({ ComplianceType: "COMPLIANT" });
    await world()(
      loadEvent(
        "inventory-old-agent.json",
        JSON.stringify({ "ssm-agent-version.minimumVersion": "3.0.0.0" }),
      ),
    );
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({
      ComplianceType: "NON_COMPLIANT",
      Annotation: "i-0c78e9a1b3d5f6003 runs SSM Agent 2.3.444.0, below the minimum 3.0.0.0 [AgentVersion]",
    });
  });

  it("a typo fails the invocation and sends nothing", async () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ rules: "ssh-from-internt" }), /rules: unknown rule "ssh-from-internt"/],
      [
        JSON.stringify({ "ssh-from-internet.prot": "22" }),
        /rule ssh-from-internet has no parameter "prot" \(it has: port\)/,
      ],
      [
        JSON.stringify({ port: "22" }),
        /"port" is a parameter of exposed-bastion, rdp-from-internet, ssh-from-any-source, ssh-from-internet: name the rule/,
      ],
      [JSON.stringify({ "ssm-agent-version.minimumVersion": "latest" }), /must be a dotted version/],
      ["{not json", /ruleParameters is not valid JSON/],
      [
        '{"ssh-from-internet.port": 22, "ssh-from-internet.port": 2222}',
        /ruleParameters writes the key "ssh-from-internet\.port" twice/,
      ],
    ];
    for (const [parameters, message] of cases) {
      const handler = world();
      await expect(handler(loadEvent("sg-world-open.json", parameters))).rejects.toThrow(message);
      await expect(handler(loadEvent("sg-world-open.json", parameters))).rejects.toBeInstanceOf(
        InputParametersError,
      );
      expect(harness.fake.requests).toEqual([]);
    }
  });
});

describe("what cannot be decided is never recorded as compliant", () => {
  it("a FailedEvaluations answer fails the invocation after every batch was sent", async () => {
    const handler = world({
      failEvaluations: (evaluations) =>
        evaluations.filter((entry) => entry.ComplianceResourceId === "sg-0a1b2c3d4e5f60001"),
    });
    const failure = await handler(loadEvent("sg-world-open.json")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toContain(
      "Config did not record NON_COMPLIANT for AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001",
    );
    expect(harness.fake.putEvaluations).toHaveLength(1);
    expect(harness.logs("evaluation-not-recorded")).toEqual([
      expect.objectContaining({
        level: "error",
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-0a1b2c3d4e5f60001",
      }),
    ]);
    expect(harness.logs("invocation-failed")).toHaveLength(1);
  });

  it("a rule error (data that could not be read) sends no verdict for that resource and fails", async () => {
    const handler = world({
      failures: {
        "iam:GetPolicy": {
          code: "AccessDenied",
          message: "not authorized to perform iam:GetPolicy",
          status: 403,
        },
      },
    });
    const failure = await handler(loadEvent("role-compliant.json")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toMatch(
      /session-kms-permission on AWS::IAM::Role AROAEXAMPLESESSIONOP1: could not evaluate: iam:GetPolicy failed in 111122223333\/global \(AccessDenied: not authorized to perform iam:GetPolicy\); the scanner needs iam:GetPolicy/,
    );
    expect(harness.fake.putEvaluations).toEqual([]);
    const errors = harness.logs("not-evaluated");
    expect(errors.map((line) => line.rule)).toEqual([
      "port-forwarding-documents-limited",
      "session-kms-permission",
      "session-termination-scoped",
      "start-session-document-access-check",
      "start-session-source-condition",
    ]);
  });

  it("an IAM read answered with an empty 200 fails the invocation instead of reading as no policy", async () => {
    const handler = world({ answers: { "iam:GetPolicy": { body: "" } } });
    const failure = await handler(loadEvent("role-compliant.json")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toMatch(
      /AWS::IAM::Role AROAEXAMPLESESSIONOP1: could not evaluate: iam:GetPolicy failed in 111122223333\/global \(UnexpectedResponse: the response had no GetPolicyResponse element \(an empty body\)\)/,
    );
    const sent = harness.fake.putEvaluations.flatMap((call) => call.Evaluations);
    expect(sent.some((entry) => entry.ComplianceType === "COMPLIANT")).toBe(false);
  });

  it("a policy listing that says it is truncated but gives no Marker fails instead of reading as complete", async () => {
    const body =
      "<ListRolePoliciesResponse><ListRolePoliciesResult><PolicyNames/><IsTruncated>true</IsTruncated>" +
      "</ListRolePoliciesResult></ListRolePoliciesResponse>";
    const handler = world({ answers: { "iam:ListRolePolicies": { body, contentType: "text/xml" } } });
    const failure = await handler(loadEvent("instance.json")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EvaluationIncompleteError);
    expect((failure as Error).message).toMatch(
      /instance-role-ssm-permissions on AWS::EC2::Instance i-0b45e1a7c3d9f2001: could not evaluate: iam:ListRolePolicies failed in 111122223333\/global \(PaginationTokenMissing: the response had IsTruncated true but no Marker; the listing is incomplete\)/,
    );
    const sent = harness.fake.putEvaluations.flatMap((call) => call.Evaluations);
    expect(sent.some((entry) => entry.ComplianceType === "COMPLIANT")).toBe(false);
  });

  it("but a failure is certain: NON_COMPLIANT is sent, then the invocation fails for the undecided rule", async () => {
    const handler = world({
      failures: {
        "ssm:DescribeInstanceInformation": { code: "ThrottlingException", message: "Rate exceeded" },
      },
    });
    await expect(handler(loadEvent("instance.json"))).rejects.toThrow(
      /instance-managed-by-ssm on AWS::EC2::Instance i-0b45e1a7c3d9f2001/,
    );
    expect(harness.fake.putEvaluations[0]!.Evaluations[0]).toMatchObject({ ComplianceType: "NON_COMPLIANT" });
  });

  it("sends what could be decided for other resources before failing", async () => {
    const handler = world({
      failures: { "ssm:GetDocument": { code: "AccessDeniedException", message: "denied" } },
    });
    const event = {
      ...loadEvent("scheduled-preferences.json"),
      ruleParameters: JSON.stringify({ rules: "session-logging-enabled,role-session-name-condition" }),
    };
    await expect(handler(event)).rejects.toThrow(
      /Session Manager preferences of 111122223333\/us-east-1: could not evaluate: ssm:GetDocument failed/,
    );
    const sent = harness.fake.putEvaluations.flatMap((call) => call.Evaluations);
    expect(sent.map((entry) => entry.ComplianceResourceType)).toEqual(Array(6).fill("AWS::IAM::Role"));
    expect(sent.some((entry) => entry.ComplianceResourceType === "AWS::::Account")).toBe(false);
  });

  it.each([
    ["an empty configuration", () => ({})],
    [
      "ipPermissions written as an object",
      (configuration: Record<string, unknown>) => ({
        ...configuration,
        ipPermissions: { ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: ["0.0.0.0/0"] },
      }),
    ],
    [
      "a permission without ipProtocol",
      (configuration: Record<string, unknown>) => ({
        ...configuration,
        ipPermissions: [{ fromPort: 22, toPort: 22, ipv4Ranges: [{ cidrIp: "0.0.0.0/0" }] }],
      }),
    ],
  ])("a security-group item with %s is never COMPLIANT: the invocation fails", async (_, reshape) => {
    const handler = world();
    const event = withItem("sg-compliant.json", (item) => {
      item.configuration = reshape(item.configuration as Record<string, unknown>);
    });
    await expect(handler(event)).rejects.toThrow(/AWS::EC2::SecurityGroup/);
    const sent = harness.fake.putEvaluations.flatMap((call) => call.Evaluations);
    expect(sent.filter((entry) => entry.ComplianceType === "COMPLIANT")).toEqual([]);
  });

  it.each([
    ["ipRanges written as one string", { ipRanges: "0.0.0.0/0" }],
    ["ipv4Ranges written as one string", { ipv4Ranges: "0.0.0.0/0" }],
    ["an ipv4Ranges entry whose CIDR key is misspelt", { ipv4Ranges: [{ cidrIP: "0.0.0.0/0" }] }],
    ["an ipv4Ranges entry whose CIDR is a number", { ipv4Ranges: [{ cidrIp: 0 }] }],
    ["an ipRanges entry that is a number", { ipRanges: [0] }],
    ["ipProtocol written twice, once capitalised", { IpProtocol: "icmp", ipRanges: ["0.0.0.0/0"] }],
  ])("a port-22 permission with %s is never COMPLIANT: the invocation fails", async (_, sources) => {
    const handler = world();
    const event = withItem("sg-compliant.json", (item) => {
      const configuration = item.configuration as Record<string, unknown>;
      configuration.ipPermissions = [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ...sources }];
    });
    await expect(handler(event)).rejects.toThrow(/AWS::EC2::SecurityGroup/);
    const sent = harness.fake.putEvaluations.flatMap((call) => call.Evaluations);
    expect(sent.filter((entry) => entry.ComplianceType === "COMPLIANT")).toEqual([]);
  });

  it("an old agent's record written as a list is never NOT_APPLICABLE: the invocation fails", async () => {
    const handler = world();
    const event = withItem("inventory-old-agent.json", (item) => {
      const information = (item.configuration as Record<string, { Content: Record<string, unknown> }>)[
        "AWS:InstanceInformation"
      ]!;
      information.Content = Object.values(information.Content) as never;
    });
    await expect(handler(event)).rejects.toThrow(
      /AWS::SSM::ManagedInstanceInventory i-0c78e9a1b3d5f6003: AWS:InstanceInformation is not an object/,
    );
    expect(harness.fake.putEvaluations.flatMap((call) => call.Evaluations)).toEqual([]);
  });

  it("an item whose document cannot be decoded is bad input: nothing is sent", async () => {
    const handler = world();
    const event = withItem("role-trust-without-session-name.json", (item) => {
      (item.configuration as Record<string, unknown>).assumeRolePolicyDocument = "%7B%22Version";
    });
    await expect(handler(event)).rejects.toThrow(
      /AWS::IAM::Role AROAEXAMPLEDEPLOYOP01: trust policy: the policy document is not valid JSON/,
    );
    expect(harness.fake.putEvaluations).toEqual([]);
  });
});

describe("events and logs", () => {
  it("sends TestMode when the token is TESTMODE", async () => {
    await world()({ ...loadEvent("sg-compliant.json"), resultToken: "TESTMODE" });
    expect(harness.fake.putEvaluations[0]).toMatchObject({ ResultToken: "TESTMODE", TestMode: true });
  });

  it("refuses a scheduled event that names two accounts", async () => {
    const event = loadEvent("scheduled-preferences.json");
    const handler = world();
    await expect(handler({ ...event, accountId: "444455556666" })).rejects.toThrow(
      "ScheduledNotification names two accounts: invokingEvent.awsAccountId 111122223333 and accountId 444455556666",
    );
    await expect(
      handler({
        ...event,
        configRuleArn: "arn:aws:config:us-east-1:444455556666:config-rule/config-rule-0abc12",
      }),
    ).rejects.toThrow(InvalidEventError);
    expect(harness.fake.putEvaluations).toEqual([]);
  });

  it("refuses what is not a Config rule event", async () => {
    const handler = world();
    await expect(handler({ hello: "world" })).rejects.toBeInstanceOf(InvalidEventError);
    await expect(handler({ ...loadEvent("sg-compliant.json"), resultToken: undefined })).rejects.toThrow(
      "the event has no resultToken",
    );
    await expect(
      handler({
        ...loadEvent("sg-compliant.json"),
        invokingEvent: JSON.stringify({ messageType: "ComplianceChangeNotification" }),
      }),
    ).rejects.toThrow(/unsupported messageType "ComplianceChangeNotification"/);
    expect(harness.fake.requests).toEqual([]);
  });

  it("refuses an invokingEvent that writes a key twice, rather than judge one of its two values", async () => {
    const handler = world();
    const event = loadEvent("sg-world-open.json");
    const text = event.invokingEvent as string;
    const doubled = text.replace(
      '"configurationItem":{',
      '"configurationItem":{"resourceType":"AWS::IAM::User",',
    );
    expect(doubled).not.toBe(text);
    const failure = handler({ ...event, invokingEvent: doubled });
    await expect(failure).rejects.toBeInstanceOf(InvalidEventError);
    await expect(handler({ ...event, invokingEvent: doubled })).rejects.toThrow(
      /^invokingEvent writes the key "resourceType" twice \(again at line 1, column \d+ of its text\)/,
    );
    expect(harness.fake.requests).toEqual([]);
  });

  it("logs one JSON line per evaluation (rule, resource, verdict, duration), without credentials or documents", async () => {
    const handler = world();
    await handler(loadEvent("role-compliant.json"), { awsRequestId: "req-1" });
    const [line] = harness.logs("evaluation");
    expect(line).toMatchObject({
      level: "info",
      function: "access-baseline-config-rule",
      requestId: "req-1",
      configRule: "access-baseline-test",
      messageType: "ConfigurationItemChangeNotification",
      resourceType: "AWS::IAM::Role",
      resourceId: "AROAEXAMPLESESSIONOP1",
      verdict: "COMPLIANT",
      rules: {
        "role-session-name-condition": "pass",
        "session-kms-permission": "pass",
        "session-termination-scoped": "pass",
        "start-session-document-access-check": "pass",
        "start-session-source-condition": "pass",
      },
    });
    expect(typeof line!.durationMs).toBe("number");
    expect(harness.logs("invocation")).toEqual([
      expect.objectContaining({ coldStart: true, evaluations: 1, batches: 1, apiCalls: 6, notEvaluated: 0 }),
    ]);
    const text = JSON.stringify(harness.lines);
    for (const secret of [
      "local-test-secret",
      "AKIDEXAMPLELOCAL0001",
      "Statement",
      "sts:RoleSessionName",
      "Authorization",
    ]) {
      expect(text).not.toContain(secret);
    }
    await handler(loadEvent("sg-compliant.json"));
    expect(harness.logs("invocation")[1]).toMatchObject({ coldStart: false });
  });
});
