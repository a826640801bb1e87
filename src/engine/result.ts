import type { JsonValue, ResourceSource, ResourceType } from "../model/resource.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../sources/source.js";

export type ResultStatus = "pass" | "fail" | "not_applicable" | "error";

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
}
