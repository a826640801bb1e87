import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown, unknownValue } from "../../../model/unknown.js";
import { fieldPath, indexPath, standInSecurityGroup } from "../../iac.js";
import type { AttributeSchema } from "../attributes.js";
import type { PlanInstance } from "../reader.js";
import { asArray, type Path } from "../values.js";
import type { Build, Normalization } from "./context.js";

/**
 * Security groups (`aws_security_group` with inline `ingress` / `egress` blocks) and the rule
 * resources that add to them, in the `describe-security-groups` shape. A source group known only
 * after apply is a `UserIdGroupPairs` entry whose `GroupId` is unknown: a source exists, only its
 * id is not known, so rules that look at CIDR ranges or at whether any source exists still decide.
 */

const strings = { list: "string" } as const;

const PERMISSION_BLOCK: AttributeSchema = {
  from_port: "number",
  to_port: "number",
  protocol: "string",
  cidr_blocks: strings,
  ipv6_cidr_blocks: strings,
  prefix_list_ids: strings,
  security_groups: strings,
  self: "bool",
  description: "string",
};

export const SECURITY_GROUP_SCHEMA: AttributeSchema = {
  id: "string",
  name: "string",
  description: "string",
  vpc_id: "string",
  tags: { map: "string" },
  ingress: { block: PERMISSION_BLOCK },
  egress: { block: PERMISSION_BLOCK },
};

export const SECURITY_GROUP_RULE_SCHEMA: AttributeSchema = {
  type: "string",
  security_group_id: "string",
  from_port: "number",
  to_port: "number",
  protocol: "string",
  cidr_blocks: strings,
  ipv6_cidr_blocks: strings,
  prefix_list_ids: strings,
  source_security_group_id: "string",
  self: "bool",
  description: "string",
};

export const VPC_SECURITY_GROUP_RULE_SCHEMA: AttributeSchema = {
  security_group_id: "string",
  ip_protocol: "string",
  from_port: "number",
  to_port: "number",
  cidr_ipv4: "string",
  cidr_ipv6: "string",
  prefix_list_id: "string",
  referenced_security_group_id: "string",
  description: "string",
};

export function securityGroup(n: Normalization, instance: PlanInstance): void {
  const { id, name } = n.refs.identity(instance);
  const properties: JsonObject = {
    GroupId: id!,
    GroupName: name!,
    OwnerId: n.plan.account,
    IpPermissions: [],
    IpPermissionsEgress: [],
  };
  const build = n.add(instance, ResourceTypes.SecurityGroup, id!, properties);
  n.locate(build, "GroupName", instance, ["name"]);
  const description = n.plan.value(instance, ["description"]);
  if (description !== undefined && description !== null) properties.Description = description;
  const vpc = n.plan.value(instance, ["vpc_id"]);
  if (vpc !== undefined && vpc !== null) properties.VpcId = vpc;
  n.tags(instance, build);
  for (const [attribute, target] of [
    ["ingress", "IpPermissions"],
    ["egress", "IpPermissionsEgress"],
  ] as const) {
    const blocks = n.plan.valueOrUnset(instance, attribute, []);
    n.locate(build, target, instance, [attribute]);
    if (isUnknown(blocks)) {
      properties[target] = blocks;
      continue;
    }
    const list = properties[target] as JsonValue[];
    asArray(blocks).forEach((_, index) => {
      const path = indexPath(target, list.length);
      n.locate(build, path, instance, [attribute, index]);
      list.push(blockPermission(n, instance, [attribute, index], build, path, id!));
    });
  }
  n.groups.set(id!, build);
}

/** An `ingress` / `egress` block, or a rule resource's attributes (`base` = `[]`), as an `IpPermission`. */
export function blockPermission(
  n: Normalization,
  instance: PlanInstance,
  base: Path,
  build: Build,
  path: string,
  ownGroup: string,
): JsonValue {
  const whole = base.length === 0 ? undefined : n.plan.value(instance, base);
  if (isUnknown(whole)) return whole;
  const get = (attribute: string) => n.plan.value(instance, [...base, attribute]);
  const permission: JsonObject = {};
  const rule = instance.type.startsWith("aws_vpc_security_group_");
  const protocol = get(rule ? "ip_protocol" : "protocol");
  if (protocol !== undefined && protocol !== null) {
    permission.IpProtocol = typeof protocol === "number" ? String(protocol) : protocol;
    n.locate(build, fieldPath(path, "IpProtocol"), instance, [...base, rule ? "ip_protocol" : "protocol"]);
  }
  for (const [attribute, key] of [
    ["from_port", "FromPort"],
    ["to_port", "ToPort"],
  ] as const) {
    const port = get(attribute);
    if (port === undefined || port === null) continue;
    permission[key] = port;
    n.locate(build, fieldPath(path, key), instance, [...base, attribute]);
  }
  const description = get("description");
  // A list attribute that is unknown as a whole is an unknown list; a single value (a rule
  // resource's `cidr_ipv4`) that is unknown is one source whose address is unknown.
  const ranges = (
    list: string,
    key: string,
    attribute: string,
    given: JsonValue | undefined,
    single = false,
  ) => {
    const values = single && isUnknown(given) ? [given] : given;
    if (isUnknown(values)) {
      permission[list] = values;
      n.locate(build, fieldPath(path, list), instance, [...base, attribute]);
      return;
    }
    const items = Array.isArray(values)
      ? values
      : values === undefined || values === null || values === ""
        ? []
        : [values];
    permission[list] = items.map((value, index) => {
      const itemPath = indexPath(fieldPath(path, list), index);
      n.locate(build, itemPath, instance, [...base, attribute, index]);
      n.locate(build, fieldPath(itemPath, key), instance, [...base, attribute, index]);
      const item: JsonObject = { [key]: value };
      if ((typeof description === "string" && description !== "") || isUnknown(description))
        item.Description = description;
      return item;
    });
  };
  if (rule) {
    ranges("IpRanges", "CidrIp", "cidr_ipv4", get("cidr_ipv4"), true);
    ranges("Ipv6Ranges", "CidrIpv6", "cidr_ipv6", get("cidr_ipv6"), true);
    ranges("PrefixListIds", "PrefixListId", "prefix_list_id", get("prefix_list_id"), true);
    const referenced = n.refs.reference(instance, "referenced_security_group_id");
    ranges("UserIdGroupPairs", "GroupId", "referenced_security_group_id", referenced, true);
  } else {
    ranges("IpRanges", "CidrIp", "cidr_blocks", get("cidr_blocks"));
    ranges("Ipv6Ranges", "CidrIpv6", "ipv6_cidr_blocks", get("ipv6_cidr_blocks"));
    ranges("PrefixListIds", "PrefixListId", "prefix_list_ids", get("prefix_list_ids"));
    const sources: JsonValue[] = [];
    if (base.length === 0) {
      const source = n.refs.reference(instance, "source_security_group_id");
      if (source !== undefined) sources.push(source);
    } else {
      const groups = get("security_groups");
      if (isUnknown(groups)) sources.push(groups);
      else sources.push(...asArray(groups).map((group) => group as JsonValue));
    }
    // `self` known only after apply may add the group itself as a source: one whose id is unknown.
    const self = get("self");
    if (self === true) sources.push(ownGroup);
    else if (isUnknown(self)) sources.push(self);
    ranges(
      "UserIdGroupPairs",
      "GroupId",
      base.length === 0 ? "source_security_group_id" : "security_groups",
      sources,
    );
  }
  return permission;
}

export function separateRule(n: Normalization, instance: PlanInstance): void {
  const direction =
    instance.type === "aws_vpc_security_group_egress_rule"
      ? "egress"
      : instance.type === "aws_vpc_security_group_ingress_rule"
        ? "ingress"
        : n.plan.value(instance, ["type"]);
  // A rule whose direction is not known may be an ingress rule: it stands in both lists as a
  // permission nobody can read, so that the group's rules cannot pass it by.
  const undecided =
    direction === "ingress" || direction === "egress"
      ? undefined
      : isUnknown(direction)
        ? direction
        : unknownValue(
            `type of ${instance.address} is ${direction === undefined || direction === null ? "missing" : JSON.stringify(direction)}, not ingress or egress`,
          );
  const reference = n.refs.reference(instance, "security_group_id");
  let build = typeof reference === "string" ? n.groups.get(reference) : undefined;
  if (!build) {
    const shown =
      typeof reference === "string"
        ? `security group ${reference}`
        : "a security group whose id is known only after apply";
    n.note(
      instance,
      `${instance.address} adds a rule to ${shown}, which is not in the plan; the rule is checked as a group of its own`,
    );
    const groupId = typeof reference === "string" ? reference : instance.address;
    build = n.add(
      instance,
      ResourceTypes.SecurityGroup,
      instance.address,
      standInSecurityGroup(groupId, n.plan.account),
    );
  }
  if (undecided !== undefined) {
    for (const target of ["IpPermissions", "IpPermissionsEgress"]) {
      const list = build.properties[target];
      if (!Array.isArray(list)) continue;
      n.locate(build, indexPath(target, list.length), instance, ["type"]);
      list.push(undecided);
    }
    return;
  }
  const target = direction === "ingress" ? "IpPermissions" : "IpPermissionsEgress";
  const list = build.properties[target];
  if (!Array.isArray(list)) return;
  const path = indexPath(target, list.length);
  n.locate(build, path, instance, []);
  list.push(blockPermission(n, instance, [], build, path, build.id));
}
