import type { RuleResult } from "../engine/result.js";
import type { JsonValue, Resource } from "../model/resource.js";
import { isFinding } from "./fingerprint.js";

/**
 * What a reader of the results needs to know about a resource beyond its identity: its tags (to
 * find its owner and name), and for instances the type, public address, key pair and security
 * groups (to price a bastion and to tell which instances a group's SSH ingress reaches). The JSON
 * output keeps these facts for the resources with findings and the instances behind them, so that
 * a campaign over several runs can group and price without the snapshot.
 */
export interface ResourceFacts {
  type: string;
  id: string;
  account: string;
  region: string;
  tags?: Record<string, string>;
  instanceType?: string;
  state?: string;
  publicIp?: string;
  privateIp?: string;
  keyName?: string;
  securityGroups?: string[];
}

const INSTANCE = "AWS::EC2::Instance";
const SECURITY_GROUP = "AWS::EC2::SecurityGroup";
const MANAGED_INSTANCE = "AWS::SSM::ManagedInstanceInventory";

export function resourceFacts(resource: Resource): ResourceFacts {
  const { properties } = resource;
  const facts: ResourceFacts = {
    type: resource.type,
    id: resource.id,
    account: resource.account,
    region: resource.region,
  };
  const tags = tagsOf(properties.Tags);
  if (tags !== undefined) facts.tags = tags;
  if (resource.type !== INSTANCE) return facts;
  const text = (value: JsonValue | undefined) =>
    typeof value === "string" && value !== "" ? value : undefined;
  const state = properties.State;
  const fields: [keyof ResourceFacts, string | undefined][] = [
    ["instanceType", text(properties.InstanceType)],
    ["state", isObject(state) ? text(state.Name) : undefined],
    ["publicIp", text(properties.PublicIpAddress)],
    ["privateIp", text(properties.PrivateIpAddress)],
    ["keyName", text(properties.KeyName)],
  ];
  for (const [key, value] of fields) if (value !== undefined) Object.assign(facts, { [key]: value });
  const groups = Array.isArray(properties.SecurityGroups)
    ? properties.SecurityGroups.flatMap((group) =>
        isObject(group) && typeof group.GroupId === "string" ? [group.GroupId] : [],
      )
    : [];
  if (groups.length > 0) facts.securityGroups = groups;
  return facts;
}

/**
 * The facts the JSON output keeps: resources with a finding, the instances of a security group
 * with a finding, and the instance behind a managed node with a finding.
 */
export function factsForFindings(
  results: readonly RuleResult[],
  resources: readonly Resource[],
): ResourceFacts[] {
  const key = (type: string, account: string, region: string, id: string) =>
    `${type}\u0000${account}\u0000${region}\u0000${id}`;
  const wanted = new Set<string>();
  const groupsWithFindings = new Set<string>();
  for (const result of results) {
    if (!isFinding(result)) continue;
    const { type, account, region, id } = result.resource;
    wanted.add(key(type, account, region, id));
    if (type === SECURITY_GROUP) groupsWithFindings.add(key(type, account, region, id));
    if (type === MANAGED_INSTANCE) wanted.add(key(INSTANCE, account, region, id));
  }
  if (wanted.size === 0) return [];
  const facts: ResourceFacts[] = [];
  for (const resource of resources) {
    const { type, account, region, id } = resource;
    const inGroupWithFinding =
      type === INSTANCE &&
      Array.isArray(resource.properties.SecurityGroups) &&
      resource.properties.SecurityGroups.some(
        (group) =>
          isObject(group) &&
          typeof group.GroupId === "string" &&
          groupsWithFindings.has(key(SECURITY_GROUP, account, region, group.GroupId)),
      );
    if (inGroupWithFinding || wanted.has(key(type, account, region, id))) facts.push(resourceFacts(resource));
  }
  return facts;
}

function tagsOf(value: JsonValue | undefined): Record<string, string> | undefined {
  if (!Array.isArray(value)) return undefined;
  const tags: Record<string, string> = {};
  for (const tag of value) {
    if (isObject(tag) && typeof tag.Key === "string" && typeof tag.Value === "string")
      tags[tag.Key] = tag.Value;
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
