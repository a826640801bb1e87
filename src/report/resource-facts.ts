import type { RuleResult } from "../engine/result.js";
import type { JsonValue, Resource } from "../model/resource.js";
import { isFinding } from "./fingerprint.js";
import { ScopedIndex } from "../util/scoped-index.js";

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

export const INSTANCE = "AWS::EC2::Instance";
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
  // Assigned one by one in the order the output shows them: a large account has tens of
  // thousands of instances with findings.
  const instanceType = textOf(properties.InstanceType);
  if (instanceType !== undefined) facts.instanceType = instanceType;
  const state = properties.State;
  const stateName = isObject(state) ? textOf(state.Name) : undefined;
  if (stateName !== undefined) facts.state = stateName;
  const publicIp = textOf(properties.PublicIpAddress);
  if (publicIp !== undefined) facts.publicIp = publicIp;
  const privateIp = textOf(properties.PrivateIpAddress);
  if (privateIp !== undefined) facts.privateIp = privateIp;
  const keyName = textOf(properties.KeyName);
  if (keyName !== undefined) facts.keyName = keyName;
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
  return [...eachFactForFindings(results, resources)];
}

/**
 * `factsForFindings` one resource at a time, in the same order, so that a writer can write each
 * as it is made: a large account has tens of thousands of them.
 */
export function* eachFactForFindings(
  results: readonly RuleResult[],
  resources: readonly Resource[],
): Generator<ResourceFacts> {
  for (const resource of eachResourceForFindings(results, resources)) yield resourceFacts(resource);
}

/** The resources whose facts `factsForFindings` keeps, in inventory order. */
export function* eachResourceForFindings(
  results: readonly RuleResult[],
  resources: readonly Resource[],
): Generator<Resource> {
  const wanted = new IdsByScope();
  const groupsWithFindings = new IdsByScope();
  // By index: in a generator, `for…of` over an array goes through its iterator, a call and a
  // result object for each result and each resource of a large account.
  for (let index = 0; index < results.length; index += 1) {
    const result = results[index]!;
    if (!isFinding(result)) continue;
    const { type, account, region, id } = result.resource;
    wanted.add(type, account, region, id);
    if (type === SECURITY_GROUP) groupsWithFindings.add(type, account, region, id);
    if (type === MANAGED_INSTANCE) wanted.add(INSTANCE, account, region, id);
  }
  if (wanted.isEmpty()) return;
  for (let index = 0; index < resources.length; index += 1) {
    const resource = resources[index]!;
    const { type, account, region, id } = resource;
    let kept = wanted.has(type, account, region, id);
    if (!kept && type === INSTANCE && Array.isArray(resource.properties.SecurityGroups)) {
      const groups = groupsWithFindings.idsIn(SECURITY_GROUP, account, region);
      kept =
        groups !== undefined &&
        resource.properties.SecurityGroups.some(
          (group) => isObject(group) && typeof group.GroupId === "string" && groups.has(group.GroupId),
        );
    }
    if (kept) yield resource;
  }
}

/** Resource ids by type, then by account, region and id. */
class IdsByScope {
  private readonly byType = new Map<string, ScopedIndex<true>>();

  add(type: string, account: string, region: string, id: string): void {
    let ids = this.byType.get(type);
    if (!ids) this.byType.set(type, (ids = new ScopedIndex<true>()));
    ids.set(account, region, id, true);
  }

  idsIn(type: string, account: string, region: string): ReadonlyMap<string, true> | undefined {
    return this.byType.get(type)?.inScope(account, region);
  }

  has(type: string, account: string, region: string, id: string): boolean {
    return this.byType.get(type)?.get(account, region, id) === true;
  }

  isEmpty(): boolean {
    return this.byType.size === 0;
  }
}

function textOf(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function tagsOf(value: JsonValue | undefined): Record<string, string> | undefined {
  if (!Array.isArray(value)) return undefined;
  const tags: Record<string, string> = {};
  for (const tag of value) {
    if (isObject(tag) && typeof tag.Key === "string" && typeof tag.Value === "string")
      tags[tag.Key] = tag.Value;
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

export function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
