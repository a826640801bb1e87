import type { JsonObject } from "../../../src/model/resource.js";
import { BASE_KEY, emptyIam, emptyRegion, type FakeAccount, type FakeWorld } from "./world.js";

/**
 * Fake AWS worlds for the live-collection tests, written for this project. Resources are in the
 * canonical shape with every list AWS always sends, so that what the collector normalizes can be
 * compared with them directly.
 */

export const ACCOUNT = "111122223333";
export const MEMBER_OK = "444455556666";
export const MEMBER_DENIED = "777788889999";
export const REGIONS = ["eu-west-1", "us-east-1"] as const;

const CREATED = "2025-03-10T10:00:00.000Z";

export function trustPolicy(principal: JsonObject): JsonObject {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }],
  };
}

export function role(account: string, name: string, extra: Partial<JsonObject> = {}): JsonObject {
  return {
    Path: "/",
    RoleName: name,
    RoleId: `AROA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "")
      .padEnd(16, "0")
      .slice(0, 16)}`,
    Arn: `arn:aws:iam::${account}:role/${name}`,
    CreateDate: CREATED,
    AssumeRolePolicyDocument: trustPolicy({ Service: "ec2.amazonaws.com" }),
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    ...extra,
  };
}

export function user(account: string, name: string, extra: Partial<JsonObject> = {}): JsonObject {
  return {
    Path: "/",
    UserName: name,
    UserId: `AIDA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "")
      .padEnd(16, "0")
      .slice(0, 16)}`,
    Arn: `arn:aws:iam::${account}:user/${name}`,
    CreateDate: CREATED,
    UserPolicyList: [],
    GroupList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    ...extra,
  };
}

export function group(account: string, name: string, extra: Partial<JsonObject> = {}): JsonObject {
  return {
    Path: "/",
    GroupName: name,
    GroupId: `AGPA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "")
      .padEnd(16, "0")
      .slice(0, 16)}`,
    Arn: `arn:aws:iam::${account}:group/${name}`,
    CreateDate: CREATED,
    GroupPolicyList: [],
    AttachedManagedPolicies: [],
    ...extra,
  };
}

export function managedPolicy(arn: string, document: JsonObject | string): JsonObject {
  const name = arn.split("/").at(-1)!;
  return {
    PolicyName: name,
    PolicyId: `ANPA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "")
      .padEnd(16, "0")
      .slice(0, 16)}`,
    Arn: arn,
    Path: "/",
    DefaultVersionId: "v1",
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: CREATED,
    UpdateDate: CREATED,
    PolicyVersionList: [{ Document: document, VersionId: "v1", IsDefaultVersion: true, CreateDate: CREATED }],
  };
}

export function securityGroup(
  account: string,
  id: string,
  name: string,
  ingress: { protocol: string; from?: number; to?: number; cidr?: string; cidr6?: string }[],
): JsonObject {
  return {
    GroupId: id,
    GroupName: name,
    Description: `${name} group`,
    OwnerId: account,
    VpcId: "vpc-0c4f7a2e9b1d30a11",
    IpPermissions: ingress.map((entry) => ({
      IpProtocol: entry.protocol,
      ...(entry.from !== undefined ? { FromPort: entry.from, ToPort: entry.to ?? entry.from } : {}),
      UserIdGroupPairs: [],
      IpRanges: entry.cidr ? [{ CidrIp: entry.cidr }] : [],
      Ipv6Ranges: entry.cidr6 ? [{ CidrIpv6: entry.cidr6 }] : [],
      PrefixListIds: [],
    })),
    IpPermissionsEgress: [
      {
        IpProtocol: "-1",
        UserIdGroupPairs: [],
        IpRanges: [{ CidrIp: "0.0.0.0/0" }],
        Ipv6Ranges: [],
        PrefixListIds: [],
      },
    ],
    Tags: [{ Key: "Name", Value: name }],
  };
}

export function instance(
  account: string,
  id: string,
  options: { state?: string; keyName?: string; publicIp?: string; profile?: string; groups?: string[] } = {},
): JsonObject {
  const state = options.state ?? "running";
  const codes: Record<string, number> = {
    pending: 0,
    running: 16,
    "shutting-down": 32,
    terminated: 48,
    stopping: 64,
    stopped: 80,
  };
  return {
    InstanceId: id,
    ImageId: "ami-0a3c5e7f9b1d2c4e6",
    InstanceType: "t3.micro",
    ...(options.keyName ? { KeyName: options.keyName } : {}),
    State: { Code: codes[state] ?? 16, Name: state },
    PrivateIpAddress: "10.20.0.12",
    ...(options.publicIp ? { PublicIpAddress: options.publicIp } : {}),
    ...(options.profile
      ? {
          IamInstanceProfile: {
            Arn: `arn:aws:iam::${account}:instance-profile/${options.profile}`,
            Id: "AIPAEXAMPLEPROFILE01",
          },
        }
      : {}),
    SecurityGroups: (options.groups ?? []).map((groupId) => ({ GroupId: groupId, GroupName: groupId })),
    VpcId: "vpc-0c4f7a2e9b1d30a11",
    SubnetId: "subnet-0123456789abcdef0",
    LaunchTime: "2023-02-14T11:05:00.000Z",
    Tags: [],
  };
}

export function managedInstance(id: string, agentVersion: string, pingStatus = "Online"): JsonObject {
  return {
    InstanceId: id,
    PingStatus: pingStatus,
    LastPingDateTime: "2026-11-20T09:28:41.000Z",
    AgentVersion: agentVersion,
    IsLatestVersion: false,
    PlatformType: "Linux",
    PlatformName: "Amazon Linux",
    PlatformVersion: "2023",
    ResourceType: "EC2Instance",
    IPAddress: "10.20.1.31",
    ComputerName: `${id}.ec2.internal`,
  };
}

/** Preferences that log to S3 and CloudWatch, encrypted, with a KMS key: a passing region. */
export const GOOD_PREFERENCES = {
  schemaVersion: "1.0",
  description: "Document to hold regional settings for Session Manager",
  sessionType: "Standard_Stream",
  inputs: {
    s3BucketName: "example-session-logs",
    s3KeyPrefix: "session-manager/",
    s3EncryptionEnabled: true,
    cloudWatchLogGroupName: "/aws/ssm/sessions",
    cloudWatchEncryptionEnabled: true,
    cloudWatchStreamingEnabled: true,
    kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b",
    runAsEnabled: false,
    runAsDefaultUser: "",
    idleSessionTimeout: "20",
    maxSessionDuration: "60",
    shellProfile: { windows: "", linux: "" },
  },
};

/** The same preferences as YAML text, as a team that keeps them in YAML stores them. */
export const GOOD_PREFERENCES_YAML = `schemaVersion: "1.0"
description: Document to hold regional settings for Session Manager
sessionType: Standard_Stream
inputs:
  s3BucketName: example-session-logs
  s3KeyPrefix: session-manager/
  s3EncryptionEnabled: true
  cloudWatchLogGroupName: /aws/ssm/sessions
  cloudWatchEncryptionEnabled: true
  cloudWatchStreamingEnabled: true
  kmsKeyId: arn:aws:kms:us-east-1:111122223333:key/6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b
  runAsEnabled: false
  runAsDefaultUser: ""
  idleSessionTimeout: "20"
  maxSessionDuration: "60"
  shellProfile:
    windows: ""
    linux: ""
`;

/**
 * An inline policy whose text needs every kind of escaping: `+` and `/` in a condition value,
 * a non-ASCII description. Written as a string so the exact wire bytes are known.
 */
/** A trail in the shape the endpoint keeps it: DescribeTrails' fields with its status and selectors. */
export function trail(
  account: string,
  name: string,
  home: string,
  extra: Partial<JsonObject> = {},
): JsonObject {
  return {
    Name: name,
    TrailARN: `arn:aws:cloudtrail:${home}:${account}:trail/${name}`,
    IsMultiRegionTrail: true,
    IsOrganizationTrail: false,
    IncludeGlobalServiceEvents: true,
    S3BucketName: `${name}-logs-${account}`,
    IsLogging: true,
    ...extra,
  };
}

/** The pattern of StartSession calls as CloudTrail delivers them to EventBridge. */
export const SESSION_START_PATTERN = {
  source: ["aws.ssm"],
  "detail-type": ["AWS API Call via CloudTrail"],
  detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession"] },
};

/** An EventBridge rule of the default bus, with one SNS target unless `targets` says otherwise. */
export function eventRule(
  account: string,
  region: string,
  name: string,
  extra: Partial<JsonObject> = {},
): JsonObject {
  return {
    Name: name,
    EventPattern: SESSION_START_PATTERN,
    State: "ENABLED",
    Targets: [{ Id: "notify", Arn: `arn:aws:sns:${region}:${account}:session-alerts` }],
    ...extra,
  };
}

/**
 * The account's regions raise an alert on every session start: each region has a rule on the
 * default bus, and each is home to a logging multi-region trail (either one covers both).
 */
export function withSessionStartAlerts(world: FakeWorld, account: string = world.accounts[0]!.id): FakeWorld {
  const regions = world.accounts.find((candidate) => candidate.id === account)!.regions;
  for (const [region, contents] of Object.entries(regions)) {
    contents.trails = [trail(account, `audit-${region}`, region)];
    contents.eventRules = [eventRule(account, region, "session-start-alert")];
  }
  return world;
}

export const ENCODED_POLICY = {
  Version: "2012-10-17",
  Statement: {
    Sid: "StartSessionsFromTheOffice",
    Effect: "Allow",
    Action: "ssm:StartSession",
    Resource: "arn:aws:ec2:*:111122223333:instance/*",
    Condition: {
      BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" },
      StringEquals: {
        "aws:PrincipalTag/team": "ops+platform/on-call",
        "aws:PrincipalTag/site": "Zürich–Genève ☃",
      },
    },
  },
};

const SSM_CORE_ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const SSM_CORE = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["ssm:UpdateInstanceInformation", "ssm:GetDocument"], Resource: "*" },
    { Effect: "Allow", Action: ["ssmmessages:*", "ec2messages:*"], Resource: "*" },
  ],
};

/** One account in two regions, with findings of every kind and one clean region preference. */
export function exampleAccount(id: string = ACCOUNT): FakeAccount {
  const profileRole = role(id, "ec2-ssm-instance-role", {
    AttachedManagedPolicies: [{ PolicyName: "AmazonSSMManagedInstanceCore", PolicyArn: SSM_CORE_ARN }],
  });
  profileRole.InstanceProfileList = [
    {
      Path: "/",
      InstanceProfileName: "ssm-managed-instance",
      InstanceProfileId: "AIPAEXAMPLEPROFILE01",
      Arn: `arn:aws:iam::${id}:instance-profile/ssm-managed-instance`,
      CreateDate: CREATED,
      Roles: [
        {
          Path: "/",
          RoleName: "ec2-ssm-instance-role",
          RoleId: profileRole.RoleId!,
          Arn: profileRole.Arn!,
          CreateDate: CREATED,
          AssumeRolePolicyDocument: trustPolicy({ Service: "ec2.amazonaws.com" }),
        },
      ],
      Tags: [],
    },
  ];
  const operators = role(id, "session-operators", {
    AssumeRolePolicyDocument: trustPolicy({ AWS: `arn:aws:iam::${id}:root` }),
    RolePolicyList: [{ PolicyName: "start-sessions", PolicyDocument: ENCODED_POLICY }],
  });
  return {
    id,
    name: "example",
    enabledRegions: [...REGIONS],
    assumableRoles: ["OrganizationAccountAccessRole", "access-baseline-scanner"],
    iam: {
      users: [user(id, "alice", { GroupList: ["session-users"] })],
      accessKeys: [
        {
          UserName: "alice",
          Status: "Active",
          CreateDate: CREATED,
          AccessKeyLastUsed: { LastUsedDate: CREATED, ServiceName: "sts", Region: "us-east-1" },
        },
        { UserName: "alice", Status: "Inactive", CreateDate: CREATED },
      ],
      groups: [
        group(id, "session-users", {
          GroupPolicyList: [
            {
              PolicyName: "terminate-any-session",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "ssm:TerminateSession", Resource: "*" }],
              },
            },
          ],
        }),
      ],
      roles: [profileRole, operators],
      policies: [managedPolicy(SSM_CORE_ARN, SSM_CORE)],
    },
    regions: {
      "us-east-1": {
        securityGroups: [
          securityGroup(id, "sg-0017b3c9e5a1f4d01", "bastion-ssh", [
            { protocol: "tcp", from: 22, cidr: "0.0.0.0/0" },
          ]),
          securityGroup(id, "sg-0027b3c9e5a1f4d02", "web", [
            { protocol: "tcp", from: 443, cidr: "0.0.0.0/0" },
          ]),
          securityGroup(id, "sg-0037b3c9e5a1f4d03", "legacy-v6", [{ protocol: "-1", cidr6: "::/0" }]),
        ],
        instances: [
          instance(id, "i-0b45e1a7c3d9f2001", {
            keyName: "ops-shared",
            publicIp: "54.210.33.17",
            profile: "ssm-managed-instance",
            groups: ["sg-0017b3c9e5a1f4d01"],
          }),
          instance(id, "i-0a12c3e5f7b9d4002", {
            profile: "ssm-managed-instance",
            groups: ["sg-0027b3c9e5a1f4d02"],
          }),
          instance(id, "i-0dead00000000003", { state: "terminated", keyName: "gone" }),
        ],
        managedInstances: [
          managedInstance("i-0b45e1a7c3d9f2001", "2.3.50.0"),
          managedInstance("i-0a12c3e5f7b9d4002", "3.3.1142.0"),
        ],
        preferences: { Content: JSON.stringify(GOOD_PREFERENCES, null, 2), DocumentFormat: "JSON" },
      },
      // No preferences document: Session Manager's defaults apply, and fail.
      "eu-west-1": {
        ...emptyRegion(),
        securityGroups: [
          securityGroup(id, "sg-0e00000000000e001", "rdp-open", [
            { protocol: "tcp", from: 3389, cidr: "0.0.0.0/0" },
          ]),
        ],
        instances: [instance(id, "i-0e00000000000e101", { groups: ["sg-0e00000000000e001"] })],
      },
    },
  };
}

export function exampleWorld(overrides: Partial<FakeWorld> = {}): FakeWorld {
  return {
    accounts: [exampleAccount()],
    base: { ...BASE_KEY, account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/scanner` },
    ...overrides,
  };
}

/**
 * An organization of three accounts: the management account (scanned with the caller's own
 * credentials), a member whose role can be assumed, and one whose role cannot.
 */
export function organizationWorld(overrides: Partial<FakeWorld> = {}): FakeWorld {
  const denied = exampleAccount(MEMBER_DENIED);
  denied.assumableRoles = [];
  return {
    accounts: [
      exampleAccount(ACCOUNT),
      exampleAccount(MEMBER_OK),
      denied,
      { ...smallAccount("999900001111"), state: "SUSPENDED" },
    ],
    base: { ...BASE_KEY, account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/scanner` },
    organization: { id: "o-exampleorgid", managementAccount: ACCOUNT },
    ...overrides,
  };
}

function smallAccount(id: string): FakeAccount {
  return {
    id,
    enabledRegions: ["us-east-1"],
    assumableRoles: ["OrganizationAccountAccessRole"],
    iam: emptyIam(),
    regions: { "us-east-1": emptyRegion() },
  };
}

/**
 * The call-budget fixture: 1,500 roles, 300 users, 2,500 security groups, 3,000 instances,
 * 120 managed instances, one multi-region trail and five event rules over two regions, generated.
 */
export function budgetWorld(): FakeWorld {
  const id = ACCOUNT;
  const account: FakeAccount = {
    id,
    enabledRegions: [...REGIONS],
    assumableRoles: [],
    iam: {
      users: Array.from({ length: 300 }, (_, index) => user(id, `user-${index}`)),
      groups: Array.from({ length: 20 }, (_, index) => group(id, `group-${index}`)),
      roles: Array.from({ length: 1500 }, (_, index) =>
        role(id, `role-${index}`, {
          RolePolicyList: [
            {
              PolicyName: "inline",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
              },
            },
          ],
        }),
      ),
      policies: Array.from({ length: 80 }, (_, index) =>
        managedPolicy(`arn:aws:iam::${id}:policy/policy-${index}`, {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }],
        }),
      ),
    },
    regions: {},
  };
  const split = { "us-east-1": [1300, 1600, 70], "eu-west-1": [1200, 1400, 50] } as const;
  for (const [region, [groups, instances, managed]] of Object.entries(split)) {
    const tag = region === "us-east-1" ? "a" : "b";
    account.regions[region] = {
      securityGroups: Array.from({ length: groups }, (_, index) =>
        securityGroup(id, `sg-${tag}${String(index).padStart(16, "0")}`, `group-${index}`, [
          { protocol: "tcp", from: 443, cidr: "10.0.0.0/8" },
        ]),
      ),
      instances: Array.from({ length: instances }, (_, index) =>
        instance(id, `i-${tag}${String(index).padStart(16, "0")}`, {
          groups: [`sg-${tag}${String(index % groups).padStart(16, "0")}`],
        }),
      ),
      managedInstances: Array.from({ length: managed }, (_, index) =>
        managedInstance(`i-${tag}${String(index).padStart(16, "0")}`, "3.3.1142.0"),
      ),
      preferences: { Content: JSON.stringify(GOOD_PREFERENCES), DocumentFormat: "JSON" },
      // One multi-region trail (read in its home region only) and a few rules per region.
      trails: region === "us-east-1" ? [trail(id, "management-events", region)] : [],
      eventRules: Array.from({ length: region === "us-east-1" ? 3 : 2 }, (_, index) =>
        eventRule(id, region, `rule-${index}`),
      ),
    };
  }
  return { accounts: [account], base: { ...BASE_KEY, account: id, arn: `arn:aws:iam::${id}:user/scanner` } };
}
