import type { Evidence, ResultStatus, Severity } from "../engine/result.js";
import type { ResourceFacts } from "../report/resource-facts.js";

/**
 * The campaign's view of one run: its open items (failing or unevaluated results) and the facts
 * of the resources they are about, read from a JSON results file or from evaluating a snapshot.
 */

export interface ResourceKeyFields {
  type: string;
  id: string;
  account: string;
  region: string;
}

export interface OpenItem {
  ruleId: string;
  severity: Severity;
  /** `fail`, or `error` for a result that could not be evaluated: never counted as fixed. */
  status: Extract<ResultStatus, "fail" | "error">;
  message: string;
  resource: ResourceKeyFields & { arn?: string };
  evidence: Evidence[];
}

export interface CampaignRule {
  id: string;
  title: string;
  severity: Severity;
  tags: string[];
  helpUri?: string;
}

export interface CampaignRun {
  /** The file as the user named it (or `--account` for a live run). */
  file: string;
  /** RFC 3339 UTC. */
  createdAt: string;
  toolVersion: string;
  /** Every account the run judged a resource of, open item or not. */
  accounts: string[];
  /**
   * Every account and region (`account\u0000region`) the run judged a resource in, open item or
   * not. A scanned region always has results (its Session Manager preferences, at least).
   */
  regions?: Set<string>;
  rules: Map<string, CampaignRule>;
  items: OpenItem[];
  /** Facts by `resourceKey`. */
  facts: Map<string, ResourceFacts>;
}

export function resourceKey(resource: ResourceKeyFields): string {
  return `${resource.type}\u0000${resource.account}\u0000${resource.region}\u0000${resource.id}`;
}

export const INSTANCE = "AWS::EC2::Instance";
export const SECURITY_GROUP = "AWS::EC2::SecurityGroup";
export const MANAGED_INSTANCE = "AWS::SSM::ManagedInstanceInventory";
/** What a result is reported on when a whole account and region could not be read. */
export const ACCOUNT = "AWS::::Account";

/** The owner of resources whose owner tags are all missing. */
export const NO_OWNER = "no owner";

export const DEFAULT_OWNER_TAGS: readonly string[] = ["Team", "Owner"];
