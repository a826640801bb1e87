import { inlineKeyOfPrincipal } from "../../../model/resource-types.js";
import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import type { UnknownValue } from "../../../model/unknown.js";
import { fieldPath, indexPath, PositionRecorder } from "../../iac.js";
import type { TemplateResource } from "../template.js";
import type { NormalizeContext } from "./context.js";
import { attach } from "./iam-principal.js";
import { policyDocument } from "./policy-document.js";
import type { SourcePosition } from "../../../util/source-position.js";

/**
 * IAM policies defined apart from their principals: `AWS::IAM::ManagedPolicy` (a resource of its
 * own, as `PolicyDetailList` lists it, and an attachment to each principal it names), the inline
 * `AWS::IAM::Policy` / `RolePolicy` / `UserPolicy` / `GroupPolicy`, and `UserToGroupAddition`,
 * each joined to the principals of the template they name.
 */

const MANAGED_POLICY_PROPERTIES = new Set([
  "ManagedPolicyName",
  "Path",
  "Description",
  "PolicyDocument",
  "Roles",
  "Users",
  "Groups",
]);

export function managedPolicy(context: NormalizeContext, resource: TemplateResource): void {
  const arn = context.r.arnOf(resource)!;
  const name = context.r.physicalName(resource);
  const properties: JsonObject = {
    PolicyName: name,
    Arn: arn,
    Path: context.r.iamPath(resource),
    DefaultVersionId: "v1",
    IsAttachable: true,
  };
  const build = context.add(resource, ResourceTypes.ManagedPolicy, arn, properties, true);
  const description = context.value(resource, "Description", build);
  if (description !== undefined) properties.Description = description;
  const documentPath = "PolicyVersionList[0].Document";
  const document = policyDocument(
    context,
    context.prop(resource, "PolicyDocument"),
    "PolicyDocument",
    documentPath,
    build.recorder,
  );
  build.recorder.set("PolicyVersionList", context.propPosition(resource, "PolicyDocument"));
  build.recorder.set("PolicyVersionList[0]", context.propPosition(resource, "PolicyDocument"));
  build.recorder.set(documentPath, context.propPosition(resource, "PolicyDocument"));
  properties.PolicyVersionList = [{ Document: document ?? null, VersionId: "v1", IsDefaultVersion: true }];
  context.keepUnmapped(resource, build, MANAGED_POLICY_PROPERTIES);
  context.refs.managedPolicies.set(arn, build);
}

export function attachManagedPolicy(context: NormalizeContext, resource: TemplateResource): void {
  // A policy that may not be created may not be attached: its grants and denials cannot be
  // counted on (read as attached, an instance role passed on permissions a parameter may withhold).
  const arn = context.r.excluded(resource, "PolicyArn") ?? context.r.arnOf(resource)!;
  for (const kind of ["Roles", "Users", "Groups"] as const) {
    for (const { name, at } of context.refs.names(resource, kind)) {
      const build = context.refs.principal(kind, name, resource);
      if (build) attach(context, build, arn, at);
    }
  }
}

/** `AWS::IAM::Policy` and the single-principal `RolePolicy` / `UserPolicy` / `GroupPolicy`. */
export function inlinePolicyResource(context: NormalizeContext, resource: TemplateResource): void {
  const targets: { kind: "Roles" | "Users" | "Groups"; name: string | UnknownValue; at: SourcePosition }[] =
    [];
  switch (resource.type) {
    case "AWS::IAM::Policy":
      for (const kind of ["Roles", "Users", "Groups"] as const)
        for (const { name, at } of context.refs.names(resource, kind)) targets.push({ kind, name, at });
      break;
    case "AWS::IAM::RolePolicy":
    case "AWS::IAM::UserPolicy":
    case "AWS::IAM::GroupPolicy": {
      const [kind, property] =
        resource.type === "AWS::IAM::RolePolicy"
          ? (["Roles", "RoleName"] as const)
          : resource.type === "AWS::IAM::UserPolicy"
            ? (["Users", "UserName"] as const)
            : (["Groups", "GroupName"] as const);
      const name = context.text(resource, property);
      if (name !== undefined) targets.push({ kind, name, at: context.propPosition(resource, property) });
      break;
    }
    default:
      return;
  }
  // Resolved once, then its positions are copied under each principal's own path.
  const scratch = new PositionRecorder();
  const policyName = context.text(resource, "PolicyName");
  const document = policyDocument(
    context,
    context.prop(resource, "PolicyDocument"),
    "PolicyDocument",
    "D",
    scratch,
  );
  scratch.set("D", context.propPosition(resource, "PolicyDocument"));
  // As for managed policies: a document that may not be written cannot be counted on.
  const uncertain = context.r.excluded(resource, "PolicyDocument");
  for (const { kind, name, at } of targets) {
    const build = context.refs.principal(kind, name, resource);
    if (!build) continue;
    const inlineKey = inlineKeyOfPrincipal(build.type);
    const list = build.properties[inlineKey] as JsonValue[];
    const itemPath = indexPath(inlineKey, list.length);
    build.recorder.set(itemPath, at);
    build.recorder.copyFrom(scratch.positions, "D", fieldPath(itemPath, "PolicyDocument"));
    list.push({
      PolicyName: policyName ?? resource.logicalId,
      PolicyDocument: uncertain ?? document ?? null,
    });
  }
}

export function groupMembership(context: NormalizeContext, resource: TemplateResource): void {
  const group = context.text(resource, "GroupName");
  if (group === undefined) return;
  for (const { name, at } of context.refs.names(resource, "Users")) {
    const user = context.refs.principal("Users", name, resource);
    if (!user) continue;
    const list = user.properties.GroupList;
    if (!Array.isArray(list)) continue;
    user.recorder.set(indexPath("GroupList", list.length), at);
    list.push(group);
  }
}
