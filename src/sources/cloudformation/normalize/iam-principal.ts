import { inlineKeyOfPrincipal, principalSpec } from "../../../model/resource-types.js";
import type { JsonObject, JsonValue } from "../../../model/resource.js";
import { isUnknown, type UnknownValue } from "../../../model/unknown.js";
import { attachedPolicyEntry, fieldPath, indexPath } from "../../iac.js";
import { isMapNode, isSeqNode, member, positionAt } from "../../positioned/node.js";
import { NO_VALUE, type Resolved } from "../intrinsics.js";
import type { TemplateResource } from "../template.js";
import type { Build, NormalizeContext } from "./context.js";
import { policyDocument } from "./policy-document.js";
import type { SourcePosition } from "../../../util/source-position.js";

/**
 * `AWS::IAM::Role`, `User` and `Group` as `aws iam get-account-authorization-details` lists them
 * (`RoleDetailList`, `UserDetailList`, `GroupDetailList`), with their inline and attached policies.
 */

export type PrincipalKind = "role" | "user" | "group";

const PROPERTIES: Record<PrincipalKind, ReadonlySet<string>> = {
  role: new Set([
    "RoleName",
    "Path",
    "AssumeRolePolicyDocument",
    "Policies",
    "ManagedPolicyArns",
    "MaxSessionDuration",
    "PermissionsBoundary",
    "Description",
    "Tags",
  ]),
  user: new Set([
    "UserName",
    "Path",
    "Groups",
    "Policies",
    "ManagedPolicyArns",
    "PermissionsBoundary",
    "LoginProfile",
    "Tags",
  ]),
  group: new Set(["GroupName", "Path", "Policies", "ManagedPolicyArns"]),
};

export function principal(context: NormalizeContext, resource: TemplateResource, kind: PrincipalKind): void {
  const name = context.r.physicalName(resource);
  const path = context.r.iamPath(resource);
  const arn = context.r.arnOf(resource)!;
  const { type, nameKey, inlineKey } = principalSpec(kind);
  const properties: JsonObject = {
    [nameKey]: name,
    Path: path,
    Arn: arn,
    [inlineKey]: [],
    AttachedManagedPolicies: [],
  };
  const build = context.add(resource, type, name, properties, true);
  build.recorder.set(nameKey, context.propPosition(resource, nameKey));

  if (kind === "role") {
    const trust = policyDocument(
      context,
      context.prop(resource, "AssumeRolePolicyDocument"),
      "AssumeRolePolicyDocument",
      "AssumeRolePolicyDocument",
      build.recorder,
    );
    if (trust !== undefined) {
      properties.AssumeRolePolicyDocument = trust;
      build.recorder.set(
        "AssumeRolePolicyDocument",
        context.propPosition(resource, "AssumeRolePolicyDocument"),
      );
    }
    properties.InstanceProfileList = [];
    context.copy(resource, build, "MaxSessionDuration");
    context.copy(resource, build, "Description");
  }
  if (kind === "user") {
    properties.GroupList = [];
    const groups = context.r.list(context.prop(resource, "Groups"), "Groups");
    if (Array.isArray(groups)) {
      for (const group of groups) {
        const groupName = context.r.string(group, "Groups");
        if (groupName !== undefined) properties.GroupList.push(groupName);
      }
    } else if (groups !== undefined) properties.GroupList = groups;
    loginProfile(context, resource, build);
  }
  if (kind !== "group") {
    context.tags(resource, build);
    permissionsBoundary(context, resource, build);
  }

  const policies = context.r.list(context.prop(resource, "Policies"), "Policies");
  if (Array.isArray(policies)) {
    const node = context.r.shallow(context.prop(resource, "Policies"), "Policies");
    policies.forEach((policy, index) => {
      const at = isSeqNode(node) ? positionAt(node, index) : context.propPosition(resource, "Policies");
      addInlinePolicy(context, build, policy, at, "Policies");
    });
  } else if (policies !== undefined) {
    (properties[inlineKey] as JsonValue[]).push({ PolicyName: "Policies", PolicyDocument: policies });
  }

  const attached = context.r.list(context.prop(resource, "ManagedPolicyArns"), "ManagedPolicyArns");
  if (attached !== undefined) {
    const node = context.r.shallow(context.prop(resource, "ManagedPolicyArns"), "ManagedPolicyArns");
    const items = Array.isArray(attached) ? attached : [attached];
    items.forEach((item, index) => {
      const policyArn = context.r.string(item, "PolicyArn");
      if (policyArn === undefined) return;
      const at = isSeqNode(node)
        ? positionAt(node, index)
        : context.propPosition(resource, "ManagedPolicyArns");
      attach(context, build, policyArn, at);
    });
  }
  context.keepUnmapped(resource, build, PROPERTIES[kind]);
  context.refs.principals(kind === "role" ? "Roles" : kind === "user" ? "Users" : "Groups").set(name, build);
}

/** The boundary's ARN, as `{PermissionsBoundaryType, PermissionsBoundaryArn}`. */
function permissionsBoundary(context: NormalizeContext, resource: TemplateResource, build: Build): void {
  const arn = context.r.string(context.prop(resource, "PermissionsBoundary"), "PermissionsBoundaryArn");
  if (arn === undefined) return;
  const at = context.propPosition(resource, "PermissionsBoundary");
  build.properties.PermissionsBoundary = { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: arn };
  build.recorder.set("PermissionsBoundary", at);
  build.recorder.set("PermissionsBoundary.PermissionsBoundaryArn", at);
}

/** What `get-login-profile` shows of a console password: never the password itself. */
function loginProfile(context: NormalizeContext, resource: TemplateResource, build: Build): void {
  const spec = context.r.shallow(context.prop(resource, "LoginProfile"), "LoginProfile");
  if (spec === undefined || spec === NO_VALUE) return;
  const at = context.propPosition(resource, "LoginProfile");
  build.recorder.set("LoginProfile", at);
  if (!isMapNode(spec)) {
    build.properties.LoginProfile = isUnknown(spec)
      ? spec
      : context.r.unknown("LoginProfile", "the login profile", "is not a mapping");
    return;
  }
  const reset = context.r.deep(member(spec, "PasswordResetRequired"), "PasswordResetRequired");
  build.properties.LoginProfile = {
    UserName: build.properties.UserName as string,
    PasswordResetRequired: reset ?? false,
  };
}

export function addInlinePolicy(
  context: NormalizeContext,
  build: Build,
  policy: Resolved,
  at: SourcePosition,
  what: string,
): void {
  const inlineKey = inlineKeyOfPrincipal(build.type);
  const list = build.properties[inlineKey] as JsonValue[];
  const resolved = context.r.shallow(policy, what);
  if (resolved === NO_VALUE || resolved === undefined) return;
  const itemPath = indexPath(inlineKey, list.length);
  build.recorder.set(itemPath, at);
  if (!isMapNode(resolved)) {
    list.push({
      PolicyName: `(${what})`,
      PolicyDocument: isUnknown(resolved)
        ? resolved
        : context.r.unknown(what, "an inline policy", "is not a mapping"),
    });
    return;
  }
  const name = context.r.string(member(resolved, "PolicyName"), "PolicyName");
  const document = policyDocument(
    context,
    member(resolved, "PolicyDocument"),
    "PolicyDocument",
    fieldPath(itemPath, "PolicyDocument"),
    build.recorder,
  );
  const index = resolved.keys.lastIndexOf("PolicyDocument");
  if (index !== -1) build.recorder.set(fieldPath(itemPath, "PolicyDocument"), positionAt(resolved, index));
  list.push({ PolicyName: name ?? "(unnamed)", PolicyDocument: document ?? null });
}

export function attach(
  context: NormalizeContext,
  build: Build,
  policyArn: string | UnknownValue,
  at: SourcePosition,
): void {
  const list = build.properties.AttachedManagedPolicies as JsonValue[];
  const itemPath = indexPath("AttachedManagedPolicies", list.length);
  build.recorder.set(itemPath, at);
  build.recorder.set(fieldPath(itemPath, "PolicyArn"), at);
  list.push(
    attachedPolicyEntry(
      policyArn,
      (arn) => context.refs.managedPolicies.get(arn)?.properties.PolicyName as string | undefined,
    ),
  );
}

/**
 * IAM keeps one inline policy per name on a principal: a name the template writes twice for it
 * with two documents (in `Policies` and in a separate `AWS::IAM::RolePolicy` or
 * `AWS::IAM::Policy`, or twice in either) leaves one, the one CloudFormation writes last, which
 * depends on the order of creation and of later updates. Both documents become unknown, so that a grant one of them may
 * lose is not read as kept. Run once every policy is attached, on principals with two or more.
 */
export function settleRepeatedInlineNames(context: NormalizeContext, build: Build): void {
  const list = build.properties[inlineKeyOfPrincipal(build.type)];
  if (!Array.isArray(list) || list.length < 2) return;
  // The first document of each name, as JSON: the same document written twice leaves no doubt.
  const seen = new Map<string, string>();
  const repeated = new Set<string>();
  for (const policy of list as JsonObject[]) {
    const name = policy.PolicyName;
    if (typeof name !== "string") continue;
    const document = JSON.stringify(policy.PolicyDocument);
    const first = seen.get(name);
    if (first === undefined) seen.set(name, document);
    else if (first !== document) repeated.add(name);
  }
  if (repeated.size === 0) return;
  const kind = build.type.slice(build.type.lastIndexOf(":") + 1).toLowerCase();
  for (const policy of list as JsonObject[]) {
    const name = policy.PolicyName;
    if (typeof name !== "string" || !repeated.has(name)) continue;
    policy.PolicyDocument = context.r.unknown(
      "",
      `the inline policy ${name} of ${kind} ${build.id}`,
      "is written more than once in the template; IAM keeps one document per name, the one CloudFormation writes last",
    );
  }
}
