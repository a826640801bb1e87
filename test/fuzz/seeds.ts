import { readFileSync } from "node:fs";
import { REPO } from "../support/cli.js";

/**
 * Valid documents the properties start from: each reader is fed these with one part changed, so
 * that the fuzzing reaches past the first check of the format into the readers' deeper code.
 * Every one holds a security group open to SSH from the whole internet.
 */

export const OPEN_TEMPLATE = {
  AWSTemplateFormatVersion: "2010-09-09",
  Parameters: {
    Env: { Type: "String", Default: "prod" },
    Ports: { Type: "CommaDelimitedList", Default: "22,443" },
  },
  Mappings: { Cidrs: { prod: { World: "0.0.0.0/0" } } },
  Conditions: { IsProd: { "Fn::Equals": [{ Ref: "Env" }, "prod"] } },
  Resources: {
    Bastion: {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupName: { "Fn::Sub": "${Env}-bastion" },
        GroupDescription: "Bastion",
        SecurityGroupIngress: [
          {
            IpProtocol: "tcp",
            FromPort: { "Fn::Select": [0, { Ref: "Ports" }] },
            ToPort: 22,
            CidrIp: { "Fn::FindInMap": ["Cidrs", { Ref: "Env" }, "World"] },
          },
          {
            IpProtocol: "tcp",
            FromPort: 443,
            ToPort: 443,
            CidrIp: { "Fn::If": ["IsProd", "10.0.0.0/8", "0.0.0.0/0"] },
          },
        ],
      },
    },
    SshRule: {
      Type: "AWS::EC2::SecurityGroupIngress",
      Properties: {
        GroupId: { "Fn::GetAtt": ["Bastion", "GroupId"] },
        IpProtocol: "-1",
        CidrIpv6: { "Fn::Join": ["", ["::", "/0"]] },
      },
    },
    Role: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        },
        ManagedPolicyArns: [
          { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore" },
        ],
      },
    },
  },
  Outputs: { Group: { Value: { Ref: "Bastion" } } },
};

export const OPEN_PLAN = {
  format_version: "1.2",
  terraform_version: "1.11.4",
  planned_values: {
    root_module: {
      resources: [
        {
          address: "aws_security_group.bastion",
          mode: "managed",
          type: "aws_security_group",
          name: "bastion",
          provider_name: "registry.terraform.io/hashicorp/aws",
          values: {
            name: "bastion",
            description: "Bastion",
            ingress: [
              {
                cidr_blocks: ["0.0.0.0/0"],
                ipv6_cidr_blocks: [],
                from_port: 22,
                to_port: 22,
                protocol: "tcp",
                prefix_list_ids: [],
                security_groups: [],
                self: false,
                description: "",
              },
            ],
          },
        },
        {
          address: "aws_vpc_security_group_ingress_rule.ssh",
          mode: "managed",
          type: "aws_vpc_security_group_ingress_rule",
          name: "ssh",
          provider_name: "registry.terraform.io/hashicorp/aws",
          values: { cidr_ipv6: "::/0", from_port: 22, to_port: 22, ip_protocol: "tcp" },
        },
      ],
    },
  },
  resource_changes: [
    {
      address: "aws_security_group.bastion",
      mode: "managed",
      type: "aws_security_group",
      name: "bastion",
      change: { actions: ["create"], after_unknown: { id: true, ingress: [{ cidr_blocks: [false] }] } },
    },
  ],
};

export const OPEN_SNAPSHOT = {
  format: "access-baseline/snapshot",
  version: 1,
  createdAt: "2026-11-20T09:30:00.000Z",
  tool: { name: "access-baseline", version: "0.1.0" },
  scopes: [{ account: "111122223333", region: "eu-west-1" }],
  resources: [
    {
      type: "AWS::EC2::SecurityGroup",
      id: "sg-0123456789abcdef0",
      account: "111122223333",
      region: "eu-west-1",
      source: { kind: "aws-live" },
      properties: {
        GroupId: "sg-0123456789abcdef0",
        GroupName: "bastion",
        IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      },
    },
  ],
  collectionErrors: [],
};

/** The event AWS Config sends for a security group open to SSH (a committed fixture). */
export const OPEN_CONFIG_EVENT = JSON.parse(
  readFileSync(`${REPO}test/fixtures/config-events/sg-world-open.json`, "utf8"),
) as { invokingEvent: { configurationItem: unknown } };

/** The built-in SSH rule, as text. */
export const SSH_RULE_TEXT = readFileSync(`${REPO}rules/network/ssh-from-internet.yaml`, "utf8");

export const CONFIGURATION_TEXT = `fail-on: warning
rules:
  ssh-from-internet:
    severity: error
    params: { port: 2222 }
  ssm-agent-version: off
waivers:
  - rule: ssh-from-internet
    resource: sg-0123*
    reason: Vendor appliance, replaced in Q1
    owner: network-team
    expires: 2026-12-31
`;
