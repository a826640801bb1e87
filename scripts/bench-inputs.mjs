// Synthetic inputs for the benchmark (scripts/bench.mjs), generated from fixed seeds so that every
// run and every machine measures the same data.
import { readFile, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

// Synthetic snapshot. The mix follows what a large estate looks like: mostly compliant groups with
// a tail of SSH, RDP and wide-open rules; most instances managed by SSM, some not, old agents; roles
// for EC2, people and services; preferences in some regions only.

const ACCOUNT = "111122223333";
const REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
];
const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const AGENT_VERSIONS = [
  "3.3.1142.0",
  "3.3.1142.0",
  "3.3.987.0",
  "3.2.1705.0",
  "3.2.582.0",
  "3.1.1004.0",
  "2.3.672.0",
  "2.3.444.0",
];

/** A small seeded generator (mulberry32): the same seed gives the same snapshot everywhere. */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (probability) => next() < probability,
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    hex: (length) => {
      let text = "";
      while (text.length < length) text += Math.floor(next() * 16).toString(16);
      return text;
    },
    weighted: (entries) => {
      const total = entries.reduce((sum, [weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [weight, value] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return entries[entries.length - 1][1];
    },
  };
}

export function generateSnapshot(path, plan) {
  return reuseOrGenerate(path, { kind: "snapshot", plan }, () => writeSnapshot(path, plan));
}

async function writeSnapshot(path, plan) {
  const rng = random(plan.seed);
  const regions = REGIONS.slice(0, plan.regions);
  const lines = [];
  const counts = {};
  const add = (type, id, region, properties, arn) => {
    counts[type] = (counts[type] ?? 0) + 1;
    const resource = { type, id, arn, account: ACCOUNT, region, source: { kind: "aws-live" }, properties };
    lines.push(JSON.stringify(resource));
  };
  const uniqueId = (prefix, index) => `${prefix}-0${rng.hex(10)}${index.toString(16).padStart(6, "0")}`;
  const doc = (...statements) => ({ Version: "2012-10-17", Statement: statements });
  const tags = (entries) => Object.entries(entries).map(([Key, Value]) => ({ Key, Value }));

  // Managed policies: the AWS ones that get attached, and customer policies for people.
  const managedPolicy = (arn, name, document) => {
    add(
      "AWS::IAM::Policy",
      arn,
      "global",
      {
        PolicyName: name,
        PolicyId: `ANPA${rng.hex(17).toUpperCase()}`,
        Arn: arn,
        Path: "/",
        DefaultVersionId: "v1",
        AttachmentCount: 1,
        IsAttachable: true,
        CreateDate: "2024-01-01T00:00:00Z",
        PolicyVersionList: [
          { Document: document, VersionId: "v1", IsDefaultVersion: true, CreateDate: "2024-01-01T00:00:00Z" },
        ],
      },
      arn,
    );
  };
  managedPolicy(
    SSM_CORE,
    "AmazonSSMManagedInstanceCore",
    doc(
      {
        Effect: "Allow",
        Action: [
          "ssm:UpdateInstanceInformation",
          "ssm:ListInstanceAssociations",
          "ssm:GetDocument",
          "ssm:PutInventory",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: [
          "ec2messages:AcknowledgeMessage",
          "ec2messages:GetMessages",
          "ec2messages:SendReply",
          "ec2messages:GetEndpoint",
        ],
        Resource: "*",
      },
    ),
  );
  managedPolicy(ADMIN, "AdministratorAccess", doc({ Effect: "Allow", Action: "*", Resource: "*" }));
  managedPolicy(
    READ_ONLY,
    "ReadOnlyAccess",
    doc({
      Effect: "Allow",
      Action: ["ec2:Describe*", "ssm:Describe*", "ssm:Get*", "iam:Get*", "iam:List*"],
      Resource: "*",
    }),
  );
  managedPolicy(
    LAMBDA_BASIC,
    "AWSLambdaBasicExecutionRole",
    doc({
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: "*",
    }),
  );
  const customerPolicies = [];
  for (let index = 0; index < plan.customerPolicies; index += 1) {
    const name = `session-access-${index}`;
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`;
    const compliant = rng.chance(0.6);
    const start = compliant
      ? {
          Effect: "Allow",
          Action: "ssm:StartSession",
          Resource: [
            `arn:aws:ec2:*:${ACCOUNT}:instance/*`,
            `arn:aws:ssm:*:${ACCOUNT}:document/SSM-SessionManagerRunShell`,
          ],
          Condition: {
            BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" },
            IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] },
          },
        }
      : { Effect: "Allow", Action: rng.pick(["ssm:StartSession", "ssm:*", "ssm:Start*"]), Resource: "*" };
    const terminate = {
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: compliant ? "arn:aws:ssm:*:*:session/${aws:username}-*" : "*",
    };
    managedPolicy(
      arn,
      name,
      doc(start, terminate, {
        Effect: "Allow",
        Action: ["ssm:DescribeSessions", "ec2:DescribeInstances"],
        Resource: "*",
      }),
    );
    customerPolicies.push({ PolicyName: name, PolicyArn: arn });
  }

  // Roles, with an instance profile for each EC2 role.
  const instanceProfiles = [];
  for (let index = 0; index < plan.roles; index += 1) {
    const kind = rng.weighted([
      [40, "ec2"],
      [25, "people"],
      [25, "lambda"],
      [10, "ecs"],
    ]);
    const name = `${kind}-role-${index}`;
    const arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
    const roleId = `AROA${rng.hex(17).toUpperCase()}`;
    let trust;
    let attached = [];
    if (kind === "ec2") {
      trust = doc({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
      if (rng.chance(0.8)) attached.push({ PolicyName: "AmazonSSMManagedInstanceCore", PolicyArn: SSM_CORE });
    } else if (kind === "people") {
      const statement = {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "sts:AssumeRole",
      };
      if (rng.chance(0.5)) statement.Condition = { StringLike: { "sts:RoleSessionName": "${aws:username}" } };
      trust = doc(statement);
      attached.push(
        rng.chance(0.1)
          ? { PolicyName: "AdministratorAccess", PolicyArn: ADMIN }
          : rng.pick(customerPolicies),
      );
    } else {
      const service = kind === "lambda" ? "lambda.amazonaws.com" : "ecs-tasks.amazonaws.com";
      trust = doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
      if (kind === "lambda")
        attached.push({ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: LAMBDA_BASIC });
    }
    if (rng.chance(0.2)) attached.push({ PolicyName: "ReadOnlyAccess", PolicyArn: READ_ONLY });
    const inline = rng.chance(0.4)
      ? [
          {
            PolicyName: "data-access",
            PolicyDocument: doc({
              Effect: "Allow",
              Action: ["s3:GetObject", "s3:PutObject"],
              Resource: `arn:aws:s3:::bucket-${index}/*`,
            }),
          },
        ]
      : [];
    const profiles = [];
    if (kind === "ec2") {
      const profile = {
        InstanceProfileName: `${name}-profile`,
        InstanceProfileId: `AIPA${rng.hex(17).toUpperCase()}`,
        Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}-profile`,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        Roles: [{ RoleName: name, RoleId: roleId, Arn: arn, Path: "/", CreateDate: "2024-01-01T00:00:00Z" }],
      };
      profiles.push(profile);
      instanceProfiles.push(profile);
    }
    add(
      "AWS::IAM::Role",
      name,
      "global",
      {
        RoleName: name,
        RoleId: roleId,
        Arn: arn,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        AssumeRolePolicyDocument: trust,
        RolePolicyList: inline,
        AttachedManagedPolicies: attached,
        InstanceProfileList: profiles,
        Tags: tags({ Team: `team-${index % 40}` }),
      },
      arn,
    );
  }
  for (const profile of instanceProfiles) {
    add("AWS::IAM::InstanceProfile", profile.InstanceProfileName, "global", profile, profile.Arn);
  }

  for (let index = 0; index < plan.groups; index += 1) {
    const name = `group-${index}`;
    add(
      "AWS::IAM::Group",
      name,
      "global",
      {
        GroupName: name,
        GroupId: `AGPA${rng.hex(17).toUpperCase()}`,
        Arn: `arn:aws:iam::${ACCOUNT}:group/${name}`,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        GroupPolicyList: [],
        AttachedManagedPolicies: [rng.pick(customerPolicies)],
      },
      `arn:aws:iam::${ACCOUNT}:group/${name}`,
    );
  }
  for (let index = 0; index < plan.users; index += 1) {
    const name = `user-${index}`;
    add(
      "AWS::IAM::User",
      name,
      "global",
      {
        UserName: name,
        UserId: `AIDA${rng.hex(17).toUpperCase()}`,
        Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
        Path: "/",
        CreateDate: "2024-01-01T00:00:00Z",
        UserPolicyList: [],
        GroupList: [`group-${index % plan.groups}`],
        AttachedManagedPolicies: rng.chance(0.2) ? [rng.pick(customerPolicies)] : [],
      },
      `arn:aws:iam::${ACCOUNT}:user/${name}`,
    );
  }

  // Security groups, spread over the regions.
  const groupsByRegion = new Map(regions.map((region) => [region, []]));
  const permission = (IpProtocol, from, to, sources = {}) => ({
    IpProtocol,
    ...(from === undefined ? {} : { FromPort: from, ToPort: to }),
    IpRanges: (sources.v4 ?? []).map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: (sources.v6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: (sources.prefixLists ?? []).map((PrefixListId) => ({ PrefixListId })),
    UserIdGroupPairs: (sources.groups ?? []).map((GroupId) => ({ GroupId, UserId: ACCOUNT })),
  });
  const ingress = (region) => {
    const peer = () => rng.pick(groupsByRegion.get(region)) ?? "sg-00000000000000001";
    return rng.weighted([
      [30, () => permission("tcp", 443, 443, { v4: ["0.0.0.0/0"], v6: ["::/0"] })],
      [12, () => permission("tcp", 80, 80, { v4: ["0.0.0.0/0"] })],
      [20, () => permission("tcp", 8080, 8080, { groups: [peer()] })],
      [12, () => permission("tcp", 5432, 5432, { v4: [`10.${rng.integer(0, 255)}.0.0/16`] })],
      [6, () => permission("icmp", 8, -1, { v4: ["10.0.0.0/8"] })],
      [5, () => permission("tcp", 1024, 65535, { v4: ["172.16.0.0/12"] })],
      [4, () => permission("tcp", 22, 22, { v4: [`10.${rng.integer(0, 255)}.0.0/16`] })],
      [3, () => permission("tcp", 22, 22, { groups: [peer()] })],
      [2, () => permission("tcp", 22, 22, { v4: ["0.0.0.0/0"] })],
      [1, () => permission("tcp", 22, 22, { prefixLists: [`pl-0${rng.hex(16)}`] })],
      [1, () => permission("tcp", 3389, 3389, { v4: ["0.0.0.0/0"] })],
      [1, () => permission("tcp", 20, 30, { v4: ["0.0.0.0/0"] })],
      [0.5, () => permission("-1", undefined, undefined, { v6: ["::/0"] })],
      [0.5, () => permission("tcp", 0, 65535, { v4: ["0.0.0.0/0"] })],
    ])();
  };
  for (let index = 0; index < plan.securityGroups; index += 1) {
    const region = regions[index % regions.length];
    const groupId = uniqueId("sg", index);
    const permissions = Array.from({ length: plan.ingressPerGroup }, () => ingress(region));
    groupsByRegion.get(region).push(groupId);
    add(
      "AWS::EC2::SecurityGroup",
      groupId,
      region,
      {
        GroupId: groupId,
        GroupName: `group-${index}`,
        Description: `synthetic group ${index}`,
        OwnerId: ACCOUNT,
        VpcId: `vpc-0${region.length.toString(16).padStart(16, "0")}`,
        IpPermissions: permissions,
        IpPermissionsEgress: [permission("-1", undefined, undefined, { v4: ["0.0.0.0/0"] })],
        Tags: tags({ Name: `group-${index}` }),
      },
      `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${groupId}`,
    );
  }

  // Instances and their SSM records.
  for (let index = 0; index < plan.instances; index += 1) {
    const region = regions[index % regions.length];
    const instanceId = uniqueId("i", index);
    const running = rng.chance(0.9);
    const profile = rng.chance(0.85) && instanceProfiles.length > 0 ? rng.pick(instanceProfiles) : undefined;
    const regionGroups = groupsByRegion.get(region);
    const securityGroups = Array.from({ length: rng.integer(1, 3) }, () => {
      const groupId = rng.pick(regionGroups);
      return { GroupId: groupId, GroupName: `group-${parseInt(groupId.slice(-6), 16)}` };
    });
    const properties = {
      InstanceId: instanceId,
      InstanceType: rng.pick(["t3.micro", "m6i.large", "c6i.xlarge", "r6g.large"]),
      ImageId: `ami-0${rng.hex(16)}`,
      ...(rng.chance(0.2) ? { KeyName: rng.pick(["ops-shared", "legacy-2019", "deploy"]) } : {}),
      State: running ? { Code: 16, Name: "running" } : { Code: 80, Name: "stopped" },
      ...(running && rng.chance(0.1)
        ? { PublicIpAddress: `54.${rng.integer(0, 255)}.${rng.integer(0, 255)}.${rng.integer(1, 254)}` }
        : {}),
      PrivateIpAddress: `10.${index % 256}.${(index >> 8) % 256}.${rng.integer(1, 254)}`,
      ...(profile ? { IamInstanceProfile: { Arn: profile.Arn, Id: profile.InstanceProfileId } } : {}),
      SecurityGroups: securityGroups,
      LaunchTime: "2026-01-01T00:00:00.000Z",
      Tags: tags({ Name: `instance-${index}` }),
    };
    add(
      "AWS::EC2::Instance",
      instanceId,
      region,
      properties,
      `arn:aws:ec2:${region}:${ACCOUNT}:instance/${instanceId}`,
    );
    if (running && profile && rng.chance(0.8)) {
      add(
        "AWS::SSM::ManagedInstanceInventory",
        instanceId,
        region,
        managedInstance(rng, instanceId, "EC2Instance"),
        `arn:aws:ssm:${region}:${ACCOUNT}:managed-instance-inventory/${instanceId}`,
      );
    }
  }
  for (let index = 0; index < plan.hybridNodes; index += 1) {
    const region = regions[index % regions.length];
    const nodeId = uniqueId("mi", index);
    add(
      "AWS::SSM::ManagedInstanceInventory",
      nodeId,
      region,
      managedInstance(rng, nodeId, "ManagedInstance"),
      `arn:aws:ssm:${region}:${ACCOUNT}:managed-instance/${nodeId}`,
    );
  }

  // Preferences in some regions only; the rest have the defaults.
  for (const region of regions.slice(0, plan.regionsWithPreferences)) {
    const encrypted = rng.chance(0.5);
    add(
      "AWS::SSM::Document",
      "SSM-SessionManagerRunShell",
      region,
      {
        Name: "SSM-SessionManagerRunShell",
        DocumentType: "Session",
        DocumentFormat: "JSON",
        DocumentVersion: "1",
        Content: {
          schemaVersion: "1.0",
          description: "Document to hold regional settings for Session Manager",
          sessionType: "Standard_Stream",
          inputs: {
            s3BucketName: rng.chance(0.7) ? `session-logs-${region}` : "",
            s3KeyPrefix: "",
            s3EncryptionEnabled: encrypted,
            cloudWatchLogGroupName: rng.chance(0.5) ? "/aws/ssm/sessions" : "",
            cloudWatchEncryptionEnabled: encrypted,
            cloudWatchStreamingEnabled: true,
            kmsKeyId: encrypted
              ? `arn:aws:kms:${region}:${ACCOUNT}:key/${rng.hex(8)}-0000-4000-8000-${rng.hex(12)}`
              : "",
            runAsEnabled: rng.chance(0.3),
            runAsDefaultUser: "",
            idleSessionTimeout: rng.pick(["20", "30", "60"]),
            maxSessionDuration: rng.pick(["", "60", "480"]),
            shellProfile: { windows: "", linux: "" },
          },
        },
      },
      `arn:aws:ssm:${region}:${ACCOUNT}:document/SSM-SessionManagerRunShell`,
    );
  }

  const envelope = {
    $schema: "https://access-baseline.dev/schemas/snapshot.schema.json",
    format: "access-baseline/snapshot",
    version: 1,
    createdAt: "2026-11-20T09:30:00.000Z",
    tool: { name: "access-baseline-bench", version: "1" },
    scopes: regions.map((region) => ({ account: ACCOUNT, region })),
  };
  const head = JSON.stringify(envelope, null, 2).slice(0, -2);
  await writeFile(
    path,
    `${head},\n  "resources": [\n    ${lines.join(",\n    ")}\n  ],\n  "collectionErrors": []\n}\n`,
  );

  const size = (await stat(path)).size;
  const total = lines.length;
  return [
    `snapshot ${relative(path)}: ${formatMb(size / 1024 / 1024)}, ${total.toLocaleString("en-US")} resources, ${regions.length} regions`,
    ...Object.entries(counts).map(
      ([type, count]) => `  ${type.padEnd(36)} ${count.toLocaleString("en-US").padStart(7)}`,
    ),
  ];
}

function managedInstance(rng, instanceId, resourceType) {
  const windows = rng.chance(0.15);
  return {
    InstanceId: instanceId,
    PingStatus: rng.weighted([
      [92, "Online"],
      [6, "ConnectionLost"],
      [2, "Inactive"],
    ]),
    LastPingDateTime: "2026-11-20T09:00:00.000Z",
    AgentVersion: rng.pick(AGENT_VERSIONS),
    IsLatestVersion: false,
    PlatformType: windows ? "Windows" : "Linux",
    PlatformName: windows ? "Microsoft Windows Server 2022 Datacenter" : "Amazon Linux",
    PlatformVersion: windows ? "10.0.20348" : "2023",
    ResourceType: resourceType,
    ...(resourceType === "ManagedInstance" ? { IamRole: "SSMServiceRole-Hybrid" } : {}),
    ComputerName: `${instanceId}.internal`,
  };
}

// ---------------------------------------------------------------------------------------------
// Synthetic CloudFormation template: security groups as a large stack set would write them, most
// of them compliant, some with SSH or RDP open, a few taking their CIDR from parameters or
// mappings so that intrinsic functions are resolved too. One resource per line, as generated
// templates often are, which keeps it near 5 MB.

export function generateTemplate(path, plan) {
  return reuseOrGenerate(path, { kind: "template", plan }, () => writeTemplate(path, plan));
}

async function writeTemplate(path, plan) {
  const rng = random(plan.seed);
  const ports = [443, 80, 8080, 8443, 5432, 6379, 9100, 3000];
  const entry = (index) => {
    const risky = rng.weighted([
      [94, "none"],
      [3, "ssh"],
      [1, "rdp"],
      [1, "all"],
      [1, "parameter"],
    ]);
    if (index === 0 && risky === "ssh")
      return { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0" };
    if (index === 0 && risky === "rdp")
      return { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, CidrIpv6: "::/0" };
    if (index === 0 && risky === "all") return { IpProtocol: "-1", CidrIp: "0.0.0.0/0" };
    if (index === 0 && risky === "parameter")
      return { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: { Ref: "AdminCidr" } };
    const port = rng.pick(ports);
    return {
      IpProtocol: "tcp",
      FromPort: port,
      ToPort: port,
      CidrIp: rng.chance(0.3)
        ? { "Fn::FindInMap": ["Networks", "internal", "Cidr"] }
        : `10.${rng.integer(0, 255)}.0.0/16`,
    };
  };
  const lines = [];
  for (let index = 0; index < plan.securityGroups; index += 1) {
    const name = `Service${index.toString().padStart(5, "0")}Sg`;
    const group = {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupName: { "Fn::Sub": `\${AWS::StackName}-service-${index}` },
        GroupDescription: `Service ${index}`,
        VpcId: { Ref: "VpcId" },
        SecurityGroupIngress: Array.from({ length: plan.ingressPerGroup }, (_, entryIndex) =>
          entry(entryIndex),
        ),
      },
    };
    lines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(group)}`);
  }
  const text = [
    "{",
    '  "AWSTemplateFormatVersion": "2010-09-09",',
    '  "Description": "Synthetic benchmark template",',
    '  "Parameters": {',
    '    "VpcId": { "Type": "AWS::EC2::VPC::Id" },',
    '    "AdminCidr": { "Type": "String", "Default": "198.51.100.0/24" }',
    "  },",
    '  "Mappings": { "Networks": { "internal": { "Cidr": "10.0.0.0/8" } } },',
    '  "Resources": {',
    lines.join(",\n"),
    "  }",
    "}",
    "",
  ].join("\n");
  await writeFile(path, text);
  const size = (await stat(path)).size;
  return [
    `${relative(path)}: ${(size / 1024 / 1024).toFixed(1)} MB`,
    `${plan.securityGroups.toLocaleString("en-US")} security groups, ${plan.ingressPerGroup} ingress entries each`,
  ];
}

/** The smallest real input: one security group with SSH open, as a pull request might add it. */
export async function generateOneResourceTemplate(path) {
  await writeFile(
    path,
    [
      'AWSTemplateFormatVersion: "2010-09-09"',
      "Resources:",
      "  AdminSecurityGroup:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Properties:",
      "      GroupDescription: Administration",
      "      SecurityGroupIngress:",
      "        - IpProtocol: tcp",
      "          FromPort: 22",
      "          ToPort: 22",
      "          CidrIp: 0.0.0.0/0",
      "",
    ].join("\n"),
  );
  return [`${relative(path)}: one security group`];
}

/**
 * Generating the 4x snapshot takes longer than checking it: an input is generated again only when
 * its plan (or this file) changed since it was written. The sidecar records what made it.
 */
async function reuseOrGenerate(path, recipe, generate) {
  const sidecar = `${path}.recipe.json`;
  const generator = (await stat(fileURLToPath(import.meta.url))).mtimeMs;
  const wanted = JSON.stringify({ ...recipe, generator });
  try {
    const recorded = JSON.parse(await readFile(sidecar, "utf8"));
    if (recorded.recipe === wanted && (await stat(path)).size === recorded.size)
      return [...recorded.description, "(reused: generated earlier from the same plan)"];
  } catch {
    // No usable record: generate.
  }
  const description = await generate();
  const { size } = await stat(path);
  await writeFile(sidecar, JSON.stringify({ recipe: wanted, size, description }));
  return description;
}

function relative(path) {
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

function formatMb(megabytes) {
  return `${Math.round(megabytes)} MB`;
}
