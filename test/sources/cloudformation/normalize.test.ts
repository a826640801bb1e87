import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonObject, Resource } from "../../../src/model/resource.js";
import { schemaShapeProblem } from "../../../src/model/canonical.js";
import { isUnknown } from "../../../src/model/unknown.js";
import { normalizeTemplate } from "../../../src/sources/cloudformation/normalize.js";
import { allNormalizers, normalizersFor } from "../../../src/sources/cloudformation/normalize/table.js";
import { readTemplate } from "../../../src/sources/cloudformation/template.js";
import { parseCloudFormationYaml } from "../../../src/sources/cloudformation/yaml.js";
import { placeholderAccount } from "../../../src/sources/iac.js";
import { parseJson } from "../../../src/sources/positioned/json.js";
import type { MapNode } from "../../../src/sources/positioned/node.js";
import { FIXTURES } from "../../support/cli.js";

const PLACEHOLDERS = { account: "000012345678", region: "unknown", partition: "aws", stackName: "stack" };
const NORMALIZERS = await allNormalizers();

async function normalizeFixture(name: string) {
  const text = await readFile(join(FIXTURES, "templates", name), "utf8");
  const document = name.endsWith(".json") ? parseJson(text) : parseCloudFormationYaml(text).value;
  return normalizeTemplate(readTemplate(document as MapNode), `templates/${name}`, PLACEHOLDERS, NORMALIZERS);
}

function normalizeText(text: string) {
  return normalizeTemplate(
    readTemplate(parseCloudFormationYaml(text).value as MapNode),
    "t.yaml",
    PLACEHOLDERS,
    NORMALIZERS,
  );
}

/** An `IpPermission` of one port, with the source lists given and the others empty. */
function perm(protocol: string, port: number, sources: Record<string, unknown>): Record<string, unknown> {
  return {
    IpProtocol: protocol,
    FromPort: port,
    ToPort: port,
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
    ...sources,
  };
}

function find(resources: readonly Resource[], type: string, id: string): Resource {
  const found = resources.find((resource) => resource.type === type && resource.id === id);
  if (!found)
    throw new Error(`no ${type} ${id} among ${resources.map((r) => `${r.type} ${r.id}`).join(", ")}`);
  return found;
}

describe("CloudFormation security groups", () => {
  it("become the describe-API shape, inline and separate rules together", async () => {
    const { resources } = await normalizeFixture("network.yaml");
    const bastion = find(resources, "AWS::EC2::SecurityGroup", "BastionSecurityGroup");
    expect(bastion).toMatchObject({ account: "000012345678", region: "unknown" });
    expect(bastion.arn).toBeUndefined();
    expect(bastion.properties).toMatchObject({
      GroupId: "BastionSecurityGroup",
      GroupName: "prod-bastion",
      Description: "Bastion hosts for prod",
      VpcId: { $unknown: "VpcId comes from parameter VpcId, which has no default" },
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: "10.20.0.0/16" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "SSH from anywhere" }],
        },
      ],
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      Tags: [{ Key: "Name", Value: "prod-bastion" }],
    });
    const legacy = find(resources, "AWS::EC2::SecurityGroup", "LegacySecurityGroup");
    expect(legacy.properties.IpPermissions).toMatchObject([
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
    ]);
    const app = find(resources, "AWS::EC2::SecurityGroup", "AppSecurityGroup");
    expect(app.properties.IpPermissions).toMatchObject([
      { FromPort: 8443, IpRanges: [{ CidrIp: "10.20.0.0/16" }] },
      { FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: "BastionSecurityGroup" }], IpRanges: [] },
      { FromPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    ]);
  });

  it("reads entries written with the same keys, in the same or another order, each by its own keys", () => {
    const text = JSON.stringify({
      Resources: {
        // A separate rule written before its group still joins it: groups are read first.
        Extra: {
          Type: "AWS::EC2::SecurityGroupIngress",
          Properties: {
            GroupId: { Ref: "First" },
            IpProtocol: "udp",
            FromPort: 53,
            ToPort: 53,
            CidrIp: "10.1.0.0/16",
          },
        },
        First: {
          Type: "AWS::EC2::SecurityGroup",
          Properties: {
            GroupDescription: "first",
            SecurityGroupIngress: [
              { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0" },
              { IpProtocol: "tcp", FromPort: 80, ToPort: 80, CidrIp: "10.0.0.0/8" },
              { CidrIp: "10.2.0.0/16", ToPort: 443, FromPort: 443, IpProtocol: "tcp" },
            ],
          },
        },
        Second: {
          Type: "AWS::EC2::SecurityGroup",
          Properties: {
            GroupDescription: "second",
            SecurityGroupIngress: [
              { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, CidrIpv6: "::/0" },
              { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: "0.0.0.0/0" },
            ],
          },
        },
      },
    });
    const { resources } = normalizeTemplate(
      readTemplate(parseJson(text) as MapNode),
      "t.json",
      PLACEHOLDERS,
      NORMALIZERS,
    );
    expect(find(resources, "AWS::EC2::SecurityGroup", "First").properties.IpPermissions).toEqual([
      perm("tcp", 22, { IpRanges: [{ CidrIp: "0.0.0.0/0" }] }),
      perm("tcp", 80, { IpRanges: [{ CidrIp: "10.0.0.0/8" }] }),
      perm("tcp", 443, { IpRanges: [{ CidrIp: "10.2.0.0/16" }] }),
      perm("udp", 53, { IpRanges: [{ CidrIp: "10.1.0.0/16" }] }),
    ]);
    expect(find(resources, "AWS::EC2::SecurityGroup", "Second").properties.IpPermissions).toEqual([
      perm("tcp", 3389, { Ipv6Ranges: [{ CidrIpv6: "::/0" }] }),
      perm("tcp", 22, { IpRanges: [{ CidrIp: "0.0.0.0/0" }] }),
    ]);
  });

  it("records where each property is written, in the group or in a separate rule", async () => {
    const { resources } = await normalizeFixture("network.yaml");
    const bastion = find(resources, "AWS::EC2::SecurityGroup", "BastionSecurityGroup");
    expect(bastion.source).toMatchObject({
      kind: "cloudformation",
      file: "templates/network.yaml",
      line: 35,
      column: 3,
      address: "BastionSecurityGroup",
    });
    expect(bastion.source.positions).toMatchObject({
      IpPermissions: { line: 41, column: 7 },
      "IpPermissions[1]": { line: 46, column: 11 },
      "IpPermissions[1].FromPort": { line: 47, column: 11 },
      "IpPermissions[1].IpRanges[0].CidrIp": { line: 49, column: 11 },
      GroupName: { line: 38, column: 7 },
    });
    const app = find(resources, "AWS::EC2::SecurityGroup", "AppSecurityGroup");
    expect(app.source.positions).toMatchObject({
      "IpPermissions[1]": { line: 105, column: 3 },
      "IpPermissions[1].UserIdGroupPairs[0].GroupId": { line: 112, column: 7 },
      "IpPermissions[2].IpRanges[0].CidrIp": { line: 121, column: 7 },
    });
  });

  it("writes each kind of entry in the describe shape, fields in the API's order", () => {
    const { resources } = normalizeText(`
Resources:
  Mixed:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: mixed
      SecurityGroupIngress:
        - { IpProtocol: 6, FromPort: "22", ToPort: " 23 ", CidrIpv6: "::/0", Description: ssh }
        - { SourceSecurityGroupName: admins, SourceSecurityGroupOwnerId: "111122223333", IpProtocol: "-1" }
        - { ToPort: 80, SourceSecurityGroupId: sg-1, SourceSecurityGroupName: ignored, SourcePrefixListId: pl-1 }
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationSecurityGroupId: sg-2, DestinationPrefixListId: pl-2, Description: out }
`);
    const mixed = find(resources, "AWS::EC2::SecurityGroup", "Mixed");
    expect(JSON.stringify(mixed.properties.IpPermissions)).toBe(
      JSON.stringify([
        {
          IpProtocol: "6",
          FromPort: 22,
          ToPort: 23,
          IpRanges: [],
          Ipv6Ranges: [{ CidrIpv6: "::/0", Description: "ssh" }],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
        {
          IpProtocol: "-1",
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [{ GroupName: "admins", UserId: "111122223333" }],
        },
        {
          ToPort: 80,
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [{ PrefixListId: "pl-1" }],
          UserIdGroupPairs: [{ GroupId: "sg-1" }],
        },
      ]),
    );
    expect(JSON.stringify(mixed.properties.IpPermissionsEgress)).toBe(
      JSON.stringify([
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [{ PrefixListId: "pl-2", Description: "out" }],
          UserIdGroupPairs: [{ GroupId: "sg-2", Description: "out" }],
        },
      ]),
    );
    expect(Object.keys(mixed.source.positions ?? {})).toEqual([
      "GroupName",
      "Description",
      "IpPermissions",
      "IpPermissions[0]",
      "IpPermissions[0].IpProtocol",
      "IpPermissions[0].FromPort",
      "IpPermissions[0].ToPort",
      "IpPermissions[0].Ipv6Ranges[0]",
      "IpPermissions[0].Ipv6Ranges[0].CidrIpv6",
      "IpPermissions[1]",
      "IpPermissions[1].IpProtocol",
      "IpPermissions[1].UserIdGroupPairs[0]",
      "IpPermissions[1].UserIdGroupPairs[0].GroupName",
      "IpPermissions[2]",
      "IpPermissions[2].ToPort",
      "IpPermissions[2].PrefixListIds[0]",
      "IpPermissions[2].PrefixListIds[0].PrefixListId",
      "IpPermissions[2].UserIdGroupPairs[0]",
      "IpPermissions[2].UserIdGroupPairs[0].GroupId",
      "IpPermissionsEgress",
      "IpPermissionsEgress[0]",
      "IpPermissionsEgress[0].IpProtocol",
      "IpPermissionsEgress[0].FromPort",
      "IpPermissionsEgress[0].ToPort",
      "IpPermissionsEgress[0].PrefixListIds[0]",
      "IpPermissionsEgress[0].PrefixListIds[0].PrefixListId",
      "IpPermissionsEgress[0].UserIdGroupPairs[0]",
      "IpPermissionsEgress[0].UserIdGroupPairs[0].GroupId",
    ]);
  });

  it("locates each permission at its own entry when an entry before it is left out", () => {
    const { resources } = normalizeText(`
Conditions:
  Never: !Equals [a, b]
Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - !If [Never, { IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0 }, !Ref AWS::NoValue]
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
`);
    const web = find(resources, "AWS::EC2::SecurityGroup", "Web");
    expect(web.properties.IpPermissions).toMatchObject([{ FromPort: 22 }]);
    expect(web.source.positions).toMatchObject({
      IpPermissions: { line: 9, column: 7 },
      "IpPermissions[0]": { line: 11, column: 11 },
      "IpPermissions[0].FromPort": { line: 12, column: 11 },
      "IpPermissions[0].IpRanges[0].CidrIp": { line: 14, column: 11 },
    });
  });

  it("keeps unknown values, and judges a rule whose group is elsewhere as a group of its own", async () => {
    const { resources, notes } = await normalizeFixture("network.yaml");
    expect(find(resources, "AWS::EC2::SecurityGroup", "AdminSecurityGroup").properties.IpPermissions).toEqual(
      [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [
            { CidrIp: { $unknown: "CidrIp comes from parameter AllowedCidr, which has no default" } },
          ],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
    );
    expect(find(resources, "AWS::EC2::SecurityGroup", "Ipv6SecurityGroup").properties.IpPermissions).toEqual([
      {
        $unknown:
          "SecurityGroupIngress depends on condition NeedsIpv6, which cannot be evaluated before deployment (AWS::Region is known only at deployment)",
      },
    ]);
    const shared = find(resources, "AWS::EC2::SecurityGroup", "SharedGroupSsh");
    expect(shared.properties).toMatchObject({
      GroupId: "SharedGroupSsh",
      IpPermissions: [{ FromPort: 22, IpRanges: [{ CidrIp: "203.0.113.0/24" }] }],
    });
    expect(resources.some((resource) => resource.id === "DevOnlyGroup")).toBe(false);
    // The last is BootstrapScript, an AWS::SSM::Parameter: no rule reads that type.
    expect(notes.map((note) => note.line)).toEqual([153, 137, 164, 169]);
  });

  it("joins a rule to a group named by a literal id only when that group is in the template", () => {
    const { resources } = normalizeText(`
Resources:
  Rule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: sg-0123456789abcdef0, IpProtocol: tcp, FromPort: "22", ToPort: "22", SourcePrefixListId: pl-1 }
  Egress:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: { GroupId: sg-0123456789abcdef0, IpProtocol: "6", FromPort: 443, ToPort: 443, DestinationSecurityGroupId: sg-9 }
`);
    expect(resources.map((resource) => [resource.id, resource.properties.GroupId])).toEqual([
      ["Rule", "sg-0123456789abcdef0"],
      ["Egress", "sg-0123456789abcdef0"],
    ]);
    expect(resources[0]!.properties.IpPermissions).toEqual([
      {
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [{ PrefixListId: "pl-1" }],
        UserIdGroupPairs: [],
      },
    ]);
    expect(resources[1]!.properties.IpPermissionsEgress).toEqual([
      {
        IpProtocol: "6",
        FromPort: 443,
        ToPort: 443,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: "sg-9" }],
      },
    ]);
  });

  it("joins a rule to a group it names by GroupName, or may name through a condition", () => {
    const { resources } = normalizeText(`
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Named:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupName: legacy-ssh, GroupDescription: default VPC }
  Maybe:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: maybe, VpcId: vpc-1 }
  ByName:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupName: legacy-ssh, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
  ByCondition:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !If [IsProd, !Ref Maybe, sg-0123456789abcdef0]
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      CidrIp: 0.0.0.0/0
`);
    const ssh = perm("tcp", 22, { IpRanges: [{ CidrIp: "0.0.0.0/0" }] });
    expect(find(resources, "AWS::EC2::SecurityGroup", "Named").properties.IpPermissions).toEqual([ssh]);
    expect(find(resources, "AWS::EC2::SecurityGroup", "Maybe").properties.IpPermissions).toEqual([ssh]);
    // The other group it may be is outside the template: the rule is still judged on its own.
    expect(find(resources, "AWS::EC2::SecurityGroup", "ByCondition").properties.IpPermissions).toEqual([ssh]);
    expect(resources.some((resource) => resource.id === "ByName")).toBe(false);
  });
});

describe("CloudFormation tags", () => {
  it("are text, as CloudFormation passes a key or value written as a number or a boolean", () => {
    const { resources } = normalizeText(`
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: tagged
      Tags: [{ Key: port, Value: 22 }, { Key: 7, Value: yes }, { Key: team, Value: ops }]
`);
    const group = find(resources, "AWS::EC2::SecurityGroup", "Group");
    expect(group.properties.Tags).toEqual([
      { Key: "port", Value: "22" },
      { Key: "7", Value: "true" },
      { Key: "team", Value: "ops" },
    ]);
    // Read as written, the group did not have its type's shape, and no rule could decide on it.
    expect(schemaShapeProblem(group)).toBeUndefined();
  });
});

describe("CloudFormation IAM", () => {
  it("gives roles their trust policy, inline and attached policies and instance profiles", async () => {
    const { resources } = await normalizeFixture("access.json");
    const app = find(resources, "AWS::IAM::Role", "app-instance-role");
    expect(app.region).toBe("global");
    expect(app.properties).toEqual({
      RoleName: "app-instance-role",
      Path: "/",
      Arn: "arn:aws:iam::000012345678:role/app-instance-role",
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      },
      RolePolicyList: [],
      AttachedManagedPolicies: [
        { PolicyName: "instance-core", PolicyArn: "arn:aws:iam::000012345678:policy/instance-core" },
      ],
      InstanceProfileList: [
        {
          InstanceProfileName: "AppInstanceProfile",
          Arn: "arn:aws:iam::000012345678:instance-profile/AppInstanceProfile",
          Path: "/",
          Roles: [
            {
              RoleName: "app-instance-role",
              Arn: "arn:aws:iam::000012345678:role/app-instance-role",
              Path: "/",
            },
          ],
        },
      ],
    });
    // A single trust statement is a list of one, and its position gains the [0].
    expect(app.source.positions?.["AssumeRolePolicyDocument.Statement[0]"]).toEqual({ line: 71, column: 11 });

    const policy = find(resources, "AWS::IAM::Policy", "arn:aws:iam::000012345678:policy/instance-core");
    expect(policy.properties).toMatchObject({
      PolicyName: "instance-core",
      Arn: "arn:aws:iam::000012345678:policy/instance-core",
      PolicyVersionList: [
        { VersionId: "v1", IsDefaultVersion: true, Document: { Statement: [{ Resource: "*" }] } },
      ],
    });

    const operator = find(resources, "AWS::IAM::Role", "session-operator");
    expect(operator.properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Sid: "Operators", Principal: { AWS: "arn:aws:iam::000012345678:root" } }],
    });
    expect(operator.properties.RolePolicyList).toMatchObject([
      {
        PolicyName: "start-sessions",
        PolicyDocument: {
          Statement: [
            { Sid: "StartSessions" },
            { Sid: "SessionKey", Resource: "arn:aws:kms:unknown:000012345678:key/SessionKey" },
          ],
        },
      },
    ]);
  });

  it("places policy statements where relations will list them", async () => {
    const { resources } = await normalizeFixture("access.json");
    const alice = find(resources, "AWS::IAM::User", "alice");
    expect(alice.properties).toMatchObject({
      GroupList: ["session-operators"],
      UserPolicyList: [],
      AttachedManagedPolicies: [],
    });
    // alice's only policy comes through her group: the group's managed policy, in the same file.
    expect(alice.source.positions?.["related.Policies[0].Document.Statement[1]"]).toEqual({
      line: 172,
      column: 13,
    });
    const operator = find(resources, "AWS::IAM::Role", "session-operator");
    expect(operator.source.positions?.["related.Policies[0].Document.Statement[0]"]).toEqual({
      line: 123,
      column: 17,
    });
  });

  it("never chooses between two equal keys of a policy document written as text", () => {
    const { resources } = normalizeText(`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [] }
      Policies:
        - PolicyName: sessions
          PolicyDocument: |
            {"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
              "Condition": {"Bool": {"aws:SecureTransport": "true"}},
              "Condition": {"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}}}]}
`);
    const role = find(resources, "AWS::IAM::Role", "Role");
    expect((role.properties.RolePolicyList as JsonObject[])[0]!.PolicyDocument).toEqual({
      $unknown:
        'PolicyDocument comes from the policy document, which writes the key "Condition" twice (again at line 3, column 3 of its text), and readers differ on which one counts',
    });
  });

  it("attaches policy resources to the principals they name, and notes the others", () => {
    const { resources, notes } = normalizeText(`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: '{"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}' }
  Group:
    Type: AWS::IAM::Group
  User:
    Type: AWS::IAM::User
  Membership:
    Type: AWS::IAM::UserToGroupAddition
    Properties: { GroupName: !Ref Group, Users: [!Ref User] }
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      PolicyDocument: { Statement: { Effect: Allow, Action: ssm:StartSession, Resource: "*" } }
      Roles: [!Ref Role, someone-else]
      Groups: [!Ref Group]
  RoleOnly:
    Type: AWS::IAM::RolePolicy
    Properties: { RoleName: !Ref Role, PolicyName: own, PolicyDocument: { Statement: [] } }
`);
    const role = find(resources, "AWS::IAM::Role", "Role");
    expect(role.properties.AssumeRolePolicyDocument).toEqual({
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    expect(role.properties.RolePolicyList).toEqual([
      {
        PolicyName: "shared",
        PolicyDocument: { Statement: [{ Effect: "Allow", Action: "ssm:StartSession", Resource: "*" }] },
      },
      { PolicyName: "own", PolicyDocument: { Statement: [] } },
    ]);
    expect(find(resources, "AWS::IAM::Group", "Group").properties.GroupPolicyList).toHaveLength(1);
    expect(find(resources, "AWS::IAM::User", "User").properties.GroupList).toEqual(["Group"]);
    expect(notes).toEqual([
      {
        line: 13,
        message:
          "Inline applies to role someone-else, which is not in the template; that principal is not checked",
      },
    ]);
  });

  it("gives a policy to the principal it names in another case, as IAM finds names regardless of case", () => {
    const { resources, notes } = normalizeText(`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: SessionOperator
      AssumeRolePolicyDocument: { Statement: [] }
  User:
    Type: AWS::IAM::User
    Properties: { UserName: Alice }
  Sessions:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: sessionoperator
      PolicyName: sessions
      PolicyDocument: { Statement: [{ Effect: Allow, Action: ssm:StartSession, Resource: "*" }] }
  Shared:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: shared
      PolicyDocument: { Statement: [] }
      Users: [ALICE]
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: { InstanceProfileName: ops, Roles: [SESSIONOPERATOR] }
`);
    expect(notes).toEqual([]);
    // Listed under the role's own name, by which relations find the role for the instance.
    expect(find(resources, "AWS::IAM::InstanceProfile", "ops").properties.Roles).toMatchObject([
      { RoleName: "SessionOperator", Arn: "arn:aws:iam::000012345678:role/SessionOperator" },
    ]);
    expect(find(resources, "AWS::IAM::Role", "SessionOperator").properties.RolePolicyList).toEqual([
      {
        PolicyName: "sessions",
        PolicyDocument: { Statement: [{ Effect: "Allow", Action: "ssm:StartSession", Resource: "*" }] },
      },
    ]);
    expect(find(resources, "AWS::IAM::User", "Alice").properties.UserPolicyList).toHaveLength(1);
  });
});

describe("CloudFormation instances", () => {
  it("carry their key pair, profile ARN, groups and whether they get a public IP", async () => {
    const { resources } = await normalizeFixture("access.json");
    const bastion = find(resources, "AWS::EC2::Instance", "BastionHost");
    expect(bastion.properties).toMatchObject({
      InstanceId: "BastionHost",
      State: { Name: "running" },
      KeyName: { $unknown: "KeyName comes from parameter KeyName, which has no default" },
      PublicIpAddress: "(assigned at launch)",
      SecurityGroups: [{ GroupId: "BastionSecurityGroup", GroupName: "bastion" }],
    });
    expect(bastion.properties.IamInstanceProfile).toBeUndefined();
    const app = find(resources, "AWS::EC2::Instance", "AppServer");
    expect(app.properties).toMatchObject({
      KeyName: "ops-shared",
      IamInstanceProfile: { Arn: "arn:aws:iam::000012345678:instance-profile/AppInstanceProfile" },
    });
    expect(app.properties.PublicIpAddress).toBeUndefined();
    expect(find(resources, "AWS::SSM::ManagedInstanceInventory", "AppServer").properties.PingStatus).toEqual({
      $unknown:
        "whether the SSM Agent of AppServer registers with Systems Manager is known only once the instance runs",
    });
  });

  it.each([
    [
      "a subnet outside the template",
      "SubnetId: subnet-1",
      {
        $unknown: expect.stringMatching(
          /^PublicIpAddress depends on subnet subnet-1, which is not in the template/,
        ),
      },
    ],
    ["no subnet (the default VPC)", "ImageId: ami-1", "(assigned at launch in the default VPC)"],
    ["an Elastic IP", "SubnetId: !Ref Subnet", "(Elastic IP Address)"],
    ["a public subnet in the template", "SubnetId: !Ref PublicSubnet", "(assigned at launch)"],
    ["a private subnet in the template", "SubnetId: !Ref Subnet", undefined],
  ])("decide the public IP from %s", (name, line, expected) => {
    const eip =
      name === "an Elastic IP"
        ? "\n  Address:\n    Type: AWS::EC2::EIP\n    Properties: { InstanceId: !Ref Host }"
        : "";
    const { resources } = normalizeText(`
Resources:
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: vpc-1, CidrBlock: 10.0.0.0/24 }
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: vpc-1, CidrBlock: 10.0.1.0/24, MapPublicIpOnLaunch: true }
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ${line}${eip}
`);
    expect(find(resources, "AWS::EC2::Instance", "Host").properties.PublicIpAddress).toEqual(expected);
  });

  it.each([
    [
      'MapPublicIpOnLaunch: "TRUE"',
      "SubnetId: !Ref Subnet",
      /^MapPublicIpOnLaunch "TRUE" is neither true nor false$/,
    ],
    [
      'MapPublicIpOnLaunch: "yes"',
      "SubnetId: !Ref Subnet",
      /^MapPublicIpOnLaunch "yes" is neither true nor false$/,
    ],
    [
      'AssociatePublicIpAddress: "TRUE"',
      'NetworkInterfaces: [{ DeviceIndex: "0", SubnetId: !Ref Subnet, AssociatePublicIpAddress: "TRUE" }]',
      /^AssociatePublicIpAddress "TRUE" is neither true nor false$/,
    ],
    [
      "two interfaces at device index 0",
      'NetworkInterfaces: [{ DeviceIndex: "0", SubnetId: !Ref Subnet, AssociatePublicIpAddress: false }, { DeviceIndex: 0, SubnetId: !Ref Subnet, AssociatePublicIpAddress: true }]',
      /^PublicIpAddress depends on Host, which lists more than one network interface that may be at device index 0$/,
    ],
  ])("leave the public IP unknown, never private, given %s", (written, line, reason) => {
    const mapPublic = written.startsWith("MapPublicIpOnLaunch") ? `, ${written}` : "";
    const { resources } = normalizeText(`
Resources:
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: vpc-1, CidrBlock: 10.0.0.0/24${mapPublic} }
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ${line}
`);
    expect(find(resources, "AWS::EC2::Instance", "Host").properties.PublicIpAddress).toEqual({
      $unknown: expect.stringMatching(reason),
    });
  });

  it("take an Elastic IP's instance by Fn::GetAtt, and one decided by a condition as maybe theirs", () => {
    const { resources } = normalizeText(`
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: vpc-1, CidrBlock: 10.0.0.0/24 }
  ByAttribute:
    Type: AWS::EC2::Instance
    Properties: { SubnetId: !Ref Subnet }
  ByCondition:
    Type: AWS::EC2::Instance
    Properties: { SubnetId: !Ref Subnet }
  Unrelated:
    Type: AWS::EC2::Instance
    Properties: { SubnetId: !Ref Subnet }
  AttributeAddress:
    Type: AWS::EC2::EIP
    Properties: { InstanceId: !GetAtt ByAttribute.InstanceId }
  ConditionAddress:
    Type: AWS::EC2::EIPAssociation
    Properties: { InstanceId: !If [IsProd, !Ref ByCondition, !Ref AWS::NoValue] }
`);
    const address = (id: string) => find(resources, "AWS::EC2::Instance", id).properties.PublicIpAddress;
    expect(address("ByAttribute")).toBe("(Elastic IP AttributeAddress)");
    expect(address("ByCondition")).toEqual({
      $unknown: expect.stringMatching(
        /^PublicIpAddress depends on Elastic IP ConditionAddress, which may be associated with ByCondition \(condition IsProd/,
      ),
    });
    expect(address("Unrelated")).toBeUndefined();
  });

  it("take the first address in the template that names them or may name them", () => {
    // Addresses are indexed by instance as lookups reach them: the template's order must still
    // decide between one that names an instance and one decided at deployment that may name it.
    const { resources } = normalizeText(`
Parameters:
  Env: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Late:
    Type: AWS::EC2::Instance
    Properties: { SubnetId: subnet-1 }
  Early:
    Type: AWS::EC2::Instance
    Properties: { SubnetId: subnet-1 }
  Both:
    Type: AWS::EC2::Instance
    Properties: { SubnetId: subnet-1 }
  ForLate:
    Type: AWS::EC2::EIP
    Properties: { InstanceId: !Ref Late }
  MaybeEarlyOrBoth:
    Type: AWS::EC2::EIPAssociation
    Properties: { InstanceId: !If [IsProd, !Ref Early, !Ref Both] }
  ForEarly:
    Type: AWS::EC2::EIP
    Properties: { InstanceId: !Ref Early }
  ForBoth:
    Type: AWS::EC2::EIP
    Properties: { InstanceId: !Ref Both }
`);
    const address = (id: string) => find(resources, "AWS::EC2::Instance", id).properties.PublicIpAddress;
    expect(address("Late")).toBe("(Elastic IP ForLate)");
    expect(address("Early")).toEqual({
      $unknown: expect.stringMatching(
        /^PublicIpAddress depends on Elastic IP MaybeEarlyOrBoth, which may be/,
      ),
    });
    expect(address("Both")).toEqual({
      $unknown: expect.stringMatching(
        /^PublicIpAddress depends on Elastic IP MaybeEarlyOrBoth, which may be/,
      ),
    });
  });

  it("are in their VPC's default group, unknown here, when given no group or an empty list", () => {
    const { resources } = normalizeText(`
Resources:
  NoGroup:
    Type: AWS::EC2::Instance
    Properties: { ImageId: ami-1 }
  EmptyList:
    Type: AWS::EC2::Instance
    Properties: { ImageId: ami-1, SecurityGroupIds: [] }
  NoValue:
    Type: AWS::EC2::Instance
    Properties: { ImageId: ami-1, SecurityGroupIds: !Ref AWS::NoValue }
`);
    // Never no group at all: every rule over an instance's groups would hold for none.
    for (const id of ["NoGroup", "EmptyList", "NoValue"]) {
      const groups = find(resources, "AWS::EC2::Instance", id).properties.SecurityGroups as JsonObject[];
      expect(groups, id).toHaveLength(1);
      expect(isUnknown(groups[0]!.GroupId), id).toBe(true);
    }
  });

  it("take what a launch template in the same template supplies", () => {
    const { resources } = normalizeText(`
Resources:
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        KeyName: legacy
        IamInstanceProfile: { Name: web-profile }
        SecurityGroupIds: [sg-1]
        NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: false }]
  Host:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateId: !Ref Template, Version: "1" }
  Elsewhere:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateName: shared-template, Version: "1" }
`);
    expect(find(resources, "AWS::EC2::Instance", "Host").properties).toMatchObject({
      KeyName: "legacy",
      IamInstanceProfile: { Arn: "arn:aws:iam::000012345678:instance-profile/web-profile" },
      SecurityGroups: [{ GroupId: "sg-1" }],
    });
    expect(find(resources, "AWS::EC2::Instance", "Host").properties.PublicIpAddress).toBeUndefined();
    expect(find(resources, "AWS::EC2::Instance", "Elsewhere").properties.KeyName).toEqual({
      $unknown: "KeyName may come from launch template shared-template, which is not in the template",
    });
  });
  it("take the first launch template in the template whose logical id or name the instance gives", () => {
    // Each lookup after the first goes through an index of the names resolved so far: the order
    // of the template must still decide between a logical id and a name that are the same text.
    const { resources } = normalizeText(`
Resources:
  Early:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: Late
      LaunchTemplateData: { KeyName: from-early }
  Late:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: late-name
      LaunchTemplateData: { KeyName: from-late }
  ByLateName:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateName: late-name, Version: "1" }
  ByEitherFirst:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateName: Late, Version: "1" }
  ByEarlyId:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateId: !Ref Early, Version: "1" }
  ByNone:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateName: absent, Version: "1" }
`);
    const keyOf = (id: string) => find(resources, "AWS::EC2::Instance", id).properties.KeyName;
    expect(keyOf("ByLateName")).toBe("from-late");
    expect(keyOf("ByEitherFirst")).toBe("from-early");
    expect(keyOf("ByEarlyId")).toBe("from-early");
    expect(keyOf("ByNone")).toEqual({
      $unknown: "KeyName may come from launch template absent, which is not in the template",
    });
  });
});

describe("CloudFormation SSM documents", () => {
  it("parse content given as an object, as JSON text or as YAML text", () => {
    const { resources } = normalizeText(`
Resources:
  AsObject:
    Type: AWS::SSM::Document
    Properties: { Name: SSM-SessionManagerRunShell, DocumentType: Session, Content: { inputs: { s3BucketName: logs } } }
  AsJson:
    Type: AWS::SSM::Document
    Properties: { Name: json-doc, DocumentType: Session, Content: '{"inputs": {"runAsEnabled": true}}' }
  AsYaml:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Session
      DocumentFormat: YAML
      Content: |
        inputs:
          idleSessionTimeout: "20"
`);
    expect(
      resources.map((resource) => [resource.id, resource.properties.Name, resource.properties.Content]),
    ).toEqual([
      ["SSM-SessionManagerRunShell", "SSM-SessionManagerRunShell", { inputs: { s3BucketName: "logs" } }],
      ["json-doc", "json-doc", { inputs: { runAsEnabled: true } }],
      ["AsYaml", "AsYaml", { inputs: { idleSessionTimeout: "20" } }],
    ]);
    expect(resources[0]!.source.positions?.["Content.inputs.s3BucketName"]).toEqual({ line: 5, column: 97 });
  });

  it("parse document content with the YAML limits of every other input", () => {
    const content = ["shared: &shared standard", "inputs:"];
    for (let index = 0; index < 150; index += 1) content.push(`  key${index}: *shared`);
    const { resources } = normalizeText(`
Resources:
  Preferences:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Session
      DocumentFormat: YAML
      Content: ${JSON.stringify(content.join("\n"))}
  Duplicated:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Session
      DocumentFormat: YAML
      Content: "inputs:\\n  a: 1\\n  a: 2\\n"
`);
    expect((resources[0]!.properties.Content as { inputs: Record<string, string> }).inputs.key149).toBe(
      "standard",
    );
    expect(resources[1]!.properties.Content).toEqual({
      $unknown:
        'Content comes from the document content, which is not valid YAML: duplicate key "a" (first written at line 2) (line 3, column 3 of the content)',
    });
  });
});

describe("normalizers loaded with the first template that needs them", () => {
  const template = `
Resources:
  Preferences:
    Type: AWS::SSM::Document
    Properties: { DocumentType: Session, Content: '{"inputs": {}}' }
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: true, S3BucketName: logs }
`;
  const read = (table: Awaited<ReturnType<typeof normalizersFor>>) =>
    normalizeTemplate(
      readTemplate(parseCloudFormationYaml(template).value as MapNode),
      "t.yaml",
      PLACEHOLDERS,
      table,
    );

  it("are loaded for the types a template has, and the template's resources are all read", async () => {
    const table = await normalizersFor(["AWS::SSM::Document", "AWS::CloudTrail::Trail"]);
    expect(read(table).resources.map((resource) => resource.type)).toEqual([
      "AWS::SSM::Document",
      "AWS::CloudTrail::Trail",
    ]);
  });

  it("refuse a template read with a table made for other types, rather than leave its resources out", async () => {
    const table = await normalizersFor(["AWS::EC2::SecurityGroup"]);
    expect(() => read(table)).toThrow(/AWS::SSM::Document was not loaded/);
  });
});

describe("placeholder accounts", () => {
  it("differ between files and stay the same from run to run", () => {
    expect(placeholderAccount("templates/a.yaml")).toMatch(/^0000\d{8}$/);
    expect(placeholderAccount("templates/a.yaml")).toBe(placeholderAccount("templates\\a.yaml"));
    expect(placeholderAccount("templates/a.yaml")).not.toBe(placeholderAccount("templates/b.yaml"));
  });
});

describe("every property of a type the tool reads", () => {
  it("maps an instance's properties to the describe-instances shape", () => {
    const { resources } = normalizeText(`
Resources:
  Host:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: t3.micro
      ImageId: ami-123
      KeyName: ops
      SubnetId: subnet-1
      PrivateIpAddress: 10.0.0.5
      EbsOptimized: true
      SourceDestCheck: false
      Monitoring: true
      AvailabilityZone: eu-west-1a
      Tenancy: dedicated
      PlacementGroupName: cluster
      SecurityGroupIds: [sg-1]
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs: { VolumeSize: 20, DeleteOnTermination: false }
        - DeviceName: /dev/sdb
          VirtualName: ephemeral0
      Tags: [{ Key: team, Value: ops }]
      SsmAssociations: [{ DocumentName: setup }]
`);
    const host = find(resources, "AWS::EC2::Instance", "Host");
    expect(host.properties).toMatchObject({
      InstanceType: "t3.micro",
      ImageId: "ami-123",
      KeyName: "ops",
      SubnetId: "subnet-1",
      PrivateIpAddress: "10.0.0.5",
      EbsOptimized: true,
      SourceDestCheck: false,
      Monitoring: { State: "enabled" },
      Placement: { AvailabilityZone: "eu-west-1a", Tenancy: "dedicated", GroupName: "cluster" },
      SecurityGroups: [{ GroupId: "sg-1" }],
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { DeleteOnTermination: false } }],
      Tags: [{ Key: "team", Value: "ops" }],
    });
    // A property the tool does not map stays, as a value that cannot be decided on.
    expect(host.properties.SsmAssociations).toEqual({
      $unknown:
        "AWS::EC2::Instance property SsmAssociations is not read by this tool, so its value as AWS describes it is not known",
    });
    expect(host.source.positions?.SsmAssociations?.line).toBe(24);
  });

  it("takes an instance's metadata options from its launch template, and never leaves them out", () => {
    const { resources } = normalizeText(`
Resources:
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions: { HttpTokens: required, HttpPutResponseHopLimit: 1 }
        Monitoring: { Enabled: true }
  Defaults:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        InstanceType: t3.small
  Host:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateId: !Ref Template, Version: "1" }
  OnDefaults:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateId: !Ref Defaults, Version: "1" }
  Elsewhere:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: { LaunchTemplateName: shared-template, Version: "1" }
  Bare:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123
`);
    const host = find(resources, "AWS::EC2::Instance", "Host");
    expect(host.properties.MetadataOptions).toMatchObject({
      HttpTokens: "required",
      HttpPutResponseHopLimit: 1,
    });
    expect(host.properties.Monitoring).toEqual({ State: "enabled" });
    expect(host.source.positions?.["MetadataOptions.HttpTokens"]?.line).toBe(7);
    const defaults = "the AMI and the account's instance metadata defaults, which are not in the template";
    expect(find(resources, "AWS::EC2::Instance", "OnDefaults").properties).toMatchObject({
      InstanceType: "t3.small",
      MetadataOptions: { HttpTokens: { $unknown: `HttpTokens depends on ${defaults}` } },
    });
    expect(find(resources, "AWS::EC2::Instance", "Elsewhere").properties).toMatchObject({
      MetadataOptions: {
        $unknown: "MetadataOptions come from launch template shared-template, which is not in the template",
      },
      InstanceType: {
        $unknown: "InstanceType may come from launch template shared-template, which is not in the template",
      },
    });
    expect(find(resources, "AWS::EC2::Instance", "Bare").properties.MetadataOptions).toEqual({
      $unknown:
        "MetadataOptions depends on the AMI and the account's instance metadata defaults, which are not in the template (Bare has no launch template to set them)",
    });
  });

  it("maps IAM principals' boundaries, tags, descriptions and login profiles as IAM describes them", () => {
    const { resources } = normalizeText(`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Path: /app/
      MaxSessionDuration: 7200
      Description: The app
      PermissionsBoundary: arn:aws:iam::aws:policy/PowerUserAccess
      Tags: [{ Key: team, Value: app }]
      AssumeRolePolicyDocument: { Statement: [] }
  Person:
    Type: AWS::IAM::User
    Properties:
      PermissionsBoundary: arn:aws:iam::aws:policy/ReadOnlyAccess
      LoginProfile: { Password: not-shown, PasswordResetRequired: true }
      Tags: [{ Key: team, Value: ops }]
  Team:
    Type: AWS::IAM::Group
    Properties:
      Path: /teams/
`);
    expect(find(resources, "AWS::IAM::Role", "Role").properties).toMatchObject({
      Path: "/app/",
      MaxSessionDuration: 7200,
      Description: "The app",
      PermissionsBoundary: {
        PermissionsBoundaryType: "Policy",
        PermissionsBoundaryArn: "arn:aws:iam::aws:policy/PowerUserAccess",
      },
      Tags: [{ Key: "team", Value: "app" }],
    });
    const person = find(resources, "AWS::IAM::User", "Person").properties;
    expect(person).toMatchObject({
      PermissionsBoundary: { PermissionsBoundaryArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
      LoginProfile: { UserName: "Person", PasswordResetRequired: true },
      Tags: [{ Key: "team", Value: "ops" }],
    });
    expect(JSON.stringify(person)).not.toContain("not-shown");
    expect(find(resources, "AWS::IAM::Group", "Team").properties.Path).toBe("/teams/");
  });
});

describe("resources of types no rule reads", () => {
  it("are noted as not checked, and counted", () => {
    const { resources, notes, notChecked } = normalizeText(`
Resources:
  Fn:
    Type: AWS::Lambda::Function
  Thing:
    Type: Acme::Foo::Bar
  Vpc:
    Type: My::Org::Network::MODULE
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties: { LaunchTemplateData: {} }
`);
    expect(resources).toEqual([]);
    expect(notChecked).toBe(3);
    expect(notes).toEqual([
      { line: 3, message: "Fn (AWS::Lambda::Function) is not checked: no rule reads this type" },
      { line: 5, message: "Thing (Acme::Foo::Bar) is not checked: no rule reads this type" },
      {
        line: 7,
        message:
          "Vpc (My::Org::Network::MODULE) is a registry module, expanded at deployment; the resources it adds are not checked",
      },
    ]);
  });
});

describe("values written in a template", () => {
  it("pass through as written, for the rules to judge (an invalid CIDR is not corrected or dropped)", () => {
    const { resources } = normalizeText(`
Resources:
  Admin:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/00 }
`);
    expect(find(resources, "AWS::EC2::SecurityGroup", "Admin").properties.IpPermissions).toEqual([
      expect.objectContaining({ IpRanges: [{ CidrIp: "0.0.0.0/00" }] }),
    ]);
  });
});

describe("transforms", () => {
  it("note what a macro adds, but not the language extensions this tool applies itself", () => {
    const text = (transform: string) => `
Transform: ${transform}
Resources:
  Fn::ForEach::Groups:
    - Name
    - [A]
    - \${Name}Group: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: x } }
`;
    expect(normalizeText(text("AWS::LanguageExtensions")).notes).toEqual([]);
    expect(normalizeText(text("[AWS::LanguageExtensions, Acme-Macro]")).notes).toEqual([
      { message: "uses the transform Acme-Macro; resources it adds at deployment are not checked" },
    ]);
  });
});

describe("security group rule positions", () => {
  it("locate each part of each kind of rule at the key it is written at", () => {
    const text = [
      "{",
      '  "Resources": {',
      '    "Sg": {',
      '      "Type": "AWS::EC2::SecurityGroup",',
      '      "Properties": {',
      '        "GroupDescription": "mixed",',
      '        "SecurityGroupIngress": [',
      '          {"SourceSecurityGroupName": "peers", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22},',
      '          {"IpProtocol": "-1", "CidrIpv6": "::/0", "Description": "v6"},',
      '          {"IpProtocol": "tcp", "ToPort": 443, "SourcePrefixListId": "pl-1", "FromPort": 443}',
      "        ],",
      '        "SecurityGroupEgress": [',
      '          {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "DestinationSecurityGroupId": "sg-db"},',
      '          {"DestinationPrefixListId": "pl-2", "IpProtocol": "-1"}',
      "        ]",
      "      }",
      "    }",
      "  }",
      "}",
    ].join("\n");
    const { resources } = normalizeTemplate(
      readTemplate(parseJson(text) as MapNode),
      "t.json",
      PLACEHOLDERS,
      NORMALIZERS,
    );
    const at = (line: number, key: string) => ({
      line,
      column: text.split("\n")[line - 1]!.indexOf(`"${key}"`) + 1,
    });
    expect(find(resources, "AWS::EC2::SecurityGroup", "Sg").source.positions).toMatchObject({
      "IpPermissions[0]": { line: 8, column: 11 },
      "IpPermissions[0].IpProtocol": at(8, "IpProtocol"),
      "IpPermissions[0].ToPort": at(8, "ToPort"),
      "IpPermissions[0].UserIdGroupPairs[0]": at(8, "SourceSecurityGroupName"),
      "IpPermissions[0].UserIdGroupPairs[0].GroupName": at(8, "SourceSecurityGroupName"),
      "IpPermissions[1].IpProtocol": at(9, "IpProtocol"),
      "IpPermissions[1].Ipv6Ranges[0]": at(9, "CidrIpv6"),
      "IpPermissions[1].Ipv6Ranges[0].CidrIpv6": at(9, "CidrIpv6"),
      "IpPermissions[2].FromPort": at(10, "FromPort"),
      "IpPermissions[2].ToPort": at(10, "ToPort"),
      "IpPermissions[2].PrefixListIds[0].PrefixListId": at(10, "SourcePrefixListId"),
      "IpPermissionsEgress[0].FromPort": at(13, "FromPort"),
      "IpPermissionsEgress[0].UserIdGroupPairs[0].GroupId": at(13, "DestinationSecurityGroupId"),
      "IpPermissionsEgress[1].IpProtocol": at(14, "IpProtocol"),
      "IpPermissionsEgress[1].PrefixListIds[0]": at(14, "DestinationPrefixListId"),
    });
    const paths = Object.keys(find(resources, "AWS::EC2::SecurityGroup", "Sg").source.positions ?? {});
    expect(paths).not.toContain("IpPermissions[1].FromPort");
    expect(paths).not.toContain("IpPermissions[0].UserIdGroupPairs[0].GroupId");
  });
});

describe("security group rule list positions", () => {
  it("locate a rule list at its key, and rules a function makes where the list is written", () => {
    const text = [
      "{",
      '  "Conditions": {"InIreland": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}},',
      '  "Resources": {',
      '    "Written": {',
      '      "Type": "AWS::EC2::SecurityGroup",',
      '      "Properties": {',
      '        "GroupDescription": "written",',
      '        "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]',
      "      }",
      "    },",
      '    "Made": {',
      '      "Type": "AWS::EC2::SecurityGroup",',
      '      "Properties": {',
      '        "GroupDescription": "made",',
      '        "SecurityGroupIngress": {"Fn::If": ["InIreland", [{"IpProtocol": "-1"}], [{"IpProtocol": "-1"}]]}',
      "      }",
      "    }",
      "  }",
      "}",
    ].join("\n");
    const { resources } = normalizeTemplate(
      readTemplate(parseJson(text) as MapNode),
      "t.json",
      PLACEHOLDERS,
      NORMALIZERS,
    );
    expect(find(resources, "AWS::EC2::SecurityGroup", "Written").source.positions).toMatchObject({
      IpPermissions: { line: 8, column: 9 },
      "IpPermissions[0]": { line: 8, column: 34 },
    });
    expect(find(resources, "AWS::EC2::SecurityGroup", "Made").source.positions).toMatchObject({
      IpPermissions: { line: 15, column: 9 },
      "IpPermissions[0]": { line: 15, column: 9 },
    });
  });
});

describe("security group rules of several shapes in a JSON template", () => {
  it("locate each part at its own key, whichever shape was read before", () => {
    const group = (id: string, entry: string): string =>
      `    "${id}": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "${id}", "SecurityGroupIngress": [${entry}]}}`;
    const ports = '{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"}';
    const lines = [
      "{",
      '  "Resources": {',
      group("A", ports) + ",",
      group("B", '{"CidrIpv6": "::/0", "IpProtocol": "-1"}') + ",",
      group("C", ports) + ",",
      group("D", '{"CidrIp": "10.0.0.0/8", "ToPort": 22, "IpProtocol": "tcp", "FromPort": 22}') + ",",
      group("E", ports),
      "  }",
      "}",
    ];
    const { resources } = normalizeTemplate(
      readTemplate(parseJson(lines.join("\n")) as MapNode),
      "t.json",
      PLACEHOLDERS,
      NORMALIZERS,
    );
    const at = (line: number, key: string) => ({ line, column: lines[line - 1]!.indexOf(`"${key}"`) + 1 });
    const located = (line: number, parts: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(parts).map(([path, key]) => [`IpPermissions[0].${path}`, at(line, key)]),
      );
    const withPorts = {
      IpProtocol: "IpProtocol",
      FromPort: "FromPort",
      ToPort: "ToPort",
      "IpRanges[0]": "CidrIp",
      "IpRanges[0].CidrIp": "CidrIp",
    };
    for (const [id, line] of [
      ["A", 3],
      ["C", 5],
      ["D", 6],
      ["E", 7],
    ] as const)
      expect(find(resources, "AWS::EC2::SecurityGroup", id).source.positions).toMatchObject(
        located(line, withPorts),
      );
    expect(find(resources, "AWS::EC2::SecurityGroup", "B").source.positions).toMatchObject(
      located(4, {
        IpProtocol: "IpProtocol",
        "Ipv6Ranges[0]": "CidrIpv6",
        "Ipv6Ranges[0].CidrIpv6": "CidrIpv6",
      }),
    );
  });
});

describe("language extensions in a JSON template", () => {
  it("locate what a loop writes where the loop writes it", () => {
    const text = [
      "{",
      '  "Transform": "AWS::LanguageExtensions",',
      '  "Resources": {',
      '    "Fn::ForEach::Groups": ["Name", ["Web", "Db"], {',
      '      "${Name}Group": {',
      '        "Type": "AWS::EC2::SecurityGroup",',
      '        "Properties": {',
      '          "GroupDescription": "${Name} servers",',
      '          "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"}]',
      "        }",
      "      }",
      "    }]",
      "  }",
      "}",
    ].join("\n");
    const { resources } = normalizeTemplate(
      readTemplate(parseJson(text) as MapNode),
      "t.json",
      PLACEHOLDERS,
      NORMALIZERS,
    );
    const group = find(resources, "AWS::EC2::SecurityGroup", "DbGroup");
    expect(group.properties.Description).toBe("Db servers");
    expect(group.source.line).toBe(5);
    expect(group.source.positions).toMatchObject({
      Description: { line: 8, column: 11 },
      "IpPermissions[0].IpRanges[0].CidrIp": { line: 9 },
    });
  });
});

describe("CloudFormation trails and event rules", () => {
  const template = `
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties: { TopicName: session-alerts }
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      TrailName: management-events
      IsLogging: "true"
      IsMultiRegionTrail: true
      S3BucketName: trail-bucket
      EventSelectors:
        - { ReadWriteType: WriteOnly, IncludeManagementEvents: "true" }
      InsightSelectors: [{ InsightType: ApiCallRateInsight }]
  DefaultTrail:
    Type: AWS::CloudTrail::Trail
    Properties: { IsLogging: false, S3BucketName: trail-bucket }
  ObjectRule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [aws.ssm]
        detail-type: [AWS API Call via CloudTrail]
        detail: { eventName: [StartSession] }
      Targets: [{ Id: notify, Arn: !Ref Topic }]
  TextRule:
    Type: AWS::Events::Rule
    Properties:
      Name: text-pattern
      State: DISABLED
      EventBusName: security
      EventPattern: '{"source": ["aws.ssm"]}'
`;

  it("reads a trail as the describe APIs show it, CloudFormation's defaults included", () => {
    const { resources } = normalizeText(template);
    const trail = find(resources, "AWS::CloudTrail::Trail", "management-events");
    expect(trail.properties).toMatchObject({
      Name: "management-events",
      IsLogging: true,
      IsMultiRegionTrail: true,
      IsOrganizationTrail: false,
      S3BucketName: "trail-bucket",
      EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }],
      InsightSelectors: { $unknown: expect.stringContaining("InsightSelectors") as unknown },
    });
    expect(trail.source.positions?.IsLogging?.line).toBe(10);
    const defaults = find(resources, "AWS::CloudTrail::Trail", "DefaultTrail");
    expect(defaults.properties).toMatchObject({ IsLogging: false, IsMultiRegionTrail: false });
    expect(defaults.properties.EventSelectors).toBeUndefined();
  });

  it("reads an event rule's pattern written as an object or as JSON text", () => {
    const { resources } = normalizeText(template);
    expect(find(resources, "AWS::Events::Rule", "ObjectRule").properties).toEqual({
      Name: "ObjectRule",
      State: "ENABLED",
      EventPattern: {
        source: ["aws.ssm"],
        "detail-type": ["AWS API Call via CloudTrail"],
        detail: { eventName: ["StartSession"] },
      },
      Targets: [{ Id: "notify", Arn: "arn:aws:sns:unknown:000012345678:session-alerts" }],
    });
    expect(find(resources, "AWS::Events::Rule", "text-pattern").properties).toEqual({
      Name: "text-pattern",
      State: "DISABLED",
      EventBusName: "security",
      EventPattern: { source: ["aws.ssm"] },
      Targets: [],
    });
  });
  it("leaves a trail's logging and a rule's state unknown when a condition that cannot be evaluated decides whether they exist", () => {
    // The alert they make counts only if they are created; read as created, a stack whose
    // parameter turns them off passed session-start-alerting.
    const { resources } = normalizeText(`
Parameters:
  Alerts: { Type: String }
Conditions:
  WantAlerts: !Equals [!Ref Alerts, "yes"]
  Never: !Equals ["a", "b"]
Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Condition: WantAlerts
    Properties: { IsLogging: true, IsMultiRegionTrail: true, S3BucketName: b }
  Alert:
    Type: AWS::Events::Rule
    Condition: WantAlerts
    Properties:
      State: ENABLED
      EventPattern: { source: [aws.ssm] }
      Targets: [{ Id: notify, Arn: arn:aws:sns:us-east-1:111122223333:t }]
  Skipped:
    Type: AWS::Events::Rule
    Condition: Never
    Properties: { EventPattern: { source: [aws.ssm] } }
`);
    const unsure = {
      $unknown: expect.stringMatching(/resource Trail, which is created only under condition WantAlerts/),
    };
    expect(find(resources, "AWS::CloudTrail::Trail", "Trail").properties).toMatchObject({
      IsLogging: unsure,
      IsMultiRegionTrail: true,
    });
    expect(find(resources, "AWS::Events::Rule", "Alert").properties).toMatchObject({
      State: {
        $unknown: expect.stringMatching(/resource Alert, which is created only under condition WantAlerts/),
      },
      Targets: [{ Id: "notify" }],
    });
    expect(resources.some((resource) => resource.id === "Skipped")).toBe(false);
  });
});
