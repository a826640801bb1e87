import { describe, expect, it } from "vitest";
import { Resolver } from "../../../src/sources/cloudformation/intrinsics.js";
import { readTemplate } from "../../../src/sources/cloudformation/template.js";
import { parseCloudFormationYaml } from "../../../src/sources/cloudformation/yaml.js";
import { member, type MapNode } from "../../../src/sources/positioned/node.js";

const PLACEHOLDERS = { account: "000012345678", region: "unknown", partition: "aws", stackName: "web" };

const TEMPLATE = `
Parameters:
  Environment: { Type: String, Default: prod }
  Cidr: { Type: String }
  Ports: { Type: CommaDelimitedList, Default: "22, 3389" }
  Ami: { Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/service/ami }
  Empty: { Type: String, Default: "" }
  Allowed: { Type: String, Default: 10.0.0.0/8, AllowedValues: [0.0.0.0/0, 192.0.2.0/24] }
  AllowedDefault: { Type: String, Default: 192.0.2.0/24, AllowedValues: [0.0.0.0/0, 192.0.2.0/24] }
Mappings:
  Networks:
    prod: { Cidr: 10.20.0.0/16 }
    dev: { Cidr: 10.30.0.0/16 }
  Regional:
    us-east-1: { Same: shared, Differs: a }
    eu-west-1: { Same: shared, Differs: b }
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  IsDev: !Not [!Condition IsProd]
  HasCidr: !Not [!Equals [!Ref Cidr, ""]]
  InUsEast: !Equals [!Ref "AWS::Region", us-east-1]
  ProdOrCidr: !Or [!Condition IsProd, !Condition HasCidr]
  DevAndCidr: !And [!Condition IsDev, !Condition HasCidr]
  ProdAndCidr: !And [!Condition IsProd, !Condition HasCidr]
  HasNoValue: !Equals [!Ref Empty, ""]
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: web, VpcId: vpc-1 }
  Role:
    Type: AWS::IAM::Role
    Properties: { RoleName: !Sub "\${Environment}-operator", Path: /people/ }
  UnnamedRole:
    Type: AWS::IAM::Role
    Properties: {}
  Key:
    Type: AWS::KMS::Key
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties: { ManagedPolicyName: sessions }
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.20.0.0/16 }
  Nested:
    Type: AWS::CloudFormation::Stack
  DevOnly:
    Type: AWS::S3::Bucket
    Condition: IsDev
  Probe:
    Type: AWS::SSM::Parameter
    Properties:
      RefDefault: !Ref Environment
      RefDefaultNotAllowed: !Ref Allowed
      RefDefaultAllowed: !Ref AllowedDefault
      RefNoDefault: !Ref Cidr
      RefList: !Ref Ports
      RefSsm: !Ref Ami
      RefGroup: !Ref Group
      RefRole: !Ref Role
      RefUnnamedRole: !Ref UnnamedRole
      RefPolicy: !Ref Policy
      RefUnknownName: !Ref Nowhere
      RefDevOnly: !Ref DevOnly
      Pseudo: !Sub "\${AWS::Partition}:\${AWS::AccountId}:\${AWS::Region}:\${AWS::StackName}:\${AWS::URLSuffix}"
      Notifications: !Ref AWS::NotificationARNs
      NoValue: [a, !Ref AWS::NoValue, b]
      SubList: !Sub ["\${Name}-\${Environment}", { Name: !GetAtt Role.Arn }]
      SubLiteral: !Sub "arn:aws:ssm:*:*:session/\${!aws:username}-*"
      SubPolicyVariable: !Sub "session/\${aws:username}"
      SubUnknown: !Sub "\${Cidr}/32"
      Join: !Join ["-", [a, !Ref Environment, 3]]
      Select: !Select [1, !Ref Ports]
      SelectOutOfRange: !Select [5, [a, b]]
      SelectEmptyIndex: !Select ["", [a, b]]
      SelectHexIndex: !Select ["0x1", [a, b]]
      Split: !Split [",", "a,b,c"]
      FindInMap: !FindInMap [Networks, !Ref Environment, Cidr]
      FindInMapByRegionSame: !FindInMap [Regional, !Ref "AWS::Region", Same]
      FindInMapByRegionDiffers: !FindInMap [Regional, !Ref "AWS::Region", Differs]
      FindInMapMissing: !FindInMap [Networks, staging, Cidr]
      FindInMapDefault: !FindInMap [Networks, staging, Cidr, { DefaultValue: 10.0.0.0/8 }]
      FindInMapByRegionSameDefault: !FindInMap [Regional, !Ref "AWS::Region", Same, { DefaultValue: shared }]
      FindInMapByRegionOtherDefault: !FindInMap [Regional, !Ref "AWS::Region", Same, { DefaultValue: other }]
      FindInMapBySubRegion: !FindInMap [Regional, !Sub "\${AWS::Region}", Same, { DefaultValue: other }]
      FindInMapSecondKeyByRegion: !FindInMap [Networks, prod, !Ref "AWS::Region", { DefaultValue: x }]
      IfTrue: !If [IsProd, "yes", "no"]
      IfFalse: !If [IsDev, "yes", "no"]
      IfUnknown: !If [HasCidr, "yes", "no"]
      IfUnknownSame: !If [HasCidr, same, same]
      IfRegion: !If [InUsEast, "yes", "no"]
      IfOr: !If [ProdOrCidr, "yes", "no"]
      IfAndFalse: !If [DevAndCidr, "yes", "no"]
      IfAndUnknown: !If [ProdAndCidr, "yes", "no"]
      IfEmptyDefault: !If [HasNoValue, none, some]
      GetAttGroup: !GetAtt Group.GroupId
      GetAttRoleArn: !GetAtt Role.Arn
      GetAttKeyArn: !GetAtt Key.Arn
      GetAttPolicyArn: !GetAtt Policy.PolicyArn
      GetAttVpcCidr: !GetAtt Vpc.CidrBlock
      GetAttLate: !GetAtt Vpc.DefaultSecurityGroup
      GetAttNested: !GetAtt Nested.Outputs.GroupId
      ImportValue: !ImportValue shared-cidr
      GetAZs: !GetAZs ""
      Base64: !Base64 hello
      Length: !Length [a, b, !Ref AWS::NoValue]
      ToJsonString: !ToJsonString { a: [1, 2] }
      Unsupported: { "Fn::Magic": [] }
`;

function probe(): { resolver: Resolver; value: (name: string) => unknown } {
  const { value } = parseCloudFormationYaml(TEMPLATE);
  const template = readTemplate(value as MapNode);
  const resolver = new Resolver(template, PLACEHOLDERS);
  const properties = template.resources.get("Probe")!.properties!;
  return { resolver, value: (name) => resolver.deep(member(properties, name), name) };
}

describe("intrinsic functions", () => {
  const { value } = probe();

  it.each([
    ["RefDefault", "prod"],
    ["RefDefaultAllowed", "192.0.2.0/24"],
    ["RefList", ["22", "3389"]],
    ["RefGroup", "Group"],
    ["RefRole", "prod-operator"],
    ["RefUnnamedRole", "UnnamedRole"],
    ["RefPolicy", "arn:aws:iam::000012345678:policy/sessions"],
    ["Pseudo", "aws:000012345678:unknown:web:amazonaws.com"],
    ["NoValue", ["a", "b"]],
    ["SubList", "arn:aws:iam::000012345678:role/people/prod-operator-prod"],
    ["SubLiteral", "arn:aws:ssm:*:*:session/${aws:username}-*"],
    ["Join", "a-prod-3"],
    ["Select", "3389"],
    ["Split", ["a", "b", "c"]],
    ["FindInMap", "10.20.0.0/16"],
    ["FindInMapByRegionSame", "shared"],
    ["FindInMapDefault", "10.0.0.0/8"],
    ["FindInMapByRegionSameDefault", "shared"],
    ["IfTrue", "yes"],
    ["IfFalse", "no"],
    ["IfUnknownSame", "same"],
    ["IfOr", "yes"],
    ["IfAndFalse", "no"],
    ["IfEmptyDefault", "none"],
    ["GetAttGroup", "Group"],
    ["GetAttRoleArn", "arn:aws:iam::000012345678:role/people/prod-operator"],
    ["GetAttKeyArn", "arn:aws:kms:unknown:000012345678:key/Key"],
    ["GetAttPolicyArn", "arn:aws:iam::000012345678:policy/sessions"],
    ["GetAttVpcCidr", "10.20.0.0/16"],
    ["Base64", "aGVsbG8="],
    ["Length", 2],
    ["ToJsonString", '{"a":[1,2]}'],
  ])("resolves %s", (name, expected) => {
    expect(value(name)).toEqual(expected);
  });

  it.each([
    ["RefNoDefault", "RefNoDefault comes from parameter Cidr, which has no default"],
    [
      "RefDefaultNotAllowed",
      "RefDefaultNotAllowed comes from parameter Allowed, which has a default that is not among its AllowedValues, so a deployment gives another value",
    ],
    [
      "RefSsm",
      "RefSsm comes from parameter Ami, which is read from Systems Manager Parameter Store at deployment",
    ],
    [
      "RefUnknownName",
      "RefUnknownName comes from Ref Nowhere, which names neither a parameter nor a resource of the template",
    ],
    [
      "RefDevOnly",
      "RefDevOnly comes from resource DevOnly, which is not created (its condition IsDev is false)",
    ],
    ["Notifications", "Notifications comes from AWS::NotificationARNs, which is known only at deployment"],
    [
      "SubPolicyVariable",
      "SubPolicyVariable comes from Fn::Sub variable ${aws:username}, which names neither a parameter nor a resource (write ${!aws:username} for the literal text)",
    ],
    ["SubUnknown", "SubUnknown comes from parameter Cidr, which has no default"],
    [
      "SelectOutOfRange",
      "SelectOutOfRange comes from Fn::Select, which cannot be evaluated: index 5 is outside the list",
    ],
    // Number() reads "" as 0 and "0x1" as 1: each picked an item CloudFormation would not.
    [
      "SelectEmptyIndex",
      'SelectEmptyIndex comes from Fn::Select, which cannot be evaluated: index "" is not a whole number',
    ],
    [
      "SelectHexIndex",
      'SelectHexIndex comes from Fn::Select, which cannot be evaluated: index "0x1" is not a whole number',
    ],
    [
      "FindInMapByRegionDiffers",
      "FindInMapByRegionDiffers comes from mapping Regional looked up by AWS::Region, which is known only at deployment",
    ],
    ["FindInMapMissing", "FindInMapMissing comes from mapping Networks, which has no entry staging.Cidr"],
    // A region the mapping does not list gets the default value.
    [
      "FindInMapByRegionOtherDefault",
      "FindInMapByRegionOtherDefault comes from mapping Regional looked up by AWS::Region, which is known only at deployment",
    ],
    // Looked up by the region's placeholder, these found no entry and gave the default value.
    [
      "FindInMapBySubRegion",
      "FindInMapBySubRegion comes from AWS::Region, which is known only at deployment",
    ],
    [
      "FindInMapSecondKeyByRegion",
      "FindInMapSecondKeyByRegion comes from AWS::Region, which is known only at deployment",
    ],
    [
      "IfUnknown",
      "IfUnknown depends on condition HasCidr, which cannot be evaluated before deployment (parameter Cidr has no default)",
    ],
    [
      "IfRegion",
      "IfRegion depends on condition InUsEast, which cannot be evaluated before deployment (AWS::Region is known only at deployment)",
    ],
    [
      "IfAndUnknown",
      "IfAndUnknown depends on condition ProdAndCidr, which cannot be evaluated before deployment (parameter Cidr has no default)",
    ],
    [
      "GetAttLate",
      "GetAttLate comes from Fn::GetAtt Vpc.DefaultSecurityGroup, which is known only after deployment",
    ],
    [
      "GetAttNested",
      "GetAttNested comes from Fn::GetAtt Nested.Outputs.GroupId, which is an output of a nested stack, which is not read",
    ],
    [
      "ImportValue",
      "ImportValue comes from Fn::ImportValue shared-cidr, which is another stack's export, known only at deployment",
    ],
    ["GetAZs", "GetAZs comes from Fn::GetAZs, which is known only at deployment"],
    [
      "Unsupported",
      "Unsupported comes from Fn::Magic, which is not evaluated by this tool (or is not allowed here)",
    ],
  ])("leaves %s unknown, saying why", (name, reason) => {
    expect(value(name)).toEqual({ $unknown: reason });
  });

  it("phrases a parameter without a default for each property that reads it, one marker for each", () => {
    const { resolver } = probe();
    const reference = parseCloudFormationYaml("Ref: Cidr").value as MapNode;
    const cidr = resolver.deep(reference, "CidrIp");
    const other = resolver.deep(reference, "CidrIpv6");
    expect(cidr).toEqual({ $unknown: "CidrIp comes from parameter Cidr, which has no default" });
    expect(other).toEqual({ $unknown: "CidrIpv6 comes from parameter Cidr, which has no default" });
    expect(resolver.deep(reference, "CidrIp")).toBe(cidr);
    expect(resolver.unknown("CidrIp", "parameter Cidr", "has no default")).toBe(cidr);
    expect(resolver.explain(other as never)).toBe("parameter Cidr has no default");
  });

  it("shares one marker per reason", () => {
    const { resolver } = probe();
    const first = resolver.unknown("CidrIp", "parameter Cidr", "has no default");
    expect(resolver.unknown("CidrIp", "parameter Cidr", "has no default")).toBe(first);
    expect(resolver.explain(first)).toBe("parameter Cidr has no default");
  });

  it("shares a marker between causes that read the same, and tells markers of other parts apart", () => {
    const { resolver } = probe();
    const plain = resolver.unknown("", "parameter Cidr", "has no default");
    expect(plain).toEqual({ $unknown: "parameter Cidr has no default" });
    expect(resolver.unknown("", "parameter Cidr has", "no default")).toBe(plain);
    const verb = resolver.unknown("CidrIp", "parameter Cidr", "has no default", "is read from");
    expect(verb).toEqual({ $unknown: "CidrIp is read from parameter Cidr, which has no default" });
    expect(resolver.unknown("CidrIp", "parameter Cidr", "has no default")).not.toBe(verb);
    expect(resolver.unknown("CidrIp", "parameter Cidr", "has no default", "is read from")).toBe(verb);
    expect(resolver.unknown("CidrIpv6", "parameter Cidr", "has no default", "is read from")).toEqual({
      $unknown: "CidrIpv6 is read from parameter Cidr, which has no default",
    });
    expect(resolver.explain(verb)).toBe("parameter Cidr has no default");
  });

  it("answers each lookup in a mapping by its own keys, whatever was looked up just before", () => {
    const { value } = parseCloudFormationYaml(`
Parameters:
  Environment: { Type: String, Default: dev }
Mappings:
  Networks:
    prod: { Cidr: 10.20.0.0/16, Ports: [443] }
    dev: { Cidr: 10.30.0.0/16 }
Resources:
  Probe:
    Type: AWS::SSM::Parameter
    Properties:
      Prod: !FindInMap [Networks, prod, Cidr]
      Dev: !FindInMap [Networks, dev, Cidr]
      DevByParameter: !FindInMap [Networks, !Ref Environment, Cidr]
      Ports: !FindInMap [Networks, prod, Ports]
      Missing: !FindInMap [Networks, dev, Ports]
      WithDefault: !FindInMap [Networks, dev, Ports, { DefaultValue: [22] }]
`);
    const template = readTemplate(value as MapNode);
    const resolver = new Resolver(template, PLACEHOLDERS);
    const properties = template.resources.get("Probe")!.properties!;
    const resolve = (name: string): unknown => resolver.deep(member(properties, name), name);
    const order = ["Prod", "Prod", "Dev", "Prod", "DevByParameter", "Dev", "Ports", "Missing", "WithDefault"];
    expect(order.map(resolve)).toEqual([
      "10.20.0.0/16",
      "10.20.0.0/16",
      "10.30.0.0/16",
      "10.20.0.0/16",
      "10.30.0.0/16",
      "10.30.0.0/16",
      [443],
      { $unknown: "Missing comes from mapping Networks, which has no entry dev.Ports" },
      [22],
    ]);
  });

  it("evaluates conditions, leaving the undecidable ones unknown", () => {
    const { resolver } = probe();
    expect(resolver.condition("IsProd")).toBe(true);
    expect(resolver.condition("IsDev")).toBe(false);
    expect(resolver.condition("HasCidr")).toEqual({ $unknown: "parameter Cidr has no default" });
    expect(resolver.condition("Missing")).toEqual({
      $unknown: "condition Missing is not defined in the template",
    });
  });
});
