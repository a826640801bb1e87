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
import { frameworkEntries, type RuleFrameworks } from "../engine/frameworks.js";
import type { SourceKind } from "../model/resource.js";
import { reportedEvidence } from "./evidence.js";
import { eachResourceForFindings, factsForFindings, type ResourceFacts } from "./resource-facts.js";
import { FactsJsonWriter } from "./resource-facts-json.js";
import { FingerprintSequence, fingerprintResults, isFinding } from "./fingerprint.js";
import { appendResultLine, type ResultLineContext } from "./json-result-line.js";
import { flatText } from "./json-text.js";
import { locateResult, type ResultLocation } from "./location.js";
import { ruleDocUri, ruleDocUris } from "./rule-docs.js";

/**
 * The JSON output: every result (passes included, compact unless asked for in full), the rules behind them, summary counts and
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
  /** Findings in full; passes and not-applicable results compact unless `verbosePasses`. */
  results: (JsonResult | JsonCompactResult)[];
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
  /** The public compliance controls the rule implements; `{}` when none matches; absent when unmapped. */
  frameworks?: RuleFrameworks;
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
  /** Findings of a rule mapped to compliance controls: the controls the finding fails. */
  frameworks?: RuleFrameworks;
}

/**
 * A pass or a not-applicable result without `--verbose-passes`: which rule, which resource, and the
 * verdict. Its severity and message are the rule's (in `rules`); it has no evidence, and no
 * fingerprint since it is no finding.
 */
export interface JsonCompactResult {
  ruleId: string;
  status: "pass" | "not_applicable";
  resource: JsonResource;
}

function isCompact(status: ResultStatus): status is JsonCompactResult["status"] {
  return status === "pass" || status === "not_applicable";
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

/** How much of each pass and not-applicable result the JSON output carries. */
export interface JsonOptions {
  /**
   * Write passes and not-applicable results in full (message, location, evidence, severity), as
   * findings are. Off by default: they are most of a large report, and what they add repeats the
   * rule (severity, message) or the resource (location).
   */
  verbosePasses?: boolean;
}

/**
 * The report as JSON: the envelope indented for reading, each result on one line of its own. A
 * large account has hundreds of thousands of results; one line each keeps the file a fraction of
 * its indented size and still lets `grep` and a diff show whole results.
 */
export function renderJson(report: Report, options: JsonOptions = {}): string {
  return [...renderJsonChunks(report, options)].join("");
}

/**
 * `renderJson` in chunks of about `JSON_CHUNK_SIZE` characters (a chunk ends at the end of a
 * result or a resource's facts), so that a writer can send the report on while it is produced
 * and no result is held as JSON longer than it takes to write a chunk. Lines are gathered here
 * rather than handed on one by one: a large account has a hundred thousand results, and each
 * chunk passed on costs more than joining the line to the one before.
 */
export function* renderJsonChunks(report: Report, options: JsonOptions = {}): Generator<string> {
  // The resource facts, the one large part of the envelope, are written as they are made rather
  // than stringified with the rest: a large account has tens of thousands, which would be held
  // as one string.
  const head = JSON.stringify({ ...buildEnvelope(report, { facts: false }), results: [] }, null, 2);
  // `results` is the envelope's last field, and `resources` the one before it.
  const at = head.lastIndexOf(RESULTS_MARKER);
  let chunk = head.slice(0, at);
  if (report.resources !== undefined) {
    chunk += '"resources": ';
    let separator = "[\n    ";
    const facts = new FactsJsonWriter();
    for (const resource of eachResourceForFindings(report.results, report.resources)) {
      chunk += separator + facts.factJson(resource);
      separator = ",\n    ";
      if (chunk.length >= JSON_CHUNK_SIZE) {
        yield chunk;
        chunk = "";
      }
    }
    chunk += separator === "[\n    " ? "[],\n  " : "\n  ],\n  ";
  }
  if (report.results.length === 0) {
    yield `${chunk}${head.slice(at)}\n`;
    return;
  }
  chunk += '"results": [\n';
  const fingerprints = new FingerprintSequence();
  const docUris = ruleDocUris(report.rules);
  const controls = controlsByRule(report.rules);
  // Findings say where to learn how to fix them, and which controls they fail: the end of a
  // finding's line is the same for all of a rule's findings.
  const findingClosings = new Map(
    report.rules.map((rule) => {
      const helpUri = docUris.get(rule.id);
      const mapping = controls.get(rule.id);
      let closing = helpUri !== undefined ? `,"helpUri":${JSON.stringify(helpUri)}` : "";
      if (mapping !== undefined) closing += `,"frameworks":${JSON.stringify(mapping)}`;
      return [rule.id, flatText(`${closing}}`)];
    }),
  );
  // One context, updated for each result: results come grouped by rule, so the rule's parts
  // are looked up when the rule changes.
  const context: ResultLineContext = {
    fingerprint: undefined,
    findingClosing: "}",
    verbosePasses: options.verbosePasses === true,
    waiverJson: (waiver: AppliedWaiver) => JSON.stringify(jsonAppliedWaiver(waiver)),
    writtenValues: new Map(),
  };
  let ruleId: string | undefined;
  let separator = "    ";
  // By index: in a generator, `for…of` over an array goes through its iterator, a call and a
  // result object for each of a large report's hundred thousand results.
  const { results } = report;
  for (let index = 0; index < results.length; index += 1) {
    const result = results[index]!;
    if (result.ruleId !== ruleId) {
      ruleId = result.ruleId;
      context.findingClosing = findingClosings.get(ruleId) ?? "}";
    }
    // The same sequence as `fingerprintResults`: findings, in report order.
    context.fingerprint = isFinding(result) ? fingerprints.next(result) : undefined;
    chunk += separator;
    chunk = appendResultLine(chunk, result, context);
    separator = ",\n    ";
    if (chunk.length >= JSON_CHUNK_SIZE) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}\n  ]${head.slice(at + RESULTS_MARKER.length)}\n`;
}

/**
 * About how many characters `renderJsonChunks` gathers into a chunk: enough lines that handing
 * them on costs little, few enough that a chunk stays a small piece of a large report.
 */
export const JSON_CHUNK_SIZE = 1 << 14;

const RESULTS_MARKER = '"results": []';

export function buildJsonReport(report: Report, options: JsonOptions = {}): JsonReport {
  const fingerprints = fingerprintResults(report.results);
  const docUris = ruleDocUris(report.rules);
  const controls = controlsByRule(report.rules);
  const verbose = options.verbosePasses === true;
  const { collectionErrors, inputProblems, waivers, ...head } = buildEnvelope(report);
  return {
    ...head,
    results: report.results.map((result) =>
      jsonResult(result, {
        fingerprint: fingerprints.get(result),
        helpUri: docUris.get(result.ruleId),
        frameworks: controls.get(result.ruleId),
        verbosePasses: verbose,
      }),
    ),
    collectionErrors,
    inputProblems,
    waivers,
  };
}

/** Everything but the results, in the order the file shows it. */
function buildEnvelope(report: Report, { facts = true } = {}): Omit<JsonReport, "results"> {
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
    collectionErrors: report.collectionErrors.map(jsonCollectionError),
    inputProblems: report.inputProblems.map((problem) => ({ ...problem })),
    waivers: (report.waivers ?? []).map(jsonWaiverOutcome),
    ...(report.createdAt !== undefined ? { createdAt: report.createdAt } : {}),
    ...(report.resources !== undefined && facts
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
  const frameworks = copyFrameworks(rule.frameworks);
  if (frameworks !== undefined) json.frameworks = frameworks;
  return json;
}

/** The controls of each rule mapped to at least one, for its findings. */
function controlsByRule(rules: readonly RuleMetadata[]): Map<string, RuleFrameworks> {
  return new Map(
    rules.flatMap((rule) => {
      const mapping = copyFrameworks(rule.frameworks);
      return mapping && Object.keys(mapping).length > 0 ? [[rule.id, mapping] as const] : [];
    }),
  );
}

function copyFrameworks(frameworks: RuleFrameworks | undefined): RuleFrameworks | undefined {
  if (frameworks === undefined) return undefined;
  return Object.fromEntries(
    frameworkEntries(frameworks).map(([id, entry]) => [
      id,
      { version: entry.version, controls: [...entry.controls] },
    ]),
  );
}

/** What a result's JSON takes from outside the result. */
interface ResultContext {
  fingerprint: string | undefined;
  helpUri: string | undefined;
  frameworks: RuleFrameworks | undefined;
  verbosePasses: boolean;
}

function jsonResult(
  result: RuleResult,
  { fingerprint, helpUri, frameworks, verbosePasses }: ResultContext,
): JsonResult | JsonCompactResult {
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
  if (!verbosePasses && isCompact(result.status)) {
    return { ruleId: result.ruleId, status: result.status, resource: jsonResource };
  }
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
  // Like the link, the controls go on findings only: they are what an auditor looks up.
  if (frameworks !== undefined && isFinding(result)) json.frameworks = frameworks;
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
