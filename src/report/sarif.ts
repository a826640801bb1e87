import { ConfigError, RuleError, formatLocation } from "../errors.js";
import type {
  AppliedWaiver,
  BaselineState,
  Evidence,
  Report,
  RuleMetadata,
  RuleResult,
  Severity,
  Waiver,
  WaiverOutcome,
} from "../engine/result.js";
import { frameworkEntries, frameworkTags, type RuleFrameworks } from "../engine/frameworks.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../model/input-problem.js";
import { reportedEvidence } from "./evidence.js";
import { fingerprintResults, isFinding, runKindOf, type RunKind } from "./fingerprint.js";
import { stringifyAt } from "./json-text.js";
import { fileUri, locateResult } from "./location.js";
import { resultMessage } from "./message.js";
import { ruleDocUri, ruleDocUris } from "./rule-docs.js";

/**
 * SARIF 2.1.0 for GitHub code scanning. The output has to satisfy both the OASIS schema and
 * GitHub's stricter ingestion rules (every result with a physical location, numeric
 * `security-severity` strings, unique categories, a `results` array in every run), and it has to
 * keep alerts stable across runs, which is why fingerprints are computed from identity alone
 * (`fingerprint.ts`, shared with the JSON output and `--baseline`).
 */

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
  /**
   * The code-scanning category (`runs[].automationDetails.id`), overriding the derived one. Only
   * allowed when the report makes a single run; a trailing `/` is added when missing, because
   * without it GitHub would read the last segment as a run id rather than part of the category.
   */
  category?: string;
  /**
   * `suppress` (the default): waived results are written with an accepted suppression, as SARIF
   * intends. `omit`: they are left out, for consumers that show suppressed results as open alerts
   * (GitHub code scanning has been reported to); the alert then closes until the waiver expires.
   */
  waived?: WaivedInSarif;
}

import type { WaivedInSarif } from "./options.js";
export { WAIVED_IN_SARIF, type WaivedInSarif } from "./options.js";

/** The part of SARIF 2.1.0 this reporter writes. */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

export interface SarifRun {
  tool: { driver: SarifDriver };
  automationDetails: { id: string };
  invocations: SarifInvocation[];
  columnKind: "utf16CodeUnits";
  results: SarifResult[];
}

export interface SarifDriver {
  name: string;
  semanticVersion: string;
  version: string;
  informationUri: string;
  rules: SarifRule[];
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Severity };
  properties: {
    tags: string[];
    precision: RuleMetadata["precision"];
    "security-severity": string;
    /** The public compliance controls the rule implements, by framework id, with their version. */
    frameworks?: RuleFrameworks;
  };
}

export interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications: SarifNotification[];
  properties?: { configurationFile: string | null };
}

export interface SarifNotification {
  /** `error` for what made the run incomplete; `warning` for waivers that match nothing. */
  level: "error" | "warning";
  message: { text: string };
  /** Where the problem is: an input file, or the line of a waiver. */
  locations?: SarifFileLocation[];
  properties: Record<string, unknown>;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  kind: "fail";
  level: Severity;
  message: { text: string };
  locations: [SarifLocation];
  partialFingerprints: { primaryLocationLineHash: string };
  /**
   * Present on every result of a run that has a waived result (SARIF wants all or none): the
   * waiver of a waived result, and an empty list on the others.
   */
  suppressions?: SarifSuppression[];
  /** Only with a baseline, on failures: whether the baseline already had the finding. */
  baselineState?: BaselineState;
  properties: {
    status: "fail" | "error" | "waived";
    resourceType: string;
    resourceId: string;
    arn?: string;
    account: string;
    region: string;
    address?: string;
    evidence: Evidence[];
    /** The waiver of a waived result, or the expired waiver of a failure. */
    waiver?: AppliedWaiver;
    /** The rule's documentation, also the rule's `helpUri`: how to fix the finding. */
    helpUri?: string;
  };
}

export interface SarifSuppression {
  /** `external` for the configuration file's waivers, `inSource` for waivers in templates. */
  kind: "external" | "inSource";
  status: "accepted";
  justification: string;
  /** Where the waiver is written. */
  location?: SarifFileLocation;
  properties: { owner: string; expires: string; rule: string; resource?: string };
}

/** A place in a file, for notifications and suppressions (results use `SarifLocation`). */
export interface SarifFileLocation {
  physicalLocation: {
    artifactLocation: { uri: string };
    region?: { startLine: number; startColumn?: number };
  };
}

export interface SarifLocation {
  physicalLocation: {
    artifactLocation: { uri: string };
    region: { startLine: number; startColumn?: number };
  };
  logicalLocations: { kind: "resource"; name: string; fullyQualifiedName?: string }[];
}

/** GitHub's limits on rule metadata. */
const MAX_NAME_LENGTH = 255;
const MAX_DESCRIPTION_LENGTH = 1024;
const MAX_TAGS = 20;

/** The order runs appear in, so that equal input gives byte-identical output. */
const RUN_KINDS: readonly RunKind[] = ["aws", "config", "iac"];

interface RunGroup {
  kind: RunKind;
  /** Every result of this kind, whatever its status: a clean scan still names its accounts. */
  results: RuleResult[];
  collectionErrors: CollectionError[];
  inputProblems: InputProblem[];
  /** Waivers that matched no failing result: warnings, in the first run. */
  unmatchedWaivers: WaiverOutcome[];
}

export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return [...renderSarifChunks(report, options)].join("");
}

/**
 * The text of `buildSarifLog`'s document, as `JSON.stringify` indents it, in pieces: the log up to
 * each run's results, then one result at a time, each made and stringified only when it is taken.
 * A large account's log (tens of thousands of findings, each with its location, fingerprint and
 * evidence) was built whole as objects and then as one string of a hundred megabytes before a byte
 * was written.
 */
export function renderSarifChunks(report: Report, options: SarifOptions = {}): Iterable<string> {
  // Made before the first piece is asked for, so that a category the report cannot take is refused
  // when the renderer is called, as the other formats refuse their options.
  return sarifText(sarifLogParts(report, options));
}

function* sarifText({ runs, resultsOfRun }: SarifLogParts): Generator<string> {
  yield `{\n  "$schema": ${JSON.stringify(SARIF_SCHEMA_URI)},\n  "version": "2.1.0",\n  "runs": [`;
  for (let index = 0; index < runs.length; index += 1) {
    // A run at depth two, without its results, which come last: its text up to the closing brace.
    const run = stringifyAt(runs[index], RUN_INDENT);
    yield `${index === 0 ? "" : ","}\n${RUN_INDENT}${run.slice(0, -(RUN_INDENT.length + 2))},\n${RESULTS_INDENT}"results": [`;
    let empty = true;
    for (const result of resultsOfRun(index)) {
      yield `${empty ? "" : ","}\n${RESULT_INDENT}${stringifyAt(result, RESULT_INDENT)}`;
      empty = false;
    }
    yield empty ? `]\n${RUN_INDENT}}` : `\n${RESULTS_INDENT}]\n${RUN_INDENT}}`;
  }
  yield "\n  ]\n}\n";
}

/** Where `JSON.stringify(log, null, 2)` puts a run, a run's members, and a result. */
const RUN_INDENT = " ".repeat(4);
const RESULTS_INDENT = " ".repeat(6);
const RESULT_INDENT = " ".repeat(8);

export function buildSarifLog(report: Report, options: SarifOptions = {}): SarifLog {
  const { runs, resultsOfRun } = sarifLogParts(report, options);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: runs.map((run, index) => ({ ...run, results: [...resultsOfRun(index)] })),
  };
}

/** The log's runs without their results, and each run's results, made as they are taken. */
interface SarifLogParts {
  runs: Omit<SarifRun, "results">[];
  resultsOfRun: (index: number) => Iterable<SarifResult>;
}

function sarifLogParts(report: Report, options: SarifOptions): SarifLogParts {
  const groups = groupRuns(report);
  if (options.category !== undefined && groups.length > 1) {
    throw new ConfigError(
      `a SARIF category can only be set for a single kind of source, but this report mixes ${groups
        .map((group) => group.kind)
        .join(", ")}`,
    );
  }
  const driver = sarifDriver(report);
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const fingerprints = fingerprintResults(report.results);
  const docUris = ruleDocUris(report.rules);
  const runs = groups.map((group) => ({
    tool: { driver },
    automationDetails: {
      id: options.category !== undefined ? normalizeCategory(options.category) : defaultCategory(group),
    },
    invocations: [
      {
        ...sarifInvocation(group),
        ...(report.configurationFile !== undefined
          ? { properties: { configurationFile: report.configurationFile } }
          : {}),
      },
    ],
    columnKind: "utf16CodeUnits" as const,
  }));
  const waived = options.waived ?? "suppress";
  return {
    runs,
    resultsOfRun: (index) => sarifResults(groups[index]!, ruleIndex, fingerprints, waived, docUris),
  };
}

function groupRuns(report: Report): RunGroup[] {
  const byKind = new Map<RunKind, RunGroup>();
  for (const result of report.results) {
    const kind = runKindOf(result);
    let group = byKind.get(kind);
    if (!group) {
      group = { kind, results: [], collectionErrors: [], inputProblems: [], unmatchedWaivers: [] };
      byKind.set(kind, group);
    }
    group.results.push(result);
  }
  const groups = RUN_KINDS.flatMap((kind) => byKind.get(kind) ?? []);
  // An empty report still makes one run, so that uploading a clean scan closes fixed alerts.
  if (groups.length === 0) {
    const kind = report.inputProblems.length > 0 ? "iac" : "aws";
    groups.push({ kind, results: [], collectionErrors: [], inputProblems: [], unmatchedWaivers: [] });
  }
  // Only collectors of live data fail to collect, so their errors belong to the account run.
  const collectionRun = byKind.get("aws") ?? byKind.get("config") ?? groups[0];
  collectionRun?.collectionErrors.push(...report.collectionErrors);
  // Input files belong to the templates run; without one, to the first run there is.
  const inputRun = byKind.get("iac") ?? groups[0];
  inputRun?.inputProblems.push(...report.inputProblems);
  // Notifications are not alerts, so any run will do; the first keeps them in one place.
  groups[0]?.unmatchedWaivers.push(
    ...(report.waivers ?? []).filter((outcome) => outcome.state === "unmatched"),
  );
  return groups;
}

function defaultCategory(group: RunGroup): string {
  if (group.kind === "iac") return "iac/";
  const accounts = new Set([
    ...group.results.map((result) => result.resource.account),
    ...group.collectionErrors.map((error) => error.account),
  ]);
  const [account] = accounts;
  return accounts.size === 1 && account ? `${group.kind}/${account}/` : `${group.kind}/`;
}

function normalizeCategory(category: string): string {
  const trimmed = category.trim();
  if (trimmed === "" || trimmed === "/") throw new ConfigError("the SARIF category must not be empty");
  return trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}

function sarifDriver(report: Report): SarifDriver {
  return {
    name: report.tool.name,
    semanticVersion: report.tool.version,
    version: report.tool.version,
    informationUri: report.tool.informationUri,
    rules: report.rules.map(sarifRule),
  };
}

function sarifRule(rule: RuleMetadata): SarifRule {
  const sarif: SarifRule = {
    id: rule.id,
    name: truncate(ruleName(rule.id), MAX_NAME_LENGTH),
    shortDescription: { text: truncate(rule.title, MAX_DESCRIPTION_LENGTH) },
    fullDescription: { text: truncate(rule.description, MAX_DESCRIPTION_LENGTH) },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    defaultConfiguration: { level: rule.severity },
    properties: {
      tags: ruleTags(rule.tags, frameworkTags(rule.frameworks)),
      precision: rule.precision,
      "security-severity": securitySeverity(rule),
    },
  };
  if (rule.frameworks !== undefined) {
    sarif.properties.frameworks = Object.fromEntries(
      frameworkEntries(rule.frameworks).map(([id, entry]) => [
        id,
        { version: entry.version, controls: [...entry.controls] },
      ]),
    );
  }
  const helpUri = ruleDocUri(rule);
  if (helpUri !== undefined) sarif.helpUri = helpUri;
  return sarif;
}

/** `ssh-from-world` → `SshFromWorld`: the rule's id as a name, as SARIF viewers expect. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

// GitHub files an alert under "security" only with this tag; it goes first so it is among the
// ten tags GitHub shows, and the controls (`CIS-6.3`, `FSBP-EC2.13`) next, so that alerts can be
// filtered by control. The rule loader keeps the total within the limit.
function ruleTags(tags: readonly string[], controls: readonly string[]): string[] {
  return [...new Set(["security", ...controls, ...tags])].slice(0, MAX_TAGS);
}

/** A number in (0, 10] as a string: GitHub rejects the whole upload for anything else. */
function securitySeverity(rule: RuleMetadata): string {
  const score = rule.securitySeverity;
  const text = Number.isFinite(score) ? score.toFixed(1) : "";
  const rounded = Number(text);
  if (text === "" || rounded <= 0 || rounded > 10) {
    throw new RuleError(`rule ${rule.id}: security severity ${score} is not a number in (0, 10]`);
  }
  return text;
}

function helpText(rule: RuleMetadata): string {
  const parts = [rule.description, `Rationale: ${rule.rationale}`, `Remediation: ${rule.remediation}`];
  const helpUri = ruleDocUri(rule);
  if (helpUri !== undefined) parts.push(`More information: ${helpUri}`);
  return parts.join("\n\n");
}

function helpMarkdown(rule: RuleMetadata): string {
  const parts = [
    `## ${rule.title}`,
    rule.description,
    "### Rationale",
    rule.rationale,
    "### Remediation",
    rule.remediation,
  ];
  const helpUri = ruleDocUri(rule);
  if (helpUri !== undefined) parts.push(`[More information](${helpUri})`);
  return parts.join("\n\n");
}

function truncate(text: string, limit: number): string {
  const characters = Array.from(text);
  if (characters.length <= limit) return text;
  return `${characters.slice(0, limit - 1).join("")}…`;
}

function sarifInvocation(group: RunGroup): SarifInvocation {
  const evaluationFailed = group.results.some((result) => result.status === "error");
  return {
    executionSuccessful:
      !evaluationFailed && group.collectionErrors.length === 0 && group.inputProblems.length === 0,
    toolExecutionNotifications: [
      ...group.inputProblems.map(inputProblemNotification),
      ...group.collectionErrors.map(sarifNotification),
      ...group.unmatchedWaivers.map(unmatchedWaiverNotification),
    ],
  };
}

function inputProblemNotification(problem: InputProblem): SarifNotification {
  const region =
    problem.line === undefined
      ? undefined
      : { startLine: problem.line, ...(problem.column === undefined ? {} : { startColumn: problem.column }) };
  return {
    level: "error",
    message: { text: `cannot use ${problem.file}: ${problem.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: fileUri(problem.file) },
          ...(region ? { region } : {}),
        },
      },
    ],
    properties: { file: problem.file },
  };
}

function unmatchedWaiverNotification(outcome: WaiverOutcome): SarifNotification {
  const { waiver } = outcome;
  const where = formatLocation(waiver.file || "(no file)", waiver.line, waiver.column);
  const target = waiver.resource ?? outcome.resourceId ?? "";
  const expired = outcome.daysLeft < 0 ? `; it also expired on ${waiver.expires}` : "";
  const notification: SarifNotification = {
    level: "warning",
    message: {
      text:
        `the waiver at ${where} (rule ${waiver.rule}, resource ${target}) matches no failing result: ` +
        `remove it${expired}`,
    },
    properties: {
      origin: waiver.origin,
      rule: waiver.rule,
      resource: target,
      owner: waiver.owner,
      expires: waiver.expires,
    },
  };
  const location = waiverLocation(waiver);
  if (location !== undefined) notification.locations = [location];
  return notification;
}

/** Where a waiver is written, when it is written in a file. */
function waiverLocation(waiver: Waiver): SarifFileLocation | undefined {
  if (waiver.file === "") return undefined;
  const location: SarifFileLocation = {
    physicalLocation: { artifactLocation: { uri: fileUri(waiver.file) } },
  };
  if (waiver.line !== undefined) {
    location.physicalLocation.region = {
      startLine: waiver.line,
      ...(waiver.column !== undefined ? { startColumn: waiver.column } : {}),
    };
  }
  return location;
}

function sarifSuppression(waiver: AppliedWaiver): SarifSuppression {
  const suppression: SarifSuppression = {
    kind: waiver.origin === "configuration" ? "external" : "inSource",
    status: "accepted",
    justification: `${waiver.reason} (owner: ${waiver.owner}; expires ${waiver.expires})`,
    properties: { owner: waiver.owner, expires: waiver.expires, rule: waiver.rule },
  };
  if (waiver.resource !== undefined) suppression.properties.resource = waiver.resource;
  const location = waiverLocation(waiver);
  if (location !== undefined) suppression.location = location;
  return suppression;
}

function sarifNotification(error: CollectionError): SarifNotification {
  const permission = error.iamAction !== undefined ? ` (requires ${error.iamAction})` : "";
  const notification: SarifNotification = {
    level: "error",
    message: {
      text:
        `could not collect ${error.service} ${error.operation} in account ${error.account}, ` +
        `region ${error.region}: ${error.code}: ${error.message}${permission}`,
    },
    properties: {
      account: error.account,
      region: error.region,
      service: error.service,
      operation: error.operation,
      code: error.code,
      resourceTypes: [...error.resourceTypes],
    },
  };
  if (error.iamAction !== undefined) notification.properties.iamAction = error.iamAction;
  return notification;
}

function* sarifResults(
  group: RunGroup,
  ruleIndex: ReadonlyMap<string, number>,
  fingerprints: ReadonlyMap<RuleResult, string>,
  waived: WaivedInSarif,
  docUris: ReadonlyMap<string, string>,
): Generator<SarifResult> {
  // Fingerprints were computed over every finding, so leaving waived results out changes no other.
  const findings = group.results
    .filter(isFinding)
    .filter((result) => waived === "suppress" || result.status !== "waived");
  // SARIF wants suppression information on every result of a run or on none.
  const suppressions = findings.some((result) => result.status === "waived");
  for (const result of findings) {
    const index = ruleIndex.get(result.ruleId);
    if (index === undefined) {
      throw new Error(`result for rule ${result.ruleId}, which is not among the report's rules`);
    }
    const sarif = sarifResult(result, index, fingerprints.get(result)!);
    const helpUri = docUris.get(result.ruleId);
    if (helpUri !== undefined) sarif.properties.helpUri = helpUri;
    if (suppressions) {
      sarif.suppressions =
        result.status === "waived" && result.waiver ? [sarifSuppression(result.waiver)] : [];
    }
    yield sarif;
  }
}

function sarifResult(result: RuleResult, ruleIndex: number, fingerprint: string): SarifResult {
  const { resource } = result;
  const location = locateResult(resource, result.evidence);
  const region: SarifLocation["physicalLocation"]["region"] = { startLine: location.line ?? 1 };
  if (location.column !== undefined) region.startColumn = location.column;
  const logicalLocation: SarifLocation["logicalLocations"][number] = { kind: "resource", name: resource.id };
  const qualifiedName = resource.arn ?? resource.source.address;
  if (qualifiedName !== undefined) logicalLocation.fullyQualifiedName = qualifiedName;

  const notEvaluated = result.status === "error";
  const sarif: SarifResult = {
    ruleId: result.ruleId,
    ruleIndex,
    kind: "fail",
    level: notEvaluated ? "error" : result.severity,
    message: { text: resultMessage(result) },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: location.uri }, region },
        logicalLocations: [logicalLocation],
      },
    ],
    partialFingerprints: { primaryLocationLineHash: fingerprint },
    properties: {
      status: result.status === "error" || result.status === "waived" ? result.status : "fail",
      resourceType: resource.type,
      resourceId: resource.id,
      account: resource.account,
      region: resource.region,
      evidence: reportedEvidence(result.evidence),
    },
  };
  if (resource.arn !== undefined) sarif.properties.arn = resource.arn;
  if (resource.source.address !== undefined) sarif.properties.address = resource.source.address;
  if (result.waiver !== undefined) sarif.properties.waiver = result.waiver;
  if (result.baselineState !== undefined) sarif.baselineState = result.baselineState;
  return sarif;
}
