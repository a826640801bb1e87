import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown, type UnknownValue } from "../../../model/unknown.js";
import { fieldPath, indexPath, notYetRegistered } from "../../iac.js";
import { isMapNode, isSeqNode, member, positionAt, type MapNode } from "../../positioned/node.js";
import { NO_VALUE, type Resolved } from "../intrinsics.js";
import { lookalikeKey, TemplateShapeError, type TemplateResource } from "../template.js";
import type { Build, NormalizeContext } from "./context.js";
import type { LaunchTemplateReference } from "./references.js";
import type { SourcePosition } from "../../../util/source-position.js";
import { defineField } from "../../../util/own-field.js";

/**
 * `AWS::EC2::Instance` as `aws ec2 describe-instances` shows it, with what a launch template of
 * the same template supplies, plus the managed-instance record whose registration is known only
 * once the instance runs. What a launch template outside the template may supply is unknown.
 */

const ASSIGNED_AT_LAUNCH = "(assigned at launch)";

/** Properties `describe-instances` (or `describe-instance-attribute`) has under the same name and shape. */
const SAME_NAME = [
  "InstanceType",
  "ImageId",
  "EbsOptimized",
  "KernelId",
  "RamdiskId",
  "CpuOptions",
  "EnclaveOptions",
  "HibernationOptions",
  "PrivateDnsNameOptions",
  "DisableApiTermination",
  "InstanceInitiatedShutdownBehavior",
  "UserData",
] as const;
/** Of those, the ones a launch template cannot set. */
const INSTANCE_ONLY = new Set(["SubnetId", "PrivateIpAddress", "SourceDestCheck"]);

/** The instance's `Placement`, and the properties of the instance that go into it. */
const PLACEMENT: readonly (readonly [string, string])[] = [
  ["AvailabilityZone", "AvailabilityZone"],
  ["Tenancy", "Tenancy"],
  ["HostId", "HostId"],
  ["Affinity", "Affinity"],
  ["PlacementGroupName", "GroupName"],
  ["HostResourceGroupArn", "HostResourceGroupArn"],
];

/**
 * Instance metadata options whose default, when the launch template does not set them, comes from
 * the AMI and the account's instance metadata defaults, neither of which is in the template.
 */
const METADATA_DEFAULTS_ELSEWHERE = [
  "HttpTokens",
  "HttpPutResponseHopLimit",
  "HttpEndpoint",
  "InstanceMetadataTags",
];

const INSTANCE_PROPERTIES = new Set([
  ...SAME_NAME,
  ...INSTANCE_ONLY,
  ...PLACEMENT.map(([property]) => property),
  "Tags",
  "KeyName",
  "IamInstanceProfile",
  "SecurityGroupIds",
  "SecurityGroups",
  "NetworkInterfaces",
  "LaunchTemplate",
  "Monitoring",
  "BlockDeviceMappings",
  "LicenseSpecifications",
  // Whether CloudFormation copies the instance's tags to its volumes as it creates them: an
  // instruction to the deployment, which AWS does not keep on the instance.
  "PropagateTagsToVolumeOnCreation",
]);

/** A setting of the instance: its own property, else its launch template's, with where it is written. */
interface Setting {
  value: Resolved | undefined;
  at: SourcePosition;
}

export function instance(context: NormalizeContext, resource: TemplateResource): void {
  const id = resource.logicalId;
  const properties: JsonObject = { InstanceId: id, State: { Code: 16, Name: "running" } };
  const build = context.add(resource, ResourceTypes.Instance, id, properties);
  context.tags(resource, build);

  // A launch template in the same template supplies what the instance does not set itself.
  const launchTemplate = context.refs.launchTemplate(resource);
  const fromLaunchTemplate = (name: string): Setting | undefined => {
    if (!launchTemplate) return undefined;
    if (launchTemplate.data === undefined) return undefined;
    const { data } = launchTemplate;
    const index = data.keys.lastIndexOf(name);
    if (index === -1) {
      // `keyName` (or `Key\u200bName`) is no setting of a launch template: read as unset, the key
      // pair would pass.
      const meant = settingByFoldedName(name);
      for (let misspelt = 0; misspelt < data.keys.length; misspelt += 1) {
        const lookalike = lookalikeKey(data.keys[misspelt]!, meant);
        if (lookalike !== undefined)
          throw new TemplateShapeError(
            `the launch template setting ${data.keys[misspelt]!} differs from ${name} ${lookalike.how}; write it exactly`,
            positionAt(data, misspelt),
            false,
          );
      }
      return undefined;
    }
    return { value: data.values[index], at: positionAt(data, index) };
  };
  const own = (name: string): Setting | undefined =>
    context.prop(resource, name) !== undefined
      ? { value: context.prop(resource, name), at: context.propPosition(resource, name) }
      : undefined;
  const externalLaunchTemplate = (what: string) =>
    launchTemplate && launchTemplate.data === undefined
      ? context.r.unknown(
          what,
          `launch template ${launchTemplate.name}`,
          "is not in the template",
          "may come from",
        )
      : undefined;
  /** A property copied as written, from the instance or its launch template. */
  const copy = (name: string, fromTemplate: boolean) => {
    const setting = own(name) ?? (fromTemplate ? fromLaunchTemplate(name) : undefined);
    const value = setting
      ? context.r.deep(setting.value, name, name, build.recorder)
      : fromTemplate
        ? externalLaunchTemplate(name)
        : undefined;
    if (value === undefined) return;
    properties[name] = value;
    build.recorder.set(name, setting?.at ?? resource.position);
  };
  for (const name of SAME_NAME) copy(name, true);
  for (const name of INSTANCE_ONLY) copy(name, false);
  copy("KeyName", true);

  placement(context, resource, build, fromLaunchTemplate("Placement"), externalLaunchTemplate("Placement"));
  monitoring(
    context,
    build,
    own("Monitoring"),
    fromLaunchTemplate("Monitoring"),
    externalLaunchTemplate("Monitoring"),
  );
  blockDeviceMappings(
    context,
    build,
    own("BlockDeviceMappings") ?? fromLaunchTemplate("BlockDeviceMappings"),
    externalLaunchTemplate("BlockDeviceMappings"),
  );
  metadataOptions(context, resource, build, launchTemplate, fromLaunchTemplate("MetadataOptions"));
  licenses(context, build, own("LicenseSpecifications") ?? fromLaunchTemplate("LicenseSpecifications"));

  // IamInstanceProfile: a name (or a launch template's {Arn | Name}) → the profile's ARN.
  let profile: string | UnknownValue | undefined;
  let profileAt = context.propPosition(resource, "IamInstanceProfile");
  if (context.prop(resource, "IamInstanceProfile") !== undefined) {
    profile = context.text(resource, "IamInstanceProfile");
  } else {
    const fromTemplate = fromLaunchTemplate("IamInstanceProfile");
    const spec = fromTemplate ? context.r.shallow(fromTemplate.value, "IamInstanceProfile") : undefined;
    if (fromTemplate && isMapNode(spec)) {
      profileAt = fromTemplate.at;
      profile = context.r.string(member(spec, "Arn") ?? member(spec, "Name"), "IamInstanceProfile");
    } else profile = externalLaunchTemplate("IamInstanceProfile");
  }
  if (profile !== undefined) {
    properties.IamInstanceProfile = {
      Arn: typeof profile === "string" ? context.refs.instanceProfileArn(profile) : profile,
    };
    build.recorder.set("IamInstanceProfile", profileAt);
    build.recorder.set("IamInstanceProfile.Arn", profileAt);
  }

  // Security groups: ids, names, and those of the network interfaces.
  const groups: JsonValue[] = [];
  const addGroups = (value: Resolved | undefined, at: SourcePosition, what: string) => {
    const items = context.r.list(value, what);
    if (items === undefined) return;
    if (!Array.isArray(items)) {
      build.recorder.set(indexPath("SecurityGroups", groups.length), at);
      groups.push({ GroupId: items });
      return;
    }
    const node = context.r.shallow(value, what);
    items.forEach((item, index) => {
      const groupId = context.r.string(item, "GroupId");
      if (groupId === undefined) return;
      const entry: JsonObject = { GroupId: groupId };
      const group = typeof groupId === "string" ? context.refs.securityGroup(groupId) : undefined;
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
    if (context.prop(resource, name) === undefined) continue;
    groupsGiven = true;
    addGroups(context.prop(resource, name), context.propPosition(resource, name), name);
  }
  const interfaces = networkInterfaces(
    context,
    context.prop(resource, "NetworkInterfaces"),
    context.propPosition(resource, "NetworkInterfaces"),
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
      if (given) addGroups(given.value, given.at, name);
    }
    if (launchTemplate.data === undefined) groups.push({ GroupId: externalLaunchTemplate("GroupId")! });
  }
  if (groups.length === 0) {
    // An instance given no group, or an empty list, gets its VPC's default group, which the
    // template does not hold: never no group at all, which every rule over its groups would pass.
    groups.push({
      GroupId: context.r.unknown(
        "GroupId",
        "the default security group of the instance's VPC",
        "is not in the template",
      ),
    });
  }
  properties.SecurityGroups = groups;
  build.recorder.set(
    "SecurityGroups",
    context.propPosition(
      resource,
      ["SecurityGroupIds", "SecurityGroups", "NetworkInterfaces"].find(
        (name) => context.prop(resource, name) !== undefined,
      ) ?? "SecurityGroupIds",
    ),
  );

  const address = publicIp(context, resource, interfaces, launchTemplate);
  if (address !== undefined) {
    properties.PublicIpAddress = address.value;
    build.recorder.set("PublicIpAddress", address.at);
  }
  networkInterfaceList(context, build, interfaces);
  context.keepUnmapped(resource, build, INSTANCE_PROPERTIES);
  context.add(resource, ResourceTypes.ManagedInstance, id, notYetRegistered(id));
}

interface NetworkInterface {
  node: MapNode | undefined;
  at: SourcePosition;
  primary: boolean;
}

function networkInterfaces(
  context: NormalizeContext,
  value: Resolved | undefined,
  at: SourcePosition,
): NetworkInterface[] {
  const items = context.r.list(value, "NetworkInterfaces");
  if (!Array.isArray(items)) return [];
  const node = context.r.shallow(value, "NetworkInterfaces");
  return items.flatMap((item, index) => {
    const resolved = context.r.shallow(item, "NetworkInterfaces");
    if (resolved === NO_VALUE || resolved === undefined) return [];
    const mapNode = isMapNode(resolved) ? resolved : undefined;
    const deviceIndex = mapNode ? context.r.string(member(mapNode, "DeviceIndex"), "DeviceIndex") : undefined;
    return [
      {
        node: mapNode,
        at: isSeqNode(node) ? positionAt(node, index) : at,
        primary: deviceIndex === undefined || deviceIndex === "0",
      },
    ];
  });
}

function publicIp(
  context: NormalizeContext,
  resource: TemplateResource,
  interfaces: readonly NetworkInterface[],
  launchTemplate: LaunchTemplateReference | undefined,
): { value: JsonValue; at: SourcePosition } | undefined {
  const id = resource.logicalId;
  const elasticIp = context.refs.elasticIpOf(id);
  if (elasticIp !== undefined) {
    const { address, undecided } = elasticIp;
    if (undecided === undefined) return { value: `(Elastic IP ${address.logicalId})`, at: address.position };
    // An address whose instance is decided at deployment (`!If [Cond, !Ref Host, …]`) may be this
    // instance's: reading it as another's would make the instance look private.
    return {
      value: context.r.unknown(
        "PublicIpAddress",
        `Elastic IP ${address.logicalId}`,
        `may be associated with ${id} (${context.r.explain(undecided)})`,
        "depends on",
      ),
      at: address.position,
    };
  }
  let candidates = interfaces.filter((entry) => entry.primary);
  let subnet: Resolved | undefined = context.prop(resource, "SubnetId");
  let subnetAt = context.propPosition(resource, "SubnetId");
  let owner = id;
  if (candidates.length === 0 && launchTemplate?.data) {
    const fromTemplate = networkInterfaces(
      context,
      member(launchTemplate.data, "NetworkInterfaces"),
      launchTemplate.data,
    );
    candidates = fromTemplate.filter((entry) => entry.primary);
    owner = `launch template ${launchTemplate.name}`;
  }
  // Two interfaces at device index 0 (or whose index is not known): which one EC2 would take for
  // the primary, and so whose flag decides, cannot be told.
  if (candidates.length > 1)
    return {
      value: context.r.unknown(
        "PublicIpAddress",
        owner,
        "lists more than one network interface that may be at device index 0",
        "depends on",
      ),
      at: candidates[1]!.at,
    };
  const primary = candidates[0];
  if (primary?.node) {
    const index = primary.node.keys.lastIndexOf("AssociatePublicIpAddress");
    if (index !== -1) {
      const at = positionAt(primary.node, index);
      const associate = flag(context, primary.node.values[index], "AssociatePublicIpAddress");
      if (associate === true) return { value: ASSIGNED_AT_LAUNCH, at };
      if (associate === false) return undefined;
      if (associate !== undefined) return { value: associate, at };
    }
    const interfaceSubnet = member(primary.node, "SubnetId");
    if (interfaceSubnet !== undefined) {
      subnet = interfaceSubnet;
      subnetAt = primary.at;
    }
  }
  if (subnet === undefined && launchTemplate && launchTemplate.data === undefined)
    return {
      value: context.r.unknown(
        "PublicIpAddress",
        `launch template ${launchTemplate.name}`,
        "is not in the template",
        "depends on",
      ),
      at: resource.position,
    };
  if (subnet === undefined)
    return { value: "(assigned at launch in the default VPC)", at: resource.position };
  const subnetId = context.r.string(subnet, "SubnetId");
  if (subnetId === undefined) return undefined;
  if (typeof subnetId !== "string")
    return {
      value: context.r.unknown(
        "PublicIpAddress",
        "the instance's subnet",
        `cannot be known (${context.r.explain(subnetId)})`,
        "depends on",
      ),
      at: subnetAt,
    };
  const subnetResource = context.template.resources.get(subnetId);
  if (subnetResource?.type === "AWS::EC2::Subnet") {
    const mapPublic = flag(
      context,
      context.prop(subnetResource, "MapPublicIpOnLaunch"),
      "MapPublicIpOnLaunch",
    );
    if (mapPublic === true)
      return { value: ASSIGNED_AT_LAUNCH, at: context.propPosition(subnetResource, "MapPublicIpOnLaunch") };
    if (mapPublic === false || mapPublic === undefined) return undefined;
    return { value: mapPublic, at: subnetAt };
  }
  return {
    value: context.r.unknown(
      "PublicIpAddress",
      `subnet ${subnetId}`,
      "is not in the template, so whether it assigns public IPs is not known (set AssociatePublicIpAddress on the instance's network interface to decide)",
      "depends on",
    ),
    at: subnetAt,
  };
}

/**
 * A boolean that decides whether an address is public, as written (a boolean, or the text `true` /
 * `false`). Anything else is unknown rather than false: `"TRUE"`, `yes` or `1` read as false would
 * make a public instance look private.
 */
function flag(
  context: NormalizeContext,
  value: Resolved | undefined,
  name: string,
): boolean | UnknownValue | undefined {
  const resolved = context.r.deep(value, name);
  if (resolved === undefined || resolved === null) return undefined;
  if (resolved === true || resolved === "true") return true;
  if (resolved === false || resolved === "false") return false;
  if (isUnknown(resolved)) return resolved;
  return context.r.unknown("", `${name} ${JSON.stringify(resolved)}`, "is neither true nor false");
}

/** `Placement`, from the instance's own properties, else its launch template's `Placement`. */
function placement(
  context: NormalizeContext,
  resource: TemplateResource,
  build: Build,
  fromTemplate: Setting | undefined,
  external: UnknownValue | undefined,
): void {
  const value: JsonObject = {};
  for (const [property, key] of PLACEMENT) {
    const given = context.r.deep(context.prop(resource, property), property);
    if (given === undefined) continue;
    value[key] = given;
    build.recorder.set(fieldPath("Placement", key), context.propPosition(resource, property));
  }
  if (Object.keys(value).length > 0) {
    build.properties.Placement = value;
    build.recorder.set("Placement", resource.position);
    return;
  }
  const templated = fromTemplate
    ? context.r.deep(fromTemplate.value, "Placement", "Placement", build.recorder)
    : external;
  if (templated === undefined) return;
  build.properties.Placement = templated;
  build.recorder.set("Placement", fromTemplate?.at ?? resource.position);
}

/** `Monitoring: {State}`: detailed monitoring is `enabled` or, by default, `disabled`. */
function monitoring(
  context: NormalizeContext,
  build: Build,
  own: Setting | undefined,
  fromTemplate: Setting | undefined,
  external: UnknownValue | undefined,
): void {
  let enabled: JsonValue | undefined;
  let at: SourcePosition | undefined;
  if (own) {
    enabled = context.r.deep(own.value, "Monitoring");
    at = own.at;
  } else if (fromTemplate) {
    const spec = context.r.shallow(fromTemplate.value, "Monitoring");
    enabled = isMapNode(spec)
      ? context.r.deep(member(spec, "Enabled"), "Monitoring")
      : context.r.deep(spec, "Monitoring");
    at = fromTemplate.at;
  } else if (external) {
    build.properties.Monitoring = { State: external };
    return;
  }
  if (at) build.recorder.set("Monitoring", at);
  if (at) build.recorder.set("Monitoring.State", at);
  build.properties.Monitoring = {
    State: isUnknown(enabled) ? enabled : enabled === true || enabled === "true" ? "enabled" : "disabled",
  };
}

/**
 * `BlockDeviceMappings` as far as `describe-instances` has them: the device name and whether its
 * EBS volume is deleted on termination (the default). Volume ids are assigned at launch; instance
 * store and suppressed devices are not listed.
 */
function blockDeviceMappings(
  context: NormalizeContext,
  build: Build,
  setting: Setting | undefined,
  external: UnknownValue | undefined,
): void {
  if (!setting) {
    if (external) build.properties.BlockDeviceMappings = external;
    return;
  }
  build.recorder.set("BlockDeviceMappings", setting.at);
  const items = context.r.list(setting.value, "BlockDeviceMappings");
  if (items === undefined) return;
  if (!Array.isArray(items)) {
    build.properties.BlockDeviceMappings = items;
    return;
  }
  const node = context.r.shallow(setting.value, "BlockDeviceMappings");
  const mappings: JsonValue[] = [];
  items.forEach((item, index) => {
    const spec = context.r.shallow(item, "BlockDeviceMappings");
    if (spec === NO_VALUE || spec === undefined) return;
    const at = isSeqNode(node) ? positionAt(node, index) : setting.at;
    const path = indexPath("BlockDeviceMappings", mappings.length);
    if (!isMapNode(spec)) {
      build.recorder.set(path, at);
      mappings.push(
        isUnknown(spec)
          ? spec
          : context.r.unknown("BlockDeviceMappings", "a block device mapping", "is not a mapping"),
      );
      return;
    }
    const ebs = context.r.shallow(member(spec, "Ebs"), "Ebs");
    if (ebs === undefined || ebs === NO_VALUE) return;
    build.recorder.set(path, at);
    const deleteOnTermination = isMapNode(ebs)
      ? context.r.deep(member(ebs, "DeleteOnTermination"), "DeleteOnTermination")
      : undefined;
    mappings.push({
      DeviceName: context.r.string(member(spec, "DeviceName"), "DeviceName") ?? null,
      Ebs: isUnknown(ebs)
        ? ebs
        : {
            DeleteOnTermination:
              deleteOnTermination === "false"
                ? false
                : deleteOnTermination === "true"
                  ? true
                  : (deleteOnTermination ?? true),
          },
    });
  });
  build.properties.BlockDeviceMappings = mappings;
}

/**
 * `MetadataOptions`, which an instance gets only from a launch template. Unset options default to
 * what the AMI and the account's instance metadata defaults say, which the template does not hold:
 * they are unknown, so that a rule about IMDSv2 cannot pass on a default it cannot see.
 */
function metadataOptions(
  context: NormalizeContext,
  resource: TemplateResource,
  build: Build,
  launchTemplate: LaunchTemplateReference | undefined,
  fromTemplate: Setting | undefined,
): void {
  const defaultsElsewhere = (what: string) =>
    context.r.unknown(
      what,
      "the AMI and the account's instance metadata defaults",
      "are not in the template",
      "depends on",
    );
  if (!launchTemplate) {
    build.properties.MetadataOptions = context.r.unknown(
      "MetadataOptions",
      "the AMI and the account's instance metadata defaults",
      `are not in the template (${resource.logicalId} has no launch template to set them)`,
      "depends on",
    );
    build.recorder.set("MetadataOptions", resource.position);
    return;
  }
  if (launchTemplate.data === undefined) {
    build.properties.MetadataOptions = context.r.unknown(
      "MetadataOptions",
      `launch template ${launchTemplate.name}`,
      "is not in the template",
      "come from",
    );
    build.recorder.set("MetadataOptions", context.propPosition(resource, "LaunchTemplate"));
    return;
  }
  const spec = fromTemplate ? context.r.shallow(fromTemplate.value, "MetadataOptions") : undefined;
  const at = fromTemplate?.at ?? context.propPosition(resource, "LaunchTemplate");
  build.recorder.set("MetadataOptions", at);
  if (spec !== undefined && spec !== NO_VALUE && !isMapNode(spec)) {
    build.properties.MetadataOptions = isUnknown(spec)
      ? spec
      : context.r.unknown("MetadataOptions", "the launch template's metadata options", "are not a mapping");
    return;
  }
  const options: JsonObject = { State: "applied" };
  if (isMapNode(spec)) {
    spec.keys.forEach((key, index) => {
      const value = context.r.deep(
        spec.values[index],
        key,
        fieldPath("MetadataOptions", key),
        build.recorder,
      );
      if (value === undefined) return;
      defineField(options, key, value);
      build.recorder.set(fieldPath("MetadataOptions", key), positionAt(spec, index));
    });
  }
  for (const key of METADATA_DEFAULTS_ELSEWHERE) {
    if (options[key] === undefined) {
      options[key] = defaultsElsewhere(key);
      build.recorder.set(fieldPath("MetadataOptions", key), at);
    }
  }
  build.properties.MetadataOptions = options;
}

/** `Licenses: [{LicenseConfigurationArn}]`. */
function licenses(context: NormalizeContext, build: Build, setting: Setting | undefined): void {
  if (!setting) return;
  const items = context.r.list(setting.value, "LicenseSpecifications");
  if (items === undefined) return;
  build.recorder.set("Licenses", setting.at);
  if (!Array.isArray(items)) {
    build.properties.Licenses = items;
    return;
  }
  build.properties.Licenses = items.flatMap((item) => {
    const spec = context.r.shallow(item, "LicenseSpecifications");
    if (!isMapNode(spec)) return [];
    const arn = context.r.string(member(spec, "LicenseConfigurationArn"), "LicenseConfigurationArn");
    return arn === undefined ? [] : [{ LicenseConfigurationArn: arn }];
  });
}

/** `NetworkInterfaces` as far as the template says: attachment, subnet, addresses and groups. */
function networkInterfaceList(
  context: NormalizeContext,
  build: Build,
  interfaces: readonly NetworkInterface[],
): void {
  if (interfaces.length === 0) return;
  const list: JsonValue[] = [];
  for (const { node, at } of interfaces) {
    const path = indexPath("NetworkInterfaces", list.length);
    build.recorder.set(path, at);
    if (!node) {
      list.push(context.r.unknown("NetworkInterfaces", "a network interface", "is not a mapping"));
      continue;
    }
    const field = (name: string) => context.r.deep(member(node, name), name);
    const entry: JsonObject = {};
    const attachment: JsonObject = {};
    const deviceIndex = field("DeviceIndex");
    if (deviceIndex !== undefined)
      attachment.DeviceIndex =
        typeof deviceIndex === "string" && /^\d+$/.test(deviceIndex) ? Number(deviceIndex) : deviceIndex;
    const deleteOnTermination = field("DeleteOnTermination");
    if (deleteOnTermination !== undefined) attachment.DeleteOnTermination = deleteOnTermination;
    entry.Attachment = attachment;
    for (const name of ["NetworkInterfaceId", "SubnetId", "Description", "PrivateIpAddress"]) {
      const value = field(name);
      if (value !== undefined) entry[name] = value;
    }
    const groupSet = context.r.list(member(node, "GroupSet"), "GroupSet");
    if (groupSet !== undefined)
      entry.Groups = Array.isArray(groupSet)
        ? groupSet.flatMap((group) => {
            const groupId = context.r.string(group, "GroupId");
            return groupId === undefined ? [] : [{ GroupId: groupId }];
          })
        : groupSet;
    list.push(entry);
  }
  build.properties.NetworkInterfaces = list;
}

const SETTINGS_BY_FOLDED_NAME = new Map<string, ReadonlyMap<string, string>>();

/** A launch template setting by its lower-case name, for `lookalikeKey`; made once per setting. */
function settingByFoldedName(name: string): ReadonlyMap<string, string> {
  let byFoldedName = SETTINGS_BY_FOLDED_NAME.get(name);
  if (byFoldedName === undefined) {
    byFoldedName = new Map([[name.toLowerCase(), name]]);
    SETTINGS_BY_FOLDED_NAME.set(name, byFoldedName);
  }
  return byFoldedName;
}
