import { arnOf, inlineKeyOfPrincipal } from "../../model/resource-types.js";
import type {
  GroupDetail,
  InstanceProfile,
  ManagedPolicyDetail,
  RoleDetail,
  UserDetail,
} from "@aws-sdk/client-iam";
import type { Instance, SecurityGroup } from "@aws-sdk/client-ec2";
import type { GetDocumentCommandOutput, InstanceInformation } from "@aws-sdk/client-ssm";
import { normalizePolicyDocument } from "../../iam/index.js";
import { parseDocumentContent } from "../../model/ssm-document-content.js";
import {
  GLOBAL_REGION,
  ResourceTypes,
  type JsonObject,
  type JsonValue,
  type Resource,
  type ResourceType,
} from "../../model/resource.js";
import { defineField } from "../../util/own-field.js";
import { duplicateKeyState, readJsonText } from "../../util/json-duplicates.js";

/**
 * From SDK output to canonical resources. The SDK already returns the describe-API shape; what
 * changes is what JSON cannot hold or rules cannot read: dates become RFC 3339 strings, absent
 * members disappear, IAM policy documents (URL-encoded JSON on the wire) become objects whose
 * `Statement` is always a list, and an SSM document's `Content` (JSON or YAML text) is parsed.
 * Only type imports from the SDK here: the module is plain functions over plain data.
 */

/** Which account a resource belongs to, and the partition its ARNs are in. */
export interface AccountScope {
  account: string;
  partition: string;
}

/** Something in a response that could not be made canonical (a document that does not parse). */
export interface NormalizationProblem {
  type: ResourceType;
  id: string;
  detail: string;
}

export interface Normalized {
  resources: Resource[];
  problems: NormalizationProblem[];
}

/** A fresh object per resource: nothing downstream may see one resource's source change with another's. */
function live(): Resource["source"] {
  return { kind: "aws-live" };
}

/** A JSON copy of SDK output: `Date` as ISO strings, `undefined` members left out. */
export function toJson(value: unknown): JsonValue | undefined {
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "object": {
      if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
      if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
      const result: JsonObject = {};
      for (const [key, member] of Object.entries(value)) {
        // `$metadata` and other SDK bookkeeping are not part of the describe-API shape.
        if (key.startsWith("$")) continue;
        const json = toJson(member);
        if (json !== undefined) defineField(result, key, json);
      }
      return result;
    }
    default:
      return undefined;
  }
}

function toObject(value: unknown): JsonObject {
  const json = toJson(value);
  return json !== null && typeof json === "object" && !Array.isArray(json) ? json : {};
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * An IAM policy document as `GetAccountAuthorizationDetails` returns it: URL-encoded JSON
 * (RFC 3986, so `+` arrives as `%2B`, `/` as `%2F` and non-ASCII as UTF-8 escapes). A document
 * that is already JSON, as some AWS-compatible endpoints return it, is taken as it is.
 */
export function decodePolicyDocument(text: string): Decoded<JsonObject> {
  let json = text;
  if (!text.trimStart().startsWith("{")) {
    try {
      json = decodeURIComponent(text);
    } catch (error) {
      return {
        ok: false,
        problem: `the policy document is not valid URL encoding: ${(error as Error).message}`,
      };
    }
  }
  const read = readJsonText(json);
  if ("syntax" in read)
    return { ok: false, problem: `the policy document is not valid JSON: ${read.syntax}` };
  // IAM keeps a document as it was written, a key written twice included: a reader that keeps
  // the first of the two would see another statement.
  if ("duplicate" in read)
    return { ok: false, problem: `the policy document ${duplicateKeyState(read.duplicate)}` };
  const parsed = read.value;
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { ok: false, problem: "the policy document is not a JSON object" };
  }
  return { ok: true, value: normalizePolicyDocument(parsed as JsonObject) };
}

// ---------------------------------------------------------------------------------------------
// IAM: GetAccountAuthorizationDetails

interface DocumentContext {
  type: ResourceType;
  id: string;
  problems: NormalizationProblem[];
}

/**
 * Replaces the URL-encoded document at `object[field]` with the decoded one. A document that
 * cannot be decoded becomes null, which rules read as "cannot judge", and a problem is noted so
 * that the run reports an error rather than a verdict on it.
 */
function decodeField(object: JsonObject, field: string, context: DocumentContext, where: string): void {
  const value = object[field];
  if (typeof value !== "string") return;
  const decoded = decodePolicyDocument(value);
  if (decoded.ok) {
    object[field] = decoded.value;
  } else {
    object[field] = null;
    context.problems.push({ type: context.type, id: context.id, detail: `${where}: ${decoded.problem}` });
  }
}

function decodeInlinePolicies(object: JsonObject, listField: string, context: DocumentContext): void {
  const list = object[listField];
  if (!Array.isArray(list)) return;
  for (const policy of list) {
    if (policy === null || typeof policy !== "object" || Array.isArray(policy)) continue;
    const name = typeof policy.PolicyName === "string" ? policy.PolicyName : "?";
    decodeField(policy, "PolicyDocument", context, `inline policy ${name}`);
  }
}

function decodeInstanceProfiles(role: JsonObject, context: DocumentContext): void {
  const profiles = role.InstanceProfileList;
  if (!Array.isArray(profiles)) return;
  for (const profile of profiles) {
    if (profile === null || typeof profile !== "object" || Array.isArray(profile)) continue;
    decodeProfileRoles(profile, context);
  }
}

function decodeProfileRoles(profile: JsonObject, context: DocumentContext): void {
  const roles = profile.Roles;
  if (!Array.isArray(roles)) return;
  for (const role of roles) {
    if (role === null || typeof role !== "object" || Array.isArray(role)) continue;
    const name = typeof role.RoleName === "string" ? role.RoleName : "?";
    decodeField(role, "AssumeRolePolicyDocument", context, `trust policy of role ${name}`);
  }
}

function iamResource(
  type: ResourceType,
  id: string,
  arn: string | undefined,
  scope: AccountScope,
  properties: JsonObject,
): Resource {
  return {
    type,
    id,
    ...(arn ? { arn } : {}),
    account: scope.account,
    region: GLOBAL_REGION,
    source: live(),
    properties,
  };
}

export interface AuthorizationDetails {
  UserDetailList?: UserDetail[];
  GroupDetailList?: GroupDetail[];
  RoleDetailList?: RoleDetail[];
  Policies?: ManagedPolicyDetail[];
}

/**
 * Users, groups, roles, managed policies, and the instance profiles the roles list (the API has
 * no separate list of them; a profile holds at most one role, so each appears once).
 */
export function authorizationDetailsResources(
  page: AuthorizationDetails,
  scope: AccountScope,
  seenProfiles: Set<string> = new Set(),
): Normalized {
  const resources: Resource[] = [];
  const problems: NormalizationProblem[] = [];

  for (const user of page.UserDetailList ?? []) {
    const id = user.UserName ?? user.UserId ?? "";
    const properties = toObject(user);
    decodeInlinePolicies(properties, inlineKeyOfPrincipal(ResourceTypes.User), {
      type: ResourceTypes.User,
      id,
      problems,
    });
    resources.push(iamResource(ResourceTypes.User, id, user.Arn, scope, properties));
  }
  for (const group of page.GroupDetailList ?? []) {
    const id = group.GroupName ?? group.GroupId ?? "";
    const properties = toObject(group);
    decodeInlinePolicies(properties, inlineKeyOfPrincipal(ResourceTypes.Group), {
      type: ResourceTypes.Group,
      id,
      problems,
    });
    resources.push(iamResource(ResourceTypes.Group, id, group.Arn, scope, properties));
  }
  for (const role of page.RoleDetailList ?? []) {
    const id = role.RoleName ?? role.RoleId ?? "";
    const context = { type: ResourceTypes.Role, id, problems };
    const properties = toObject(role);
    decodeField(properties, "AssumeRolePolicyDocument", context, "trust policy");
    decodeInlinePolicies(properties, inlineKeyOfPrincipal(ResourceTypes.Role), context);
    decodeInstanceProfiles(properties, context);
    resources.push(iamResource(ResourceTypes.Role, id, role.Arn, scope, properties));
    for (const profile of role.InstanceProfileList ?? []) {
      const arn = profile.Arn;
      if (!arn || seenProfiles.has(arn)) continue;
      seenProfiles.add(arn);
      resources.push(instanceProfileResource(profile, scope, problems));
    }
  }
  for (const policy of page.Policies ?? []) {
    const id = policy.Arn ?? policy.PolicyName ?? "";
    const properties = toObject(policy);
    const versions = properties.PolicyVersionList;
    if (Array.isArray(versions)) {
      const context = { type: ResourceTypes.ManagedPolicy, id, problems };
      for (const version of versions) {
        if (version === null || typeof version !== "object" || Array.isArray(version)) continue;
        const versionId = typeof version.VersionId === "string" ? version.VersionId : "?";
        decodeField(version, "Document", context, `version ${versionId}`);
      }
    }
    resources.push(iamResource(ResourceTypes.ManagedPolicy, id, policy.Arn, scope, properties));
  }
  return { resources, problems };
}

function instanceProfileResource(
  profile: InstanceProfile,
  scope: AccountScope,
  problems: NormalizationProblem[],
): Resource {
  const id = profile.InstanceProfileName ?? profile.InstanceProfileId ?? "";
  const properties = toObject(profile);
  decodeProfileRoles(properties, { type: ResourceTypes.InstanceProfile, id, problems });
  return iamResource(ResourceTypes.InstanceProfile, id, profile.Arn, scope, properties);
}

// ---------------------------------------------------------------------------------------------
// EC2 and SSM, per region

export function securityGroupResource(group: SecurityGroup, scope: AccountScope, region: string): Resource {
  const id = group.GroupId ?? "";
  return {
    type: ResourceTypes.SecurityGroup,
    id,
    arn: group.SecurityGroupArn ?? arnOf(ResourceTypes.SecurityGroup, { ...scope, region }, id),
    account: scope.account,
    region,
    source: live(),
    properties: toObject(group),
  };
}

export function instanceResource(instance: Instance, scope: AccountScope, region: string): Resource {
  const id = instance.InstanceId ?? "";
  return {
    type: ResourceTypes.Instance,
    id,
    arn: arnOf(ResourceTypes.Instance, { ...scope, region }, id),
    account: scope.account,
    region,
    source: live(),
    properties: toObject(instance),
  };
}

export function managedInstanceResource(
  information: InstanceInformation,
  scope: AccountScope,
  region: string,
): Resource {
  const id = information.InstanceId ?? "";
  return {
    type: ResourceTypes.ManagedInstance,
    id,
    arn: arnOf(ResourceTypes.ManagedInstance, { ...scope, region }, id),
    account: scope.account,
    region,
    source: live(),
    properties: toObject(information),
  };
}

export type DocumentResponse = Omit<GetDocumentCommandOutput, "$metadata">;

/** The preferences document with its `Content` parsed, or the reason it could not be. */
export function preferencesResource(
  document: DocumentResponse,
  scope: AccountScope,
  region: string,
): Decoded<Resource> {
  const name = document.Name ?? "";
  const properties = toObject(document);
  // Attachments are signed download URLs that change on every call; they are not preferences.
  delete properties.AttachmentsContent;
  if (typeof document.Content === "string") {
    const content = parseDocumentContent(document.Content, document.DocumentFormat);
    if (!content.ok) return { ok: false, problem: content.problem };
    properties.Content = content.value;
  }
  return {
    ok: true,
    value: {
      type: ResourceTypes.SessionPreferences,
      id: name,
      arn: arnOf(ResourceTypes.SessionPreferences, { ...scope, region }, name),
      account: scope.account,
      region,
      source: live(),
      properties,
    },
  };
}
