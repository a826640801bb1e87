import type { JsonValue } from "../../src/model/resource.js";
import type { ResourceFacts } from "../../src/report/resource-facts.js";
import { resourceKey, type CampaignRule, type CampaignRun, type OpenItem } from "../../src/campaign/model.js";

/** Small campaign runs built by hand, for the unit tests of grouping, history, deltas and cost. */

export const ACCOUNT = "111122223333";
export const OTHER_ACCOUNT = "444455556666";

export function item(
  ruleId: string,
  type: string,
  id: string,
  options: {
    account?: string;
    region?: string;
    status?: "fail" | "error";
    evidence?: { path: string; value: JsonValue }[];
  } = {},
): OpenItem {
  return {
    ruleId,
    severity: "error",
    status: options.status ?? "fail",
    message: `${id} fails ${ruleId}`,
    resource: { type, id, account: options.account ?? ACCOUNT, region: options.region ?? "us-east-1" },
    evidence: options.evidence ?? [],
  };
}

export function instance(id: string, fields: Partial<ResourceFacts> = {}): ResourceFacts {
  return {
    type: "AWS::EC2::Instance",
    id,
    account: ACCOUNT,
    region: "us-east-1",
    state: "running",
    ...fields,
  };
}

export function group(id: string, fields: Partial<ResourceFacts> = {}): ResourceFacts {
  return { type: "AWS::EC2::SecurityGroup", id, account: ACCOUNT, region: "us-east-1", ...fields };
}

export const RULES: CampaignRule[] = [
  { id: "ssh-from-internet", title: "SSH from the internet", severity: "error", tags: ["network"] },
  { id: "ssh-from-any-source", title: "SSH from any source", severity: "warning", tags: ["network"] },
  { id: "exposed-bastion", title: "Exposed bastion", severity: "error", tags: ["bastion"] },
  { id: "instance-key-pair", title: "Key pair", severity: "warning", tags: [] },
  { id: "instance-managed-by-ssm", title: "Managed", severity: "error", tags: [] },
  { id: "ssm-agent-version", title: "Agent", severity: "warning", tags: [] },
  {
    id: "role-session-name-condition",
    title: "Session name",
    severity: "error",
    tags: ["iam", "attribution"],
  },
  { id: "session-run-as", title: "Run as", severity: "note", tags: ["session-manager", "attribution"] },
];

export function run(
  file: string,
  createdAt: string,
  items: OpenItem[],
  facts: ResourceFacts[] = [],
  options: { accounts?: string[]; toolVersion?: string } = {},
): CampaignRun {
  return {
    file,
    createdAt: new Date(createdAt).toISOString(),
    toolVersion: options.toolVersion ?? "0.1.0",
    accounts: options.accounts ?? [ACCOUNT],
    rules: new Map(RULES.map((rule) => [rule.id, rule])),
    items,
    facts: new Map(facts.map((fact) => [resourceKey(fact), fact])),
  };
}

export const SSH_22_FROM_ANYWHERE: JsonValue = {
  IpProtocol: "tcp",
  FromPort: 22,
  ToPort: 22,
  IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "SSH from anywhere" }],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
};
