import type { JsonObject, JsonValue, ResourceType } from "../../../src/model/resource.js";
import { ResourceTypes } from "../../../src/model/resource.js";
import { UNKNOWN_KEY } from "../../../src/model/unknown.js";
import { arnOf, inlinePolicyKeyOf, resourceTypeSpec } from "../../../src/model/resource-types.js";
import { type Obj, obj, list } from "./values.js";

/**
 * A rule test case as the resources an account (or a template, a plan, a Config recorder) would
 * hold: the case's `related` object, which the rule tester hands to the rule already resolved, is
 * taken apart into the separate resources that relations (`src/model/relations.ts`) join again —
 * inline policies into the principal, managed policies into policy resources and attachments, an
 * instance's profile, roles, security groups and agent record into resources of their own, the
 * account's session key into its Session Manager preferences.
 *
 * Every resource is in its canonical (describe-API) shape. References between them use the ids
 * AWS uses (role and profile names, policy and profile ARNs, group ids), which each converter
 * rewrites into its source's own way of referring.
 */

export const WORLD_ACCOUNT = "111122223333";
export const WORLD_REGION = "us-east-1";

export interface WorldResource {
  type: ResourceType;
  /** The canonical id (`resourceTypeSpec(type).idField`). */
  id: string;
  properties: JsonObject;
}

export interface World {
  /** The resource the case judges. */
  subject: WorldResource;
  /** Every resource, the subject included. */
  resources: WorldResource[];
}

/** Why a case cannot be taken apart into resources (then it is listed as an exclusion). */
export class Inexpressible extends Error {}

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

class WorldBuilder {
  readonly resources: WorldResource[] = [];
  private readonly seen = new Map<string, WorldResource>();

  add(type: ResourceType, properties: JsonObject): WorldResource {
    const idField = resourceTypeSpec(type).idField;
    const id = text(properties[idField]);
    if (id === undefined) throw new Inexpressible(`a related ${type} has no ${idField}`);
    // What every role has, and the canonical shape requires: its ARN and a trust policy.
    if (type === ResourceTypes.Role) {
      properties.Arn ??= arnOf(
        type,
        { partition: "aws", region: "", account: WORLD_ACCOUNT },
        id,
        properties,
      );
      properties.AssumeRolePolicyDocument ??= EC2_TRUST;
    }
    const key = `${type}|${id}`;
    const known = this.seen.get(key);
    if (known) {
      if (JSON.stringify(known.properties) !== JSON.stringify(properties))
        throw new Inexpressible(`two different ${type} named ${id}`);
      return known;
    }
    const resource = { type, id, properties };
    this.seen.set(key, resource);
    this.resources.push(resource);
    return resource;
  }

  /** A principal's `related.Policies` as inline policies, attachments and managed policies. */
  principal(type: ResourceType, document: Obj): JsonObject {
    const { related, ...own } = document;
    const properties: JsonObject = { ...own };
    const relatedObject = obj(related);
    if (!relatedObject) return properties;
    const inlineKey = inlinePolicyKeyOf(type)!;
    const inline: JsonValue[] = [];
    const attached: JsonValue[] = [];
    const userName = text(own.UserName);
    for (const entry of list(relatedObject.Policies)) {
      const policy = obj(entry);
      if (!policy) throw new Inexpressible("a related policy is not an object");
      const kind = text(policy.Kind);
      const name = text(policy.PolicyName) ?? "";
      const document = policy.Document ?? null;
      switch (kind) {
        case "inline":
          if (document === null) throw new Inexpressible("an inline policy without a document");
          inline.push({ PolicyName: name, PolicyDocument: document });
          break;
        case "managed":
          attached.push(this.managed(policy, name, document));
          break;
        case "group-inline":
        case "group-managed": {
          if (userName === undefined)
            throw new Inexpressible("a group policy on a principal that is not a user");
          const groupName = text(policy.Group);
          if (groupName === undefined) throw new Inexpressible("a group policy without its group");
          this.groupPolicy(groupName, kind, policy, name, document);
          const groups = list(properties.GroupList);
          if (!groups.includes(groupName)) properties.GroupList = [...groups, groupName];
          break;
        }
        default:
          throw new Inexpressible(`a related policy of kind ${String(kind)}`);
      }
    }
    for (const entry of list(own.AttachedManagedPolicies)) {
      const arn = text(obj(entry)?.PolicyArn);
      if (arn !== undefined && !attached.some((known) => obj(known)?.PolicyArn === arn))
        throw new Inexpressible(
          "an attachment that related.Policies leaves out, which relations always resolve",
        );
    }
    properties[inlineKey] = inline;
    properties.AttachedManagedPolicies = attached;
    for (const entry of list(relatedObject.AccessKeys)) this.accessKey(entry, userName);
    const keys = list(relatedObject.SessionKmsKeys);
    if (keys.length > 1) throw new Inexpressible("more than one session key in one account and region");
    const key = text(keys[0]);
    if (key !== undefined) this.sessionKey(key);
    return properties;
  }

  /** A user's key as the credential report gives it: without what relations compute from it. */
  private accessKey(entry: JsonValue, userName: string | undefined): void {
    const key = obj(entry);
    if (!key) throw new Inexpressible("a related access key is not an object");
    if (userName === undefined) throw new Inexpressible("access keys on a principal that is not a user");
    const { AgeDays: _age, Planned: planned, LastUse: _lastUse, Summary: _summary, ...properties } = key;
    if (planned === true)
      throw new Inexpressible("a key a template or plan would create, which observed data cannot hold");
    if (properties.UserName !== userName) throw new Inexpressible("an access key of another user");
    this.add(ResourceTypes.AccessKey, properties);
  }

  private groups = new Map<string, Obj>();

  private groupPolicy(group: string, kind: string, policy: Obj, name: string, document: JsonValue): void {
    let properties = this.groups.get(group);
    if (!properties) {
      properties = { GroupName: group, GroupPolicyList: [], AttachedManagedPolicies: [] };
      this.groups.set(group, properties);
      this.resources.push({ type: ResourceTypes.Group, id: group, properties });
    }
    if (kind === "group-inline") {
      if (document === null) throw new Inexpressible("an inline policy without a document");
      (properties.GroupPolicyList as JsonValue[]).push({ PolicyName: name, PolicyDocument: document });
    } else (properties.AttachedManagedPolicies as JsonValue[]).push(this.managed(policy, name, document));
  }

  /** An attachment, and the policy resource when the case holds its document (else the data lacks it). */
  private managed(policy: Obj, name: string, document: JsonValue): JsonValue {
    const arn = text(policy.PolicyArn) ?? `arn:aws:iam::${WORLD_ACCOUNT}:policy/${name}`;
    if (document !== null) {
      this.add(ResourceTypes.ManagedPolicy, {
        PolicyName: name,
        Arn: arn,
        Path: "/",
        DefaultVersionId: "v1",
        PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: true, Document: statementList(document) }],
      });
    } else if (!arn.startsWith("arn:aws:iam::aws:policy/")) {
      // Relations make the document of a policy the data lacks an unknown value, never null.
      throw new Inexpressible("a customer managed policy with a null document");
    }
    return { PolicyName: name, PolicyArn: arn };
  }

  sessionKey(key: string): void {
    this.add(ResourceTypes.SessionPreferences, {
      Name: "SSM-SessionManagerRunShell",
      DocumentType: "Session",
      DocumentFormat: "JSON",
      Content: { schemaVersion: "1.0", sessionType: "Standard_Stream", inputs: { kmsKeyId: key } },
    });
  }

  /** A region's preferences, with its EventBridge rules and the account's trails as resources. */
  preferences(document: Obj): JsonObject {
    const { related, ...own } = document;
    const relatedObject = obj(related);
    if (!relatedObject) return { ...own };
    for (const [key, type] of [
      ["EventRules", ResourceTypes.EventRule],
      ["Trails", ResourceTypes.Trail],
    ] as const) {
      for (const entry of list(relatedObject[key])) {
        const properties = obj(entry);
        if (!properties) throw new Inexpressible(`a related ${type} is not an object`);
        this.add(type, { ...properties });
      }
    }
    return { ...own };
  }

  instance(document: Obj): JsonObject {
    const { related, ...own } = document;
    const properties: JsonObject = { ...own };
    const relatedObject = obj(related);
    if (!relatedObject) return properties;
    const profileArn = text(obj(own.IamInstanceProfile)?.Arn);
    const roles = list(relatedObject.Roles).map((role) => {
      const roleDocument = obj(role);
      if (!roleDocument || text(roleDocument.RoleName) === undefined)
        throw new Inexpressible("a related role without a name");
      const roleProperties = this.principal(ResourceTypes.Role, roleDocument);
      return this.add(ResourceTypes.Role, roleProperties);
    });
    const profile = obj(relatedObject.InstanceProfile);
    if (profileArn !== undefined && (profile !== undefined || roles.length > 0)) {
      const listed = list(profile?.Roles).map((entry) => text(obj(entry)?.RoleName));
      const names = [...new Set([...listed, ...roles.map((role) => role.id)])];
      // A role the profile names but the case does not hold stays a name without a resource.
      this.add(ResourceTypes.InstanceProfile, {
        InstanceProfileName: text(profile?.InstanceProfileName) ?? lastSegment(profileArn),
        Arn: profileArn,
        Path: "/",
        Roles: names.map((name) => ({ RoleName: name ?? "" })),
      });
    } else if (roles.length > 0) {
      throw new Inexpressible("related roles without an instance profile");
    }
    for (const entry of list(relatedObject.SecurityGroups)) {
      const group = obj(entry);
      if (!group) throw new Inexpressible("a related security group is not an object");
      const { related: _groupRelated, ...groupProperties } = group;
      this.add(ResourceTypes.SecurityGroup, groupProperties);
    }
    // The instance's own list says which groups it uses; a group missing from `related` is one
    // the data does not hold, so it stays listed without a resource.
    if (own.SecurityGroups === undefined && list(relatedObject.SecurityGroups).length > 0)
      properties.SecurityGroups = list(relatedObject.SecurityGroups).map((entry) => ({
        GroupId: obj(entry)?.GroupId ?? "",
      }));
    const managed = obj(relatedObject.ManagedInstance);
    if (managed) {
      const { related: _managedRelated, ...managedProperties } = managed;
      const instanceId = text(own.InstanceId);
      if (text(managedProperties.InstanceId) !== instanceId)
        throw new Inexpressible("the agent's record names another instance");
      this.add(ResourceTypes.ManagedInstance, managedProperties);
    }
    return properties;
  }
}

/** A policy document with its statements as a list, as live collection records managed policies. */
function statementList(document: JsonValue): JsonValue {
  const statement = obj(document)?.Statement;
  return statement !== undefined && !Array.isArray(statement)
    ? { ...obj(document), Statement: [statement] }
    : document;
}

/** Roles an instance profile holds need a trust policy: EC2's, as instance roles have. */
const EC2_TRUST: JsonValue = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

export function worldOf(type: ResourceType, document: JsonObject): World {
  if (JSON.stringify(document).includes(`"${UNKNOWN_KEY}"`))
    throw new Inexpressible("an unknown value, which only a reader of templates and plans makes");
  const builder = new WorldBuilder();
  let properties: JsonObject;
  switch (type) {
    case ResourceTypes.Role:
    case ResourceTypes.User:
    case ResourceTypes.Group:
      properties = builder.principal(type, document);
      break;
    case ResourceTypes.Instance:
      properties = builder.instance(document);
      break;
    case ResourceTypes.SessionPreferences:
      properties = builder.preferences(document);
      break;
    default: {
      if (document.related !== undefined) throw new Inexpressible(`related data on a ${type}`);
      properties = document;
    }
  }
  // A case may leave out the id when the rule does not read it; every resource has one.
  const idField = resourceTypeSpec(type).idField;
  if (text(properties[idField]) === undefined) properties[idField] = `parity-subject`;
  const subject = builder.add(type, properties);
  return { subject, resources: builder.resources };
}
