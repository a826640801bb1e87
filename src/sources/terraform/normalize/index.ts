import type { Resource } from "../../../model/resource.js";
import type { AttributeSchema } from "../attributes.js";
import type { PlanInstance, PlanReader } from "../reader.js";
import { Normalization } from "./context.js";
import {
  ATTACHMENT_SCHEMA,
  attachment,
  INSTANCE_PROFILE_SCHEMA,
  instanceProfile,
  MANAGED_POLICY_SCHEMA,
  managedPolicy,
  principal,
  PRINCIPAL_SCHEMA,
} from "./iam.js";
import { ec2Instance, INSTANCE_SCHEMA } from "./instance.js";
import {
  SECURITY_GROUP_RULE_SCHEMA,
  SECURITY_GROUP_SCHEMA,
  securityGroup,
  separateRule,
  VPC_SECURITY_GROUP_RULE_SCHEMA,
} from "./security-group.js";
import { SSM_DOCUMENT_SCHEMA, ssmDocument } from "./ssm-document.js";
import { ACCESS_KEY_SCHEMA, accessKey } from "./access-key.js";
import {
  EVENT_RULE_SCHEMA,
  EVENT_TARGET_SCHEMA,
  eventRule,
  eventTarget,
  TRAIL_SCHEMA,
  trail,
} from "./alerting.js";

interface TypeNormalizer {
  /** The attributes the normalizer reads, with their JSON types. */
  schema: AttributeSchema;
  normalize: (n: Normalization, instance: PlanInstance) => void;
}

const note =
  (what: string): TypeNormalizer["normalize"] =>
  (n, instance) =>
    n.plan.notes.push(`${n.plan.file.display}: ${instance.address} ${what}`);

/**
 * One normalizer per Terraform resource type. The order is the order they run in: groups before
 * the rules that add to them, policies and principals before what attaches them, profiles
 * before the instances that use them.
 */
const NORMALIZERS: ReadonlyMap<string, TypeNormalizer> = new Map<string, TypeNormalizer>([
  ["aws_security_group", { schema: SECURITY_GROUP_SCHEMA, normalize: securityGroup }],
  ["aws_security_group_rule", { schema: SECURITY_GROUP_RULE_SCHEMA, normalize: separateRule }],
  [
    "aws_vpc_security_group_ingress_rule",
    { schema: VPC_SECURITY_GROUP_RULE_SCHEMA, normalize: separateRule },
  ],
  ["aws_vpc_security_group_egress_rule", { schema: VPC_SECURITY_GROUP_RULE_SCHEMA, normalize: separateRule }],
  ["aws_iam_policy", { schema: MANAGED_POLICY_SCHEMA, normalize: managedPolicy }],
  ["aws_iam_role", { schema: PRINCIPAL_SCHEMA, normalize: principal }],
  ["aws_iam_user", { schema: PRINCIPAL_SCHEMA, normalize: principal }],
  ["aws_iam_group", { schema: PRINCIPAL_SCHEMA, normalize: principal }],
  ...[
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_group_membership",
    "aws_iam_group_membership",
  ].map((type) => [type, { schema: ATTACHMENT_SCHEMA, normalize: attachment }] as const),
  ["aws_iam_instance_profile", { schema: INSTANCE_PROFILE_SCHEMA, normalize: instanceProfile }],
  ["aws_instance", { schema: INSTANCE_SCHEMA, normalize: ec2Instance }],
  ["aws_ssm_document", { schema: SSM_DOCUMENT_SCHEMA, normalize: ssmDocument }],
  [
    "aws_cloudformation_stack",
    {
      schema: {},
      normalize: note("deploys a CloudFormation stack, which is not checked; check its template directly"),
    },
  ],
  ["aws_iam_access_key", { schema: ACCESS_KEY_SCHEMA, normalize: accessKey }],
  ["aws_cloudtrail", { schema: TRAIL_SCHEMA, normalize: trail }],
  ["aws_cloudwatch_event_rule", { schema: EVENT_RULE_SCHEMA, normalize: eventRule }],
  ["aws_cloudwatch_event_target", { schema: EVENT_TARGET_SCHEMA, normalize: eventTarget }],
]);

/**
 * Types no normalizer turns into a resource, whose attributes an instance's public address is read
 * from: a value of the wrong type there would otherwise read as "not public".
 */
const READ_THROUGH_SCHEMAS: ReadonlyMap<string, AttributeSchema> = new Map<string, AttributeSchema>([
  ["aws_subnet", { id: "string", map_public_ip_on_launch: "bool" }],
  ["aws_eip", { instance: "string", network_interface: "string" }],
  ["aws_eip_association", { instance_id: "string", network_interface_id: "string" }],
]);

export function attributeSchema(type: string): AttributeSchema | undefined {
  return NORMALIZERS.get(type)?.schema ?? READ_THROUGH_SCHEMAS.get(type);
}

/**
 * The canonical resources of every instance the reader found. Types that share a normalizer run
 * together in the plan's order, so that attachments of every kind keep the order they are written in.
 */
export function normalizePlan(plan: PlanReader): Resource[] {
  const n = new Normalization(plan);
  const stages = new Set([...NORMALIZERS.values()].map((normalizer) => normalizer.normalize));
  for (const normalize of stages)
    for (const instance of plan.instances)
      if (NORMALIZERS.get(instance.type)?.normalize === normalize) normalize(n, instance);
  return n.resources();
}
