import type { ResourceFacts } from "../report/resource-facts.js";
import prices from "./ec2-on-demand-prices.json" with { type: "json" };
import { INSTANCE, SECURITY_GROUP, type OpenItem } from "./model.js";

/**
 * What the hosts SSH needs cost each month: exposed bastions, and instances that serve as jump
 * hosts (their security group is the source another group admits SSH from). On-demand price times
 * 730 hours, plus the public IPv4 address (AWS charges every one, Elastic or not), from the price
 * table bundled in `ec2-on-demand-prices.json` — an estimate. An instance type the table does not
 * list is "price unknown", never free.
 */

export interface PriceTable {
  source: string;
  asOf: string;
  currency: string;
  hoursPerMonth: number;
  publicIpv4PerHour: number;
  instanceTypesPerHour: Record<string, number>;
}

export const PRICE_TABLE: PriceTable = prices;

export interface HostCost {
  account: string;
  region: string;
  id: string;
  role: "exposed bastion" | "jump host";
  instanceType?: string;
  publicIp?: string;
  /** Undefined when the type is not in the table (or not known). */
  instanceMonthly?: number;
  addressMonthly: number;
}

export interface CostSummary {
  hosts: HostCost[];
  /** The monthly total of hosts with a known price. */
  knownMonthly: number;
  unknownPrices: number;
  table: PriceTable;
}

export function hostCosts(
  items: readonly OpenItem[],
  facts: Iterable<ResourceFacts>,
  table: PriceTable = PRICE_TABLE,
): CostSummary {
  const failing = items.filter((item) => item.status === "fail");
  const bastions = new Set(
    failing
      .filter((item) => item.ruleId === "exposed-bastion")
      .map((item) => scoped(item.resource, item.resource.id)),
  );
  // Groups that other groups admit SSH from: the instances in them are where people jump from.
  const jumpGroups = new Set<string>();
  for (const item of failing) {
    if (item.resource.type !== SECURITY_GROUP || !item.ruleId.startsWith("ssh-from")) continue;
    for (const evidence of item.evidence) {
      const pairs = isObject(evidence.value) ? evidence.value.UserIdGroupPairs : undefined;
      if (!Array.isArray(pairs)) continue;
      for (const pair of pairs) {
        if (isObject(pair) && typeof pair.GroupId === "string" && pair.GroupId !== item.resource.id) {
          jumpGroups.add(scoped(item.resource, pair.GroupId));
        }
      }
    }
  }
  const hosts: HostCost[] = [];
  for (const fact of facts) {
    if (fact.type !== INSTANCE || (fact.state !== undefined && fact.state !== "running")) continue;
    const bastion = bastions.has(scoped(fact, fact.id));
    const jump = (fact.securityGroups ?? []).some((group) => jumpGroups.has(scoped(fact, group)));
    if (!bastion && !jump) continue;
    const hourly =
      fact.instanceType !== undefined ? table.instanceTypesPerHour[fact.instanceType] : undefined;
    hosts.push({
      account: fact.account,
      region: fact.region,
      id: fact.id,
      role: bastion ? "exposed bastion" : "jump host",
      ...(fact.instanceType !== undefined ? { instanceType: fact.instanceType } : {}),
      ...(fact.publicIp !== undefined ? { publicIp: fact.publicIp } : {}),
      ...(hourly !== undefined ? { instanceMonthly: round(hourly * table.hoursPerMonth) } : {}),
      addressMonthly: fact.publicIp !== undefined ? round(table.publicIpv4PerHour * table.hoursPerMonth) : 0,
    });
  }
  hosts.sort(
    (a, b) =>
      a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.id.localeCompare(b.id),
  );
  const known = hosts.filter((host) => host.instanceMonthly !== undefined);
  return {
    hosts,
    knownMonthly: round(known.reduce((sum, host) => sum + host.instanceMonthly! + host.addressMonthly, 0)),
    unknownPrices: hosts.length - known.length,
    table,
  };
}

function scoped(resource: { account: string; region: string }, id: string): string {
  return `${resource.account}/${resource.region}/${id}`;
}

function round(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
