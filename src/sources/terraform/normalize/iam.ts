import { arnOf } from "../../../model/resource-types.js";
import { principalSpec } from "../../../model/resource-types.js";
import { normalizePolicyDocument } from "../../../iam/document.js";
import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown, unknownValue, type UnknownValue } from "../../../model/unknown.js";
import { duplicateKeyState, readJsonText } from "../../../util/json-duplicates.js";
import { fieldPath, indexPath } from "../../iac.js";
import type { AttributeSchema } from "../attributes.js";
import type { PlanInstance } from "../reader.js";
import { asArray, asList, pathText, type Path } from "../values.js";
import type { Build, Normalization, PrincipalKind } from "./context.js";

/**
 * IAM in the `get-account-authorization-details` shape: roles, users and groups with their inline
 * and attached policies, managed policies with their default version, instance profiles, and the
 * resources that attach policies or add members. Policy documents are decoded, `Statement`
 * always a list.
 */

const strings = { list: "string" } as const;
const tags = { map: "string" } as const;

export const PRINCIPAL_SCHEMA: AttributeSchema = {
  name: "string",
  path: "string",
  arn: "string",
  unique_id: "string",
  description: "string",
  permissions_boundary: "string",
  assume_role_policy: "string",
  max_session_duration: "number",
  inline_policy: { block: { name: "string", policy: "string" } },
  managed_policy_arns: strings,
  tags,
};

export const MANAGED_POLICY_SCHEMA: AttributeSchema = {
  name: "string",
  path: "string",
  arn: "string",
  description: "string",
  policy: "string",
  tags,
};

export const INSTANCE_PROFILE_SCHEMA: AttributeSchema = {
  name: "string",
  path: "string",
  arn: "string",
  role: "string",
  tags,
};

/** Inline policies, attachments and memberships given as resources of their own. */
export const ATTACHMENT_SCHEMA: AttributeSchema = {
  name: "string",
  policy: "string",
  policy_arn: "string",
  role: "string",
  user: "string",
  group: "string",
  roles: strings,
  users: strings,
  groups: strings,
};

export function policyDocument(
  n: Normalization,
  instance: PlanInstance,
  attribute: Path,
): JsonValue | undefined {
  const value = n.plan.value(instance, attribute);
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string")
    return isUnknown(value) ? value : (normalizePolicyDocument(value) as JsonValue);
  const read = readJsonText(value);
  if ("syntax" in read)
    return unknownValue(`${pathText(attribute)} of ${instance.address} is not valid JSON`);
  // A policy written as a heredoc keeps a key written twice: a reader that keeps the first of the
  // two sees another statement.
  if ("duplicate" in read)
    return unknownValue(`${pathText(attribute)} of ${instance.address} ${duplicateKeyState(read.duplicate)}`);
  return normalizePolicyDocument(read.value as JsonValue) as JsonValue;
}

export function principal(n: Normalization, instance: PlanInstance): void {
  const { name, arn } = n.refs.identity(instance);
  const kind =
    instance.type === "aws_iam_role" ? "role" : instance.type === "aws_iam_user" ? "user" : "group";
  const { type, nameKey, inlineKey } = principalSpec(kind);
  const path = n.plan.value(instance, ["path"]);
  const properties: JsonObject = {
    [nameKey]: name!,
    Path: typeof path === "string" ? path : "/",
    Arn: arn!,
    [inlineKey]: [],
    AttachedManagedPolicies: [],
  };
  const build = n.add(instance, type, name!, properties, true);
  n.locate(build, nameKey, instance, ["name"]);
  if (kind === "role") {
    const trust = policyDocument(n, instance, ["assume_role_policy"]);
    if (trust !== undefined) properties.AssumeRolePolicyDocument = trust;
    n.locate(build, "AssumeRolePolicyDocument", instance, ["assume_role_policy"]);
    properties.InstanceProfileList = [];
    const duration = n.plan.value(instance, ["max_session_duration"]);
    if (duration !== undefined && duration !== null) properties.MaxSessionDuration = duration;
    const description = n.plan.value(instance, ["description"]);
    if (description !== undefined && description !== null) properties.Description = description;
    // A role that leaves its inline and managed policies to separate resources lists those the
    // plan's separate resources gave it before: they are theirs to give (again or not).
    const prior = n.plan.priorRoleGrants.get(name!.toLowerCase());
    const inlineFromPrior =
      prior !== undefined &&
      !n.plan.configured(instance, "inline_policy") &&
      !instance.dynamicBlocks.has("inline_policy");
    const managedFromPrior = prior !== undefined && !n.plan.configured(instance, "managed_policy_arns");
    const inline = n.plan.valueOrUnset(instance, "inline_policy", []);
    if (isUnknown(inline))
      (properties.RolePolicyList as JsonValue[]).push({
        PolicyName: "inline_policy",
        PolicyDocument: inline,
      });
    else
      asArray(inline).forEach((_, index) => {
        const document = policyDocument(n, instance, ["inline_policy", index, "policy"]);
        if (document === undefined) return;
        const policyName = n.plan.value(instance, ["inline_policy", index, "name"]);
        if (inlineFromPrior && typeof policyName === "string" && prior.inlineNames.has(policyName)) return;
        const list = properties.RolePolicyList as JsonValue[];
        const itemPath = indexPath("RolePolicyList", list.length);
        n.locate(build, itemPath, instance, ["inline_policy", index]);
        n.locate(build, fieldPath(itemPath, "PolicyDocument"), instance, ["inline_policy", index, "policy"]);
        list.push({
          PolicyName: typeof policyName === "string" ? policyName : "(unnamed)",
          PolicyDocument: document,
        });
      });
    const unset = n.plan.valueOrUnset(instance, "managed_policy_arns", []);
    const managed =
      Array.isArray(unset) && unset.length === 0 ? [] : n.refs.references(instance, "managed_policy_arns");
    for (const policyArn of asList(managed))
      if (!(managedFromPrior && typeof policyArn === "string" && prior.policyArns.has(policyArn)))
        n.attach(build, policyArn, instance, ["managed_policy_arns"]);
  }
  if (kind === "user") properties.GroupList = [];
  const boundary = n.plan.value(instance, ["permissions_boundary"]);
  if (kind !== "group" && boundary !== undefined && boundary !== null && boundary !== "")
    properties.PermissionsBoundary = {
      PermissionsBoundaryType: "PermissionsBoundaryPolicy",
      PermissionsBoundaryArn: boundary,
    };
  if (kind !== "group") n.tags(instance, build);
  n.principals[kind].set(name!, build);
}

export function managedPolicy(n: Normalization, instance: PlanInstance): void {
  const { arn, name } = n.refs.identity(instance);
  const path = n.plan.value(instance, ["path"]);
  const properties: JsonObject = {
    PolicyName: name!,
    Arn: arn!,
    Path: typeof path === "string" ? path : "/",
    DefaultVersionId: "v1",
    IsAttachable: true,
  };
  const build = n.add(instance, ResourceTypes.ManagedPolicy, arn!, properties, true);
  const document = policyDocument(n, instance, ["policy"]);
  for (const path of ["PolicyVersionList", "PolicyVersionList[0]", "PolicyVersionList[0].Document"])
    n.locate(build, path, instance, ["policy"]);
  properties.PolicyVersionList = [{ Document: document ?? null, VersionId: "v1", IsDefaultVersion: true }];
  const description = n.plan.value(instance, ["description"]);
  if (description !== undefined && description !== null) properties.Description = description;
  n.tags(instance, build);
  n.managedPolicies.set(arn!, build);
}

/**
 * The principals of the plan a policy resource applies to. When the principal's name is known
 * only after apply and the configuration's references do not say which resource gives it (a
 * local, a module's output), the policy may apply to any principal of its kind in the plan: each
 * of them gets it as an unknown (`maybe`), so that the rules reading their permissions cannot
 * decide, rather than judge them without a policy that may be theirs.
 */
function appliesTo(
  n: Normalization,
  kind: PrincipalKind,
  name: string | UnknownValue | undefined,
  from: PlanInstance,
): { build: Build; maybe?: UnknownValue }[] {
  if (!isUnknown(name)) {
    const build = n.principal(kind, name, from);
    return build ? [{ build }] : [];
  }
  const maybe = unknownValue(
    `${from.address} applies to a ${kind} whose name is known only after apply (${name.$unknown}), which may be this one`,
  );
  return [...n.principals[kind].values()].map((build) => ({ build, maybe }));
}

/** Policies and memberships given as resources of their own. */
export function attachment(n: Normalization, instance: PlanInstance): void {
  const inline = (kind: PrincipalKind) => {
    for (const { build, maybe } of appliesTo(n, kind, n.refs.reference(instance, kind), instance)) {
      const { inlineKey } = principalSpec(kind);
      const list = build.properties[inlineKey] as JsonValue[];
      const itemPath = indexPath(inlineKey, list.length);
      n.locate(build, itemPath, instance, []);
      n.locate(build, fieldPath(itemPath, "PolicyDocument"), instance, ["policy"]);
      const name = n.plan.value(instance, ["name"]);
      list.push({
        PolicyName: typeof name === "string" ? name : instance.address,
        PolicyDocument: maybe ?? policyDocument(n, instance, ["policy"]) ?? null,
      });
    }
  };
  const attached = (
    kind: PrincipalKind,
    names: (string | UnknownValue)[] | string | UnknownValue | undefined,
  ) => {
    const policyArn = n.refs.reference(instance, "policy_arn");
    if (policyArn === undefined) return;
    for (const name of asList(names)) {
      for (const { build, maybe } of appliesTo(n, kind, name, instance))
        n.attach(build, maybe ?? policyArn, instance, ["policy_arn"]);
    }
  };
  switch (instance.type) {
    case "aws_iam_role_policy":
      return inline("role");
    case "aws_iam_user_policy":
      return inline("user");
    case "aws_iam_group_policy":
      return inline("group");
    case "aws_iam_role_policy_attachment":
      return attached("role", n.refs.reference(instance, "role"));
    case "aws_iam_user_policy_attachment":
      return attached("user", n.refs.reference(instance, "user"));
    case "aws_iam_group_policy_attachment":
      return attached("group", n.refs.reference(instance, "group"));
    case "aws_iam_policy_attachment":
      attached("role", n.refs.references(instance, "roles"));
      attached("user", n.refs.references(instance, "users"));
      attached("group", n.refs.references(instance, "groups"));
      return;
    // A member known only after apply may be any user of the plan, as for policies above: each
    // of them gets the membership as an unknown group, whose policies the rules cannot know.
    case "aws_iam_user_group_membership": {
      const groups = n.refs.references(instance, "groups");
      for (const { build, maybe } of appliesTo(n, "user", n.refs.reference(instance, "user"), instance))
        if (Array.isArray(build.properties.GroupList)) {
          if (maybe) build.properties.GroupList.push(maybe);
          else for (const group of asList(groups)) build.properties.GroupList.push(group);
        }
      return;
    }
    case "aws_iam_group_membership": {
      const group = n.refs.reference(instance, "group");
      const users = n.refs.references(instance, "users");
      if (group === undefined) return;
      for (const name of asList(users))
        for (const { build, maybe } of appliesTo(n, "user", name, instance))
          if (Array.isArray(build.properties.GroupList)) build.properties.GroupList.push(maybe ?? group);
      return;
    }
    default:
      return;
  }
}

export function instanceProfile(n: Normalization, instance: PlanInstance): void {
  const { name, arn } = n.refs.identity(instance);
  const path = n.plan.value(instance, ["path"]);
  const roles: JsonValue[] = [];
  const summary: JsonObject = {
    InstanceProfileName: name!,
    Arn: arn!,
    Path: typeof path === "string" ? path : "/",
    Roles: roles,
  };
  const build = n.add(instance, ResourceTypes.InstanceProfile, name!, summary, true);
  n.locate(build, "Roles", instance, ["role"]);
  const roleName = n.refs.reference(instance, "role");
  if (roleName !== undefined) {
    const role = typeof roleName === "string" ? n.principals.role.named(roleName) : undefined;
    roles.push(
      typeof roleName === "string"
        ? {
            // The role's own name, which IAM lists whatever the case the profile names it in.
            RoleName: role ? (role.properties.RoleName as string) : roleName,
            Arn: role
              ? (role.properties.Arn as string)
              : arnOf(ResourceTypes.Role, n.plan.arnScope, roleName),
          }
        : { RoleName: roleName },
    );
    if (role && Array.isArray(role.properties.InstanceProfileList))
      role.properties.InstanceProfileList.push(summary);
  }
  n.tags(instance, build);
  n.profiles.set(name!, build);
}
