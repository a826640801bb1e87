import type { TemplateResource } from "../template.js";
import { accessKey } from "./access-key.js";
import type { NormalizeContext } from "./context.js";
import { attachManagedPolicy, groupMembership, inlinePolicyResource, managedPolicy } from "./iam-policies.js";
import { principal } from "./iam-principal.js";
import { instanceProfile } from "./instance-profile.js";
import { instance } from "./instance.js";
import { securityGroup, separateRule } from "./security-group.js";
import { ssmDocument } from "./ssm-document.js";
import { eventRule, trail } from "./alerting.js";

/**
 * The CloudFormation resource types this tool reads, each with its normalizer. A step runs for
 * every resource of its type in one pass over the template, passes in the order of `pass`: what is
 * referred to is built before what refers to it (groups before their separate rules, principals
 * before the policies that name them, instance profiles before instances).
 */

export type Normalize = (context: NormalizeContext, resource: TemplateResource) => void;

interface Step {
  pass: number;
  normalize: Normalize;
}

const inlinePolicy: Step = { pass: 5, normalize: inlinePolicyResource };

export const NORMALIZERS: ReadonlyMap<string, readonly Step[]> = new Map<string, readonly Step[]>([
  ["AWS::EC2::SecurityGroup", [{ pass: 0, normalize: securityGroup }]],
  ["AWS::EC2::SecurityGroupIngress", [{ pass: 1, normalize: (c, r) => separateRule(c, r, "ingress") }]],
  ["AWS::EC2::SecurityGroupEgress", [{ pass: 1, normalize: (c, r) => separateRule(c, r, "egress") }]],
  [
    "AWS::IAM::ManagedPolicy",
    [
      { pass: 2, normalize: managedPolicy },
      { pass: 4, normalize: attachManagedPolicy },
    ],
  ],
  ["AWS::IAM::Role", [{ pass: 3, normalize: (c, r) => principal(c, r, "role") }]],
  ["AWS::IAM::User", [{ pass: 3, normalize: (c, r) => principal(c, r, "user") }]],
  ["AWS::IAM::Group", [{ pass: 3, normalize: (c, r) => principal(c, r, "group") }]],
  ["AWS::IAM::Policy", [inlinePolicy]],
  ["AWS::IAM::RolePolicy", [inlinePolicy]],
  ["AWS::IAM::UserPolicy", [inlinePolicy]],
  ["AWS::IAM::GroupPolicy", [inlinePolicy]],
  ["AWS::IAM::UserToGroupAddition", [{ pass: 6, normalize: groupMembership }]],
  ["AWS::IAM::InstanceProfile", [{ pass: 7, normalize: instanceProfile }]],
  ["AWS::EC2::Instance", [{ pass: 8, normalize: instance }]],
  ["AWS::SSM::Document", [{ pass: 9, normalize: ssmDocument }]],
  ["AWS::IAM::AccessKey", [{ pass: 10, normalize: accessKey }]],
  ["AWS::CloudTrail::Trail", [{ pass: 10, normalize: trail }]],
  ["AWS::Events::Rule", [{ pass: 10, normalize: eventRule }]],
]);

/**
 * Types no rule reads on their own, whose properties the normalizers above read into the
 * resources that use them: they are checked as part of those, not left out.
 */
export const READ_THROUGH_OTHERS: ReadonlySet<string> = new Set([
  "AWS::EC2::LaunchTemplate",
  "AWS::EC2::Subnet",
  "AWS::EC2::EIP",
  "AWS::EC2::EIPAssociation",
]);
