import type { ResourceFacts } from "../report/resource-facts.js";
import { ACCOUNT, INSTANCE, resourceKey, SECURITY_GROUP, type CampaignRule, type OpenItem } from "./model.js";

/**
 * The campaign's headline figures for one point of the history. Each counts distinct resources
 * with a failing result (results that could not be evaluated are counted apart, never as fixed):
 *
 * - reachable on 22 from the internet: instances in a security group that fails ssh-from-internet;
 * - reachable on 22 from anywhere: instances in a group that fails ssh-from-any-source or
 *   ssh-from-internet (any source at all, the VPC and other groups included);
 * - not managed by Systems Manager: instances failing instance-managed-by-ssm;
 * - agent below minimum: managed nodes failing ssm-agent-version;
 * - launched with key pairs: instances failing instance-key-pair;
 * - exposed bastions: instances failing exposed-bastion;
 * - principals failing session attribution: IAM principals failing a rule tagged `attribution`.
 */

export const HEADLINE_METRICS = [
  { id: "ssh-internet", label: "Instances reachable on port 22 from the internet" },
  { id: "ssh-anywhere", label: "Instances reachable on port 22 from anywhere" },
  { id: "unmanaged", label: "Instances not managed by Systems Manager" },
  { id: "agent-outdated", label: "Instances with the SSM Agent below the minimum" },
  { id: "key-pairs", label: "Instances launched with a key pair" },
  { id: "bastions", label: "Exposed bastions" },
  { id: "attribution", label: "IAM principals failing session attribution" },
] as const;

export type HeadlineMetricId = (typeof HEADLINE_METRICS)[number]["id"];
export type HeadlineCounts = Record<HeadlineMetricId, number>;

export function headlineCounts(
  items: readonly OpenItem[],
  facts: Iterable<ResourceFacts>,
  rules: ReadonlyMap<string, CampaignRule>,
): HeadlineCounts {
  const failing = items.filter((item) => item.status === "fail");
  const ids = (ruleIds: readonly string[], type?: string) =>
    new Set(
      failing
        .filter(
          (item) => ruleIds.includes(item.ruleId) && (type === undefined || item.resource.type === type),
        )
        .map((item) => `${item.resource.account}/${item.resource.region}/${item.resource.id}`),
    );
  const internetGroups = ids(METRIC_RULES["ssh-internet"], SECURITY_GROUP);
  const anyGroups = ids(METRIC_RULES["ssh-anywhere"], SECURITY_GROUP);
  const internet = new Set<string>();
  const anywhere = new Set<string>();
  for (const fact of facts) {
    if (fact.type !== INSTANCE || fact.state === "terminated") continue;
    const key = `${fact.account}/${fact.region}/${fact.id}`;
    for (const group of fact.securityGroups ?? []) {
      const groupKey = `${fact.account}/${fact.region}/${group}`;
      if (internetGroups.has(groupKey)) internet.add(key);
      if (anyGroups.has(groupKey)) anywhere.add(key);
    }
  }
  const attributionRules = [...rules.values()]
    .filter((rule) => rule.tags.includes("attribution"))
    .map((rule) => rule.id);
  const principals = new Set(
    failing
      .filter((item) => attributionRules.includes(item.ruleId) && item.resource.type.startsWith("AWS::IAM::"))
      .map((item) => `${item.resource.account}/${item.resource.type}/${item.resource.id}`),
  );
  return {
    "ssh-internet": internet.size,
    "ssh-anywhere": anywhere.size,
    unmanaged: ids(METRIC_RULES.unmanaged).size,
    "agent-outdated": ids(METRIC_RULES["agent-outdated"]).size,
    "key-pairs": ids(METRIC_RULES["key-pairs"]).size,
    bastions: ids(METRIC_RULES.bastions).size,
    attribution: principals.size,
  };
}

/** Rules about instances: an error of one on an account means its instances were not listed. */
const INSTANCE_RULES: readonly string[] = [
  "instance-managed-by-ssm",
  "instance-key-pair",
  "instance-role-ssm-permissions",
  "exposed-bastion",
];

/**
 * The rules behind each figure: what it counts the failures of, and where a result of theirs
 * that could not be evaluated leaves it unknown.
 */
const METRIC_RULES: Record<Exclude<HeadlineMetricId, "attribution">, readonly string[]> = {
  "ssh-internet": ["ssh-from-internet"],
  "ssh-anywhere": ["ssh-from-internet", "ssh-from-any-source"],
  unmanaged: ["instance-managed-by-ssm"],
  "agent-outdated": ["ssm-agent-version"],
  "key-pairs": ["instance-key-pair"],
  bastions: ["exposed-bastion"],
};

/**
 * For each figure, the resources (or whole accounts and regions, when a listing failed) whose
 * results behind it could not be evaluated: the figure counts what failed, and these may fail too.
 */
export function headlineNotEvaluated(
  items: readonly OpenItem[],
  rules: ReadonlyMap<string, CampaignRule>,
): HeadlineCounts {
  const errors = items.filter((item) => item.status === "error");
  const count = (ruleIds: readonly string[]) =>
    new Set(errors.filter((item) => ruleIds.includes(item.ruleId)).map((item) => resourceKey(item.resource)))
      .size;
  const attributionRules = [...rules.values()]
    .filter((rule) => rule.tags.includes("attribution"))
    .map((rule) => rule.id);
  // The SSH figures count instances in failing groups: where instances could not be listed (an
  // instance rule's error on the account), the instances in those groups are unknown too.
  const unlistedInstances = new Set(
    errors
      .filter((item) => item.resource.type === ACCOUNT && INSTANCE_RULES.includes(item.ruleId))
      .map((item) => `${item.resource.account}/${item.resource.region}`),
  ).size;
  return {
    "ssh-internet": count(METRIC_RULES["ssh-internet"]) + unlistedInstances,
    "ssh-anywhere": count(METRIC_RULES["ssh-anywhere"]) + unlistedInstances,
    unmanaged: count(METRIC_RULES.unmanaged),
    "agent-outdated": count(METRIC_RULES["agent-outdated"]),
    "key-pairs": count(METRIC_RULES["key-pairs"]),
    bastions: count(METRIC_RULES.bastions),
    attribution: count(attributionRules),
  };
}
