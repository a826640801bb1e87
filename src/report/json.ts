import type {
  ApiCallCounts,
  AppliedWaiver,
  BaselineComparison,
  BaselineState,
  Evidence,
  Report,
  ResultStatus,
  RuleMetadata,
  RuleResult,
  Severity,
  Summary,
  Waiver,
  WaiverOutcome,
} from "../engine/result.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../model/input-problem.js";
import type { SourceKind } from "../model/resource.js";
import { reportedEvidence } from "./evidence.js";
import { factsForFindings, type ResourceFacts } from "./resource-facts.js";
import { fingerprintResults, isFinding } from "./fingerprint.js";
import { locateResult, type ResultLocation } from "./location.js";
import { ruleDocUri, ruleDocUris } from "./rule-docs.js";

/**
 * The JSON output: every result (passes included), the rules behind them, summary counts and
 * collection errors, in a structure described by `schemas/results.schema.json`. `format` and
 * `version` let consumers recognise the file and refuse versions they do not know; `version`
 * changes whenever a field is removed or changes meaning, not when one is added.
 *
 * Each field is copied by name rather than spread, so that nothing internal leaks into a
 * documented format.
 */

export const RESULTS_FORMAT = "access-baseline/results";
export const RESULTS_FORMAT_VERSION = 1;

export interface JsonReport {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_FORMAT_VERSION;
  tool: { name: string; version: string; informationUri: string };
  inputs: string[];
  configurationFile?: string | null;
  summary: JsonSummary;
  rules: JsonRule[];
  results: JsonResult[];
  collectionErrors: JsonCollectionError[];
  inputProblems: InputProblem[];
  /** Every waiver of the run and what became of it. */
  waivers: JsonWaiverOutcome[];
  /** Only with `--baseline`. */
  baseline?: BaselineComparison;
  /** When the run read its inputs (RFC 3339 UTC). */
  createdAt?: string;
  /** Tags and instance facts of the resources with findings (and of the instances behind them). */
  resources?: ResourceFacts[];
}

/** A waiver as written: in the configuration file, or in a template next to its resource. */
export interface JsonWaiver {
  origin: Waiver["origin"];
  rule: string;
  /** Configuration waivers: the resource glob; source waivers: the id of their resource. */
  resource?: string;
  reason: string;
  owner: string;
  expires: string;
  file: string;
  line?: number;
  column?: number;
}

export interface JsonAppliedWaiver extends JsonWaiver {
  state: AppliedWaiver["state"];
}

export interface JsonWaiverOutcome extends JsonWaiver {
  state: WaiverOutcome["state"];
  matched: number;
  daysLeft: number;
}

export interface JsonSummary extends Summary {
  /** Live collection only: API calls per service and operation, retries included. */
  apiCalls?: ApiCallCounts;
}

export interface JsonRule {
  id: string;
  title: string;
  severity: Severity;
  securitySeverity: number;
  precision: RuleMetadata["precision"];
  description: string;
  rationale: string;
  remediation: string;
  helpUri?: string;
  tags: string[];
  resourceTypes: string[];
  file: string;
}

export interface JsonResult {
  ruleId: string;
  status: ResultStatus;
  severity: Severity;
  message: string;
  resource: JsonResource;
  location: ResultLocation;
  evidence: Evidence[];
  /**
   * Findings only (`fail`, `error`, `waived`): the same value as SARIF's
   * `partialFingerprints.primaryLocationLineHash`, what `--baseline` compares.
   */
  fingerprint?: string;
  /** The waiver of a `waived` result, or the expired waiver of a `fail` result. */
  waiver?: JsonAppliedWaiver;
  /** Only with `--baseline`, on `fail` results. */
  baselineState?: BaselineState;
  /** The rule's documentation (its `helpUri`): what the finding means and how to fix it. */
  helpUri?: string;
}

export interface JsonResource {
  type: string;
  id: string;
  arn?: string;
  account: string;
  region: string;
  sourceKind: SourceKind;
  /** CloudFormation logical id or Terraform address. */
  address?: string;
}

export type JsonCollectionError = CollectionError;

/**
 * The report as JSON: the envelope indented for reading, each result on one line of its own. A
 * large account has hundreds of thousands of results; one line each keeps the file a fraction of
 * its indented size and still lets `grep` and a diff show whole results.
 */
export function renderJson(report: Report): string {
  const { results, ...envelope } = buildJsonReport(report);
  const head = JSON.stringify({ ...envelope, results: [] }, null, 2);
  if (results.length === 0) return `${head}\n`;
  const marker = '"results": []';
  const at = head.indexOf(marker);
  const lines = results.map((result) => `    ${JSON.stringify(result)}`).join(",\n");
  return `${head.slice(0, at)}"results": [\n${lines}\n  ]${head.slice(at + marker.length)}\n`;
}

export function buildJsonReport(report: Report): JsonReport {
  const fingerprints = fingerprintResults(report.results);
  const docUris = ruleDocUris(report.rules);
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_FORMAT_VERSION,
    tool: {
      name: report.tool.name,
      version: report.tool.version,
      informationUri: report.tool.informationUri,
    },
    inputs: [...report.inputs],
    ...(report.configurationFile !== undefined ? { configurationFile: report.configurationFile } : {}),
    summary: {
      byStatus: { ...report.summary.byStatus },
      failuresBySeverity: { ...report.summary.failuresBySeverity },
      resources: report.summary.resources,
      rules: report.summary.rules,
      ...(report.apiCalls !== undefined ? { apiCalls: jsonApiCalls(report.apiCalls) } : {}),
    },
    ...(report.baseline !== undefined ? { baseline: { ...report.baseline } } : {}),
    rules: report.rules.map(jsonRule),
    results: report.results.map((result) =>
      jsonResult(result, fingerprints.get(result), docUris.get(result.ruleId)),
    ),
    collectionErrors: report.collectionErrors.map(jsonCollectionError),
    inputProblems: report.inputProblems.map((problem) => ({ ...problem })),
    waivers: (report.waivers ?? []).map(jsonWaiverOutcome),
    ...(report.createdAt !== undefined ? { createdAt: report.createdAt } : {}),
    ...(report.resources !== undefined
      ? { resources: factsForFindings(report.results, report.resources) }
      : {}),
  };
}

function jsonRule(rule: RuleMetadata): JsonRule {
  const json: JsonRule = {
    id: rule.id,
    title: rule.title,
    severity: rule.severity,
    securitySeverity: rule.securitySeverity,
    precision: rule.precision,
    description: rule.description,
    rationale: rule.rationale,
    remediation: rule.remediation,
    tags: [...rule.tags],
    resourceTypes: [...rule.resourceTypes],
    file: rule.file,
  };
  const helpUri = ruleDocUri(rule);
  if (helpUri !== undefined) json.helpUri = helpUri;
  return json;
}

function jsonResult(
  result: RuleResult,
  fingerprint: string | undefined,
  helpUri: string | undefined,
): JsonResult {
  const { resource } = result;
  const jsonResource: JsonResource = {
    type: resource.type,
    id: resource.id,
    account: resource.account,
    region: resource.region,
    sourceKind: resource.source.kind,
  };
  if (resource.arn !== undefined) jsonResource.arn = resource.arn;
  if (resource.source.address !== undefined) jsonResource.address = resource.source.address;
  const json: JsonResult = {
    ruleId: result.ruleId,
    status: result.status,
    severity: result.severity,
    message: result.message,
    resource: jsonResource,
    location: locateResult(resource, result.evidence),
    evidence: reportedEvidence(result.evidence),
  };
  if (fingerprint !== undefined) json.fingerprint = fingerprint;
  if (result.waiver !== undefined) json.waiver = jsonAppliedWaiver(result.waiver);
  if (result.baselineState !== undefined) json.baselineState = result.baselineState;
  // Findings say where to learn how to fix them; passes and not-applicable results, most of a large
  // report, would only repeat the rule's link (the rules list carries it for every rule).
  if (helpUri !== undefined && isFinding(result)) json.helpUri = helpUri;
  return json;
}

function jsonWaiver(waiver: Waiver, resourceId?: string): JsonWaiver {
  const json: JsonWaiver = {
    origin: waiver.origin,
    rule: waiver.rule,
    reason: waiver.reason,
    owner: waiver.owner,
    expires: waiver.expires,
    file: waiver.file,
  };
  const resource = waiver.resource ?? resourceId;
  if (resource !== undefined) json.resource = resource;
  if (waiver.line !== undefined) json.line = waiver.line;
  if (waiver.column !== undefined) json.column = waiver.column;
  return json;
}

function jsonAppliedWaiver(waiver: AppliedWaiver): JsonAppliedWaiver {
  return { ...jsonWaiver(waiver), state: waiver.state };
}

function jsonWaiverOutcome(outcome: WaiverOutcome): JsonWaiverOutcome {
  return {
    ...jsonWaiver(outcome.waiver, outcome.resourceId),
    state: outcome.state,
    matched: outcome.matched,
    daysLeft: outcome.daysLeft,
  };
}

function jsonCollectionError(error: CollectionError): JsonCollectionError {
  const json: JsonCollectionError = {
    account: error.account,
    region: error.region,
    service: error.service,
    operation: error.operation,
    code: error.code,
    message: error.message,
    resourceTypes: [...error.resourceTypes],
  };
  if (error.iamAction !== undefined) json.iamAction = error.iamAction;
  return json;
}

function jsonApiCalls(calls: ApiCallCounts): ApiCallCounts {
  return Object.fromEntries(
    Object.entries(calls).map(([service, operations]) => [service, { ...operations }]),
  );
}
