import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown } from "../../../model/unknown.js";
import { fieldPath, indexPath, standInSecurityGroup, type KeyedPaths } from "../../iac.js";
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
/** The slot after the fields: the index of the entry's first key that is no rule property, or -1. */
const STRAY_KEY = FIELD_COUNT;
/** Keys a separate rule resource has besides the fields of an entry: they name its group. */
const GROUP_KEYS = new Set(["GroupId", "GroupName"]);
/**
 * Where each field is in the entries with each key list seen, and with the last one. The JSON
 * reader gives entries written with the same keys in the same order one shared key list, so a
 * large template's thousands of entries are indexed once per shape rather than once each. Kept
 * for every shape, not only the last: a shape written now and then among the common one (a rule
 * without ports) would otherwise index the common one anew after each, and give it new indexes,
 * which the located paths of every permission index are then built again for.
 */
const FIELDS_BY_KEYS = new WeakMap<readonly string[], Int32Array>();
let indexedKeys: readonly string[] | undefined;
let indexedFields: Int32Array = new Int32Array(FIELD_COUNT + 1);

function fieldIndexes(keys: readonly string[]): Int32Array {
  if (keys === indexedKeys) return indexedFields;
  let found = FIELDS_BY_KEYS.get(keys);
  if (found === undefined) {
    found = new Int32Array(FIELD_COUNT + 1).fill(-1);
    for (let key = 0; key < keys.length; key += 1) {
      const field = FIELD_INDEX.get(keys[key]!);
      if (field !== undefined) found[field] = key;
      else if (found[STRAY_KEY] === -1 && !GROUP_KEYS.has(keys[key]!)) found[STRAY_KEY] = key;
    }
    FIELDS_BY_KEYS.set(keys, found);
  }
  indexedKeys = keys;
  indexedFields = found;
  return found;
}
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
  // Vouched for as far as the group's own values go (GroupName is text here, Description and
  // OwnerId may be anything); each value read below, and each rule, is checked as it is put in.
  build.canonical = id !== "";
  context.locateProp(build, "GroupName", resource, "GroupName");
  const description = context.value(resource, "GroupDescription");
  if (description !== undefined) {
    properties.Description = description;
    context.locateProp(build, "Description", resource, "GroupDescription");
  }
  const vpc = context.value(resource, "VpcId", build);
  if (vpc !== undefined) {
    properties.VpcId = vpc;
    if (!isTextOrUnknown(vpc)) build.canonical = false;
  }
  context.tags(resource, build);
  if (properties.Tags !== undefined && !areCanonicalTags(properties.Tags)) build.canonical = false;

  // Indexed rather than destructured from an iterator: this runs for each of thousands of groups,
  // mostly before the engine has optimized it.
  for (let side = 0; side < DIRECTIONS.length; side += 1) {
    const sideNames = DIRECTIONS[side]!;
    const property = sideNames[0];
    const target = sideNames[1];
    const direction = sideNames[2];
    const written = context.prop(resource, property);
    const entries = context.r.list(written, property);
    if (entries === undefined) {
      if (direction === "egress") properties.IpPermissionsEgress = [ALL_TRAFFIC_EGRESS];
      continue;
    }
    context.locateProp(build, target, resource, property);
    if (!Array.isArray(entries)) {
      properties[target] = entries;
      continue;
    }
    const list = properties[target] as JsonValue[];
    // The entries' own positions, when the list is written out rather than made by a function;
    // else where the list is.
    const node = isSeqNode(written) ? written : context.r.shallow(written, property);
    const located = isSeqNode(node) ? node : undefined;
    const position = located === undefined ? context.propPosition(resource, property) : resource.position;
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
  context.refs.addSecurityGroup(id, build, name);
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
  const target =
    typeof reference === "string"
      ? (context.refs.securityGroup(reference) ??
        (direction === "ingress" && context.text(resource, "GroupId") === undefined
          ? context.refs.securityGroupNamed(reference)
          : undefined))
      : undefined;
  const list = direction === "ingress" ? "IpPermissions" : "IpPermissionsEgress";
  if (target === undefined && reference !== undefined && typeof reference !== "string") {
    // A group decided at deployment (`!If [Cond, !Ref Sg, …]`) may be one of the template's: the
    // rule is checked on each it may be, as a resource under an undecided condition is.
    const written = context.prop(resource, "GroupId") ?? context.prop(resource, "GroupName");
    for (const candidate of context.refs.securityGroupsNamedIn(written)) {
      const permissions = candidate.properties[list];
      if (!Array.isArray(permissions)) continue;
      context.note(
        resource.position.line,
        `${resource.logicalId} may add its rule to security group ${candidate.id} (${reference.$unknown}); it is checked there too`,
      );
      const permission = ipPermission(
        context,
        resource.properties ?? null,
        resource.position,
        direction,
        candidate,
        indexPath(list, permissions.length),
        resource.logicalId,
      );
      if (permission !== undefined) permissions.push(permission);
    }
  }
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
    build.canonical = groupId !== "";
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
  // An entry written out as a mapping of several keys holds no function at its top (a function
  // is a mapping of one key), so it is its own resolved value: most entries are, fifty thousand
  // in a large template, and a call to resolve each costs more than the test.
  const resolved = isMapNode(entry) && entry.keys.length !== 1 ? entry : context.r.shallow(entry, what);
  if (resolved === NO_VALUE || resolved === undefined) return undefined;
  const rec = build.recorder;
  if (list) rec.setAt(path, list, index);
  else rec.set(path, position);
  if (isUnknown(resolved)) return resolved;
  if (!isMapNode(resolved)) return context.r.unknown(what, "a security group rule", "is not a mapping");

  // One pass over the entry, without intermediate objects: thousands of groups with several
  // entries each make this the hot path of a large template. Objects are written as literals
  // where their shape is known, which is much cheaper than adding fields by computed names.
  const found = fieldIndexes(resolved.keys);
  // A key that is no property of a rule (`CidrIP`, `cidrIp`) may hold the rule's only source:
  // dropped, it would leave a port open to nobody the rules can see. CloudFormation refuses it too.
  const strayAt = found[STRAY_KEY]!;
  if (strayAt !== -1)
    return context.r.unknown(
      "",
      `the key ${JSON.stringify(resolved.keys[strayAt])} of ${what}`,
      "is not a property of a security group rule",
    );
  const paths = permissionPaths(path);
  const ingress = direction === "ingress";
  // The parts located, as `Located` bits: their positions are recorded together at the end.
  let located = ingress ? 0 : Located.Egress;
  // Fields not written (-1) are most of them: they are passed over here rather than in a call.
  const protocolAt = found[Field.IpProtocol]!;
  const rawProtocol = protocolAt === -1 ? undefined : fieldValue(context, resolved, protocolAt);
  const protocol = typeof rawProtocol === "number" ? String(rawProtocol) : rawProtocol;
  if (protocol !== undefined) located |= Located.Protocol;
  const fromAt = found[Field.FromPort]!;
  const from = fromAt === -1 ? undefined : portValue(fieldValue(context, resolved, fromAt));
  if (from !== undefined) located |= Located.FromPort;
  const toAt = found[Field.ToPort]!;
  const to = toAt === -1 ? undefined : portValue(fieldValue(context, resolved, toAt));
  if (to !== undefined) located |= Located.ToPort;
  const descriptionAt = found[Field.Description]!;
  const description = descriptionAt === -1 ? undefined : fieldValue(context, resolved, descriptionAt);
  const ownerAt = ingress ? found[Field.SourceSecurityGroupOwnerId]! : -1;
  const owner = ownerAt === -1 ? undefined : fieldValue(context, resolved, ownerAt);

  const cidrAt = found[Field.CidrIp]!;
  const cidr = cidrAt === -1 ? undefined : fieldValue(context, resolved, cidrAt);
  let ipRanges = NONE;
  if (cidr !== undefined) {
    ipRanges = [description === undefined ? { CidrIp: cidr } : { CidrIp: cidr, Description: description }];
    located |= Located.IpRange;
  }
  const cidrIpv6At = found[Field.CidrIpv6]!;
  const cidrIpv6 = cidrIpv6At === -1 ? undefined : fieldValue(context, resolved, cidrIpv6At);
  let ipv6Ranges = NONE;
  if (cidrIpv6 !== undefined) {
    ipv6Ranges = [
      description === undefined ? { CidrIpv6: cidrIpv6 } : { CidrIpv6: cidrIpv6, Description: description },
    ];
    located |= Located.Ipv6Range;
  }
  const prefixListAt = found[ingress ? Field.SourcePrefixListId : Field.DestinationPrefixListId]!;
  const prefixList = prefixListAt === -1 ? undefined : fieldValue(context, resolved, prefixListAt);
  let prefixListIds = NONE;
  if (prefixList !== undefined) {
    prefixListIds = [
      description === undefined
        ? { PrefixListId: prefixList }
        : { PrefixListId: prefixList, Description: description },
    ];
    located |= Located.PrefixList;
  }
  // A group named by id, else (ingress only) by name.
  let groupAt = found[ingress ? Field.SourceSecurityGroupId : Field.DestinationSecurityGroupId]!;
  let groupKey: "GroupId" | "GroupName" = "GroupId";
  let group = groupAt === -1 ? undefined : fieldValue(context, resolved, groupAt);
  if (group === undefined && ingress) {
    groupAt = found[Field.SourceSecurityGroupName]!;
    groupKey = "GroupName";
    group = groupAt === -1 ? undefined : fieldValue(context, resolved, groupAt);
  }
  let userIdGroupPairs = NONE;
  if (group !== undefined) {
    const pair: JsonObject = groupKey === "GroupId" ? { GroupId: group } : { GroupName: group };
    if (owner !== undefined) pair.UserId = owner;
    if (description !== undefined) pair.Description = description;
    userIdGroupPairs = [pair];
    located |= groupKey === "GroupId" ? Located.GroupPair : Located.GroupPair | Located.ByGroupName;
  }
  if ((located & ~Located.Egress) !== 0) rec.setKeysAt(keyedPermissionPaths(paths, found, located), resolved);
  // What the canonical shape asks of an ingress rule, checked while its values are at hand (an
  // egress rule need only be an object). The values come from the template as written, so any of
  // them may be of the wrong kind; one that is leaves the group to the schema, which names it.
  if (
    ingress &&
    !(
      isTextOrUnknown(protocol) &&
      isPortOrAbsent(from) &&
      isPortOrAbsent(to) &&
      (cidr === undefined || isTextOrUnknown(cidr)) &&
      (cidrIpv6 === undefined || isTextOrUnknown(cidrIpv6)) &&
      (prefixList === undefined || isTextOrUnknown(prefixList)) &&
      (group === undefined ||
        (isTextOrUnknown(group) &&
          (owner === undefined || isTextOrUnknown(owner)) &&
          (description === undefined || isTextOrUnknown(description))))
    )
  )
    build.canonical = false;

  if (protocol !== undefined && from !== undefined && to !== undefined)
    return {
      IpProtocol: protocol,
      FromPort: from,
      ToPort: to,
      IpRanges: ipRanges,
      Ipv6Ranges: ipv6Ranges,
      PrefixListIds: prefixListIds,
      UserIdGroupPairs: userIdGroupPairs,
    };
  const permission: JsonObject = {};
  if (protocol !== undefined) permission.IpProtocol = protocol;
  if (from !== undefined) permission.FromPort = from;
  if (to !== undefined) permission.ToPort = to;
  permission.IpRanges = ipRanges;
  permission.Ipv6Ranges = ipv6Ranges;
  permission.PrefixListIds = prefixListIds;
  permission.UserIdGroupPairs = userIdGroupPairs;
  return permission;
}

/** Which parts of a permission were written, and so are located; and where its group came from. */
const enum Located {
  Protocol = 1,
  FromPort = 2,
  ToPort = 4,
  IpRange = 8,
  Ipv6Range = 16,
  PrefixList = 32,
  GroupPair = 64,
  /** The group is named by `SourceSecurityGroupName` rather than by id. */
  ByGroupName = 128,
  /** An egress rule, whose prefix list and group are the `Destination…` keys. */
  Egress = 256,
}

/**
 * The paths of a permission's located parts, each with the index of the key it was written at:
 * in a large template, entries at the same index of their lists are written alike, so this is
 * built once per shape of entry (`found`) and set of parts, and kept with the paths.
 */
function keyedPermissionPaths(paths: PermissionPaths, found: Int32Array, located: number): KeyedPaths {
  const built = paths.keyed;
  for (let index = 0; index < built.length; index += 1) {
    const each = built[index]!;
    if (each.found === found && each.parts === located) return each.keyed;
  }
  const list: string[] = [];
  const keys: number[] = [];
  const add = (path: string, field: Field): void => {
    list.push(path);
    keys.push(found[field]!);
  };
  const ingress = (located & Located.Egress) === 0;
  if (located & Located.Protocol) add(paths.protocol, Field.IpProtocol);
  if (located & Located.FromPort) add(paths.fromPort, Field.FromPort);
  if (located & Located.ToPort) add(paths.toPort, Field.ToPort);
  if (located & Located.IpRange) {
    add(paths.ipRange, Field.CidrIp);
    add(paths.cidrIp, Field.CidrIp);
  }
  if (located & Located.Ipv6Range) {
    add(paths.ipv6Range, Field.CidrIpv6);
    add(paths.cidrIpv6, Field.CidrIpv6);
  }
  if (located & Located.PrefixList) {
    const field = ingress ? Field.SourcePrefixListId : Field.DestinationPrefixListId;
    add(paths.prefixList, field);
    add(paths.prefixListId, field);
  }
  if (located & Located.GroupPair) {
    const byName = (located & Located.ByGroupName) !== 0;
    const field = byName
      ? Field.SourceSecurityGroupName
      : ingress
        ? Field.SourceSecurityGroupId
        : Field.DestinationSecurityGroupId;
    add(paths.groupPair, field);
    add(byName ? paths.groupName : paths.groupId, field);
  }
  const keyed: KeyedPaths = { paths: list, keys };
  // A few shapes of entry at each index are kept; entries read as YAML each have a key list of
  // their own, and would otherwise add one for each.
  if (built.length === MAX_KEYED_SHAPES) built.shift();
  built.push({ found, parts: located, keyed });
  return keyed;
}

const MAX_KEYED_SHAPES = 8;

/** Located paths built for the entries of one shape (`found`) with the parts `parts`. */
interface KeyedFor {
  found: Int32Array;
  parts: number;
  keyed: KeyedPaths;
}

/**
 * The checks behind a group's vouch (`Build.canonical`), each what the canonical schema asks of a
 * value there (`schemas/resources.schema.json`, `securityGroup` and the definitions it names), an
 * unknown value passing as it does there. Tested against the schema's own verdict.
 */
function isTextOrUnknown(value: JsonValue | undefined): boolean {
  return typeof value === "string" || isUnknown(value);
}

function isPortOrAbsent(value: JsonValue | undefined): boolean {
  return (
    value === undefined ||
    (typeof value === "number" && Number.isInteger(value) && value >= -1 && value <= 65535) ||
    isUnknown(value)
  );
}

/** `Tags` as `context.tags` puts them: a list of `{Key, Value}`, or unknown. */
function areCanonicalTags(tags: JsonValue): boolean {
  if (!Array.isArray(tags)) return isUnknown(tags);
  for (let index = 0; index < tags.length; index += 1) {
    const tag = tags[index]!;
    if (isUnknown(tag)) continue;
    if (tag === null || typeof tag !== "object" || Array.isArray(tag)) return false;
    const key = tag.Key;
    const value = tag.Value;
    if (key === undefined || !isTextOrUnknown(key)) return false;
    if (value !== undefined && !isTextOrUnknown(value)) return false;
  }
  return true;
}

/** A port as written, text that is a whole number read as that number. */
function portValue(port: JsonValue | undefined): JsonValue | undefined {
  return typeof port === "string" && /^-?\d+$/.test(port.trim()) ? Number(port) : port;
}

/** The paths under one permission where its parts are located, built once per permission index. */
interface PermissionPaths {
  protocol: string;
  fromPort: string;
  toPort: string;
  ipRange: string;
  cidrIp: string;
  ipv6Range: string;
  cidrIpv6: string;
  prefixList: string;
  prefixListId: string;
  groupPair: string;
  groupId: string;
  groupName: string;
  /** The located paths built (`keyedPermissionPaths`), for the last few shapes of entry. */
  keyed: KeyedFor[];
}

const PERMISSION_PATHS = new Map<string, PermissionPaths>();

function permissionPaths(path: string): PermissionPaths {
  let paths = PERMISSION_PATHS.get(path);
  if (paths === undefined) {
    const ipRange = indexPath(fieldPath(path, "IpRanges"), 0);
    const ipv6Range = indexPath(fieldPath(path, "Ipv6Ranges"), 0);
    const prefixList = indexPath(fieldPath(path, "PrefixListIds"), 0);
    const groupPair = indexPath(fieldPath(path, "UserIdGroupPairs"), 0);
    paths = {
      protocol: fieldPath(path, "IpProtocol"),
      fromPort: fieldPath(path, "FromPort"),
      toPort: fieldPath(path, "ToPort"),
      ipRange,
      cidrIp: fieldPath(ipRange, "CidrIp"),
      ipv6Range,
      cidrIpv6: fieldPath(ipv6Range, "CidrIpv6"),
      prefixList,
      prefixListId: fieldPath(prefixList, "PrefixListId"),
      groupPair,
      groupId: fieldPath(groupPair, "GroupId"),
      groupName: fieldPath(groupPair, "GroupName"),
      keyed: [],
    };
    PERMISSION_PATHS.set(path, paths);
  }
  return paths;
}

/** The value of the entry's member at `index` (a key it has), its functions applied. */
function fieldValue(context: NormalizeContext, entry: MapNode, index: number): JsonValue | undefined {
  const raw = entry.values[index]!;
  return typeof raw === "object" && raw !== null ? context.r.deep(raw, entry.keys[index]!) : raw;
}
