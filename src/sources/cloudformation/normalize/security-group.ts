import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown } from "../../../model/unknown.js";
import { fieldPath, indexPath, standInSecurityGroup } from "../../iac.js";
import { isMapNode, isSeqNode, type MapNode, type SeqNode } from "../../positioned/node.js";
import { NO_VALUE, type Resolved } from "../intrinsics.js";
import type { TemplateResource } from "../template.js";
import type { Build, NormalizeContext } from "./context.js";
import type { SourcePosition } from "../../../util/source-position.js";

/**
 * `AWS::EC2::SecurityGroup` as `describe-security-groups` shows it, with the rules of the separate
 * `AWS::EC2::SecurityGroupIngress` / `Egress` resources joined to their group.
 */

const SECURITY_GROUP_PROPERTIES = new Set([
  "GroupName",
  "GroupDescription",
  "VpcId",
  "Tags",
  "SecurityGroupIngress",
  "SecurityGroupEgress",
]);

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
const DIRECTIONS = [
  ["SecurityGroupIngress", "IpPermissions", "ingress"],
  ["SecurityGroupEgress", "IpPermissionsEgress", "egress"],
] as const;
const ALL_TRAFFIC_EGRESS: JsonValue = {
  IpProtocol: "-1",
  IpRanges: [{ CidrIp: "0.0.0.0/0" }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
};

export function securityGroup(context: NormalizeContext, resource: TemplateResource): void {
  const id = resource.logicalId;
  const name = context.text(resource, "GroupName");
  const properties: JsonObject = {
    GroupId: id,
    GroupName: typeof name === "string" && name !== "" ? name : id,
    OwnerId: context.placeholders.account,
    IpPermissions: [],
    IpPermissionsEgress: [],
  };
  const build = context.add(resource, ResourceTypes.SecurityGroup, id, properties);
  context.locateProp(build, "GroupName", resource, "GroupName");
  const description = context.value(resource, "GroupDescription");
  if (description !== undefined) {
    properties.Description = description;
    context.locateProp(build, "Description", resource, "GroupDescription");
  }
  const vpc = context.value(resource, "VpcId", build);
  if (vpc !== undefined) properties.VpcId = vpc;
  context.tags(resource, build);

  for (const [property, target, direction] of DIRECTIONS) {
    const written = context.prop(resource, property);
    const entries = context.r.list(written, property);
    if (entries === undefined) {
      if (direction === "egress") properties.IpPermissionsEgress = [ALL_TRAFFIC_EGRESS];
      continue;
    }
    const position = context.propPosition(resource, property);
    build.recorder.set(target, position);
    if (!Array.isArray(entries)) {
      properties[target] = entries;
      continue;
    }
    const list = properties[target] as JsonValue[];
    // The entries' own positions, when the list is written out rather than made by a function.
    const node = isSeqNode(written) ? written : context.r.shallow(written, property);
    const located = isSeqNode(node) ? node : undefined;
    for (let index = 0; index < entries.length; index += 1) {
      const path = indexPath(target, list.length);
      const entry = entries[index];
      const permission = ipPermission(
        context,
        entry,
        position,
        direction,
        build,
        path,
        property,
        located,
        index,
      );
      if (permission !== undefined) list.push(permission);
    }
  }
  context.keepUnmapped(resource, build, SECURITY_GROUP_PROPERTIES);
  context.refs.securityGroups.set(id, build);
}

/** `AWS::EC2::SecurityGroupIngress` / `Egress`: joins its group, or stands for one of its own. */
export function separateRule(
  context: NormalizeContext,
  resource: TemplateResource,
  direction: "ingress" | "egress",
): void {
  const reference =
    context.text(resource, "GroupId") ??
    (direction === "ingress" ? context.text(resource, "GroupName") : undefined);
  const target = typeof reference === "string" ? context.refs.securityGroups.get(reference) : undefined;
  const list = direction === "ingress" ? "IpPermissions" : "IpPermissionsEgress";
  let build = target;
  if (!build) {
    const target =
      typeof reference === "string"
        ? `adds a rule to security group ${reference}, which is not in the template`
        : reference === undefined
          ? "names no group (GroupId)"
          : `adds a rule to a security group that is not in the template (${reference.$unknown})`;
    context.note(
      resource.position.line,
      `${resource.logicalId} ${target}; the rule is checked as a group of its own`,
    );
    const groupId = typeof reference === "string" ? reference : resource.logicalId;
    build = context.add(
      resource,
      ResourceTypes.SecurityGroup,
      resource.logicalId,
      standInSecurityGroup(groupId, context.placeholders.account),
    );
  }
  const permissions = build.properties[list];
  if (!Array.isArray(permissions)) return; // the group's own list is unknown: it already cannot be judged
  const permission = ipPermission(
    context,
    resource.properties ?? null,
    resource.position,
    direction,
    build,
    indexPath(list, permissions.length),
    resource.logicalId,
  );
  if (permission !== undefined) permissions.push(permission);
}

/**
 * One CloudFormation rule (an inline entry or a separate resource's properties) as an
 * `IpPermission`. An inline entry is located at item `index` of `list`; a separate resource at
 * `position`.
 */
function ipPermission(
  context: NormalizeContext,
  entry: Resolved | undefined,
  position: SourcePosition,
  direction: "ingress" | "egress",
  build: Build,
  path: string,
  what: string,
  list?: SeqNode,
  index = 0,
): JsonValue | undefined {
  const resolved = context.r.shallow(entry, what);
  if (resolved === NO_VALUE || resolved === undefined) return undefined;
  const rec = build.recorder;
  if (list) rec.setAt(path, list, index);
  else rec.set(path, position);
  if (isUnknown(resolved)) return resolved;
  if (!isMapNode(resolved)) return context.r.unknown(what, "a security group rule", "is not a mapping");

  // One pass over the entry, without intermediate objects: thousands of groups with several
  // entries each make this the hot path of a large template.
  const { keys } = resolved;
  const found = FOUND.fill(-1);
  for (let key = 0; key < keys.length; key += 1) {
    const field = FIELD_INDEX.get(keys[key]!);
    if (field !== undefined) found[field] = key;
  }
  const permission: JsonObject = {};
  const protocol = fieldValue(context, resolved, found[Field.IpProtocol]!);
  if (protocol !== undefined) {
    permission.IpProtocol = typeof protocol === "number" ? String(protocol) : protocol;
    rec.setAt(fieldPath(path, "IpProtocol"), resolved, found[Field.IpProtocol]!);
  }
  for (const [field, name] of PORTS) {
    const port = fieldValue(context, resolved, found[field]!);
    if (port === undefined) continue;
    permission[name] = typeof port === "string" && /^-?\d+$/.test(port.trim()) ? Number(port) : port;
    rec.setAt(fieldPath(path, name), resolved, found[field]!);
  }
  const description = fieldValue(context, resolved, found[Field.Description]!);
  const owner =
    direction === "ingress"
      ? fieldValue(context, resolved, found[Field.SourceSecurityGroupOwnerId]!)
      : undefined;
  for (const [list, key, field] of direction === "ingress" ? INGRESS_RANGES : EGRESS_RANGES) {
    if (permission[list] !== undefined && permission[list] !== NONE) continue;
    const at = found[field]!;
    const value = fieldValue(context, resolved, at);
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
    rec.setAt(itemPath, resolved, at);
    rec.setAt(fieldPath(itemPath, key), resolved, at);
  }
  return permission;
}

/** The value of the entry's member at `index` (-1: not written), its functions applied. */
function fieldValue(context: NormalizeContext, entry: MapNode, index: number): JsonValue | undefined {
  if (index === -1) return undefined;
  const raw = entry.values[index]!;
  return typeof raw === "object" && raw !== null ? context.r.deep(raw, entry.keys[index]!) : raw;
}
