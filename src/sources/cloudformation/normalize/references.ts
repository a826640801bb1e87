import { ResourceTypes } from "../../../model/resource.js";
import { arnOf } from "../../../model/resource-types.js";
import { isUnknown, type UnknownValue } from "../../../model/unknown.js";
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
  /** The `GroupName` each group's template gives it, as the group's normalizer read it. */
  private readonly groupNames: (string | UnknownValue | undefined)[] = [];
  private readonly groupsById = new Map<string, Build>();
  /** How many of the groups built are in `groupsById`. */
  private groupsIndexed = 0;
  /** The last group built with each name, up to the group `groupsNamed` says. */
  private readonly groupsByName = new Map<string, Build>();
  private groupsNamed = 0;
  /** The template's launch templates by logical id and by name (see `launchTemplate`). */
  private launchTemplates: LaunchTemplateIndex | undefined;
  /** The Elastic IPs and associations the template creates, by the instance each names. */
  private elasticIps: ElasticIpIndex | undefined;
  readonly roles = new PrincipalNames<Build>();
  readonly users = new PrincipalNames<Build>();
  readonly groups = new PrincipalNames<Build>();
  readonly managedPolicies = new Map<string, Build>();
  readonly instanceProfiles = new Map<string, Build>();

  constructor(private readonly context: NormalizeContext) {}

  addSecurityGroup(id: string, build: Build, name: string | UnknownValue | undefined): void {
    this.groupIds.push(id);
    this.groupBuilds.push(build);
    this.groupNames.push(name);
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
    // Indexed rather than searched: a template of thousands of rules that each name their group
    // this way searched every group for each, a scan that grew with the square of its size.
    const { groupBuilds, groupNames, groupsByName } = this;
    for (let index = this.groupsNamed; index < groupBuilds.length; index += 1) {
      const written = groupNames[index];
      if (typeof written === "string") groupsByName.set(written, groupBuilds[index]!);
    }
    this.groupsNamed = groupBuilds.length;
    return groupsByName.get(name);
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

  /**
   * The first Elastic IP or association the template creates (in template order) that names the
   * instance `id`, or that may name it: one whose instance is decided at deployment
   * (`!If [Cond, !Ref Host, …]`) and refers to `id` among its choices. `undecided` then holds
   * what the template leaves open.
   */
  elasticIpOf(id: string): { address: TemplateResource; undecided?: UnknownValue } | undefined {
    this.elasticIps ??= new ElasticIpIndex(
      this.context.created.filter(
        (candidate) => candidate.type === "AWS::EC2::EIP" || candidate.type === "AWS::EC2::EIPAssociation",
      ),
      (candidate) => this.context.text(candidate, "InstanceId"),
      (candidate, instance) => namesResource(this.context.prop(candidate, "InstanceId"), instance),
    );
    return this.elasticIps.find(id);
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
    this.launchTemplates ??= new LaunchTemplateIndex(
      template.resourceList.filter((candidate) => candidate.type === "AWS::EC2::LaunchTemplate"),
      (candidate) => this.context.text(candidate, "LaunchTemplateName"),
    );
    const found = typeof reference === "string" ? this.launchTemplates.find(reference) : undefined;
    const data = found
      ? r.shallow(this.context.prop(found, "LaunchTemplateData"), "LaunchTemplateData")
      : undefined;
    return { name, data: isMapNode(data) ? data : undefined };
  }
}

/**
 * The launch templates of a template, found by logical id or by `LaunchTemplateName`: the first in
 * template order that has either. Each name is resolved once, the first time a search reaches it,
 * and searches go no further than the first match, as a search of the list would: a template of
 * thousands of instances, each naming one of thousands of launch templates, resolved every name
 * before its own again for each instance, a scan that grew with the square of its size.
 */
class LaunchTemplateIndex {
  private readonly byId = new Map<string, number>();
  private readonly byName = new Map<string, number>();
  /** How many of `candidates` are in the maps. */
  private indexed = 0;

  constructor(
    private readonly candidates: readonly TemplateResource[],
    private readonly nameOf: (candidate: TemplateResource) => string | UnknownValue | undefined,
  ) {}

  find(reference: string): TemplateResource | undefined {
    const { byId, byName, candidates } = this;
    const known = earliest(byId.get(reference), byName.get(reference));
    if (known !== undefined) return candidates[known];
    // Not among those read so far: read on, up to the first that has it.
    while (this.indexed < candidates.length) {
      const index = this.indexed;
      const candidate = candidates[index]!;
      this.indexed += 1;
      if (!byId.has(candidate.logicalId)) byId.set(candidate.logicalId, index);
      const name = this.nameOf(candidate);
      if (typeof name === "string" && !byName.has(name)) byName.set(name, index);
      if (candidate.logicalId === reference || name === reference) return candidate;
    }
    return undefined;
  }
}

/**
 * The Elastic IPs and associations of a template, found by the instance they name, as a search of
 * the list in template order would find them: each instance is resolved once, the first time a
 * search reaches it. An address whose instance is decided at deployment stays in a list of its
 * own, asked of each instance in turn. A template of thousands of instances, each given an
 * address, searched every address for each instance before.
 */
class ElasticIpIndex {
  private readonly byInstance = new Map<string, number>();
  /** The candidates read so far whose instance is not known, in template order. */
  private readonly undecided: { index: number; target: UnknownValue }[] = [];
  private indexed = 0;

  constructor(
    private readonly candidates: readonly TemplateResource[],
    private readonly instanceOf: (candidate: TemplateResource) => string | UnknownValue | undefined,
    private readonly mayName: (candidate: TemplateResource, instance: string) => boolean,
  ) {}

  find(id: string): { address: TemplateResource; undecided?: UnknownValue } | undefined {
    const { candidates, byInstance } = this;
    const named = byInstance.get(id);
    for (const { index, target } of this.undecided) {
      if (named !== undefined && named < index) break;
      if (this.mayName(candidates[index]!, id)) return { address: candidates[index]!, undecided: target };
    }
    if (named !== undefined) return { address: candidates[named]! };
    while (this.indexed < candidates.length) {
      const index = this.indexed;
      const candidate = candidates[index]!;
      this.indexed += 1;
      const target = this.instanceOf(candidate);
      if (typeof target === "string") {
        if (!byInstance.has(target)) byInstance.set(target, index);
        if (target === id) return { address: candidate };
      } else if (isUnknown(target)) {
        this.undecided.push({ index, target });
        if (this.mayName(candidate, id)) return { address: candidate, undecided: target };
      }
    }
    return undefined;
  }
}

function earliest(first: number | undefined, second: number | undefined): number | undefined {
  if (first === undefined) return second;
  return second === undefined ? first : Math.min(first, second);
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
