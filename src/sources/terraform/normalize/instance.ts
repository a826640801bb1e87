import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown, unknownValue, type UnknownValue } from "../../../model/unknown.js";
import { indexPath, notYetRegistered } from "../../iac.js";
import type { AttributeSchema } from "../attributes.js";
import type { PlanInstance } from "../reader.js";
import { asArray, asRecord, type Path } from "../values.js";
import type { Build, Normalization } from "./context.js";

/**
 * EC2 instances in the `describe-instances` shape, each with the Systems Manager record it does
 * not have yet. Every attribute the describe shape has a place for is carried over, an unknown
 * one as an unknown value, so a rule of the user's own about any of them never reads "not set".
 */

const ASSIGNED_AT_LAUNCH = "(assigned at launch)";

const strings = { list: "string" } as const;

const BLOCK_DEVICE: AttributeSchema = {
  device_name: "string",
  delete_on_termination: "bool",
  volume_id: "string",
  encrypted: "bool",
  volume_size: "number",
  volume_type: "string",
};

export const INSTANCE_SCHEMA: AttributeSchema = {
  id: "string",
  ami: "string",
  instance_type: "string",
  subnet_id: "string",
  key_name: "string",
  iam_instance_profile: "string",
  vpc_security_group_ids: strings,
  security_groups: strings,
  associate_public_ip_address: "bool",
  public_ip: "string",
  public_dns: "string",
  private_ip: "string",
  private_dns: "string",
  ebs_optimized: "bool",
  monitoring: "bool",
  source_dest_check: "bool",
  hibernation: "bool",
  availability_zone: "string",
  tenancy: "string",
  placement_group: "string",
  placement_partition_number: "number",
  host_id: "string",
  outpost_arn: "string",
  tags: { map: "string" },
  launch_template: { block: { id: "string", name: "string", version: "string" } },
  metadata_options: {
    block: {
      http_tokens: "string",
      http_endpoint: "string",
      http_put_response_hop_limit: "number",
      http_protocol_ipv6: "string",
      instance_metadata_tags: "string",
    },
  },
  root_block_device: { block: BLOCK_DEVICE },
  ebs_block_device: { block: BLOCK_DEVICE },
  enclave_options: { block: { enabled: "bool" } },
  cpu_options: { block: { core_count: "number", threads_per_core: "number", amd_sev_snp: "string" } },
  maintenance_options: { block: { auto_recovery: "string" } },
  private_dns_name_options: {
    block: {
      hostname_type: "string",
      enable_resource_name_dns_a_record: "bool",
      enable_resource_name_dns_aaaa_record: "bool",
    },
  },
  capacity_reservation_specification: { block: { capacity_reservation_preference: "string" } },
};

type FieldMap = readonly (readonly [attribute: string, key: string])[];

/** Sets `key` to the planned value at `path`, an unknown one included, when the plan has one. */
function copy(n: Normalization, instance: PlanInstance, into: JsonObject, key: string, path: Path): void {
  const value = n.plan.value(instance, path);
  if (value !== undefined && value !== null) into[key] = value;
}

/** The fields of an object gathered from several attributes, or nothing when none is in the plan. */
function gather(
  n: Normalization,
  instance: PlanInstance,
  base: Path,
  fields: FieldMap,
): JsonObject | undefined {
  const object: JsonObject = {};
  for (const [attribute, key] of fields) copy(n, instance, object, key, [...base, attribute]);
  return Object.keys(object).length > 0 ? object : undefined;
}

/** A single nested block (`metadata_options { … }`) as the describe shape's object. */
function singleBlock(
  n: Normalization,
  instance: PlanInstance,
  attribute: string,
  fields: FieldMap,
): JsonValue | undefined {
  const blocks = n.plan.value(instance, [attribute]);
  if (isUnknown(blocks)) return blocks;
  const first = Array.isArray(blocks) ? blocks[0] : undefined;
  if (first === undefined || first === null) return undefined;
  if (isUnknown(first)) return first;
  return gather(n, instance, [attribute, 0], fields);
}

const METADATA_OPTIONS: FieldMap = [
  ["http_tokens", "HttpTokens"],
  ["http_endpoint", "HttpEndpoint"],
  ["http_put_response_hop_limit", "HttpPutResponseHopLimit"],
  ["http_protocol_ipv6", "HttpProtocolIpv6"],
  ["instance_metadata_tags", "InstanceMetadataTags"],
];

const NESTED_OPTIONS: readonly (readonly [attribute: string, key: string, fields: FieldMap])[] = [
  ["enclave_options", "EnclaveOptions", [["enabled", "Enabled"]]],
  [
    "cpu_options",
    "CpuOptions",
    [
      ["core_count", "CoreCount"],
      ["threads_per_core", "ThreadsPerCore"],
      ["amd_sev_snp", "AmdSevSnp"],
    ],
  ],
  ["maintenance_options", "MaintenanceOptions", [["auto_recovery", "AutoRecovery"]]],
  [
    "private_dns_name_options",
    "PrivateDnsNameOptions",
    [
      ["hostname_type", "HostnameType"],
      ["enable_resource_name_dns_a_record", "EnableResourceNameDnsARecord"],
      ["enable_resource_name_dns_aaaa_record", "EnableResourceNameDnsAAAARecord"],
    ],
  ],
  [
    "capacity_reservation_specification",
    "CapacityReservationSpecification",
    [["capacity_reservation_preference", "CapacityReservationPreference"]],
  ],
];

/** The attributes that map one to one onto the describe shape. */
function describeAttributes(n: Normalization, instance: PlanInstance, build: Build): void {
  const properties = build.properties;
  for (const [attribute, key] of [
    ["instance_type", "InstanceType"],
    ["ami", "ImageId"],
    ["subnet_id", "SubnetId"],
    ["ebs_optimized", "EbsOptimized"],
    ["source_dest_check", "SourceDestCheck"],
    ["private_ip", "PrivateIpAddress"],
    ["private_dns", "PrivateDnsName"],
    ["public_dns", "PublicDnsName"],
    ["outpost_arn", "OutpostArn"],
  ] as const) {
    copy(n, instance, properties, key, [attribute]);
    if (key in properties) n.locate(build, key, instance, [attribute]);
  }
  const placement = gather(
    n,
    instance,
    [],
    [
      ["availability_zone", "AvailabilityZone"],
      ["tenancy", "Tenancy"],
      ["placement_group", "GroupName"],
      ["host_id", "HostId"],
      ["placement_partition_number", "PartitionNumber"],
    ],
  );
  if (placement) properties.Placement = placement;
  const monitoring = n.plan.value(instance, ["monitoring"]);
  if (monitoring !== undefined && monitoring !== null)
    properties.Monitoring = {
      State: typeof monitoring === "boolean" ? (monitoring ? "enabled" : "disabled") : monitoring,
    };
  const hibernation = n.plan.value(instance, ["hibernation"]);
  if (hibernation !== undefined && hibernation !== null)
    properties.HibernationOptions = { Configured: hibernation };

  // EC2 always reports metadata options; a plan without them leaves them to AWS's defaults for
  // the image and account, which the plan cannot tell.
  properties.MetadataOptions =
    singleBlock(n, instance, "metadata_options", METADATA_OPTIONS) ??
    unknownValue(`metadata_options of ${instance.address} is not in the plan; AWS sets them at launch`);
  n.locate(build, "MetadataOptions", instance, ["metadata_options"]);
  for (const [field, key] of METADATA_OPTIONS)
    n.locate(build, `MetadataOptions.${key}`, instance, ["metadata_options", 0, field]);
  for (const [attribute, key, fields] of NESTED_OPTIONS) {
    const value = singleBlock(n, instance, attribute, fields);
    if (value !== undefined) properties[key] = value;
  }
  blockDevices(n, instance, build);
}

/** `root_block_device` and `ebs_block_device` as far as `describe-instances` shows them. */
function blockDevices(n: Normalization, instance: PlanInstance, build: Build): void {
  const mappings: JsonValue[] = [];
  for (const attribute of ["root_block_device", "ebs_block_device"]) {
    const blocks = n.plan.value(instance, [attribute]);
    if (isUnknown(blocks)) {
      build.properties.BlockDeviceMappings = blocks;
      n.locate(build, "BlockDeviceMappings", instance, [attribute]);
      return;
    }
    asArray(blocks).forEach((block, index) => {
      const base = [attribute, index];
      const path = indexPath("BlockDeviceMappings", mappings.length);
      n.locate(build, path, instance, base);
      if (isUnknown(block)) {
        mappings.push(block);
        return;
      }
      const mapping: JsonObject = {};
      copy(n, instance, mapping, "DeviceName", [...base, "device_name"]);
      const ebs = gather(n, instance, base, [
        ["delete_on_termination", "DeleteOnTermination"],
        ["volume_id", "VolumeId"],
      ]);
      if (ebs) mapping.Ebs = ebs;
      mappings.push(mapping);
      if (attribute === "root_block_device" && mapping.DeviceName !== undefined)
        build.properties.RootDeviceName = mapping.DeviceName;
    });
  }
  if (mappings.length > 0) build.properties.BlockDeviceMappings = mappings;
}

export function ec2Instance(n: Normalization, instance: PlanInstance): void {
  const { id } = n.refs.identity(instance);
  const properties: JsonObject = { InstanceId: id!, State: { Code: 16, Name: "running" } };
  const build = n.add(instance, ResourceTypes.Instance, id!, properties);
  n.tags(instance, build);
  const launchTemplate = launchTemplateOf(n, instance);
  describeAttributes(n, instance, build);
  const fromTemplate = (attribute: string, describe: string): JsonValue | undefined => {
    if (!launchTemplate) return undefined;
    if (!launchTemplate.target)
      return unknownValue(
        `${describe} may come from launch template ${launchTemplate.name}, which is not in the plan`,
      );
    return n.plan.value(launchTemplate.target, [attribute]);
  };

  // A computed attribute the configuration does not set is what AWS (or a launch template) gives.
  const keyFromInstance = n.plan.given(instance, "key_name");
  const keyName = keyFromInstance
    ? n.refs.reference(instance, "key_name")
    : launchTemplate?.target
      ? n.refs.reference(launchTemplate.target, "key_name")
      : fromTemplate("key_name", "KeyName");
  if (keyName !== undefined && keyName !== null && keyName !== "") {
    properties.KeyName = keyName;
    n.locate(
      build,
      "KeyName",
      keyFromInstance || !launchTemplate?.target ? instance : launchTemplate.target,
      ["key_name"],
    );
  }

  let profile: JsonValue | undefined;
  if (n.plan.given(instance, "iam_instance_profile"))
    profile = n.refs.reference(instance, "iam_instance_profile");
  else if (launchTemplate) {
    const spec = fromTemplate("iam_instance_profile", "IamInstanceProfile");
    const first = isUnknown(spec) ? spec : (asArray(spec)[0] as JsonValue | undefined);
    const record = asRecord(first);
    profile = isUnknown(first) ? first : (record?.arn as string) || (record?.name as string) || undefined;
  }
  if (profile !== undefined && profile !== null && profile !== "") {
    properties.IamInstanceProfile = {
      Arn: typeof profile === "string" ? n.profileArn(profile) : profile,
    };
    n.locate(build, "IamInstanceProfile", instance, ["iam_instance_profile"]);
    n.locate(build, "IamInstanceProfile.Arn", instance, ["iam_instance_profile"]);
  }

  const groups: JsonValue[] = [];
  let given = false;
  for (const attribute of ["vpc_security_group_ids", "security_groups"]) {
    if (!n.plan.given(instance, attribute)) continue;
    given = true;
    const ids = n.refs.references(instance, attribute);
    for (const groupId of Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]) {
      const entry: JsonObject = { GroupId: groupId };
      const group = typeof groupId === "string" ? n.groups.get(groupId) : undefined;
      if (group) entry.GroupName = group.properties.GroupName as string;
      n.locate(build, indexPath("SecurityGroups", groups.length), instance, [attribute]);
      groups.push(entry);
    }
  }
  if (!given && launchTemplate) {
    const ids = launchTemplate.target
      ? n.refs.references(launchTemplate.target, "vpc_security_group_ids")
      : fromTemplate("vpc_security_group_ids", "SecurityGroups");
    for (const groupId of isUnknown(ids) ? [ids] : asArray(ids)) {
      const entry: JsonObject = { GroupId: groupId as JsonValue };
      const group = typeof groupId === "string" ? n.groups.get(groupId) : undefined;
      if (group) entry.GroupName = group.properties.GroupName as string;
      if (launchTemplate.target)
        n.locate(build, indexPath("SecurityGroups", groups.length), launchTemplate.target, [
          "vpc_security_group_ids",
        ]);
      groups.push(entry);
    }
    given = true;
  }
  if (!given) {
    // Known for an instance that already exists; otherwise the VPC's default group, not in the plan.
    const ids = n.plan.value(instance, ["vpc_security_group_ids"]);
    if (Array.isArray(ids)) for (const groupId of ids) groups.push({ GroupId: groupId });
  }
  // No group, or an empty list, is the VPC's default group: never no group at all, which every
  // rule over the instance's groups would pass.
  if (groups.length === 0)
    groups.push({
      GroupId: unknownValue(
        `the security groups of ${instance.address} are its VPC's default group, which is not in the plan`,
      ),
    });
  properties.SecurityGroups = groups;
  n.locate(build, "SecurityGroups", instance, ["vpc_security_group_ids"]);

  const publicAddress = publicIp(n, instance, launchTemplate);
  if (publicAddress !== undefined) {
    properties.PublicIpAddress = publicAddress;
    n.locate(build, "PublicIpAddress", instance, ["associate_public_ip_address"]);
  }
  n.add(instance, ResourceTypes.ManagedInstance, id!, notYetRegistered(id!));
}

function launchTemplateOf(
  n: Normalization,
  instance: PlanInstance,
): { name: string; target: PlanInstance | undefined } | undefined {
  if (!n.plan.configured(instance, "launch_template")) return undefined;
  const spec = asRecord(asArray(instance.after.launch_template)[0]);
  const expression = asRecord(asArray(asRecord(instance.config?.expressions)?.launch_template)[0]);
  const references = [
    ...asArray(asRecord(expression?.id)?.references),
    ...asArray(asRecord(expression?.name)?.references),
  ].filter((item): item is string => typeof item === "string");
  const followed =
    references.length > 0
      ? n.refs.follow(references, instance.moduleAddress, instance.modulePath, instance.index)
      : undefined;
  const target =
    followed?.[0]?.target ??
    neighboursOf(n).launchTemplate(
      typeof spec?.id === "string" ? spec.id : undefined,
      typeof spec?.name === "string" ? spec.name : undefined,
    );
  const name =
    typeof spec?.name === "string"
      ? spec.name
      : typeof spec?.id === "string"
        ? spec.id
        : "(known only after apply)";
  return { name, target };
}

/** What instances look up in the rest of a plan, indexed once for every instance of the plan. */
const NEIGHBOURS = new WeakMap<Normalization, InstanceNeighbours>();

function neighboursOf(n: Normalization): InstanceNeighbours {
  let neighbours = NEIGHBOURS.get(n);
  if (neighbours === undefined) NEIGHBOURS.set(n, (neighbours = new InstanceNeighbours(n)));
  return neighbours;
}

interface ElasticIp {
  candidate: PlanInstance;
  /** Where the address is in the plan's order. */
  order: number;
  attributes: { instance: string; networkInterface: string };
  target: string | UnknownValue | undefined;
  networkInterface: string | UnknownValue | undefined;
}

/**
 * The Elastic IPs, subnets and launch templates of a plan, by what instances name them by. Each
 * lookup gives what a search of the plan in its order gives, the first that matches; a plan of
 * thousands of instances searched every resource of the plan for each instance, three times, and
 * took time that grew with the square of its size.
 */
class InstanceNeighbours {
  private elasticIps: { byInstance: Map<string, ElasticIp>; byInterface: Map<string, ElasticIp> } | undefined;
  /** The addresses whose instance or interface the plan leaves to apply, in the plan's order. */
  private undecided: ElasticIp[] = [];
  private subnets: Map<string, PlanInstance> | undefined;
  private launchTemplates:
    | {
        byId: Map<unknown, PlanInstance>;
        byName: Map<unknown, PlanInstance>;
        order: Map<PlanInstance, number>;
      }
    | undefined;

  constructor(private readonly n: Normalization) {}

  /** The first address that names the instance `id` or its primary interface. */
  elasticIpNaming(id: string | undefined, primaryInterfaceId: string | undefined): PlanInstance | undefined {
    const { byInstance, byInterface } = this.indexElasticIps();
    const byId = id === undefined ? undefined : byInstance.get(id);
    const byPrimary = primaryInterfaceId === undefined ? undefined : byInterface.get(primaryInterfaceId);
    if (byId === undefined || byPrimary === undefined) return (byId ?? byPrimary)?.candidate;
    return byId.order <= byPrimary.order ? byId.candidate : byPrimary.candidate;
  }

  get undecidedElasticIps(): readonly ElasticIp[] {
    this.indexElasticIps();
    return this.undecided;
  }

  /** The first subnet of the plan with the id `id`. */
  subnet(id: string): PlanInstance | undefined {
    if (this.subnets === undefined) {
      this.subnets = new Map();
      for (const candidate of this.n.plan.instances) {
        if (candidate.type !== "aws_subnet") continue;
        const subnetId = this.n.refs.identity(candidate).id;
        if (subnetId !== undefined && !this.subnets.has(subnetId)) this.subnets.set(subnetId, candidate);
      }
    }
    return this.subnets.get(id);
  }

  /** The first launch template of the plan with the id `id` or the name `name`. */
  launchTemplate(id: string | undefined, name: string | undefined): PlanInstance | undefined {
    if (this.launchTemplates === undefined) {
      const byId = new Map<unknown, PlanInstance>();
      const byName = new Map<unknown, PlanInstance>();
      const order = new Map<PlanInstance, number>();
      this.n.plan.instances.forEach((candidate, index) => {
        if (candidate.type !== "aws_launch_template") return;
        order.set(candidate, index);
        if (!byId.has(candidate.after.id)) byId.set(candidate.after.id, candidate);
        if (!byName.has(candidate.after.name)) byName.set(candidate.after.name, candidate);
      });
      this.launchTemplates = { byId, byName, order };
    }
    const { byId, byName, order } = this.launchTemplates;
    const withId = id === undefined ? undefined : byId.get(id);
    const withName = name === undefined ? undefined : byName.get(name);
    if (withId === undefined || withName === undefined) return withId ?? withName;
    return order.get(withId)! <= order.get(withName)! ? withId : withName;
  }

  private indexElasticIps(): { byInstance: Map<string, ElasticIp>; byInterface: Map<string, ElasticIp> } {
    if (this.elasticIps === undefined) {
      const byInstance = new Map<string, ElasticIp>();
      const byInterface = new Map<string, ElasticIp>();
      this.n.plan.instances.forEach((candidate, order) => {
        const attributes = ELASTIC_IP_TARGETS[candidate.type];
        if (attributes === undefined) return;
        const address: ElasticIp = {
          candidate,
          order,
          attributes,
          target: this.n.refs.reference(candidate, attributes.instance),
          networkInterface: this.n.refs.reference(candidate, attributes.networkInterface),
        };
        if (typeof address.target === "string" && !byInstance.has(address.target))
          byInstance.set(address.target, address);
        if (typeof address.networkInterface === "string" && !byInterface.has(address.networkInterface))
          byInterface.set(address.networkInterface, address);
        if (isUnknown(address.target) || isUnknown(address.networkInterface)) this.undecided.push(address);
      });
      this.elasticIps = { byInstance, byInterface };
    }
    return this.elasticIps;
  }
}

/** The attributes by which an Elastic IP, or its association, names an instance or an interface. */
const ELASTIC_IP_TARGETS: Readonly<Record<string, { instance: string; networkInterface: string }>> = {
  aws_eip: { instance: "instance", networkInterface: "network_interface" },
  aws_eip_association: { instance: "instance_id", networkInterface: "network_interface_id" },
};

/**
 * Which of a launch template's network interfaces decides an instance's public address: EC2
 * assigns one only to the interface at device index 0, wherever the list puts it. The provider
 * writes an unset device index as 0 or null. Unknown when a device index is known only after
 * apply or is not a number, or when two interfaces claim index 0.
 */
function primaryInterface(
  n: Normalization,
  template: PlanInstance,
  address: string,
  name: string,
): number | UnknownValue | undefined {
  const interfaces = n.plan.value(template, ["network_interfaces"]);
  if (isUnknown(interfaces)) return interfaces;
  if (!Array.isArray(interfaces)) return undefined;
  let primary: number | undefined;
  for (let index = 0; index < interfaces.length; index += 1) {
    const deviceIndex = n.plan.value(template, ["network_interfaces", index, "device_index"]);
    if (isUnknown(deviceIndex)) return deviceIndex;
    if (deviceIndex !== 0 && deviceIndex !== null && deviceIndex !== undefined) {
      if (typeof deviceIndex === "number" && Number.isInteger(deviceIndex) && deviceIndex > 0) continue;
      return unknownValue(
        `PublicIpAddress of ${address} depends on device_index ${JSON.stringify(deviceIndex)} of a network interface of launch template ${name}, which is not a device index`,
      );
    }
    if (primary !== undefined)
      return unknownValue(
        `PublicIpAddress of ${address} depends on launch template ${name}, which lists more than one network interface at device index 0`,
      );
    primary = index;
  }
  return primary;
}

/**
 * Whether the expression of `attribute` may refer to `instance`: it names the instance's resource
 * in the same module, or the plan has no configuration to tell.
 */
function mayReferTo(candidate: PlanInstance, attribute: string, instance: PlanInstance): boolean {
  if (candidate.config === undefined) return true;
  if (candidate.moduleAddress !== instance.moduleAddress) return false;
  const expression = asRecord(asRecord(candidate.config.expressions)?.[attribute]);
  const resource = `${instance.type}.${instance.name}`;
  return asArray(expression?.references).some(
    (reference) =>
      typeof reference === "string" &&
      (reference === resource ||
        reference.startsWith(`${resource}.`) ||
        reference.startsWith(`${resource}[`)),
  );
}

/** Whether the instance will have a public IPv4 address (see docs/templates.md). */
function publicIp(
  n: Normalization,
  instance: PlanInstance,
  launchTemplate: { name: string; target: PlanInstance | undefined } | undefined,
): JsonValue | undefined {
  const known = n.plan.value(instance, ["public_ip"]);
  if (typeof known === "string" && known !== "") return known;
  const id = n.refs.identity(instance).id;
  const primaryInterfaceId = n.plan.value(instance, ["primary_network_interface_id"]);
  const neighbours = neighboursOf(n);
  // An address given to the instance, or to its primary interface by its id: an existing
  // instance's interface id is known when the plan is made.
  const elasticIp = neighbours.elasticIpNaming(
    id,
    typeof primaryInterfaceId === "string" ? primaryInterfaceId : undefined,
  );
  if (elasticIp !== undefined) return `(Elastic IP ${elasticIp.address})`;
  // An address given to an instance (or its interface) that the plan cannot name until apply
  // (`aws_instance.web[count.index].id`, `primary_network_interface_id`) may be this one's.
  for (const { candidate, attributes, target, networkInterface } of neighbours.undecidedElasticIps) {
    const attribute =
      isUnknown(target) && mayReferTo(candidate, attributes.instance, instance)
        ? attributes.instance
        : isUnknown(networkInterface) && mayReferTo(candidate, attributes.networkInterface, instance)
          ? attributes.networkInterface
          : undefined;
    if (attribute !== undefined)
      return unknownValue(
        `PublicIpAddress of ${instance.address} depends on Elastic IP ${candidate.address}, whose ${attribute} may be ${instance.address}'s and is known only after apply`,
      );
  }
  if (n.plan.given(instance, "associate_public_ip_address")) {
    const associate = n.plan.value(instance, ["associate_public_ip_address"]);
    if (associate === true) return ASSIGNED_AT_LAUNCH;
    if (associate === false) return undefined;
    if (isUnknown(associate)) return associate;
  }
  if (launchTemplate) {
    if (!launchTemplate.target)
      return unknownValue(
        `PublicIpAddress of ${instance.address} depends on launch template ${launchTemplate.name}, which is not in the plan`,
      );
    const primary = primaryInterface(n, launchTemplate.target, instance.address, launchTemplate.name);
    if (isUnknown(primary)) return primary;
    const associate =
      primary === undefined
        ? undefined
        : n.plan.value(launchTemplate.target, ["network_interfaces", primary, "associate_public_ip_address"]);
    if (associate === true || associate === "true") return ASSIGNED_AT_LAUNCH;
    if (associate === false || associate === "false") return undefined;
    if (isUnknown(associate)) return associate;
    // The provider also takes "1", "TRUE" and the like here; read as unset they would make a
    // public instance private.
    if (associate !== undefined && associate !== null && associate !== "")
      return unknownValue(
        `PublicIpAddress of ${instance.address} depends on associate_public_ip_address ${JSON.stringify(associate)} of launch template ${launchTemplate.name}, which is neither true nor false`,
      );
  }
  if (!n.plan.given(instance, "subnet_id")) return "(assigned at launch in the default VPC)";
  const subnet = n.refs.reference(instance, "subnet_id");
  const subnetInstance = typeof subnet === "string" ? neighbours.subnet(subnet) : undefined;
  if (subnetInstance) {
    const mapPublic = n.plan.value(subnetInstance, ["map_public_ip_on_launch"]);
    if (mapPublic === true) return ASSIGNED_AT_LAUNCH;
    if (isUnknown(mapPublic)) return mapPublic;
    return undefined;
  }
  return unknownValue(
    `PublicIpAddress of ${instance.address} depends on subnet ${typeof subnet === "string" ? subnet : "(known only after apply)"}, which is not in the plan (set associate_public_ip_address to decide)`,
  );
}
