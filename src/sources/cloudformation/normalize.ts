import { parse as parseYamlText } from "yaml";
import { normalizePolicyDocument } from "../../iam/document.js";
import {
  ResourceTypes,
  type JsonObject,
  type JsonValue,
  type Resource,
  type ResourceType,
  type SourceWaiver,
} from "../../model/resource.js";
import { isUnknown, type UnknownValue } from "../../model/unknown.js";
import {
  fieldPath,
  iacResource,
  indexPath,
  notYetRegistered,
  PositionRecorder,
  recordRelatedPolicyPositions,
  type PolicyHolder,
  attachedPolicyEntry,
} from "../iac.js";
import {
  isMapNode,
  isSeqNode,
  member,
  positionAt,
  toPlain,
  type MapNode,
  type Position,
} from "../positioned/node.js";
import { NO_VALUE, defineField, type Placeholders, type Resolved, Resolver } from "./intrinsics.js";
import type { Template, TemplateResource } from "./template.js";

/**
 * CloudFormation resources in the canonical (describe-API) shapes the rules read, with the
 * template position of every property they produce. See docs/templates.md for the mapping.
 */

export interface TemplateNote {
  line?: number;
  message: string;
}

export interface NormalizedTemplate {
  resources: Resource[];
  notes: TemplateNote[];
}

/** Built up while the template is read: properties, and where each was written. */
interface Build extends PolicyHolder {
  resource: TemplateResource;
  type: ResourceType;
  id: string;
  properties: JsonObject;
  recorder: PositionRecorder;
  global: boolean;
}

const ASSIGNED_AT_LAUNCH = "(assigned at launch)";
/** The properties of a CloudFormation security group rule that become an `IpPermission`. */
const enum Field {
  IpProtocol,
  FromPort,
  ToPort,
  CidrIp,
  CidrIpv6,
  SourcePrefixListId,
  SourceSecurityGroupId,
  SourceSecurityGroupName,
  SourceSecurityGroupOwnerId,
  DestinationPrefixListId,
  DestinationSecurityGroupId,
  Description,
}
const FIELD_NAMES = [
  "IpProtocol",
  "FromPort",
  "ToPort",
  "CidrIp",
  "CidrIpv6",
  "SourcePrefixListId",
  "SourceSecurityGroupId",
  "SourceSecurityGroupName",
  "SourceSecurityGroupOwnerId",
  "DestinationPrefixListId",
  "DestinationSecurityGroupId",
  "Description",
] as const;
const FIELD_COUNT = FIELD_NAMES.length;
const FIELD_INDEX = new Map<string, number>(FIELD_NAMES.map((name, index) => [name, index]));
/** Where each field was found in the entry being read (reused: reading an entry never nests). */
const FOUND: number[] = new Array<number>(FIELD_COUNT).fill(-1);
const PORTS = [
  [Field.FromPort, "FromPort"],
  [Field.ToPort, "ToPort"],
] as const;
/** Where each source of a rule goes: the `IpPermission` list, the key of its items, the property. */
const INGRESS_RANGES: readonly (readonly [string, string, Field])[] = [
  ["IpRanges", "CidrIp", Field.CidrIp],
  ["Ipv6Ranges", "CidrIpv6", Field.CidrIpv6],
  ["PrefixListIds", "PrefixListId", Field.SourcePrefixListId],
  ["UserIdGroupPairs", "GroupId", Field.SourceSecurityGroupId],
  ["UserIdGroupPairs", "GroupName", Field.SourceSecurityGroupName],
];
const EGRESS_RANGES: readonly (readonly [string, string, Field])[] = [
  ["IpRanges", "CidrIp", Field.CidrIp],
  ["Ipv6Ranges", "CidrIpv6", Field.CidrIpv6],
  ["PrefixListIds", "PrefixListId", Field.DestinationPrefixListId],
  ["UserIdGroupPairs", "GroupId", Field.DestinationSecurityGroupId],
];
/**
 * The empty source lists of a permission, shared: most entries have one kind of source, and an
 * array per empty list is a third of what a large template allocates. Never written to.
 */
const NONE: JsonValue[] = Object.freeze([]) as unknown as JsonValue[];
const ALL_TRAFFIC_EGRESS: JsonValue = {
  IpProtocol: "-1",
  IpRanges: [{ CidrIp: "0.0.0.0/0" }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
};

/**
 * Waivers written next to a resource, in `Metadata: { access-baseline: { waivers: [...] } }`,
 * passed on as written (with their lines) for the engine to check and apply. Anything other than
 * a list of entries is passed as one entry, which the engine reports as malformed at its line.
 */
function metadataWaivers(resource: TemplateResource): SourceWaiver[] {
  const metadata = member(resource.node, "Metadata");
  if (!isMapNode(metadata)) return [];
  const index = metadata.keys.lastIndexOf("access-baseline");
  if (index === -1) return [];
  const settings = metadata.values[index]!;
  const at = positionAt(metadata, index);
  if (!isMapNode(settings))
    return [{ entry: toPlain(settings) as JsonValue, line: at.line, column: at.column }];
  const waiversIndex = settings.keys.lastIndexOf("waivers");
  if (waiversIndex === -1) return [];
  const waivers = settings.values[waiversIndex]!;
  if (!isSeqNode(waivers)) {
    const { line, column } = positionAt(settings, waiversIndex);
    return [{ entry: toPlain(waivers) as JsonValue, line, column }];
  }
  return waivers.items.map((entry, item) => {
    const { line, column } = positionAt(waivers, item);
    return { entry: toPlain(entry) as JsonValue, line, column };
  });
}

export function normalizeTemplate(
  template: Template,
  file: string,
  placeholders: Placeholders,
): NormalizedTemplate {
  return new Normalizer(template, file, placeholders).run();
}

class Normalizer {
  private readonly r: Resolver;
  private readonly notes: TemplateNote[] = [];
  private readonly builds: Build[] = [];
  private readonly groups = new Map<string, Build>();
  private readonly roles = new Map<string, Build>();
  private readonly users = new Map<string, Build>();
  private readonly iamGroups = new Map<string, Build>();
  private readonly managedPolicies = new Map<string, Build>();
  private readonly profiles = new Map<string, Build>();

  constructor(
    private readonly template: Template,
    private readonly file: string,
    private readonly placeholders: Placeholders,
  ) {
    this.r = new Resolver(template, placeholders);
  }

  run(): NormalizedTemplate {
    for (const transform of this.template.transforms) {
      this.note(
        undefined,
        `uses the transform ${transform}; resources it adds at deployment are not checked`,
      );
    }
    const created = this.template.resourceList.filter((resource) => this.included(resource));
    const ofType = (type: string) => created.filter((resource) => resource.type === type);

    for (const resource of ofType("AWS::EC2::SecurityGroup")) this.securityGroup(resource);
    for (const resource of ofType("AWS::EC2::SecurityGroupIngress")) this.separateRule(resource, "ingress");
    for (const resource of ofType("AWS::EC2::SecurityGroupEgress")) this.separateRule(resource, "egress");

    for (const resource of ofType("AWS::IAM::ManagedPolicy")) this.managedPolicy(resource);
    for (const resource of ofType("AWS::IAM::Role")) this.principal(resource, "role");
    for (const resource of ofType("AWS::IAM::User")) this.principal(resource, "user");
    for (const resource of ofType("AWS::IAM::Group")) this.principal(resource, "group");
    for (const resource of ofType("AWS::IAM::ManagedPolicy")) this.attachManagedPolicy(resource);
    for (const resource of created) this.inlinePolicyResource(resource);
    for (const resource of ofType("AWS::IAM::UserToGroupAddition")) this.groupMembership(resource);
    for (const resource of ofType("AWS::IAM::InstanceProfile")) this.instanceProfile(resource);

    for (const resource of ofType("AWS::EC2::Instance")) this.instance(resource, created);
    for (const resource of ofType("AWS::SSM::Document")) this.ssmDocument(resource);

    for (const resource of created) {
      if (resource.type === "AWS::CloudFormation::Stack")
        this.note(
          resource.position.line,
          `nested stack ${resource.logicalId} is not checked; check its template directly`,
        );
      else if (resource.type.startsWith("AWS::Serverless::"))
        this.note(
          resource.position.line,
          `${resource.logicalId} (${resource.type}) is expanded by the SAM transform at deployment and is not checked`,
        );
    }

    recordRelatedPolicyPositions(
      [...this.roles.values(), ...this.users.values(), ...this.iamGroups.values()],
      this.iamGroups,
      this.managedPolicies,
    );
    const resources = this.builds.map((build) => {
      const resource = iacResource(
        {
          type: build.type,
          id: build.id,
          kind: "cloudformation",
          file: this.file,
          account: this.placeholders.account,
          region: this.placeholders.region,
          address: build.resource.logicalId,
          position: build.resource.position,
          properties: build.properties,
          positions: build.recorder.positions,
        },
        build.global,
      );
      // The registration stand-in shares its instance's logical id, not its waivers: a waiver
      // copied to it would be reported as matching nothing.
      const waivers = build.type === ResourceTypes.ManagedInstance ? [] : metadataWaivers(build.resource);
      if (waivers.length > 0) resource.source.waivers = waivers;
      return resource;
    });
    return { resources, notes: this.notes };
  }

  private note(line: number | undefined, message: string): void {
    this.notes.push(line === undefined ? { message } : { line, message });
  }

  /** Resources whose condition is false are not created, so not judged; unknown conditions are judged. */
  private included(resource: TemplateResource): boolean {
    const created = this.r.isCreated(resource);
    if (created === false) {
      this.note(
        resource.position.line,
        `${resource.logicalId} is not created (condition ${resource.condition} is false) and is not checked`,
      );
      return false;
    }
    if (created !== true)
      this.note(
        resource.position.line,
        `${resource.logicalId} is checked as if created: its condition ${resource.condition} cannot be evaluated (${this.r.explain(created)})`,
      );
    return true;
  }

  private add(
    resource: TemplateResource,
    type: ResourceType,
    id: string,
    properties: JsonObject,
    global = false,
  ): Build {
    const build: Build = {
      resource,
      type,
      id,
      properties,
      recorder: new PositionRecorder(),
      global,
      file: this.file,
    };
    this.builds.push(build);
    return build;
  }

  private prop(resource: TemplateResource, name: string): Resolved | undefined {
    return resource.properties ? member(resource.properties, name) : undefined;
  }

  private propPosition(resource: TemplateResource, name: string): Position {
    const index = resource.properties ? resource.properties.keys.lastIndexOf(name) : -1;
    return index === -1 ? resource.position : positionAt(resource.properties!, index);
  }

  /** A property resolved whole, its positions recorded under `path`. */
  private value(resource: TemplateResource, name: string, build?: Build, path = name): JsonValue | undefined {
    const value = this.r.deep(this.prop(resource, name), name, path, build?.recorder);
    if (value !== undefined) build?.recorder.set(path, this.propPosition(resource, name));
    return value;
  }

  /** A name-like property: the text when plain, else the logical id (see `Resolver.physicalName`). */
  private text(resource: TemplateResource, name: string): string | UnknownValue | undefined {
    return this.r.string(this.prop(resource, name), name);
  }

  private tags(resource: TemplateResource, build: Build): void {
    const tags = this.value(resource, "Tags", build);
    if (Array.isArray(tags)) build.properties.Tags = tags;
  }

  // -------------------------------------------------------------------------------------------
  // Security groups

  private securityGroup(resource: TemplateResource): void {
    const id = resource.logicalId;
    const name = this.text(resource, "GroupName");
    const properties: JsonObject = {
      GroupId: id,
      GroupName: typeof name === "string" && name !== "" ? name : id,
      OwnerId: this.placeholders.account,
      IpPermissions: [],
      IpPermissionsEgress: [],
    };
    const build = this.add(resource, ResourceTypes.SecurityGroup, id, properties);
    build.recorder.set("GroupName", this.propPosition(resource, "GroupName"));
    const description = this.value(resource, "GroupDescription");
    if (description !== undefined) {
      properties.Description = description;
      build.recorder.set("Description", this.propPosition(resource, "GroupDescription"));
    }
    const vpc = this.value(resource, "VpcId", build);
    if (vpc !== undefined) properties.VpcId = vpc;
    this.tags(resource, build);

    for (const [property, target, direction] of [
      ["SecurityGroupIngress", "IpPermissions", "ingress"],
      ["SecurityGroupEgress", "IpPermissionsEgress", "egress"],
    ] as const) {
      const position = this.propPosition(resource, property);
      const entries = this.r.list(this.prop(resource, property), property);
      if (entries === undefined) {
        if (direction === "egress") properties.IpPermissionsEgress = [ALL_TRAFFIC_EGRESS];
        continue;
      }
      build.recorder.set(target, position);
      if (!Array.isArray(entries)) {
        properties[target] = entries;
        continue;
      }
      const list = properties[target] as JsonValue[];
      const node = this.r.shallow(this.prop(resource, property), property);
      entries.forEach((entry, index) => {
        const entryPosition = isSeqNode(node) ? positionAt(node, index) : position;
        const permission = this.permission(
          entry,
          entryPosition,
          direction,
          build,
          indexPath(target, list.length),
          property,
        );
        if (permission !== undefined) list.push(permission);
      });
    }
    this.groups.set(id, build);
  }

  /** `AWS::EC2::SecurityGroupIngress` / `Egress`: joins its group, or stands for one of its own. */
  private separateRule(resource: TemplateResource, direction: "ingress" | "egress"): void {
    const reference =
      this.text(resource, "GroupId") ??
      (direction === "ingress" ? this.text(resource, "GroupName") : undefined);
    const target = typeof reference === "string" ? this.groups.get(reference) : undefined;
    const list = direction === "ingress" ? "IpPermissions" : "IpPermissionsEgress";
    let build = target;
    if (!build) {
      const target =
        typeof reference === "string"
          ? `adds a rule to security group ${reference}, which is not in the template`
          : reference === undefined
            ? "names no group (GroupId)"
            : `adds a rule to a security group that is not in the template (${reference.$unknown})`;
      this.note(
        resource.position.line,
        `${resource.logicalId} ${target}; the rule is checked as a group of its own`,
      );
      const groupId = typeof reference === "string" ? reference : resource.logicalId;
      build = this.add(resource, ResourceTypes.SecurityGroup, resource.logicalId, {
        GroupId: groupId,
        GroupName: groupId,
        OwnerId: this.placeholders.account,
        IpPermissions: [],
        IpPermissionsEgress: [],
      });
    }
    const permissions = build.properties[list];
    if (!Array.isArray(permissions)) return; // the group's own list is unknown: it already cannot be judged
    const permission = this.permission(
      resource.properties ?? null,
      resource.position,
      direction,
      build,
      indexPath(list, permissions.length),
      resource.logicalId,
    );
    if (permission !== undefined) permissions.push(permission);
  }

  /** One CloudFormation rule (an inline entry or a separate resource's properties) as an `IpPermission`. */
  private permission(
    entry: Resolved | undefined,
    position: Position,
    direction: "ingress" | "egress",
    build: Build,
    path: string,
    what: string,
  ): JsonValue | undefined {
    const resolved = this.r.shallow(entry, what);
    if (resolved === NO_VALUE || resolved === undefined) return undefined;
    const rec = build.recorder;
    rec.set(path, position);
    if (isUnknown(resolved)) return resolved;
    if (!isMapNode(resolved)) return this.r.unknown(what, "a security group rule", "is not a mapping");

    // One pass over the entry, without intermediate objects: thousands of groups with several
    // entries each make this the hot path of a large template.
    const { keys } = resolved;
    const found = FOUND.fill(-1);
    for (let index = 0; index < keys.length; index += 1) {
      const field = FIELD_INDEX.get(keys[index]!);
      if (field !== undefined) found[field] = index;
    }
    const valueOf = (field: number): JsonValue | undefined => {
      const index = found[field]!;
      if (index === -1) return undefined;
      const raw = resolved.values[index]!;
      return typeof raw === "object" && raw !== null ? this.r.deep(raw, keys[index]!) : raw;
    };
    const permission: JsonObject = {};
    const protocol = valueOf(Field.IpProtocol);
    if (protocol !== undefined) {
      permission.IpProtocol = typeof protocol === "number" ? String(protocol) : protocol;
      rec.set(fieldPath(path, "IpProtocol"), positionAt(resolved, found[Field.IpProtocol]!));
    }
    for (const [field, name] of PORTS) {
      const port = valueOf(field);
      if (port === undefined) continue;
      permission[name] = typeof port === "string" && /^-?\d+$/.test(port.trim()) ? Number(port) : port;
      rec.set(fieldPath(path, name), positionAt(resolved, found[field]!));
    }
    const description = valueOf(Field.Description);
    const owner = direction === "ingress" ? valueOf(Field.SourceSecurityGroupOwnerId) : undefined;
    for (const [list, key, field] of direction === "ingress" ? INGRESS_RANGES : EGRESS_RANGES) {
      if (permission[list] !== undefined && permission[list] !== NONE) continue;
      const value = valueOf(field);
      if (value === undefined) {
        permission[list] = NONE;
        continue;
      }
      const item: JsonObject = {};
      item[key] = value;
      if (list === "UserIdGroupPairs" && owner !== undefined) item.UserId = owner;
      if (description !== undefined) item.Description = description;
      permission[list] = [item];
      const itemPath = indexPath(fieldPath(path, list), 0);
      const at = positionAt(resolved, found[field]!);
      rec.set(itemPath, at);
      rec.set(fieldPath(itemPath, key), at);
    }
    return permission;
  }

  // -------------------------------------------------------------------------------------------
  // IAM

  /** An IAM policy document (a mapping, or a JSON string) with `Statement` always a list. */
  private policyDocument(
    value: Resolved | undefined,
    what: string,
    path: string,
    recorder: PositionRecorder,
  ): JsonValue | undefined {
    const resolved = this.r.shallow(value, what);
    if (resolved === undefined || resolved === NO_VALUE) return undefined;
    if (typeof resolved === "string") {
      try {
        return normalizePolicyDocument(JSON.parse(resolved) as JsonValue) as JsonValue;
      } catch {
        return this.r.unknown(what, "the policy document", "is text that is not valid JSON");
      }
    }
    if (!isMapNode(resolved)) return this.r.deep(resolved, what, path, recorder);
    const document: JsonObject = {};
    resolved.keys.forEach((key, index) => {
      const keyPath = fieldPath(path, key);
      const position = positionAt(resolved, index);
      if (key === "Statement") {
        const statements = this.r.shallow(resolved.values[index], key);
        if (isMapNode(statements)) {
          // A single statement is stored as a list of one, so its paths gain the `[0]`.
          const statement = this.r.deep(statements, key, indexPath(keyPath, 0), recorder);
          recorder.set(keyPath, position);
          recorder.set(indexPath(keyPath, 0), position);
          if (statement !== undefined) document.Statement = [statement];
          return;
        }
      }
      const child = this.r.deep(resolved.values[index], key, keyPath, recorder);
      if (child === undefined) return;
      recorder.set(keyPath, position);
      defineField(document, key, child);
    });
    return normalizePolicyDocument(document);
  }

  private principal(resource: TemplateResource, kind: "role" | "user" | "group"): void {
    const name = this.r.physicalName(resource);
    const path = this.r.iamPath(resource);
    const arn = this.r.arnOf(resource)!;
    const nameKey = kind === "role" ? "RoleName" : kind === "user" ? "UserName" : "GroupName";
    const inlineKey =
      kind === "role" ? "RolePolicyList" : kind === "user" ? "UserPolicyList" : "GroupPolicyList";
    const type =
      kind === "role" ? ResourceTypes.Role : kind === "user" ? ResourceTypes.User : ResourceTypes.Group;
    const properties: JsonObject = {
      [nameKey]: name,
      Path: path,
      Arn: arn,
      [inlineKey]: [],
      AttachedManagedPolicies: [],
    };
    const build = this.add(resource, type, name, properties, true);
    build.recorder.set(nameKey, this.propPosition(resource, nameKey));

    if (kind === "role") {
      const trust = this.policyDocument(
        this.prop(resource, "AssumeRolePolicyDocument"),
        "AssumeRolePolicyDocument",
        "AssumeRolePolicyDocument",
        build.recorder,
      );
      if (trust !== undefined) {
        properties.AssumeRolePolicyDocument = trust;
        build.recorder.set(
          "AssumeRolePolicyDocument",
          this.propPosition(resource, "AssumeRolePolicyDocument"),
        );
      }
      properties.InstanceProfileList = [];
      for (const extra of ["MaxSessionDuration", "PermissionsBoundary", "Description"]) {
        const value = this.value(resource, extra, build);
        if (value !== undefined) properties[extra] = value;
      }
    }
    if (kind === "user") {
      properties.GroupList = [];
      const groups = this.r.list(this.prop(resource, "Groups"), "Groups");
      if (Array.isArray(groups)) {
        for (const group of groups) {
          const groupName = this.r.string(group, "Groups");
          if (groupName !== undefined) properties.GroupList.push(groupName);
        }
      } else if (groups !== undefined) properties.GroupList = groups;
    }
    if (kind !== "group") this.tags(resource, build);

    const policies = this.r.list(this.prop(resource, "Policies"), "Policies");
    if (Array.isArray(policies)) {
      const node = this.r.shallow(this.prop(resource, "Policies"), "Policies");
      policies.forEach((policy, index) => {
        const at = isSeqNode(node) ? positionAt(node, index) : this.propPosition(resource, "Policies");
        this.addInlinePolicy(build, policy, at, "Policies");
      });
    } else if (policies !== undefined) {
      (properties[inlineKey] as JsonValue[]).push({ PolicyName: "Policies", PolicyDocument: policies });
    }

    const attached = this.r.list(this.prop(resource, "ManagedPolicyArns"), "ManagedPolicyArns");
    if (attached !== undefined) {
      const node = this.r.shallow(this.prop(resource, "ManagedPolicyArns"), "ManagedPolicyArns");
      const items = Array.isArray(attached) ? attached : [attached];
      items.forEach((item, index) => {
        const policyArn = this.r.string(item, "PolicyArn");
        if (policyArn === undefined) return;
        const at = isSeqNode(node)
          ? positionAt(node, index)
          : this.propPosition(resource, "ManagedPolicyArns");
        this.attach(build, policyArn, at);
      });
    }
    (kind === "role" ? this.roles : kind === "user" ? this.users : this.iamGroups).set(name, build);
  }

  private addInlinePolicy(build: Build, policy: Resolved, at: Position, what: string): void {
    const inlineKey =
      build.type === ResourceTypes.Role
        ? "RolePolicyList"
        : build.type === ResourceTypes.User
          ? "UserPolicyList"
          : "GroupPolicyList";
    const list = build.properties[inlineKey] as JsonValue[];
    const resolved = this.r.shallow(policy, what);
    if (resolved === NO_VALUE || resolved === undefined) return;
    const itemPath = indexPath(inlineKey, list.length);
    build.recorder.set(itemPath, at);
    if (!isMapNode(resolved)) {
      list.push({
        PolicyName: `(${what})`,
        PolicyDocument: isUnknown(resolved)
          ? resolved
          : this.r.unknown(what, "an inline policy", "is not a mapping"),
      });
      return;
    }
    const name = this.r.string(member(resolved, "PolicyName"), "PolicyName");
    const document = this.policyDocument(
      member(resolved, "PolicyDocument"),
      "PolicyDocument",
      fieldPath(itemPath, "PolicyDocument"),
      build.recorder,
    );
    const index = resolved.keys.lastIndexOf("PolicyDocument");
    if (index !== -1) build.recorder.set(fieldPath(itemPath, "PolicyDocument"), positionAt(resolved, index));
    list.push({ PolicyName: name ?? "(unnamed)", PolicyDocument: document ?? null });
  }

  private attach(build: Build, policyArn: string | UnknownValue, at: Position): void {
    const list = build.properties.AttachedManagedPolicies as JsonValue[];
    const itemPath = indexPath("AttachedManagedPolicies", list.length);
    build.recorder.set(itemPath, at);
    build.recorder.set(fieldPath(itemPath, "PolicyArn"), at);
    list.push(
      attachedPolicyEntry(
        policyArn,
        (arn) => this.managedPolicies.get(arn)?.properties.PolicyName as string | undefined,
      ),
    );
  }

  private managedPolicy(resource: TemplateResource): void {
    const arn = this.r.arnOf(resource)!;
    const name = this.r.physicalName(resource);
    const properties: JsonObject = {
      PolicyName: name,
      Arn: arn,
      Path: this.r.iamPath(resource),
      DefaultVersionId: "v1",
      IsAttachable: true,
    };
    const build = this.add(resource, ResourceTypes.ManagedPolicy, arn, properties, true);
    const description = this.value(resource, "Description", build);
    if (description !== undefined) properties.Description = description;
    const documentPath = "PolicyVersionList[0].Document";
    const document = this.policyDocument(
      this.prop(resource, "PolicyDocument"),
      "PolicyDocument",
      documentPath,
      build.recorder,
    );
    build.recorder.set("PolicyVersionList", this.propPosition(resource, "PolicyDocument"));
    build.recorder.set("PolicyVersionList[0]", this.propPosition(resource, "PolicyDocument"));
    build.recorder.set(documentPath, this.propPosition(resource, "PolicyDocument"));
    properties.PolicyVersionList = [{ Document: document ?? null, VersionId: "v1", IsDefaultVersion: true }];
    this.managedPolicies.set(arn, build);
  }

  /** Names in a `Roles` / `Users` / `Groups` list, each with where it is written. */
  private names(
    resource: TemplateResource,
    property: string,
  ): { name: string | UnknownValue; at: Position }[] {
    const items = this.r.list(this.prop(resource, property), property);
    if (items === undefined) return [];
    const at = this.propPosition(resource, property);
    if (!Array.isArray(items)) return [{ name: items, at }];
    const node = this.r.shallow(this.prop(resource, property), property);
    const result: { name: string | UnknownValue; at: Position }[] = [];
    items.forEach((item, index) => {
      const name = this.r.string(item, property);
      if (name !== undefined) result.push({ name, at: isSeqNode(node) ? positionAt(node, index) : at });
    });
    return result;
  }

  private target(
    kind: "Roles" | "Users" | "Groups",
    name: string | UnknownValue,
    resource: TemplateResource,
  ): Build | undefined {
    const map = kind === "Roles" ? this.roles : kind === "Users" ? this.users : this.iamGroups;
    const found = typeof name === "string" ? map.get(name) : undefined;
    if (!found) {
      const shown = typeof name === "string" ? name : `whose name is unknown (${name.$unknown})`;
      this.note(
        resource.position.line,
        `${resource.logicalId} applies to ${kind.slice(0, -1).toLowerCase()} ${shown}, which is not in the template; that principal is not checked`,
      );
    }
    return found;
  }

  private attachManagedPolicy(resource: TemplateResource): void {
    const arn = this.r.arnOf(resource)!;
    for (const kind of ["Roles", "Users", "Groups"] as const) {
      for (const { name, at } of this.names(resource, kind)) {
        const build = this.target(kind, name, resource);
        if (build) this.attach(build, arn, at);
      }
    }
  }

  /** `AWS::IAM::Policy` and the single-principal `RolePolicy` / `UserPolicy` / `GroupPolicy`. */
  private inlinePolicyResource(resource: TemplateResource): void {
    const targets: { kind: "Roles" | "Users" | "Groups"; name: string | UnknownValue; at: Position }[] = [];
    switch (resource.type) {
      case "AWS::IAM::Policy":
        for (const kind of ["Roles", "Users", "Groups"] as const)
          for (const { name, at } of this.names(resource, kind)) targets.push({ kind, name, at });
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
        const name = this.text(resource, property);
        if (name !== undefined) targets.push({ kind, name, at: this.propPosition(resource, property) });
        break;
      }
      default:
        return;
    }
    // Resolved once, then its positions are copied under each principal's own path.
    const scratch = new PositionRecorder();
    const policyName = this.text(resource, "PolicyName");
    const document = this.policyDocument(
      this.prop(resource, "PolicyDocument"),
      "PolicyDocument",
      "D",
      scratch,
    );
    scratch.set("D", this.propPosition(resource, "PolicyDocument"));
    for (const { kind, name, at } of targets) {
      const build = this.target(kind, name, resource);
      if (!build) continue;
      const inlineKey =
        build.type === ResourceTypes.Role
          ? "RolePolicyList"
          : build.type === ResourceTypes.User
            ? "UserPolicyList"
            : "GroupPolicyList";
      const list = build.properties[inlineKey] as JsonValue[];
      const itemPath = indexPath(inlineKey, list.length);
      build.recorder.set(itemPath, at);
      build.recorder.copyFrom(scratch.positions, "D", fieldPath(itemPath, "PolicyDocument"));
      list.push({ PolicyName: policyName ?? resource.logicalId, PolicyDocument: document ?? null });
    }
  }

  private groupMembership(resource: TemplateResource): void {
    const group = this.text(resource, "GroupName");
    if (group === undefined) return;
    for (const { name, at } of this.names(resource, "Users")) {
      const user = this.target("Users", name, resource);
      if (!user) continue;
      const list = user.properties.GroupList;
      if (!Array.isArray(list)) continue;
      user.recorder.set(indexPath("GroupList", list.length), at);
      list.push(group);
    }
  }

  private instanceProfile(resource: TemplateResource): void {
    const name = this.r.physicalName(resource);
    const arn = this.r.arnOf(resource)!;
    const path = this.r.iamPath(resource);
    const roles: JsonValue[] = [];
    const build = this.add(
      resource,
      ResourceTypes.InstanceProfile,
      name,
      { InstanceProfileName: name, Arn: arn, Path: path, Roles: roles },
      true,
    );
    build.recorder.set("InstanceProfileName", this.propPosition(resource, "InstanceProfileName"));
    build.recorder.set("Roles", this.propPosition(resource, "Roles"));
    const summary: JsonObject = { InstanceProfileName: name, Arn: arn, Path: path, Roles: roles };
    for (const { name: roleName, at } of this.names(resource, "Roles")) {
      build.recorder.set(indexPath("Roles", roles.length), at);
      if (typeof roleName !== "string") {
        roles.push({ RoleName: roleName });
        continue;
      }
      const role = this.roles.get(roleName);
      roles.push({
        RoleName: roleName,
        Arn: role
          ? (role.properties.Arn as string)
          : `arn:${this.placeholders.partition}:iam::${this.placeholders.account}:role/${roleName}`,
        Path: role ? (role.properties.Path as string) : "/",
      });
      if (role && Array.isArray(role.properties.InstanceProfileList))
        role.properties.InstanceProfileList.push(summary);
    }
    this.profiles.set(name, build);
  }

  // -------------------------------------------------------------------------------------------
  // Instances

  private instance(resource: TemplateResource, created: readonly TemplateResource[]): void {
    const id = resource.logicalId;
    const properties: JsonObject = { InstanceId: id, State: { Code: 16, Name: "running" } };
    const build = this.add(resource, ResourceTypes.Instance, id, properties);
    for (const name of ["InstanceType", "ImageId", "SubnetId"]) {
      const value = this.value(resource, name, build);
      if (value !== undefined) properties[name] = value;
    }
    this.tags(resource, build);

    // A launch template in the same template supplies what the instance does not set itself.
    const launchTemplate = this.launchTemplateData(resource);
    const fromLaunchTemplate = (name: string): { value: Resolved | undefined; at: Position } | undefined => {
      if (!launchTemplate) return undefined;
      if (launchTemplate.data === undefined) return undefined;
      const index = launchTemplate.data.keys.lastIndexOf(name);
      return index === -1
        ? undefined
        : { value: launchTemplate.data.values[index], at: positionAt(launchTemplate.data, index) };
    };
    const externalLaunchTemplate = (what: string) =>
      launchTemplate && launchTemplate.data === undefined
        ? this.r.unknown(
            what,
            `launch template ${launchTemplate.name}`,
            "is not in the template",
            "may come from",
          )
        : undefined;

    // KeyName
    const key: { value: Resolved | undefined; at: Position } | undefined =
      this.prop(resource, "KeyName") !== undefined
        ? { value: this.prop(resource, "KeyName"), at: this.propPosition(resource, "KeyName") }
        : fromLaunchTemplate("KeyName");
    const keyName = key ? this.r.deep(key.value, "KeyName") : externalLaunchTemplate("KeyName");
    if (keyName !== undefined) {
      properties.KeyName = keyName;
      build.recorder.set("KeyName", key?.at ?? resource.position);
    }

    // IamInstanceProfile: a name (or a launch template's {Arn | Name}) → the profile's ARN.
    let profile: string | UnknownValue | undefined;
    let profileAt = this.propPosition(resource, "IamInstanceProfile");
    if (this.prop(resource, "IamInstanceProfile") !== undefined) {
      profile = this.text(resource, "IamInstanceProfile");
    } else {
      const fromTemplate = fromLaunchTemplate("IamInstanceProfile");
      const spec = fromTemplate ? this.r.shallow(fromTemplate.value, "IamInstanceProfile") : undefined;
      if (fromTemplate && isMapNode(spec)) {
        profileAt = fromTemplate.at;
        profile = this.r.string(member(spec, "Arn") ?? member(spec, "Name"), "IamInstanceProfile");
      } else profile = externalLaunchTemplate("IamInstanceProfile");
    }
    if (profile !== undefined) {
      properties.IamInstanceProfile = {
        Arn: typeof profile === "string" ? this.profileArn(profile) : profile,
      };
      build.recorder.set("IamInstanceProfile", profileAt);
      build.recorder.set("IamInstanceProfile.Arn", profileAt);
    }

    // Security groups: ids, names, and those of the network interfaces.
    const groups: JsonValue[] = [];
    const addGroups = (value: Resolved | undefined, at: Position, what: string) => {
      const items = this.r.list(value, what);
      if (items === undefined) return;
      if (!Array.isArray(items)) {
        build.recorder.set(indexPath("SecurityGroups", groups.length), at);
        groups.push({ GroupId: items });
        return;
      }
      const node = this.r.shallow(value, what);
      items.forEach((item, index) => {
        const groupId = this.r.string(item, "GroupId");
        if (groupId === undefined) return;
        const entry: JsonObject = { GroupId: groupId };
        const group = typeof groupId === "string" ? this.groups.get(groupId) : undefined;
        if (group) entry.GroupName = group.properties.GroupName as string;
        build.recorder.set(
          indexPath("SecurityGroups", groups.length),
          isSeqNode(node) ? positionAt(node, index) : at,
        );
        groups.push(entry);
      });
    };
    let groupsGiven = false;
    for (const name of ["SecurityGroupIds", "SecurityGroups"]) {
      if (this.prop(resource, name) === undefined) continue;
      groupsGiven = true;
      addGroups(this.prop(resource, name), this.propPosition(resource, name), name);
    }
    const interfaces = this.networkInterfaces(
      this.prop(resource, "NetworkInterfaces"),
      this.propPosition(resource, "NetworkInterfaces"),
    );
    for (const networkInterface of interfaces) {
      const groupSet = networkInterface.node ? member(networkInterface.node, "GroupSet") : undefined;
      if (groupSet !== undefined) {
        groupsGiven = true;
        addGroups(groupSet, networkInterface.at, "GroupSet");
      }
    }
    if (!groupsGiven && launchTemplate) {
      for (const name of ["SecurityGroupIds", "SecurityGroups"]) {
        const given = fromLaunchTemplate(name);
        if (given) {
          groupsGiven = true;
          addGroups(given.value, given.at, name);
        }
      }
      if (launchTemplate.data === undefined) {
        groupsGiven = true;
        groups.push({ GroupId: externalLaunchTemplate("GroupId")! });
      }
    }
    if (!groupsGiven) {
      // An instance given no group gets its VPC's default group, which the template does not hold.
      groups.push({
        GroupId: this.r.unknown(
          "GroupId",
          "the default security group of the instance's VPC",
          "is not in the template",
        ),
      });
    }
    properties.SecurityGroups = groups;
    build.recorder.set(
      "SecurityGroups",
      this.propPosition(
        resource,
        ["SecurityGroupIds", "SecurityGroups", "NetworkInterfaces"].find(
          (name) => this.prop(resource, name) !== undefined,
        ) ?? "SecurityGroupIds",
      ),
    );

    const publicIp = this.publicIp(resource, interfaces, created, launchTemplate);
    if (publicIp !== undefined) {
      properties.PublicIpAddress = publicIp.value;
      build.recorder.set("PublicIpAddress", publicIp.at);
    }
    this.add(resource, ResourceTypes.ManagedInstance, id, notYetRegistered(id));
  }

  private profileArn(name: string): string {
    if (name.startsWith("arn:")) return name;
    const profile = this.profiles.get(name);
    if (profile) return profile.properties.Arn as string;
    return `arn:${this.placeholders.partition}:iam::${this.placeholders.account}:instance-profile/${name}`;
  }

  private networkInterfaces(
    value: Resolved | undefined,
    at: Position,
  ): { node: MapNode | undefined; at: Position; primary: boolean }[] {
    const items = this.r.list(value, "NetworkInterfaces");
    if (!Array.isArray(items)) return [];
    const node = this.r.shallow(value, "NetworkInterfaces");
    return items.flatMap((item, index) => {
      const resolved = this.r.shallow(item, "NetworkInterfaces");
      if (resolved === NO_VALUE || resolved === undefined) return [];
      const mapNode = isMapNode(resolved) ? resolved : undefined;
      const deviceIndex = mapNode ? this.r.string(member(mapNode, "DeviceIndex"), "DeviceIndex") : undefined;
      return [
        {
          node: mapNode,
          at: isSeqNode(node) ? positionAt(node, index) : at,
          primary: deviceIndex === undefined || deviceIndex === "0",
        },
      ];
    });
  }

  private launchTemplateData(
    resource: TemplateResource,
  ): { name: string; data: MapNode | undefined } | undefined {
    const spec = this.r.shallow(this.prop(resource, "LaunchTemplate"), "LaunchTemplate");
    if (!isMapNode(spec)) return undefined;
    const reference = this.r.string(
      member(spec, "LaunchTemplateId") ?? member(spec, "LaunchTemplateName"),
      "LaunchTemplate",
    );
    const name = typeof reference === "string" ? reference : "(unknown)";
    const found = this.template.resourceList.find(
      (candidate) =>
        candidate.type === "AWS::EC2::LaunchTemplate" &&
        (candidate.logicalId === reference || this.text(candidate, "LaunchTemplateName") === reference),
    );
    const data = found
      ? this.r.shallow(this.prop(found, "LaunchTemplateData"), "LaunchTemplateData")
      : undefined;
    return { name, data: isMapNode(data) ? data : undefined };
  }

  /**
   * What `exposed-bastion` needs: whether the instance will have a public IPv4 address. A
   * placeholder text when it will (its value is assigned at launch), nothing when it will not, and
   * an unknown marker when that depends on something outside the template.
   */
  private publicIp(
    resource: TemplateResource,
    interfaces: readonly { node: MapNode | undefined; at: Position; primary: boolean }[],
    created: readonly TemplateResource[],
    launchTemplate: { name: string; data: MapNode | undefined } | undefined,
  ): { value: JsonValue; at: Position } | undefined {
    const id = resource.logicalId;
    for (const candidate of created) {
      if (candidate.type !== "AWS::EC2::EIP" && candidate.type !== "AWS::EC2::EIPAssociation") continue;
      if (this.text(candidate, "InstanceId") === id)
        return { value: `(Elastic IP ${candidate.logicalId})`, at: candidate.position };
    }
    let primary = interfaces.find((entry) => entry.primary);
    let subnet: Resolved | undefined = this.prop(resource, "SubnetId");
    let subnetAt = this.propPosition(resource, "SubnetId");
    if (!primary && launchTemplate?.data) {
      const fromTemplate = this.networkInterfaces(
        member(launchTemplate.data, "NetworkInterfaces"),
        launchTemplate.data,
      );
      primary = fromTemplate.find((entry) => entry.primary);
    }
    if (primary?.node) {
      const index = primary.node.keys.lastIndexOf("AssociatePublicIpAddress");
      if (index !== -1) {
        const at = positionAt(primary.node, index);
        const associate = this.r.deep(primary.node.values[index], "AssociatePublicIpAddress");
        if (associate === true || associate === "true") return { value: ASSIGNED_AT_LAUNCH, at };
        if (associate === false || associate === "false") return undefined;
        if (isUnknown(associate)) return { value: associate, at };
      }
      const interfaceSubnet = member(primary.node, "SubnetId");
      if (interfaceSubnet !== undefined) {
        subnet = interfaceSubnet;
        subnetAt = primary.at;
      }
    }
    if (subnet === undefined && launchTemplate && launchTemplate.data === undefined)
      return {
        value: this.r.unknown(
          "PublicIpAddress",
          `launch template ${launchTemplate.name}`,
          "is not in the template",
          "depends on",
        ),
        at: resource.position,
      };
    if (subnet === undefined)
      return { value: "(assigned at launch in the default VPC)", at: resource.position };
    const subnetId = this.r.string(subnet, "SubnetId");
    if (subnetId === undefined) return undefined;
    if (typeof subnetId !== "string")
      return {
        value: this.r.unknown(
          "PublicIpAddress",
          "the instance's subnet",
          `cannot be known (${this.r.explain(subnetId)})`,
          "depends on",
        ),
        at: subnetAt,
      };
    const subnetResource = this.template.resources.get(subnetId);
    if (subnetResource?.type === "AWS::EC2::Subnet") {
      const mapPublic = this.r.deep(this.prop(subnetResource, "MapPublicIpOnLaunch"), "MapPublicIpOnLaunch");
      if (mapPublic === true || mapPublic === "true")
        return { value: ASSIGNED_AT_LAUNCH, at: this.propPosition(subnetResource, "MapPublicIpOnLaunch") };
      if (isUnknown(mapPublic)) return { value: mapPublic, at: subnetAt };
      return undefined;
    }
    return {
      value: this.r.unknown(
        "PublicIpAddress",
        `subnet ${subnetId}`,
        "is not in the template, so whether it assigns public IPs is not known (set AssociatePublicIpAddress on the instance's network interface to decide)",
        "depends on",
      ),
      at: subnetAt,
    };
  }

  // -------------------------------------------------------------------------------------------
  // SSM documents

  private ssmDocument(resource: TemplateResource): void {
    const name = this.text(resource, "Name");
    const id = typeof name === "string" && name !== "" ? name : resource.logicalId;
    const format = this.text(resource, "DocumentFormat");
    const properties: JsonObject = {
      Name: name === undefined || name === "" ? resource.logicalId : name,
      DocumentType: this.value(resource, "DocumentType") ?? "Command",
      DocumentFormat: typeof format === "string" ? format.toUpperCase() : "JSON",
      Status: "Active",
    };
    const build = this.add(resource, ResourceTypes.SessionPreferences, id, properties);
    build.recorder.set("Name", this.propPosition(resource, "Name"));
    const content = this.r.shallow(this.prop(resource, "Content"), "Content");
    build.recorder.set("Content", this.propPosition(resource, "Content"));
    if (typeof content === "string")
      properties.Content = this.parseContent(content, properties.DocumentFormat as string);
    else {
      const value = this.r.deep(content, "Content", "Content", build.recorder);
      if (value !== undefined) properties.Content = value;
    }
  }

  /** Document content written as text: JSON, or YAML when the format says so (or JSON fails). */
  private parseContent(text: string, format: string): JsonValue {
    if (format === "TEXT") return text;
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      try {
        return parseYamlText(text, { maxAliasCount: 100 }) as JsonValue;
      } catch {
        return this.r.unknown(
          "Content",
          "the document content",
          `is text that is not valid ${format === "YAML" ? "YAML" : "JSON"}`,
        );
      }
    }
  }
}
