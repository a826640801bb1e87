import { partitionOfArn, RESOURCE_TYPE_SPECS } from "../../model/resource-types.js";
import { normalizePolicyDocument } from "../../iam/index.js";
import {
  GLOBAL_REGION,
  ResourceTypes,
  type JsonObject,
  type JsonValue,
  type Resource,
  type ResourceType,
} from "../../model/resource.js";
import {
  authorizationDetailsResources,
  instanceResource,
  managedInstanceResource,
  securityGroupResource,
  type AccountScope,
  type AuthorizationDetails,
} from "../aws/normalize.js";
import { eventRuleResource, trailResource } from "../aws/normalize-alerting.js";
import { unknownValue } from "../../model/unknown.js";
import type { ConfigurationItem } from "./item.js";

/**
 * From a configuration item to the canonical resource. A configuration item holds the same data
 * as the describe APIs, with camelCase names and a few differences of form; once those are
 * brought to the SDK's shape, the live source's normalizers (`sources/aws/normalize.ts`) finish
 * the job, so that URL-decoding of IAM documents and every other canonical detail are written
 * once. The differences handled here:
 *
 * - names: `ipPermissions` → `IpPermissions`, at every level except inside policy documents,
 *   whose keys (`Statement`, condition keys such as `aws:SourceIp`) are data and stay as written;
 * - security groups: `ipRanges` as plain CIDR strings (older items carry only these) merged with
 *   `ipv4Ranges` objects into `IpRanges[{CidrIp}]`; ports dropped for protocol `-1`, as the API
 *   does;
 * - IAM documents: URL-encoded JSON text (real items) or decoded objects (published samples, once
 *   even wrapped in a one-element list): text goes to the live decoder, objects get `Statement`
 *   as a list;
 * - `AWS::SSM::ManagedInstanceInventory`: the agent's record is the value of the
 *   `AWS:InstanceInformation` content map, whose key need not be the resource id;
 * - `AWS::CloudTrail::Trail`: the item does not record whether the trail is logging, nor its
 *   custom event selectors (only that it has some): those are unknown values, which the Config
 *   rule has to read with GetTrailStatus and GetEventSelectors;
 * - `AWS::Events::Rule`: the event pattern is JSON text, decoded as the live source decodes it,
 *   and never renamed (its keys are data);
 * - nulls, which items use for absent members, are dropped as the SDK drops them.
 */

export type ItemConversion =
  | {
      ok: true;
      /** The resource the item describes. */
      resource: Resource;
      /** Resources the item also carries (a role's instance profiles). */
      carried: Resource[];
    }
  | { ok: false; unsupported: boolean; message: string };

/** The types a configuration item can be turned into. */
export const ITEM_TYPES: readonly ResourceType[] = RESOURCE_TYPE_SPECS.filter(
  // A document item does not carry the document's content: the Config rule reads the document.
  (spec) => spec.config !== undefined && spec.type !== ResourceTypes.SessionPreferences,
).map((spec) => spec.type);

/** A fresh object per resource, as the live source does: one resource's source must never change another's. */
function configSource(): Resource["source"] {
  return { kind: "config-item" };
}

export { partitionOfArn } from "../../model/resource-types.js";

export function resourceFromItem(item: ConfigurationItem): ItemConversion {
  const type = item.resourceType;
  if (!(ITEM_TYPES as readonly string[]).includes(type)) {
    return { ok: false, unsupported: true, message: `${type} configuration items are not evaluated` };
  }
  const configuration = item.configuration;
  if (configuration === null || typeof configuration !== "object" || Array.isArray(configuration)) {
    return {
      ok: false,
      unsupported: false,
      message: `${type} ${item.resourceId}: the item has no configuration`,
    };
  }
  const scope: AccountScope = { account: item.awsAccountId, partition: partitionOfArn(item.ARN) };
  const problems: string[] = [];
  let converted: { resource?: Resource; carried: Resource[] };
  switch (type) {
    case ResourceTypes.SecurityGroup:
      converted = { resource: securityGroup(configuration, item, scope, problems), carried: [] };
      break;
    case ResourceTypes.Instance: {
      const properties = pascalizeObject(configuration, problems, false);
      properties.InstanceId ??= item.resourceId;
      converted = { resource: instanceResource(properties, scope, item.awsRegion), carried: [] };
      break;
    }
    case ResourceTypes.ManagedInstance:
      converted = { resource: managedInstance(configuration, item, scope, problems), carried: [] };
      break;
    case ResourceTypes.Trail:
      converted = { resource: trail(configuration, item, scope, problems), carried: [] };
      break;
    case ResourceTypes.EventRule:
      converted = { resource: eventRule(configuration, item, scope, problems), carried: [] };
      break;
    default:
      converted = iamEntity(type as ResourceType, configuration, item, scope, problems);
  }
  if (problems.length > 0 || !converted.resource) {
    const detail = problems.length > 0 ? problems.join("; ") : "the item could not be converted";
    return { ok: false, unsupported: false, message: `${type} ${item.resourceId}: ${detail}` };
  }
  return {
    ok: true,
    resource: fromConfig(converted.resource, item),
    carried: converted.carried.map((resource) => ({ ...resource, source: configSource() })),
  };
}

function fromConfig(resource: Resource, item: ConfigurationItem): Resource {
  return {
    ...resource,
    ...(item.ARN ? { arn: item.ARN } : {}),
    account: item.awsAccountId,
    region: resource.region === GLOBAL_REGION ? GLOBAL_REGION : item.awsRegion,
    source: configSource(),
  };
}

// ---------------------------------------------------------------------------------------------
// Names

/** Fields that hold IAM policy documents (after renaming): their contents are never renamed. */
const DOCUMENT_FIELDS = new Set(["AssumeRolePolicyDocument", "PolicyDocument", "Document"]);

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function pascalize(value: JsonValue, problems: string[], documents: boolean): JsonValue {
  if (Array.isArray(value)) return value.map((item) => pascalize(item, problems, documents));
  if (value !== null && typeof value === "object") return pascalizeObject(value, problems, documents);
  return value;
}

function pascalizeObject(object: JsonObject, problems: string[], documents: boolean): JsonObject {
  const result: JsonObject = {};
  for (const [key, member] of Object.entries(object)) {
    if (member === null) continue;
    const name = pascalCase(key);
    // `ipProtocol` and `IpProtocol` side by side leave one of two values to be chosen: refused,
    // since whichever is dropped might be the one that opens a port.
    if (Object.hasOwn(result, name)) {
      problems.push(`the item has both ${name} and ${key}, which name the same field`);
      continue;
    }
    result[name] =
      documents && DOCUMENT_FIELDS.has(name)
        ? policyDocument(member, name, problems)
        : pascalize(member, problems, documents);
  }
  return result;
}

/**
 * A policy document as the item holds it. Text is left for the live decoder (URL-encoded JSON,
 * or plain JSON); an object is already decoded. Anything else cannot be judged: it becomes null
 * and a problem, so that the resource is reported as not evaluated rather than compliant.
 */
function policyDocument(value: JsonValue, field: string, problems: string[]): JsonValue {
  if (typeof value === "string") return value;
  const document = Array.isArray(value) && value.length === 1 ? value[0]! : value;
  if (document !== null && typeof document === "object" && !Array.isArray(document)) {
    return normalizePolicyDocument(document);
  }
  problems.push(`${field} is neither a URL-encoded JSON document nor a JSON object`);
  return null;
}

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function object(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Security groups

function securityGroup(
  configuration: JsonObject,
  item: ConfigurationItem,
  scope: AccountScope,
  problems: string[],
): Resource {
  const group = pascalizeObject(configuration, problems, false);
  group.GroupId ??= item.resourceId;
  for (const field of ["IpPermissions", "IpPermissionsEgress"]) {
    if (Array.isArray(group[field])) group[field] = group[field].map(permission);
  }
  return securityGroupResource(group, scope, item.awsRegion);
}

/**
 * One permission in the API's shape. Items list IPv4 sources twice — `ipRanges` as plain CIDR
 * strings and `ipv4Ranges` as objects with descriptions — or, in older items, only as strings.
 * A source in neither form (a number, an object without a CIDR), or a list that is not a list, is
 * kept as it is for the shape check to name: dropped, it would leave a port open to a source
 * nobody sees.
 */
function permission(value: JsonValue): JsonValue {
  const entry = object(value);
  if (!entry) return value;
  const result: JsonObject = { ...entry };
  const ranges: JsonValue[] = [];
  const seen = new Set<string>();
  const add = (range: JsonValue) => {
    const cidr = object(range)?.CidrIp;
    if (typeof cidr !== "string") {
      ranges.push(range);
      return;
    }
    if (seen.has(cidr)) return;
    seen.add(cidr);
    ranges.push(range);
  };
  for (const range of list(entry.Ipv4Ranges)) add(range);
  for (const range of list(entry.IpRanges)) add(typeof range === "string" ? { CidrIp: range } : range);
  delete result.Ipv4Ranges;
  if (entry.IpRanges !== undefined || entry.Ipv4Ranges !== undefined) result.IpRanges = ranges;
  for (const given of [entry.Ipv4Ranges, entry.IpRanges])
    if (given !== undefined && !Array.isArray(given)) result.IpRanges = given;
  // All traffic has no port range in the API; items may carry -1 or nothing.
  if (entry.IpProtocol === "-1" || entry.IpProtocol === -1) {
    delete result.FromPort;
    delete result.ToPort;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// SSM managed-instance inventory

const INSTANCE_INFORMATION = "AWS:InstanceInformation";

/**
 * The records of `AWS:InstanceInformation`'s content map. Absent (or null, as items write absent
 * members), it gives none, and the node has no agent version, which ssm-agent-version does not
 * judge; so information in any other form, which may hold an old agent, is a problem rather than
 * none.
 */
function instanceRecords(
  configuration: JsonObject,
  problems: string[],
): (readonly [string, JsonObject])[] | undefined {
  const information = configuration[INSTANCE_INFORMATION];
  if (information === undefined || information === null) return [];
  const content = object(information)?.Content;
  if (content === null) return [];
  const map = object(content);
  if (map === undefined) {
    problems.push(`${INSTANCE_INFORMATION} is not an object whose Content maps instances to their records`);
    return undefined;
  }
  const records: (readonly [string, JsonObject])[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (value === null) continue;
    const record = object(value);
    if (record === undefined) {
      problems.push(`${INSTANCE_INFORMATION} holds no object for ${key}`);
      return undefined;
    }
    records.push([key, record]);
  }
  return records;
}

function managedInstance(
  configuration: JsonObject,
  item: ConfigurationItem,
  scope: AccountScope,
  problems: string[],
): Resource | undefined {
  const entries = instanceRecords(configuration, problems);
  if (entries === undefined) return undefined;
  const chosen =
    entries.find(([key, value]) => value.InstanceId === item.resourceId || key === item.resourceId) ??
    (entries.length === 1 ? entries[0] : undefined);
  if (!chosen && entries.length > 1) {
    problems.push(
      `${INSTANCE_INFORMATION} lists ${entries.length} instances and none of them is ${item.resourceId}`,
    );
    return undefined;
  }
  // The inventory names the address IpAddress; DescribeInstanceInformation names it IPAddress.
  const { IpAddress, ...fields } = chosen?.[1] ?? {};
  const information: JsonObject = {
    ...fields,
    ...(IpAddress !== undefined ? { IPAddress: IpAddress } : {}),
    // The evaluation is about the item's resource, whatever key the content map used.
    InstanceId: item.resourceId,
  };
  return managedInstanceResource(information, scope, item.awsRegion);
}

// ---------------------------------------------------------------------------------------------
// IAM

function iamEntity(
  type: ResourceType,
  configuration: JsonObject,
  item: ConfigurationItem,
  scope: AccountScope,
  problems: string[],
): { resource?: Resource; carried: Resource[] } {
  const entity = pascalizeObject(configuration, problems, true);
  const name = item.resourceName ?? item.resourceId;
  if (item.ARN) entity.Arn ??= item.ARN;
  const details: AuthorizationDetails = {};
  switch (type) {
    case ResourceTypes.Role:
      entity.RoleName ??= name;
      entity.RoleId ??= item.resourceId;
      details.RoleDetailList = [entity];
      break;
    case ResourceTypes.User:
      entity.UserName ??= name;
      entity.UserId ??= item.resourceId;
      details.UserDetailList = [entity];
      break;
    case ResourceTypes.Group:
      entity.GroupName ??= name;
      entity.GroupId ??= item.resourceId;
      details.GroupDetailList = [entity];
      break;
    default:
      entity.PolicyName ??= name;
      entity.PolicyId ??= item.resourceId;
      details.Policies = [entity];
  }
  const normalized = authorizationDetailsResources(details, scope);
  problems.push(...normalized.problems.map((problem) => problem.detail));
  const resource = normalized.resources.find((candidate) => candidate.type === type);
  return {
    ...(resource ? { resource } : {}),
    carried: normalized.resources.filter((other) => other !== resource),
  };
}

// ---------------------------------------------------------------------------------------------
// CloudTrail trails and EventBridge rules

function trail(
  configuration: JsonObject,
  item: ConfigurationItem,
  scope: AccountScope,
  problems: string[],
): Resource {
  const { HasCustomEventSelectors, ...fields } = pascalizeObject(configuration, problems, false);
  fields.Name ??= item.resourceName ?? item.resourceId;
  const resource = trailResource({ trail: fields }, scope, item.awsRegion);
  const name = resource.id;
  resource.properties.IsLogging = unknownValue(
    `AWS Config does not record whether trail ${name} is logging (GetTrailStatus does)`,
  );
  // Without custom selectors a trail records every management event; with them, the item does
  // not say which.
  if (HasCustomEventSelectors === true)
    resource.properties.EventSelectors = unknownValue(
      `AWS Config does not record the event selectors of trail ${name} (GetEventSelectors does)`,
    );
  return resource;
}

function eventRule(
  configuration: JsonObject,
  item: ConfigurationItem,
  scope: AccountScope,
  problems: string[],
): Resource {
  const { EventPattern, eventPattern, Targets, targets, ...rest } = configuration;
  const fields = pascalizeObject(rest, problems, false);
  fields.Name ??= item.resourceName ?? item.resourceId;
  const pattern = EventPattern ?? eventPattern;
  if (pattern !== undefined && pattern !== null) fields.EventPattern = pattern;
  const targetList = list(Targets ?? targets).map((target) => pascalize(target, problems, false));
  return eventRuleResource(fields, targetList, scope, item.awsRegion);
}
