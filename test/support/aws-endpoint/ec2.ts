import { assertKnownFields, FakeError, pageOf, queryList, type Request } from "./protocol.js";
import { leaf, list, node } from "./xml.js";

/**
 * EC2 over its own query protocol: lowercase element names that often differ from the SDK's
 * member names (`securityGroupInfo`, `groupDescription`, `instanceState`, `ipAddress`), every
 * list an `item` sequence, filters as `Filter.N.Name` / `Filter.N.Value.M`. Each shape is written
 * field by field, and a fixture field the endpoint cannot send fails the test.
 */
export function handleEc2(request: Request): string {
  switch (request.operation) {
    case "DescribeRegions":
      return describeRegions(request);
    case "DescribeSecurityGroups":
      return describeSecurityGroups(request);
    case "DescribeInstances":
      return describeInstances(request);
    default:
      throw new FakeError("InvalidAction", `the loopback EC2 does not implement ${request.operation}`, 400);
  }
}

function describeRegions(request: Request): string {
  return list(
    "regionInfo",
    request.account.enabledRegions,
    (name) =>
      leaf("regionName", name) +
      leaf("regionEndpoint", `ec2.${name}.amazonaws.com`) +
      leaf("optInStatus", "opt-in-not-required"),
    "item",
  );
}

const PAGE = { min: 5, max: 1000, default: 1000, invalidCode: "InvalidParameterValue" };

function regionOf(request: Request) {
  const region = request.account.regions[request.region];
  return {
    securityGroups: region?.securityGroups ?? [],
    instances: region?.instances ?? [],
  };
}

function describeSecurityGroups(request: Request): string {
  const page = pageOf(
    regionOf(request).securityGroups,
    "ec2:DescribeSecurityGroups",
    request,
    request.query.get("NextToken"),
    request.query.get("MaxResults"),
    PAGE,
  );
  return list("securityGroupInfo", page.items, securityGroup, "item") + leaf("nextToken", page.next);
}

type Json = Record<string, unknown>;

function securityGroup(group: Json): string {
  assertKnownFields(
    group,
    [
      "GroupId",
      "GroupName",
      "Description",
      "OwnerId",
      "VpcId",
      "SecurityGroupArn",
      "IpPermissions",
      "IpPermissionsEgress",
      "Tags",
    ],
    "security group",
  );
  return (
    leaf("ownerId", group.OwnerId) +
    leaf("groupId", group.GroupId) +
    leaf("groupName", group.GroupName) +
    leaf("groupDescription", group.Description) +
    list("ipPermissions", group.IpPermissions as Json[] | undefined, ipPermission, "item") +
    list("ipPermissionsEgress", group.IpPermissionsEgress as Json[] | undefined, ipPermission, "item") +
    leaf("vpcId", group.VpcId) +
    leaf("securityGroupArn", group.SecurityGroupArn) +
    tags(group.Tags)
  );
}

function ipPermission(permission: Json): string {
  assertKnownFields(
    permission,
    ["IpProtocol", "FromPort", "ToPort", "UserIdGroupPairs", "IpRanges", "Ipv6Ranges", "PrefixListIds"],
    "permission",
  );
  return (
    leaf("ipProtocol", permission.IpProtocol) +
    leaf("fromPort", permission.FromPort) +
    leaf("toPort", permission.ToPort) +
    list(
      "groups",
      (permission.UserIdGroupPairs as Json[] | undefined) ?? [],
      (pair) =>
        leaf("userId", pair.UserId) +
        leaf("groupId", pair.GroupId) +
        leaf("groupName", pair.GroupName) +
        leaf("vpcId", pair.VpcId) +
        leaf("description", pair.Description),
      "item",
    ) +
    list(
      "ipRanges",
      (permission.IpRanges as Json[] | undefined) ?? [],
      (range) => leaf("cidrIp", range.CidrIp) + leaf("description", range.Description),
      "item",
    ) +
    list(
      "ipv6Ranges",
      (permission.Ipv6Ranges as Json[] | undefined) ?? [],
      (range) => leaf("cidrIpv6", range.CidrIpv6) + leaf("description", range.Description),
      "item",
    ) +
    list(
      "prefixListIds",
      (permission.PrefixListIds as Json[] | undefined) ?? [],
      (prefix) => leaf("prefixListId", prefix.PrefixListId) + leaf("description", prefix.Description),
      "item",
    )
  );
}

function tags(value: unknown): string {
  return list(
    "tagSet",
    value as Json[] | undefined,
    (tag) => leaf("key", tag.Key) + leaf("value", tag.Value),
    "item",
  );
}

function describeInstances(request: Request): string {
  // Only the filter the collector uses; any other would be a change to review here.
  const unexpected = [...request.query.keys()].filter(
    (key) => key.startsWith("Filter.") && !/^Filter\.1\.(Name|Value\.\d+)$/.test(key),
  );
  if (unexpected.length > 0)
    throw new FakeError("InvalidParameterValue", `unexpected filters ${unexpected.join(", ")}`, 400);
  const filterName = request.query.get("Filter.1.Name");
  const states = queryList(request.query, "Filter.1.Value");
  if (filterName !== null && filterName !== "instance-state-name") {
    throw new FakeError(
      "InvalidParameterValue",
      `The filter '${filterName}' is not supported by the loopback endpoint`,
      400,
    );
  }
  const instances = regionOf(request).instances.filter(
    (instance) => filterName === null || states.includes(String((instance.State as Json | undefined)?.Name)),
  );
  const page = pageOf(
    instances,
    "ec2:DescribeInstances",
    request,
    request.query.get("NextToken"),
    request.query.get("MaxResults"),
    PAGE,
  );
  // One reservation per instance: the collector must not depend on how AWS groups them.
  return (
    list(
      "reservationSet",
      page.items,
      (instance) =>
        leaf("reservationId", `r-${(instance.InstanceId as string).slice(2)}`) +
        leaf("ownerId", request.account.id) +
        node("groupSet") +
        list("instancesSet", [instance], instanceXml, "item"),
      "item",
    ) + leaf("nextToken", page.next)
  );
}

function instanceXml(instance: Json): string {
  assertKnownFields(
    instance,
    [
      "InstanceId",
      "ImageId",
      "InstanceType",
      "KeyName",
      "State",
      "PrivateIpAddress",
      "PublicIpAddress",
      "IamInstanceProfile",
      "SecurityGroups",
      "VpcId",
      "SubnetId",
      "LaunchTime",
      "Platform",
      "Tags",
    ],
    "instance",
  );
  const state = instance.State as Json | undefined;
  const profile = instance.IamInstanceProfile as Json | undefined;
  return (
    leaf("instanceId", instance.InstanceId) +
    leaf("imageId", instance.ImageId) +
    (state ? node("instanceState", leaf("code", state.Code), leaf("name", state.Name)) : "") +
    leaf("keyName", instance.KeyName) +
    leaf("instanceType", instance.InstanceType) +
    leaf("launchTime", instance.LaunchTime) +
    leaf("platform", instance.Platform) +
    leaf("subnetId", instance.SubnetId) +
    leaf("vpcId", instance.VpcId) +
    leaf("privateIpAddress", instance.PrivateIpAddress) +
    leaf("ipAddress", instance.PublicIpAddress) +
    list(
      "groupSet",
      instance.SecurityGroups as Json[] | undefined,
      (group) => leaf("groupId", group.GroupId) + leaf("groupName", group.GroupName),
      "item",
    ) +
    (profile ? node("iamInstanceProfile", leaf("arn", profile.Arn), leaf("id", profile.Id)) : "") +
    tags(instance.Tags)
  );
}
