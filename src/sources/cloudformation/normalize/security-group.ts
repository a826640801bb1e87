import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown } from "../../../model/unknown.js";
import { fieldPath, indexPath, standInSecurityGroup } from "../../iac.js";
import { isMapNode, isSeqNode, positionAt } from "../../positioned/node.js";
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
  build.recorder.set("GroupName", context.propPosition(resource, "GroupName"));
  const description = context.value(resource, "GroupDescription");
  if (description !== undefined) {
    properties.Description = description;
    build.recorder.set("Description", context.propPosition(resource, "GroupDescription"));
  }
  const vpc = context.value(resource, "VpcId", build);
  if (vpc !== undefined) properties.VpcId = vpc;
  context.tags(resource, build);

  for (const [property, target, direction] of [
    ["SecurityGroupIngress", "IpPermissions", "ingress"],
    ["SecurityGroupEgress", "IpPermissionsEgress", "egress"],
  ] as const) {
    const position = context.propPosition(resource, property);
    const entries = context.r.list(context.prop(resource, property), property);
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
    const node = context.r.shallow(context.prop(resource, property), property);
    entries.forEach((entry, index) => {
      const entryPosition = isSeqNode(node) ? positionAt(node, index) : position;
      const permission = ipPermission(
        context,
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

/** One CloudFormation rule (an inline entry or a separate resource's properties) as an `IpPermission`. */
function ipPermission(
  context: NormalizeContext,
  entry: Resolved | undefined,
  position: SourcePosition,
  direction: "ingress" | "egress",
  build: Build,
  path: string,
  what: string,
): JsonValue | undefined {
  const resolved = context.r.shallow(entry, what);
  if (resolved === NO_VALUE || resolved === undefined) return undefined;
  const rec = build.recorder;
  rec.set(path, position);
  if (isUnknown(resolved)) return resolved;
  if (!isMapNode(resolved)) return context.r.unknown(what, "a security group rule", "is not a mapping");

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
    return typeof raw === "object" && raw !== null ? context.r.deep(raw, keys[index]!) : raw;
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
