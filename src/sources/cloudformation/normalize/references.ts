import { ResourceTypes } from "../../../model/resource.js";
import { arnOf } from "../../../model/resource-types.js";
import type { UnknownValue } from "../../../model/unknown.js";
import { isMapNode, isSeqNode, member, positionAt, type MapNode } from "../../positioned/node.js";
import type { Resolved } from "../intrinsics.js";
import type { TemplateResource } from "../template.js";
import type { Build, NormalizeContext } from "./context.js";
import type { SourcePosition } from "../../../util/source-position.js";
import { PrincipalNames } from "../../iac.js";

/**
 * References between the resources of one template, once `Ref` and `Fn::GetAtt` are resolved to
 * names and ids: a separate rule to its group, a policy to its principals, an instance to its
 * profile and launch template. Each normalizer registers what it builds here, in the order of
 * the table (groups before their rules, principals before the policies that name them).
 */

export type PrincipalKind = "Roles" | "Users" | "Groups";

export interface LaunchTemplateReference {
  /** The name or id the instance gives, for messages. */
  name: string;
  /** The template's `LaunchTemplateData`, when the launch template is in the same template. */
  data: MapNode | undefined;
}

export class References {
  /**
   * The groups, by logical id, in the order they were built; indexed by id only when one is looked
   * up (by a separate rule or an instance), up to the last one built: a template of ten thousand
   * groups and no such resource would otherwise fill a table of them that nothing reads.
   */
  private readonly groupIds: string[] = [];
  private readonly groupBuilds: Build[] = [];
  private readonly groupsById = new Map<string, Build>();
  /** How many of the groups built are in `groupsById`. */
  private groupsIndexed = 0;
  readonly roles = new PrincipalNames<Build>();
  readonly users = new PrincipalNames<Build>();
  readonly groups = new PrincipalNames<Build>();
  readonly managedPolicies = new Map<string, Build>();
  readonly instanceProfiles = new Map<string, Build>();

  constructor(private readonly context: NormalizeContext) {}

  addSecurityGroup(id: string, build: Build): void {
    this.groupIds.push(id);
    this.groupBuilds.push(build);
  }

  /** The group built with logical id `id` (the last, if two were), or undefined. */
  securityGroup(id: string): Build | undefined {
    const { groupIds, groupBuilds, groupsById } = this;
    for (let index = this.groupsIndexed; index < groupIds.length; index += 1)
      groupsById.set(groupIds[index]!, groupBuilds[index]!);
    this.groupsIndexed = groupIds.length;
    return groupsById.get(id);
  }

  /**
   * The group a separate rule names by `GroupName`: one whose template gives it that name (a
   * default-VPC group, which a rule may name so), when no group has it as logical id.
   */
  securityGroupNamed(name: string): Build | undefined {
    return this.groupBuilds.findLast((build) => this.context.text(build.resource, "GroupName") === name);
  }

  /** The groups a value as written refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub`), in template order. */
  securityGroupsNamedIn(value: Resolved | undefined): Build[] {
    return this.groupBuilds.filter((build, index) => namesResource(value, this.groupIds[index]!));
  }

  principals(kind: PrincipalKind): PrincipalNames<Build> {
    return kind === "Roles" ? this.roles : kind === "Users" ? this.users : this.groups;
  }

  /** The principal a policy or membership names, or a note that it is not in the template. */
  principal(kind: PrincipalKind, name: string | UnknownValue, resource: TemplateResource): Build | undefined {
    const found = typeof name === "string" ? this.principals(kind).named(name) : undefined;
    if (!found) {
      const shown = typeof name === "string" ? name : `whose name is unknown (${name.$unknown})`;
      this.context.note(
        resource.position.line,
        `${resource.logicalId} applies to ${kind.slice(0, -1).toLowerCase()} ${shown}, which is not in the template; that principal is not checked`,
      );
    }
    return found;
  }

  /** Names in a `Roles` / `Users` / `Groups` list, each with where it is written. */
  names(resource: TemplateResource, property: string): { name: string | UnknownValue; at: SourcePosition }[] {
    const { r } = this.context;
    const items = r.list(this.context.prop(resource, property), property);
    if (items === undefined) return [];
    const at = this.context.propPosition(resource, property);
    if (!Array.isArray(items)) return [{ name: items, at }];
    const node = r.shallow(this.context.prop(resource, property), property);
    const result: { name: string | UnknownValue; at: SourcePosition }[] = [];
    items.forEach((item, index) => {
      const name = r.string(item, property);
      if (name !== undefined) result.push({ name, at: isSeqNode(node) ? positionAt(node, index) : at });
    });
    return result;
  }

  /** The ARN of an instance profile given by name (or by ARN). */
  instanceProfileArn(name: string): string {
    if (name.startsWith("arn:")) return name;
    const profile = this.instanceProfiles.get(name);
    if (profile) return profile.properties.Arn as string;
    return arnOf(ResourceTypes.InstanceProfile, this.context.placeholders, name);
  }

  /** The launch template an instance names, with its data when it is in the same template. */
  launchTemplate(resource: TemplateResource): LaunchTemplateReference | undefined {
    const { r, template } = this.context;
    const spec = r.shallow(this.context.prop(resource, "LaunchTemplate"), "LaunchTemplate");
    if (!isMapNode(spec)) return undefined;
    const reference = r.string(
      member(spec, "LaunchTemplateId") ?? member(spec, "LaunchTemplateName"),
      "LaunchTemplate",
    );
    const name = typeof reference === "string" ? reference : "(unknown)";
    const found = template.resourceList.find(
      (candidate) =>
        candidate.type === "AWS::EC2::LaunchTemplate" &&
        (candidate.logicalId === reference ||
          this.context.text(candidate, "LaunchTemplateName") === reference),
    );
    const data = found
      ? r.shallow(this.context.prop(found, "LaunchTemplateData"), "LaunchTemplateData")
      : undefined;
    return { name, data: isMapNode(data) ? data : undefined };
  }
}

/** Whether a value as written refers to the resource `id` anywhere: by `Ref`, `Fn::GetAtt` or `Fn::Sub`. */
export function namesResource(value: Resolved | undefined, id: string): boolean {
  if (typeof value === "string")
    return (
      value === id || value.startsWith(`${id}.`) || value.includes(`\${${id}}`) || value.includes(`\${${id}.`)
    );
  if (isMapNode(value)) return value.values.some((member) => namesResource(member, id));
  if (isSeqNode(value)) return value.items.some((item) => namesResource(item, id));
  return false;
}
