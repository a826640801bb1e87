import { ResourceTypes, type JsonObject, type JsonValue } from "../../../src/model/resource.js";
import { knownAwsManagedPolicyDocument } from "../../../src/model/aws-managed-policies.js";
import { Inexpressible, type World, type WorldResource } from "./world.js";
import { type Obj, AWS_MANAGED, obj, textOf, list } from "./values.js";

/**
 * A world as a CloudFormation template, written in CloudFormation's own shapes (one
 * `SecurityGroupIngress` entry per source, IAM policies as `Policies` and `ManagedPolicyArns`,
 * the instance's metadata options in a launch template, references as `Ref`), independently of
 * the template reader so that the matrix checks one against the other. The subject's logical id
 * is `Subject`.
 */

export const SUBJECT_LOGICAL_ID = "Subject";

/** The CloudFormation entries of one `IpPermission`: one per source, as the template resource takes them. */
export function cloudFormationRules(
  permission: Obj,
  direction: "ingress" | "egress",
  groupReference: (id: string) => JsonValue,
): JsonObject[] {
  const base: JsonObject = {};
  if (permission.IpProtocol !== undefined) base.IpProtocol = permission.IpProtocol;
  if (permission.FromPort !== undefined) base.FromPort = permission.FromPort;
  if (permission.ToPort !== undefined) base.ToPort = permission.ToPort;
  const sources: JsonObject[] = [];
  const described = (item: Obj, entry: JsonObject): JsonObject =>
    item.Description !== undefined ? { ...entry, Description: item.Description } : entry;
  for (const item of list(permission.IpRanges).map(obj)) {
    if (item) sources.push(described(item, { CidrIp: item.CidrIp ?? null }));
  }
  for (const item of list(permission.Ipv6Ranges).map(obj)) {
    if (item) sources.push(described(item, { CidrIpv6: item.CidrIpv6 ?? null }));
  }
  for (const item of list(permission.PrefixListIds).map(obj)) {
    if (!item) continue;
    const key = direction === "ingress" ? "SourcePrefixListId" : "DestinationPrefixListId";
    sources.push(described(item, { [key]: item.PrefixListId ?? null }));
  }
  for (const item of list(permission.UserIdGroupPairs).map(obj)) {
    if (!item) continue;
    const key = direction === "ingress" ? "SourceSecurityGroupId" : "DestinationSecurityGroupId";
    const entry: JsonObject = {
      [key]: typeof item.GroupId === "string" ? groupReference(item.GroupId) : null,
    };
    if (direction === "ingress" && item.UserId !== undefined) entry.SourceSecurityGroupOwnerId = item.UserId;
    sources.push(described(item, entry));
  }
  // A permission without any source still allows nothing; it is written as the bare rule.
  return sources.length === 0 ? [base] : sources.map((source) => ({ ...base, ...source }));
}

export interface TemplateOptions {
  /**
   * Write what can stand alone as resources of its own: security group rules as
   * `AWS::EC2::SecurityGroupIngress` / `Egress`, inline policies as `AWS::IAM::RolePolicy` (and
   * the user and group kinds), customer managed policies attached through their own `Roles`,
   * `Users` and `Groups`, and group membership as `AWS::IAM::UserToGroupAddition`.
   */
  separate?: boolean;
}

const INLINE_POLICY_TYPES: Partial<Record<string, [type: string, nameKey: string]>> = {
  [ResourceTypes.Role]: ["AWS::IAM::RolePolicy", "RoleName"],
  [ResourceTypes.User]: ["AWS::IAM::UserPolicy", "UserName"],
  [ResourceTypes.Group]: ["AWS::IAM::GroupPolicy", "GroupName"],
};

const ATTACHMENT_KEYS: Partial<Record<string, string>> = {
  [ResourceTypes.Role]: "Roles",
  [ResourceTypes.User]: "Users",
  [ResourceTypes.Group]: "Groups",
};

/** The properties a template writes under the describe API's own names, when the world has them. */
function pick(properties: JsonObject, names: readonly string[]): JsonObject {
  return Object.fromEntries(
    names.filter((name) => properties[name] !== undefined).map((name) => [name, properties[name]!]),
  );
}

export function toCloudFormation(world: World, options: TemplateOptions = {}): string {
  const separate = options.separate === true;
  const logicalIds = new Map<WorldResource, string>();
  world.resources.forEach((resource, index) =>
    logicalIds.set(resource, resource === world.subject ? SUBJECT_LOGICAL_ID : `Related${index}`),
  );
  const find = (type: string, id: string) => world.resources.find((r) => r.type === type && r.id === id);
  const ref = (type: string, id: string, fallback: JsonValue): JsonValue => {
    const target = find(type, id);
    return target ? { Ref: logicalIds.get(target)! } : fallback;
  };
  const managedArn = (arn: string): JsonValue =>
    arn.startsWith(AWS_MANAGED) ? arn : ref(ResourceTypes.ManagedPolicy, arn, arn);
  const resources: JsonObject = {};
  /** Customer managed policies' attachments, when they are written on the policy. */
  const attachedThroughPolicy = new Map<string, Record<string, JsonValue[]>>();
  const iamPolicies = (resource: WorldResource, inlineKey: string): JsonObject => {
    const properties = resource.properties;
    const logicalId = logicalIds.get(resource)!;
    const result: JsonObject = {};
    const inline = list(properties[inlineKey]).map((entry) => ({
      PolicyName: obj(entry)?.PolicyName ?? null,
      PolicyDocument: obj(entry)?.PolicyDocument ?? null,
    }));
    if (separate) {
      const [type, nameKey] = INLINE_POLICY_TYPES[resource.type]!;
      inline.forEach((policy, index) => {
        resources[`${logicalId}Policy${index}`] = {
          Type: type,
          Properties: { ...policy, [nameKey]: { Ref: logicalId } },
        };
      });
    } else if (inline.length > 0) result.Policies = inline;
    const attached: JsonValue[] = [];
    for (const entry of list(properties.AttachedManagedPolicies)) {
      const arn = textOf(obj(entry)?.PolicyArn);
      const policy = arn.startsWith(AWS_MANAGED) ? undefined : find(ResourceTypes.ManagedPolicy, arn);
      if (separate && policy) {
        const byKind = attachedThroughPolicy.get(logicalIds.get(policy)!) ?? {};
        const key = ATTACHMENT_KEYS[resource.type]!;
        byKind[key] = [...(byKind[key] ?? []), { Ref: logicalId }];
        attachedThroughPolicy.set(logicalIds.get(policy)!, byKind);
      } else attached.push(managedArn(arn));
    }
    if (attached.length > 0) result.ManagedPolicyArns = attached;
    if (properties.Path !== undefined) result.Path = properties.Path;
    return result;
  };

  for (const resource of world.resources) {
    const p = resource.properties;
    const logicalId = logicalIds.get(resource)!;
    const put = (Type: string, Properties: JsonObject) => (resources[logicalId] = { Type, Properties });
    switch (resource.type) {
      case ResourceTypes.SecurityGroup: {
        const groupReference = (id: string) => ref(ResourceTypes.SecurityGroup, id, id);
        const properties: JsonObject = {
          GroupName: p.GroupName ?? resource.id,
          GroupDescription: p.Description ?? "parity",
        };
        if (p.VpcId !== undefined) properties.VpcId = p.VpcId;
        for (const [key, property, type, direction] of [
          ["IpPermissions", "SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress", "ingress"],
          ["IpPermissionsEgress", "SecurityGroupEgress", "AWS::EC2::SecurityGroupEgress", "egress"],
        ] as const) {
          if (p[key] === undefined) continue;
          const entries = list(p[key]).flatMap((permission) =>
            cloudFormationRules(obj(permission) ?? {}, direction, groupReference),
          );
          if (!separate) properties[property] = entries;
          else
            entries.forEach((entry, index) => {
              resources[`${logicalId}${direction === "ingress" ? "Ingress" : "Egress"}${index}`] = {
                Type: type,
                Properties: { GroupId: { Ref: logicalId }, ...entry },
              };
            });
        }
        put("AWS::EC2::SecurityGroup", properties);
        break;
      }
      case ResourceTypes.Role: {
        const properties: JsonObject = { RoleName: resource.id, ...iamPolicies(resource, "RolePolicyList") };
        if (p.AssumeRolePolicyDocument !== undefined)
          properties.AssumeRolePolicyDocument = p.AssumeRolePolicyDocument;
        if (p.MaxSessionDuration !== undefined) properties.MaxSessionDuration = p.MaxSessionDuration;
        put("AWS::IAM::Role", properties);
        break;
      }
      case ResourceTypes.User: {
        const properties: JsonObject = { UserName: resource.id, ...iamPolicies(resource, "UserPolicyList") };
        const groups = list(p.GroupList).map((name) => ref(ResourceTypes.Group, textOf(name), name));
        if (separate)
          groups.forEach((group, index) => {
            resources[`${logicalId}Membership${index}`] = {
              Type: "AWS::IAM::UserToGroupAddition",
              Properties: { GroupName: group, Users: [{ Ref: logicalId }] },
            };
          });
        else if (groups.length > 0) properties.Groups = groups;
        if (p.Tags !== undefined) properties.Tags = p.Tags;
        put("AWS::IAM::User", properties);
        break;
      }
      case ResourceTypes.AccessKey: {
        if (p.CreateDate !== undefined || p.AccessKeyLastUsed !== undefined)
          throw new Inexpressible(
            "an access key's creation date or last use, which only an observed key has",
          );
        const userName = textOf(p.UserName);
        put("AWS::IAM::AccessKey", {
          UserName: ref(ResourceTypes.User, userName, userName),
          ...(p.Status !== undefined ? { Status: p.Status } : {}),
        });
        break;
      }
      case ResourceTypes.Group:
        put("AWS::IAM::Group", { GroupName: resource.id, ...iamPolicies(resource, "GroupPolicyList") });
        break;
      case ResourceTypes.ManagedPolicy: {
        // An AWS-managed policy is AWS's: a template attaches it by ARN and cannot state its document.
        if (resource.id.startsWith(AWS_MANAGED)) {
          if (knownAwsManagedPolicyDocument(resource.id) === undefined)
            throw new Inexpressible("the document of an AWS-managed policy that is not among the known ones");
          break;
        }
        const version = list(p.PolicyVersionList)
          .map(obj)
          .find((v) => v?.IsDefaultVersion === true);
        put("AWS::IAM::ManagedPolicy", {
          ManagedPolicyName: p.PolicyName ?? null,
          PolicyDocument: version?.Document ?? null,
        });
        break;
      }
      case ResourceTypes.InstanceProfile:
        put("AWS::IAM::InstanceProfile", {
          InstanceProfileName: p.InstanceProfileName ?? resource.id,
          Roles: list(p.Roles).map((role) => {
            const name = textOf(obj(role)?.RoleName);
            return ref(ResourceTypes.Role, name, name);
          }),
        });
        break;
      case ResourceTypes.Instance: {
        const state = obj(p.State)?.Name;
        if (state !== "running") throw new Inexpressible(`an instance in state ${textOf(state)}`);
        const properties: JsonObject = { ImageId: p.ImageId ?? "ami-0a3c5e7f9b1d2c4e6" };
        if (p.InstanceType !== undefined) properties.InstanceType = p.InstanceType;
        if (p.KeyName !== undefined) properties.KeyName = p.KeyName;
        const profileArn = obj(p.IamInstanceProfile)?.Arn;
        if (typeof profileArn === "string") {
          const profile = world.resources.find(
            (r) => r.type === ResourceTypes.InstanceProfile && r.properties.Arn === profileArn,
          );
          properties.IamInstanceProfile = profile
            ? { Ref: logicalIds.get(profile)! }
            : profileArn.slice(profileArn.lastIndexOf("/") + 1);
        }
        const groups = list(p.SecurityGroups).map((entry) => {
          const id = textOf(obj(entry)?.GroupId);
          return ref(ResourceTypes.SecurityGroup, id, id);
        });
        if (groups.length > 0) properties.SecurityGroupIds = groups;
        if (p.MetadataOptions !== undefined) {
          const templateId = `${logicalId}LaunchTemplate`;
          resources[templateId] = {
            Type: "AWS::EC2::LaunchTemplate",
            Properties: { LaunchTemplateData: { MetadataOptions: p.MetadataOptions } },
          };
          properties.LaunchTemplate = {
            LaunchTemplateId: { Ref: templateId },
            Version: { "Fn::GetAtt": [templateId, "LatestVersionNumber"] },
          };
        }
        put("AWS::EC2::Instance", properties);
        break;
      }
      case ResourceTypes.SessionPreferences:
        put("AWS::SSM::Document", {
          Name: resource.id,
          DocumentType: p.DocumentType ?? "Session",
          DocumentFormat: "JSON",
          Content: p.Content ?? null,
        });
        break;
      case ResourceTypes.ManagedInstance:
        if (resource === world.subject) throw new Inexpressible("the agent's record of a running instance");
        // The agent's record exists once an instance runs: a template cannot state it.
        break;
      case ResourceTypes.Trail:
        put("AWS::CloudTrail::Trail", {
          TrailName: resource.id,
          IsLogging: p.IsLogging ?? null,
          S3BucketName: p.S3BucketName ?? "trail-bucket",
          ...pick(p, [
            "IsMultiRegionTrail",
            "IsOrganizationTrail",
            "EventSelectors",
            "AdvancedEventSelectors",
          ]),
        });
        break;
      case ResourceTypes.EventRule:
        put("AWS::Events::Rule", {
          Name: resource.id,
          ...pick(p, ["State", "EventPattern", "EventBusName", "Targets"]),
        });
        break;
      default:
        throw new Inexpressible(`no CloudFormation resource for ${resource.type as string}`);
    }
  }
  for (const [logicalId, byKind] of attachedThroughPolicy) {
    const policy = obj(resources[logicalId]);
    const properties = obj(policy?.Properties);
    if (policy && properties) policy.Properties = { ...properties, ...byKind };
  }
  return JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources }, null, 1);
}
