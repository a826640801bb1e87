import type { TemplateResource } from "../template.js";
import { accessKey } from "./access-key.js";
import type { NormalizeContext } from "./context.js";
import { attachManagedPolicy, groupMembership, inlinePolicyResource, managedPolicy } from "./iam-policies.js";
import { principal } from "./iam-principal.js";
import { instanceProfile } from "./instance-profile.js";
import { instance } from "./instance.js";
import { securityGroup, separateRule } from "./security-group.js";

/**
 * The CloudFormation resource types this tool reads, each with its normalizer. A step runs for
 * every resource of its type in one pass over the template, passes in the order of `pass`: what is
 * referred to is built before what refers to it (groups before their separate rules, principals
 * before the policies that name them, instance profiles before instances).
 */

export type Normalize = (context: NormalizeContext, resource: TemplateResource) => void;

export interface Step {
  pass: number;
  normalize: Normalize;
}

const inlinePolicy: Step = { pass: 5, normalize: inlinePolicyResource };

/** The steps that read each resource type. */
export type NormalizerTable = ReadonlyMap<string, readonly Step[]>;

const LOADED_WITH_THE_READER: NormalizerTable = new Map<string, readonly Step[]>([
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
  ["AWS::IAM::AccessKey", [{ pass: 10, normalize: accessKey }]],
]);

/**
 * Types whose normalizer is loaded only for a template that has a resource of the type: they
 * share code with other readers that pulls in the YAML parser (an SSM document's content written
 * as text is YAML or JSON; trails and event rules are decoded as the live reader decodes them),
 * which a template of security groups would otherwise load and compile for nothing, between
 * parsing the file and reading it.
 */
const LOADED_WHEN_USED: ReadonlyMap<string, () => Promise<readonly Step[]>> = new Map([
  [
    "AWS::SSM::Document",
    async () => [{ pass: 9, normalize: (await import("./ssm-document.js")).ssmDocument }],
  ],
  ["AWS::CloudTrail::Trail", async () => [{ pass: 10, normalize: (await import("./alerting.js")).trail }]],
  ["AWS::Events::Rule", async () => [{ pass: 10, normalize: (await import("./alerting.js")).eventRule }]],
]);

/** The normalizers of the resource types given, loading those that are not loaded yet. */
export async function normalizersFor(types: readonly string[]): Promise<NormalizerTable> {
  let table: Map<string, readonly Step[]> | undefined;
  // Indexed: a template's list has a type for each of its resources, which a loop by iterator
  // would go through making an object for each.
  for (let index = 0; index < types.length; index += 1) {
    const type = types[index]!;
    const load = LOADED_WHEN_USED.get(type);
    if (load === undefined || table?.has(type)) continue;
    table ??= new Map(LOADED_WITH_THE_READER);
    table.set(type, await load());
  }
  return table ?? LOADED_WITH_THE_READER;
}

/** Every type's normalizer, for readers of templates whose types are not known in advance. */
export function allNormalizers(): Promise<NormalizerTable> {
  return normalizersFor([...LOADED_WHEN_USED.keys()]);
}

/**
 * Whether a type is read by a normalizer that `table` lacks because it was not loaded: reading a
 * template with a table made for other types must fail loudly, not leave its resources out.
 */
export function normalizerNotLoaded(table: NormalizerTable, type: string): boolean {
  return LOADED_WHEN_USED.has(type) && !table.has(type);
}

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

/** The types this tool reads, by the form `lookalikeOfReadType` compares them in. */
const READ_TYPES_BY_FOLDED_NAME: ReadonlyMap<string, string> = new Map(
  [...LOADED_WITH_THE_READER.keys(), ...LOADED_WHEN_USED.keys(), ...READ_THROUGH_OTHERS].map((type) => [
    foldTypeName(type),
    type,
  ]),
);

/** Without case, spaces, or the format characters that show as nothing (a zero-width space). */
function foldTypeName(type: string): string {
  return type.replace(/[\s\p{Cf}]+/gu, "").toLowerCase();
}

/**
 * The type this tool reads that `type` differs from only in case or spaces, zero-width ones too
 * (`AWS::EC2::Securitygroup`, `"AWS::EC2::SecurityGroup "`), if any. CloudFormation refuses such a
 * name; read as some other type, the resource would be left out of the check and pass.
 */
export function lookalikeOfReadType(type: string): string | undefined {
  const read = READ_TYPES_BY_FOLDED_NAME.get(foldTypeName(type));
  return read === type ? undefined : read;
}
