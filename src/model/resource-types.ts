import { ResourceTypes, type ResourceType } from "./resource.js";
import { SOURCE_KINDS, type SourceKind } from "./source-kinds.js";

/**
 * Everything the project knows about a resource type, declared once. Sources, relations, the
 * Lambda, the reporters and the docs read this table instead of keeping their own copies, so that
 * adding a type is this entry, one normalizer per source that has it, its schema and its tests
 * (docs/architecture.md, "Adding a resource type").
 */
export interface ResourceTypeSpec {
  type: ResourceType;
  /** The `$defs` entry of `schemas/resources.schema.json` that holds the type's canonical shape. */
  schema: string;
  /** The property of the canonical shape that holds the resource's own id. */
  idField: string;
  /**
   * The ARN of a resource, from the partition (`aws`, `aws-cn`, `aws-us-gov`), region, account and
   * id (IAM types take the path too, from the canonical properties).
   */
  arn: (at: ArnScope, id: string, properties?: Readonly<Record<string, unknown>>) => string;
  /**
   * The API operations live collection reads the type with (`service:Operation`, which is also the
   * IAM action each needs); `sources/aws/operations.ts` declares how each is called.
   */
  liveReads: readonly string[];
  /** How AWS Config records the type, when it does: its resource type and the field of its id. */
  config?: { resourceType: string; idField: string };
  /** Whether one resource lives in a region (else it is global, as IAM is). */
  regional: boolean;
  /** The key of the list of inline policies, for IAM principals. */
  inlinePolicyKey?: string;
  /** The sources that can produce resources of this type. */
  sources: readonly SourceKind[];
  /**
   * Properties that only an observed (running) resource has: a planned resource cannot know them,
   * so a rule that reads them is not applicable to templates and plans.
   */
  liveOnlyProperties: readonly string[];
}

export interface ArnScope {
  partition: string;
  region: string;
  account: string;
}

const ALL_SOURCES = SOURCE_KINDS.map((source) => source.kind);
const OBSERVED_SOURCES = SOURCE_KINDS.filter((source) => source.observed).map((source) => source.kind);

/** IAM ARNs carry the entity's path (`/`, `/service-role/`, …) between the kind and the name. */
function iamArn(kind: string): ResourceTypeSpec["arn"] {
  return ({ partition, account }, name, properties) => {
    const path =
      typeof properties?.Path === "string" && properties.Path.startsWith("/") ? properties.Path : "/";
    return `arn:${partition}:iam::${account}:${kind}${path}${name}`;
  };
}

const SPECS: readonly ResourceTypeSpec[] = [
  {
    type: ResourceTypes.SecurityGroup,
    liveReads: ["ec2:DescribeSecurityGroups"],
    schema: "securityGroup",
    idField: "GroupId",
    arn: ({ partition, region, account }, id) =>
      `arn:${partition}:ec2:${region}:${account}:security-group/${id}`,
    config: { resourceType: "AWS::EC2::SecurityGroup", idField: "GroupId" },
    regional: true,
    sources: ALL_SOURCES,
    liveOnlyProperties: [],
  },
  {
    type: ResourceTypes.Instance,
    liveReads: ["ec2:DescribeInstances"],
    schema: "instance",
    idField: "InstanceId",
    arn: ({ partition, region, account }, id) => `arn:${partition}:ec2:${region}:${account}:instance/${id}`,
    config: { resourceType: "AWS::EC2::Instance", idField: "InstanceId" },
    regional: true,
    sources: ALL_SOURCES,
    // Assigned when the instance launches; a template or plan cannot know them.
    liveOnlyProperties: ["PublicIpAddress", "PrivateIpAddress", "LaunchTime"],
  },
  {
    type: ResourceTypes.Role,
    liveReads: ["iam:GetAccountAuthorizationDetails"],
    schema: "role",
    idField: "RoleName",
    arn: iamArn("role"),
    config: { resourceType: "AWS::IAM::Role", idField: "RoleId" },
    regional: false,
    inlinePolicyKey: "RolePolicyList",
    sources: ALL_SOURCES,
    liveOnlyProperties: ["RoleLastUsed"],
  },
  {
    type: ResourceTypes.User,
    liveReads: ["iam:GetAccountAuthorizationDetails"],
    schema: "user",
    idField: "UserName",
    arn: iamArn("user"),
    config: { resourceType: "AWS::IAM::User", idField: "UserId" },
    regional: false,
    inlinePolicyKey: "UserPolicyList",
    sources: ALL_SOURCES,
    liveOnlyProperties: [],
  },
  {
    type: ResourceTypes.Group,
    liveReads: ["iam:GetAccountAuthorizationDetails"],
    schema: "group",
    idField: "GroupName",
    arn: iamArn("group"),
    config: { resourceType: "AWS::IAM::Group", idField: "GroupId" },
    regional: false,
    inlinePolicyKey: "GroupPolicyList",
    sources: ALL_SOURCES,
    liveOnlyProperties: [],
  },
  {
    type: ResourceTypes.ManagedPolicy,
    liveReads: ["iam:GetAccountAuthorizationDetails"],
    schema: "managedPolicy",
    // A managed policy is known by its ARN: AWS-managed and customer policies share names.
    idField: "Arn",
    arn: iamArn("policy"),
    config: { resourceType: "AWS::IAM::Policy", idField: "PolicyId" },
    regional: false,
    sources: ALL_SOURCES,
    liveOnlyProperties: [],
  },
  {
    type: ResourceTypes.InstanceProfile,
    liveReads: ["iam:GetAccountAuthorizationDetails"],
    schema: "instanceProfile",
    idField: "InstanceProfileName",
    arn: iamArn("instance-profile"),
    regional: false,
    // AWS Config does not record instance profiles: the Lambda reads them when a rule needs them.
    sources: ALL_SOURCES.filter((kind) => kind !== "config-item"),
    liveOnlyProperties: [],
  },
  {
    type: ResourceTypes.ManagedInstance,
    liveReads: ["ssm:DescribeInstanceInformation"],
    schema: "managedInstance",
    idField: "InstanceId",
    arn: ({ partition, region, account }, id) =>
      `arn:${partition}:ssm:${region}:${account}:managed-instance-inventory/${id}`,
    config: { resourceType: "AWS::SSM::ManagedInstanceInventory", idField: "InstanceId" },
    regional: true,
    // The agent's record exists only once an instance runs and registers.
    sources: OBSERVED_SOURCES,
    liveOnlyProperties: ["PingStatus", "AgentVersion", "LastPingDateTime", "PlatformName", "PlatformType"],
  },
  {
    type: ResourceTypes.SessionPreferences,
    liveReads: ["ssm:GetDocument"],
    schema: "sessionDocument",
    idField: "Name",
    arn: ({ partition, region, account }, id) => `arn:${partition}:ssm:${region}:${account}:document/${id}`,
    config: { resourceType: "AWS::SSM::Document", idField: "Name" },
    regional: true,
    sources: ALL_SOURCES,
    liveOnlyProperties: [],
  },
  {
    type: ResourceTypes.AccessKey,
    // One credential report per account holds every user's keys (docs/live-scanning.md).
    liveReads: ["iam:GetCredentialReport", "iam:GenerateCredentialReport"],
    schema: "accessKey",
    // The credential report gives no key ids: a key is its user's first or second.
    idField: "Name",
    // An access key has no ARN of its own; it acts as its user, so it is named by the user's.
    arn: ({ partition, account }, _id, properties) =>
      `arn:${partition}:iam::${account}:user/${typeof properties?.UserName === "string" ? properties.UserName : ""}`,
    regional: false,
    // AWS Config has no resource type for access keys: the Lambda reads them with the live API
    // when a rule about users needs them.
    sources: ALL_SOURCES.filter((kind) => kind !== "config-item"),
    // A key gets its creation date when it is created, and a last use once it is used.
    liveOnlyProperties: ["CreateDate", "AccessKeyLastUsed"],
  },
  {
    type: ResourceTypes.Trail,
    liveReads: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
    schema: "trail",
    idField: "Name",
    // A trail lives in its home region; a multi-region trail records the other regions from there.
    arn: ({ partition, region, account }, id) =>
      `arn:${partition}:cloudtrail:${region}:${account}:trail/${id}`,
    config: { resourceType: "AWS::CloudTrail::Trail", idField: "Name" },
    regional: true,
    sources: ALL_SOURCES,
    liveOnlyProperties: [],
  },
  {
    type: ResourceTypes.EventRule,
    liveReads: ["events:ListRules", "events:ListTargetsByRule"],
    schema: "eventRule",
    idField: "Name",
    // Rules of the default bus; a rule of another bus has the bus name before its own.
    arn: ({ partition, region, account }, id, properties) => {
      const bus = typeof properties?.EventBusName === "string" ? properties.EventBusName : "default";
      const path = bus === "default" || bus.startsWith("arn:") ? id : `${bus}/${id}`;
      return `arn:${partition}:events:${region}:${account}:rule/${path}`;
    },
    config: { resourceType: "AWS::Events::Rule", idField: "Name" },
    regional: true,
    sources: ALL_SOURCES,
    liveOnlyProperties: [],
  },
];

const BY_TYPE = new Map<ResourceType, ResourceTypeSpec>(SPECS.map((spec) => [spec.type, spec]));
const BY_CONFIG_TYPE = new Map<string, ResourceTypeSpec>(
  SPECS.filter((spec) => spec.config !== undefined).map((spec) => [spec.config!.resourceType, spec]),
);

export const RESOURCE_TYPE_SPECS: readonly ResourceTypeSpec[] = SPECS;

export function resourceTypeSpec(type: ResourceType): ResourceTypeSpec {
  const spec = BY_TYPE.get(type);
  // Every ResourceType has an entry (a test proves it); reaching this is a programming error.
  if (spec === undefined) throw new Error(`no registry entry for resource type ${type}`);
  return spec;
}

/** The type AWS Config names `configType`, when the project knows it. */
export function typeOfConfigResource(configType: string): ResourceTypeSpec | undefined {
  return BY_CONFIG_TYPE.get(configType);
}

/** The ARN of a resource of `type`: the one ARN builder every source uses. */
export function arnOf(
  type: ResourceType,
  at: ArnScope,
  id: string,
  properties?: Readonly<Record<string, unknown>>,
): string {
  return resourceTypeSpec(type).arn(at, id, properties);
}

/** The key of a principal's inline policies (`RolePolicyList`, …), undefined for other types. */
export function inlinePolicyKeyOf(type: ResourceType): string | undefined {
  return BY_TYPE.get(type)?.inlinePolicyKey;
}

/** IAM principals as templates and plans name them (`role`, `user`, `group`). */
export type PrincipalKind = "role" | "user" | "group";

const PRINCIPAL_TYPES: Record<PrincipalKind, ResourceType> = {
  role: ResourceTypes.Role,
  user: ResourceTypes.User,
  group: ResourceTypes.Group,
};

/** A principal kind's type, the field of its name and the key of its inline policies. */
export function principalSpec(kind: PrincipalKind): {
  type: ResourceType;
  nameKey: string;
  inlineKey: string;
} {
  const spec = resourceTypeSpec(PRINCIPAL_TYPES[kind]);
  return { type: spec.type, nameKey: spec.idField, inlineKey: spec.inlinePolicyKey! };
}

/** The key of a principal's inline policies, for a type known to be a principal. */
export function inlineKeyOfPrincipal(type: ResourceType): string {
  const key = inlinePolicyKeyOf(type);
  if (key === undefined) throw new Error(`${type} is not an IAM principal`);
  return key;
}

/** The partition an ARN names (`arn:aws-cn:…` → `aws-cn`), `aws` when it is not an ARN. */
export function partitionOfArn(arn: string | undefined): string {
  const match = /^arn:(aws[a-z-]*):/.exec(arn ?? "");
  return match?.[1] ?? "aws";
}
