import type { ResourceFacts } from "../report/resource-facts.js";
import { hostCosts, type CostSummary } from "./cost.js";
import { HEADLINE_METRICS, headlineCounts, headlineNotEvaluated, type HeadlineCounts } from "./headline.js";
import type { Campaign, CampaignPoint } from "./history.js";
import { ACCOUNT, NO_OWNER, resourceKey, type CampaignRule, type OpenItem } from "./model.js";
import { agentUpdateCommands, nextSteps, sessionManagerReplacements, type NextStep } from "./next-steps.js";
import { factsFor, nameOf, ownerKey, ownerOf } from "./owners.js";

/**
 * Everything the renderers show, computed once from the merged history: the headline with its
 * change since the previous point, each owner's open items per point (the burn-down), the
 * current open items grouped by owner, account and region with what to do next, and the cost.
 */

export interface CampaignOptions {
  ownerTags: readonly string[];
}

export interface HeadlineFigure {
  id: string;
  label: string;
  current: number;
  /** Undefined for a single run. */
  previous?: number;
  /**
   * Resources (or accounts and regions) whose results behind the figure could not be evaluated
   * in the newest state: `current` is then a lower bound, and the change is not known.
   */
  notEvaluated: number;
}

export interface OpenItemRow {
  ruleId: string;
  title: string;
  severity: string;
  status: "fail" | "error";
  message: string;
  firstSeen: string;
  lastSeen: string;
}

export interface ResourceRow {
  type: string;
  id: string;
  name: string;
  items: OpenItemRow[];
  steps: NextStep[];
}

export interface RegionGroup {
  account: string;
  region: string;
  resources: ResourceRow[];
  /** Commands for the whole group (the agent update, 50 instances a command). */
  groupSteps: NextStep[];
  /** Session Manager instead of SSH, shown for one instance of the group that people reach by SSH. */
  sessionManager: NextStep[];
}

export interface OwnerView {
  owner: string;
  openItems: number;
  resources: number;
  /** Open items at the first point where the owner had any. */
  peak: number;
  /**
   * Results of the newest state that could not be evaluated for a whole account and region (a
   * listing that failed, reported on the account) where this owner has had resources: what they
   * would say about the owner's resources is unknown.
   */
  unjudged: number;
  /** No open items, and nothing unjudged where its resources were. */
  done: boolean;
  groups: RegionGroup[];
}

export interface BurnDownPoint {
  owner: string;
  createdAt: string;
  open: number;
}

export interface CampaignView {
  generatedAt: string;
  runs: { file: string; createdAt: string; toolVersion: string; accounts: string[] }[];
  points: { createdAt: string; open: number; notEvaluated: number }[];
  accounts: string[];
  headline: HeadlineFigure[];
  owners: OwnerView[];
  burnDown: BurnDownPoint[];
  cost: CostSummary;
  ownerTags: readonly string[];
  notEvaluated: number;
}

export function buildCampaignView(campaign: Campaign, options: CampaignOptions): CampaignView {
  const { points } = campaign;
  const latest = points.at(-1)!;
  const previous = points.length > 1 ? points.at(-2) : undefined;
  const currentFacts = pointFacts(latest);
  const currentRules = pointRules(latest);
  const now = headlineCounts(latest.items, currentFacts.values(), currentRules);
  const unknown = headlineNotEvaluated(latest.items, currentRules);
  const before: HeadlineCounts | undefined =
    previous !== undefined
      ? headlineCounts(previous.items, pointFacts(previous).values(), pointRules(previous))
      : undefined;

  const seen = firstAndLastSeen(points);
  // Each item's owner as its tag spells it, point by point, read once; shown under one spelling.
  const tagged = points.map((point) => {
    const facts = pointFacts(point);
    return point.items.map((item) => ownerOf(factsFor(item.resource, facts), options.ownerTags));
  });
  const spellings = ownerSpellings(tagged);
  const shownOwner = (owner: string) => (owner === NO_OWNER ? owner : spellings.get(ownerKey(owner))!);

  // The burn-down: open items per owner at every point; an owner once seen stays, at zero when done.
  const owners = new Set<string>();
  // Where each owner's resources have been, to know whose resources a failed listing may hide.
  const ownerScopes = new Map<string, Set<string>>();
  const perPoint = points.map((point, index) => {
    const counts = new Map<string, number>();
    const owned = tagged[index]!;
    for (let at = 0; at < point.items.length; at += 1) {
      const item = point.items[at]!;
      const owner = shownOwner(owned[at]!);
      owners.add(owner);
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
      if (item.resource.type === ACCOUNT) continue;
      const scopes = ownerScopes.get(owner) ?? new Set<string>();
      ownerScopes.set(owner, scopes.add(scopeKey(item.resource)));
    }
    return counts;
  });
  // A listing that failed is reported on the account, per region: it has no owner, and the
  // resources it did not list are missing from the newest run rather than fixed.
  const unlisted = latest.items.filter((item) => item.status === "error" && item.resource.type === ACCOUNT);
  const ownerNames = [...owners].sort(compareOwners);
  const burnDown: BurnDownPoint[] = points.flatMap((point, index) =>
    ownerNames.map((owner) => ({
      owner,
      createdAt: point.createdAt,
      open: perPoint[index]!.get(owner) ?? 0,
    })),
  );

  const byOwner = new Map<string, Map<string, OpenGroup>>();
  const latestOwners = tagged.at(-1)!;
  for (let at = 0; at < latest.items.length; at += 1) {
    const item = latest.items[at]!;
    const owner = shownOwner(latestOwners[at]!);
    const groups = byOwner.get(owner) ?? new Map<string, OpenGroup>();
    byOwner.set(owner, groups);
    const groupKey = `${item.resource.account}\u0000${item.resource.region}`;
    const group: OpenGroup = groups.get(groupKey) ?? {
      account: item.resource.account,
      region: item.resource.region,
      items: new Map<string, OpenItem[]>(),
    };
    groups.set(groupKey, group);
    const key = resourceKey(item.resource);
    const open = group.items.get(key);
    if (open === undefined) group.items.set(key, [item]);
    else open.push(item);
  }

  const ownerViews: OwnerView[] = ownerNames.map((owner) => {
    const groups = [...(byOwner.get(owner)?.values() ?? [])]
      .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region))
      .map((group): RegionGroup => {
        const resources = [...group.items.values()]
          .map((items): ResourceRow => {
            const { resource } = items[0]!;
            const facts = factsFor(resource, currentFacts);
            return {
              type: resource.type,
              id: resource.id,
              name: nameOf(facts),
              items: items
                .map((item) => {
                  const when = seen.get(itemKey(item))!;
                  return {
                    ruleId: item.ruleId,
                    title: currentRules.get(item.ruleId)?.title ?? item.ruleId,
                    severity: item.severity,
                    status: item.status,
                    message: item.message,
                    firstSeen: when.first,
                    lastSeen: when.last,
                  };
                })
                .sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
              steps: nextSteps(items, facts),
            };
          })
          .sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
        const outdated = resources.filter((row) =>
          row.items.some((item) => item.ruleId === "ssm-agent-version" && item.status === "fail"),
        );
        const sshUser = resources.find(
          (row) =>
            row.type === "AWS::EC2::Instance" &&
            row.items.some(
              (item) => item.ruleId === "instance-key-pair" || item.ruleId === "exposed-bastion",
            ),
        );
        return {
          account: group.account,
          region: group.region,
          resources,
          groupSteps: agentUpdateCommands(
            outdated.map((row) => row.id),
            group.region,
          ).map((command) => ({
            text: "Update the SSM Agent on the instances below that are under the minimum",
            command,
          })),
          sessionManager: sshUser !== undefined ? sessionManagerReplacements(sshUser.id, group.region) : [],
        };
      });
    const openItems = perPoint.at(-1)!.get(owner) ?? 0;
    const scopes = ownerScopes.get(owner);
    const unjudged =
      owner === NO_OWNER ? 0 : unlisted.filter((item) => scopes?.has(scopeKey(item.resource))).length;
    return {
      owner,
      openItems,
      resources: groups.reduce((sum, group) => sum + group.resources.length, 0),
      peak: Math.max(...perPoint.map((counts) => counts.get(owner) ?? 0)),
      unjudged,
      done: openItems === 0 && unjudged === 0,
      groups,
    };
  });

  return {
    generatedAt: latest.createdAt,
    runs: campaign.runs.map((run) => ({
      file: run.file,
      createdAt: run.createdAt,
      toolVersion: run.toolVersion,
      accounts: run.accounts,
    })),
    points: points.map((point) => ({
      createdAt: point.createdAt,
      open: point.items.length,
      notEvaluated: point.items.filter((item) => item.status === "error").length,
    })),
    accounts: [...latest.byAccount.keys()].sort(),
    headline: HEADLINE_METRICS.map((metric) => ({
      id: metric.id,
      label: metric.label,
      current: now[metric.id],
      notEvaluated: unknown[metric.id],
      ...(before !== undefined ? { previous: before[metric.id] } : {}),
    })),
    owners: ownerViews,
    burnDown,
    cost: hostCosts(latest.items, currentFacts.values()),
    ownerTags: options.ownerTags,
    notEvaluated: latest.items.filter((item) => item.status === "error").length,
  };
}

/**
 * The name each owner is shown under, by `ownerKey`: of the spellings of its tag (`tagged`, the
 * owner of each item of each point), the one on most items of the newest state (else of all
 * states), then the first alphabetically.
 */
function ownerSpellings(tagged: readonly (readonly string[])[]): Map<string, string> {
  const counts = new Map<string, Map<string, [newest: number, all: number]>>();
  tagged.forEach((owners, index) => {
    for (const owner of owners) {
      if (owner === NO_OWNER) continue;
      const key = ownerKey(owner);
      const forKey = counts.get(key) ?? new Map<string, [number, number]>();
      counts.set(key, forKey);
      const count = forKey.get(owner) ?? [0, 0];
      forKey.set(owner, [count[0] + (index === tagged.length - 1 ? 1 : 0), count[1] + 1]);
    }
  });
  const names = new Map<string, string>();
  for (const [key, forKey] of counts) {
    const [best] = [...forKey].sort(
      ([a, [newestA, allA]], [b, [newestB, allB]]) => newestB - newestA || allB - allA || a.localeCompare(b),
    );
    names.set(key, best![0]);
  }
  return names;
}

/** The open items of one owner in one account and region, by resource. */
interface OpenGroup {
  account: string;
  region: string;
  items: Map<string, OpenItem[]>;
}

/** Owners alphabetically, "no owner" last. */
function compareOwners(a: string, b: string): number {
  const noOwnerA = a === NO_OWNER ? 1 : 0;
  const noOwnerB = b === NO_OWNER ? 1 : 0;
  return noOwnerA - noOwnerB || a.localeCompare(b);
}

function scopeKey(resource: { account: string; region: string }): string {
  return `${resource.account}\u0000${resource.region}`;
}

function itemKey(item: OpenItem): string {
  return `${resourceKey(item.resource)}\u0000${item.ruleId}`;
}

/** When each open item was first and last open, across the points. */
function firstAndLastSeen(points: readonly CampaignPoint[]): Map<string, { first: string; last: string }> {
  const seen = new Map<string, { first: string; last: string }>();
  for (const point of points) {
    for (const item of point.items) {
      const key = itemKey(item);
      const known = seen.get(key);
      if (known === undefined) seen.set(key, { first: point.createdAt, last: point.createdAt });
      else known.last = point.createdAt;
    }
  }
  return seen;
}

/** The facts of a point: each account's, from the run that holds for it. */
function pointFacts(point: CampaignPoint): Map<string, ResourceFacts> {
  const facts = new Map<string, ResourceFacts>();
  for (const [account, run] of point.byAccount) {
    for (const [key, fact] of run.facts) if (fact.account === account) facts.set(key, fact);
  }
  return facts;
}

function pointRules(point: CampaignPoint): Map<string, CampaignRule> {
  const rules = new Map<string, CampaignRule>();
  for (const run of point.byAccount.values()) for (const [id, rule] of run.rules) rules.set(id, rule);
  return rules;
}
