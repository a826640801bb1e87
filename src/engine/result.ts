import type { JsonValue, Resource, ResourceSource, ResourceType } from "../model/resource.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../model/input-problem.js";
import type { RuleFrameworks } from "./frameworks.js";

/**
 * `waived`: the rule failed, but an active waiver accepts the failure until its expiry date; it
 * never fails the run.
 */
export type ResultStatus = "pass" | "fail" | "not_applicable" | "error" | "waived";

export type Severity = "error" | "warning" | "note";

/** Severities from the most to the least severe. */
export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

/** Why a condition came out the way it did: the element that matched, with its path and value. */
export interface Evidence {
  /** Path of the element inside the resource document (`IpPermissions[0].IpRanges[1].CidrIp`). */
  path: string;
  value: JsonValue;
  /** Elements bound by name (`as:`) on the way to this evidence. */
  bindings?: Record<string, JsonValue>;
  /**
   * The deepest path inside the element that explains the verdict (the `CidrIp` inside the
   * matching permission): file-based findings point at its line.
   */
  focus?: string;
  /** The id of the message the failing branch named (`message: id`); results do not report it. */
  message?: string;
}

/** The identity of the resource a result is about, without its properties. */
export interface ResourceRef {
  type: ResourceType | "AWS::::Account";
  id: string;
  arn?: string;
  account: string;
  region: string;
  source: ResourceSource;
}

export interface RuleResult {
  ruleId: string;
  status: ResultStatus;
  /** The effective severity (rule default, possibly overridden by configuration). */
  severity: Severity;
  message: string;
  resource: ResourceRef;
  /** For `fail`, the elements that made the rule fail; for `error`, empty. */
  evidence: Evidence[];
  /**
   * The waiver behind a `waived` result; on a `fail` result, an expired waiver that no longer
   * accepts it; on an expired-waiver finding, the waiver itself.
   */
  waiver?: AppliedWaiver;
  /**
   * Only with a baseline (`--baseline`), only on `fail` results: whether the finding's
   * fingerprint was already failing in the baseline. `unchanged` findings never fail the run.
   */
  baselineState?: BaselineState;
}

export type BaselineState = "new" | "unchanged";

/**
 * The pseudo rule of expired-waiver findings (`engine/waivers.ts`). The `/` keeps it apart from
 * every loadable rule id. Here, with the types, because reporters and the baseline need to know it.
 */
export const EXPIRED_WAIVER_RULE_ID = "access-baseline/waiver-expired";

/**
 * A waiver: an accepted failure of one rule (or a glob of rules) on some resources, with a reason,
 * an owner and a last day. Written in the configuration file (`origin: "configuration"`, with a
 * resource glob) or in the source next to the resource it waives (`origin: "source"`: CloudFormation
 * `Metadata`).
 */
export interface Waiver {
  origin: "configuration" | "source";
  /** A rule id, or a glob of rule ids (`*` any run of characters, `?` one character). */
  rule: string;
  /** Configuration waivers: a glob matched against the resource's id, ARN and logical id or address. */
  resource?: string;
  reason: string;
  owner: string;
  /** The last day the waiver applies, `YYYY-MM-DD` (UTC); it is expired from the next day. */
  expires: string;
  /** Where the waiver is written: the configuration file or the resource's source file. */
  file: string;
  line?: number;
  column?: number;
}

export interface AppliedWaiver extends Waiver {
  state: "active" | "expired";
}

/** What became of one waiver in a run. */
export interface WaiverOutcome {
  waiver: Waiver;
  /** Source waivers: the id of the resource the waiver is written on. */
  resourceId?: string;
  /**
   * `active`: it matched failing results and accepted them; `expired`: it matched failing results
   * but its date has passed; `unmatched`: it matched no failing result (a stale waiver to remove).
   */
  state: "active" | "expired" | "unmatched";
  /** Failing (or unevaluated) results the waiver matched. */
  matched: number;
  /** Days from today to the expiry date: 0 on its last day, negative once expired. */
  daysLeft: number;
}

/** How the run compares with a baseline (`--baseline`). */
export interface BaselineComparison {
  /** The baseline file, as given on the command line. */
  file: string;
  /** Failing results whose fingerprint was not failing in the baseline. */
  new: number;
  /** Failing results whose fingerprint was already failing in the baseline. */
  unchanged: number;
  /**
   * Fingerprints failing in the baseline that no longer fail where this run looked: fixed, waived,
   * or their resource is gone.
   */
  absent: number;
  /**
   * Fingerprints failing in the baseline that do not fail now, but which this run could not have
   * seen fail: it was incomplete (a collection error, an input problem), their rule could not be
   * evaluated in their account, or it did not cover their account and region.
   */
  unseen: number;
}

/** What reporters need to know about a rule, from its YAML file. */
export interface RuleMetadata {
  id: string;
  title: string;
  severity: Severity;
  /** CVSS-like score in (0, 10], shown by GitHub as critical / high / medium / low. */
  securitySeverity: number;
  precision: "very-high" | "high" | "medium" | "low";
  description: string;
  rationale: string;
  remediation: string;
  helpUri?: string;
  tags: string[];
  /**
   * The public compliance controls the rule implements; `{}` when none matches, absent when the
   * rule has not been mapped.
   */
  frameworks?: RuleFrameworks;
  resourceTypes: ResourceType[];
  /** The rule file, relative to the rules directory it was loaded from. */
  file: string;
}

export interface Summary {
  byStatus: Record<ResultStatus, number>;
  /** Failing results by effective severity. */
  failuresBySeverity: Record<Severity, number>;
  resources: number;
  rules: number;
}

/** Everything a reporter turns into text, JSON or SARIF. */
export interface Report {
  tool: { name: string; version: string; informationUri: string };
  rules: RuleMetadata[];
  results: RuleResult[];
  collectionErrors: CollectionError[];
  /** Input files that could not be used; like collection errors, they make the run incomplete. */
  inputProblems: InputProblem[];
  summary: Summary;
  /** The inputs that were checked (snapshot files, templates), for the report header. */
  inputs: string[];
  /** Every waiver of the run (configuration and sources) and what became of it. */
  waivers?: WaiverOutcome[];
  /** Only with `--baseline`: how the failing results compare with it. */
  baseline?: BaselineComparison;
  /** Live collection only: the API calls it made, retries included. */
  apiCalls?: ApiCallCounts;
  /** The configuration file the run used, `null` for none (the built-in defaults). */
  configurationFile?: string | null;
  /** When the run read its inputs (RFC 3339 UTC): what dates the run in a campaign's history. */
  createdAt?: string;
  /** Every resource the run judged, with its properties (the JSON output keeps facts of some). */
  resources?: readonly Resource[];
}

/** API calls per service and operation: `{ ec2: { DescribeInstances: 4 } }`. */
export type ApiCallCounts = Record<string, Record<string, number>>;
