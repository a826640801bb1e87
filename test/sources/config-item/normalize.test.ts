import { describe, expect, it } from "vitest";
import type { Resource } from "../../../src/model/resource.js";
import { readConfigurationItem } from "../../../src/sources/config-item/item.js";
import { partitionOfArn, resourceFromItem } from "../../../src/sources/config-item/normalize.js";

const ACCOUNT = "111122223333";

function item(
  resourceType: string,
  resourceId: string,
  configuration: unknown,
  extra: Record<string, unknown> = {},
) {
  return readConfigurationItem({
    configurationItemCaptureTime: "2026-11-20T10:00:00.000Z",
    configurationItemStatus: "OK",
    awsAccountId: ACCOUNT,
    resourceType,
    resourceId,
    awsRegion: resourceType.startsWith("AWS::IAM::") ? "global" : "us-east-1",
    configuration,
    ...extra,
  });
}

function convert(...args: Parameters<typeof item>): Resource {
  const result = resourceFromItem(item(...args));
  if (!result.ok) throw new Error(result.message);
  return result.resource;
}

const encode = (document: unknown) => encodeURIComponent(JSON.stringify(document));

describe("security groups", () => {
  it("merges plain CIDR strings with ipv4Ranges objects, keeps IPv6, drops ports of -1", () => {
    const group = convert("AWS::EC2::SecurityGroup", "sg-1", {
      groupId: "sg-1",
      groupName: "mixed",
      description: "d",
      ownerId: ACCOUNT,
      vpcId: "vpc-1",
      ipPermissions: [
        {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ipRanges: ["0.0.0.0/0", "10.0.0.0/8"],
          ipv4Ranges: [{ cidrIp: "0.0.0.0/0", description: "anywhere" }],
          ipv6Ranges: [],
          prefixListIds: [{ prefixListId: "pl-1" }],
          userIdGroupPairs: [{ groupId: "sg-2", userId: ACCOUNT }],
        },
        {
          ipProtocol: "-1",
          fromPort: -1,
          toPort: -1,
          ipv6Ranges: [{ cidrIpv6: "::/0" }],
          ipRanges: [],
          ipv4Ranges: [],
        },
      ],
      ipPermissionsEgress: [{ ipProtocol: "-1", ipRanges: ["0.0.0.0/0"] }],
      tags: [{ key: "Name", value: "mixed" }],
    });
    expect(group).toEqual({
      type: "AWS::EC2::SecurityGroup",
      id: "sg-1",
      arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-1`,
      account: ACCOUNT,
      region: "us-east-1",
      source: { kind: "config-item" },
      properties: {
        GroupId: "sg-1",
        GroupName: "mixed",
        Description: "d",
        OwnerId: ACCOUNT,
        VpcId: "vpc-1",
        IpPermissions: [
          {
            IpProtocol: "tcp",
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "anywhere" }, { CidrIp: "10.0.0.0/8" }],
            Ipv6Ranges: [],
            PrefixListIds: [{ PrefixListId: "pl-1" }],
            UserIdGroupPairs: [{ GroupId: "sg-2", UserId: ACCOUNT }],
          },
          { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }], IpRanges: [] },
        ],
        IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        Tags: [{ Key: "Name", Value: "mixed" }],
      },
    });
  });

  it("takes the item's ARN, and the resource id when the configuration lacks it", () => {
    const group = convert(
      "AWS::EC2::SecurityGroup",
      "sg-9",
      { ipPermissions: [] },
      {
        ARN: "arn:aws-cn:ec2:cn-north-1:111122223333:security-group/sg-9",
      },
    );
    expect(group.id).toBe("sg-9");
    expect(group.properties.GroupId).toBe("sg-9");
    expect(group.arn).toBe("arn:aws-cn:ec2:cn-north-1:111122223333:security-group/sg-9");
  });
});

describe("IAM", () => {
  const trust = {
    Version: "2012-10-17",
    Statement: {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "sts:AssumeRole",
      Condition: { StringLike: { "sts:RoleSessionName": "${aws:username}" } },
    },
  };
  const inline = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
  };

  it("decodes URL-encoded documents and keeps their keys as written", () => {
    const role = convert(
      "AWS::IAM::Role",
      "AROA1",
      {
        roleName: "operators",
        roleId: "AROA1",
        arn: `arn:aws:iam::${ACCOUNT}:role/operators`,
        path: "/",
        assumeRolePolicyDocument: encode(trust),
        rolePolicyList: [{ policyName: "data", policyDocument: encode(inline) }],
        attachedManagedPolicies: [{ policyName: "P", policyArn: `arn:aws:iam::${ACCOUNT}:policy/P` }],
        instanceProfileList: [],
        permissionsBoundary: null,
        tags: [{ key: "Team", value: "ops" }],
      },
      { resourceName: "operators" },
    );
    expect(role.type).toBe("AWS::IAM::Role");
    expect(role.id).toBe("operators");
    expect(role.region).toBe("global");
    expect(role.source).toEqual({ kind: "config-item" });
    expect(role.properties).toEqual({
      RoleName: "operators",
      RoleId: "AROA1",
      Arn: `arn:aws:iam::${ACCOUNT}:role/operators`,
      Path: "/",
      AssumeRolePolicyDocument: { ...trust, Statement: [trust.Statement] },
      RolePolicyList: [{ PolicyName: "data", PolicyDocument: inline }],
      AttachedManagedPolicies: [{ PolicyName: "P", PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/P` }],
      InstanceProfileList: [],
      Tags: [{ Key: "Team", Value: "ops" }],
    });
  });

  it("accepts decoded documents, as published samples show them", () => {
    const role = convert("AWS::IAM::Role", "AROA2", {
      roleName: "config-role",
      roleId: "AROA2",
      assumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      },
      rolePolicyList: [],
      attachedManagedPolicies: [],
    });
    expect(role.properties.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    });
  });

  it("reads a managed policy's versions, a document wrapped in a one-element list included", () => {
    const policy = convert(
      "AWS::IAM::Policy",
      "ANPA1",
      {
        policyName: "ELB-policy",
        policyId: "ANPA1",
        arn: `arn:aws:iam::${ACCOUNT}:policy/ELB-policy`,
        defaultVersionId: "v2",
        policyVersionList: [
          { document: [inline], versionId: "v1", isDefaultVersion: false },
          { document: encode(inline), versionId: "v2", isDefaultVersion: true },
        ],
      },
      { resourceName: "ELB-policy" },
    );
    expect(policy.id).toBe(`arn:aws:iam::${ACCOUNT}:policy/ELB-policy`);
    expect(policy.properties.PolicyVersionList).toEqual([
      { Document: inline, VersionId: "v1", IsDefaultVersion: false },
      { Document: inline, VersionId: "v2", IsDefaultVersion: true },
    ]);
  });

  it("reads users whose policy list is null, and groups", () => {
    const user = convert("AWS::IAM::User", "AIDA1", {
      userName: "carol",
      userPolicyList: null,
      groupList: ["operators"],
      attachedManagedPolicies: [],
    });
    expect(user.id).toBe("carol");
    expect(user.properties).toEqual({
      UserName: "carol",
      UserId: "AIDA1",
      GroupList: ["operators"],
      AttachedManagedPolicies: [],
    });
    const group = convert("AWS::IAM::Group", "AGPA1", {
      groupName: "operators",
      groupPolicyList: [{ policyName: "p", policyDocument: encode(inline) }],
    });
    expect(group.properties.GroupPolicyList).toEqual([{ PolicyName: "p", PolicyDocument: inline }]);
  });

  it("refuses a document it cannot decode, rather than judging the principal without it", () => {
    const broken = resourceFromItem(
      item("AWS::IAM::Role", "AROA3", {
        roleName: "broken",
        assumeRolePolicyDocument: "%7B%22Version%22%3A",
      }),
    );
    expect(broken).toMatchObject({ ok: false, unsupported: false });
    expect(!broken.ok && broken.message).toMatch(
      /^AWS::IAM::Role AROA3: trust policy: the policy document is not valid JSON/,
    );
    const odd = resourceFromItem(
      item("AWS::IAM::Role", "AROA4", { roleName: "odd", assumeRolePolicyDocument: 42 }),
    );
    expect(!odd.ok && odd.message).toContain(
      "AssumeRolePolicyDocument is neither a URL-encoded JSON document nor a JSON object",
    );
  });
});

describe("instances", () => {
  it("renames every field the rules read and drops nulls", () => {
    const instance = convert("AWS::EC2::Instance", "i-1", {
      instanceId: "i-1",
      keyName: null,
      kernelId: null,
      state: { code: 80, name: "stopped" },
      publicIpAddress: null,
      iamInstanceProfile: { arn: `arn:aws:iam::${ACCOUNT}:instance-profile/p`, id: "AIPA1" },
      securityGroups: [{ groupName: "web", groupId: "sg-1" }],
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeId: "vol-1" } }],
      tags: [{ key: "Name", value: "web-1" }],
    });
    expect(instance.properties).toEqual({
      InstanceId: "i-1",
      State: { Code: 80, Name: "stopped" },
      IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/p`, Id: "AIPA1" },
      SecurityGroups: [{ GroupName: "web", GroupId: "sg-1" }],
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeId: "vol-1" } }],
      Tags: [{ Key: "Name", Value: "web-1" }],
    });
    expect(instance.arn).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`);
  });
});

describe("managed-instance inventory", () => {
  const information = (entries: Record<string, unknown>) => ({
    "AWS:InstanceInformation": { SchemaVersion: "1.0", Content: entries },
    "AWS:Network": { SchemaVersion: "1.0", Content: [] },
  });

  it("reads the agent's record whatever key the content map uses, under the item's resource id", () => {
    const managed = convert(
      "AWS::SSM::ManagedInstanceInventory",
      "i-07f6b44c44bab9e8e",
      information({
        "i-f1b3d5ff": {
          InstanceId: "i-f1b3d5ff",
          AgentVersion: "2.0.433.0",
          PlatformType: "Windows",
          IpAddress: "172.31.58.174",
          ResourceType: "EC2Instance",
        },
      }),
    );
    expect(managed.id).toBe("i-07f6b44c44bab9e8e");
    expect(managed.properties).toEqual({
      InstanceId: "i-07f6b44c44bab9e8e",
      AgentVersion: "2.0.433.0",
      PlatformType: "Windows",
      IPAddress: "172.31.58.174",
      ResourceType: "EC2Instance",
    });
  });

  it("picks the entry for the resource among several, and refuses to guess", () => {
    const entries = {
      "i-a": { InstanceId: "i-a", AgentVersion: "3.0.0.0" },
      "i-b": { InstanceId: "i-b", AgentVersion: "2.0.0.0" },
    };
    expect(
      convert("AWS::SSM::ManagedInstanceInventory", "i-b", information(entries)).properties.AgentVersion,
    ).toBe("2.0.0.0");
    const ambiguous = resourceFromItem(
      item("AWS::SSM::ManagedInstanceInventory", "i-c", information(entries)),
    );
    expect(!ambiguous.ok && ambiguous.message).toContain("lists 2 instances and none of them is i-c");
  });

  it.each([
    [
      "a list as its content",
      { SchemaVersion: "1.0", Content: [{ InstanceId: "i-e", AgentVersion: "2.0.0.0" }] },
    ],
    ["text as its content", { SchemaVersion: "1.0", Content: '{"i-e": {"AgentVersion": "2.0.0.0"}}' }],
    ["an entry of text", { SchemaVersion: "1.0", Content: { "i-e": '{"AgentVersion": "2.0.0.0"}' } }],
    ["text in its place", '{"Content": {"i-e": {"AgentVersion": "2.0.0.0"}}}'],
  ])("refuses instance information with %s, rather than read a node without an agent version", (_, given) => {
    // A record without AgentVersion is not applicable to ssm-agent-version: an old agent written
    // in a form the reader skipped would have been reported as such.
    const result = resourceFromItem(
      item("AWS::SSM::ManagedInstanceInventory", "i-e", { "AWS:InstanceInformation": given }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.unsupported).toBe(false);
    expect(!result.ok && result.message).toMatch(
      /^AWS::SSM::ManagedInstanceInventory i-e: AWS:InstanceInformation /,
    );
  });

  it("gives a record without an agent version when the item has no instance information", () => {
    expect(convert("AWS::SSM::ManagedInstanceInventory", "i-d", { "AWS:Network": {} }).properties).toEqual({
      InstanceId: "i-d",
    });
  });
});

describe("everything else", () => {
  it("says which types it does not convert", () => {
    expect(resourceFromItem(item("AWS::S3::Bucket", "b", {}))).toEqual({
      ok: false,
      unsupported: true,
      message: "AWS::S3::Bucket configuration items are not evaluated",
    });
  });

  it("reads the partition from ARNs", () => {
    expect(partitionOfArn("arn:aws-us-gov:iam::1:role/r")).toBe("aws-us-gov");
    expect(partitionOfArn(undefined)).toBe("aws");
  });
});

describe("CloudTrail trails", () => {
  const configuration = {
    name: "management-events",
    trailARN: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/management-events`,
    homeRegion: "eu-west-1",
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    includeGlobalServiceEvents: true,
    s3BucketName: "trail-bucket",
    hasCustomEventSelectors: false,
    hasInsightSelectors: false,
  };

  it("keeps what the item records and makes the logging status an unknown value", () => {
    const trail = convert("AWS::CloudTrail::Trail", "management-events", configuration);
    expect(trail.type).toBe("AWS::CloudTrail::Trail");
    expect(trail.id).toBe("management-events");
    expect(trail.properties).toMatchObject({
      Name: "management-events",
      TrailARN: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/management-events`,
      HomeRegion: "eu-west-1",
      IsMultiRegionTrail: true,
      IsOrganizationTrail: false,
      IsLogging: { $unknown: expect.stringContaining("is logging") as unknown },
    });
    // No custom selectors: CloudTrail's default, every management event, is what the trail records.
    expect(trail.properties.EventSelectors).toBeUndefined();
    expect(trail.properties.HasCustomEventSelectors).toBeUndefined();
  });

  it("makes custom event selectors an unknown value: the item does not carry them", () => {
    const trail = convert("AWS::CloudTrail::Trail", "management-events", {
      ...configuration,
      hasCustomEventSelectors: true,
    });
    expect(trail.properties.EventSelectors).toEqual({
      $unknown: expect.stringContaining("event selectors") as unknown,
    });
  });
});

describe("EventBridge rules", () => {
  it("decodes the event pattern without renaming its keys, and keeps the targets", () => {
    const rule = convert("AWS::Events::Rule", "session-start-alert", {
      Name: "session-start-alert",
      Arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/session-start-alert`,
      EventBusName: "default",
      State: "ENABLED",
      EventPattern: JSON.stringify({
        source: ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: { eventName: ["StartSession"] },
      }),
      Targets: [{ Id: "notify", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:session-alerts` }],
    });
    expect(rule.properties).toEqual({
      Name: "session-start-alert",
      Arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/session-start-alert`,
      EventBusName: "default",
      State: "ENABLED",
      EventPattern: {
        source: ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: { eventName: ["StartSession"] },
      },
      Targets: [{ Id: "notify", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:session-alerts` }],
    });
  });

  it("keeps a pattern that is not JSON as text, for the rules to report as invalid", () => {
    const rule = convert("AWS::Events::Rule", "broken", {
      Name: "broken",
      State: "ENABLED",
      EventPattern: "{",
    });
    expect(rule.properties.EventPattern).toBe("{");
    expect(rule.properties.Targets).toEqual([]);
  });
});
