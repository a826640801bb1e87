import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../../src/assets.js";
import { evaluateRule } from "../../../src/engine/evaluate.js";
import { loadRuleDirectories } from "../../../src/engine/rule-loader.js";
import { relate } from "../../../src/pipeline/run.js";
import { normalizeTemplate } from "../../../src/sources/cloudformation/normalize.js";
import { allNormalizers } from "../../../src/sources/cloudformation/normalize/table.js";
import { readTemplate } from "../../../src/sources/cloudformation/template.js";
import { parseCloudFormationYaml } from "../../../src/sources/cloudformation/yaml.js";
import type { MapNode } from "../../../src/sources/positioned/node.js";

const PLACEHOLDERS = { account: "000012345678", region: "unknown", partition: "aws", stackName: "stack" };
const NORMALIZERS = await allNormalizers();

/**
 * An instance role whose `Policies` grant Session Manager's core actions under the name `core`,
 * and a separate `AWS::IAM::RolePolicy` of the same name that grants none of them. IAM keeps one
 * document per inline policy name: the separate policy, written after the role, replaces the
 * role's own on creation, and a later update of the role writes the role's back.
 */
function template(overwrite: string): string {
  return `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: app
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: ec2.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: core
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [ssm:UpdateInstanceInformation, "ssmmessages:*"]
                Resource: "*"
${overwrite}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref Role]
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      IamInstanceProfile: !Ref Profile
`;
}

const SEPARATE = `
  Overwrite:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref Role
      PolicyName: core
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: "*"`;

const SEPARATE_OTHER_NAME = SEPARATE.replace("PolicyName: core", "PolicyName: reads");

const THROUGH_POLICY = `
  Overwrite:
    Type: AWS::IAM::Policy
    Properties:
      Roles: [!Ref Role]
      PolicyName: core
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: "*"`;

function read(text: string) {
  return normalizeTemplate(
    readTemplate(parseCloudFormationYaml(text).value as MapNode),
    "t.yaml",
    PLACEHOLDERS,
    NORMALIZERS,
  );
}

async function verdict(text: string) {
  const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR]);
  const rule = rules.find((candidate) => candidate.metadata.id === "instance-role-ssm-permissions")!;
  const inventory = relate({ ...read(text), mayHoldUnknowns: true }, "2026-12-01");
  const host = inventory.resources.find((resource) => resource.type === "AWS::EC2::Instance")!;
  return evaluateRule(rule, host, inventory, {
    actions: [
      "ssm:UpdateInstanceInformation",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
    ],
  });
}

describe("CloudFormation inline policies that share a name on one principal", () => {
  it("leave both documents unknown, so a role that may lose its grant is not shown to keep it", async () => {
    for (const overwrite of [SEPARATE, THROUGH_POLICY]) {
      const role = read(template(overwrite)).resources.find(
        (resource) => resource.type === "AWS::IAM::Role",
      )!;
      const inline = role.properties.RolePolicyList as { PolicyName: string; PolicyDocument: unknown }[];
      expect(inline.map((policy) => policy.PolicyName)).toEqual(["core", "core"]);
      for (const policy of inline)
        expect(policy.PolicyDocument).toEqual({
          $unknown: expect.stringMatching(/core of role app .*more than once/),
        });
      expect(await verdict(template(overwrite))).toMatchObject({ status: "error" });
    }
  });

  it("two entries of the role's own Policies with one name are unknown too", async () => {
    const twice = `
      Policies:
        - PolicyName: core
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"`;
    const text = template("").replace(/\n {6}Policies:\n/, `${twice}\n`);
    expect(await verdict(text)).toMatchObject({ status: "error" });
  });

  it("the same document written twice under one name is read as it is", async () => {
    const same = THROUGH_POLICY.replace(
      /PolicyDocument:[\s\S]*$/,
      `PolicyDocument:
        Statement:
          - Effect: Allow
            Action: [ssm:UpdateInstanceInformation, "ssmmessages:*"]
            Resource: "*"`,
    );
    expect(await verdict(template(same))).toMatchObject({ status: "pass" });
  });

  it("policies of different names are read as they are", async () => {
    expect(await verdict(template(SEPARATE_OTHER_NAME))).toMatchObject({ status: "pass" });
  });
});

describe("CloudFormation policy resources whose condition cannot be evaluated", () => {
  const guarded = (policy: string) => `
Parameters:
  Ssm: { Type: String }
Conditions:
  WantSsm: !Equals [!Ref Ssm, "yes"]
${template(policy).replace("\nResources:", "Resources:")}`;
  const grant = `
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: [ssm:UpdateInstanceInformation, "ssmmessages:*"]
            Resource: "*"`;
  const withoutOwnGrant = (text: string) => text.replace(/\n {6}Policies:\n(?: {8,}.*\n)+/, "\n");

  it("do not grant the instance role what a parameter may withhold", async () => {
    const inline = `
  Core:
    Type: AWS::IAM::RolePolicy
    Condition: WantSsm
    Properties:
      RoleName: !Ref Role
      PolicyName: core${grant}`;
    const managed = `
  Core:
    Type: AWS::IAM::ManagedPolicy
    Condition: WantSsm
    Properties:
      Roles: [!Ref Role]${grant}`;
    for (const policy of [inline, managed]) {
      const text = withoutOwnGrant(guarded(policy));
      expect(text).not.toContain("PolicyName: core\n          PolicyDocument");
      expect(await verdict(text)).toMatchObject({
        status: "error",
        message: expect.stringMatching(/resource Core, which is created only under condition WantSsm/),
      });
    }
  });

  it("grant it when the condition holds", async () => {
    const text = withoutOwnGrant(
      guarded(`
  Core:
    Type: AWS::IAM::RolePolicy
    Condition: WantSsm
    Properties:
      RoleName: !Ref Role
      PolicyName: core${grant}`),
    ).replace("Ssm: { Type: String }", "Ssm: { Type: String, Default: 'yes' }");
    expect(await verdict(text)).toMatchObject({ status: "pass" });
  });
});
