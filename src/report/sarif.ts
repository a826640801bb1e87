import { createHash } from "node:crypto";
import { ConfigError, RuleError } from "../errors.js";
import type { Evidence, Report, RuleMetadata, RuleResult, Severity } from "../engine/result.js";
import type { CollectionError } from "../model/collection-error.js";
import type { InputProblem } from "../sources/source.js";
import type { SourceKind } from "../model/resource.js";
import { reportedEvidence } from "./evidence.js";
import { fileUri, locateResult } from "./location.js";
import { resultMessage } from "./message.js";

/**
 * SARIF 2.1.0 for GitHub code scanning. The output has to satisfy both the OASIS schema and
 * GitHub's stricter ingestion rules (every result with a physical location, numeric
 * `security-severity` strings, unique categories, a `results` array in every run), and it has to
 * keep alerts stable across runs, which is why fingerprints are computed here from identity alone.
 */

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
  /**
   * The code-scanning category (`runs[].automationDetails.id`), overriding the derived one. Only
   * allowed when the report makes a single run; a trailing `/` is added when missing, because
   * without it GitHub would read the last segment as a run id rather than part of the category.
   */
  category?: string;
}

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
  };
}

export interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications: SarifNotification[];
}

export interface SarifNotification {
  level: "error";
  message: { text: string };
  /** Where the problem is, for input files. */
  locations?: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region?: { startLine: number; startColumn?: number };
    };
  }[];
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
  properties: {
    status: "fail" | "error";
    resourceType: string;
    resourceId: string;
    arn?: string;
    account: string;
    region: string;
    address?: string;
    evidence: Evidence[];
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

/**
 * Which run a result goes to. Each run is its own code-scanning category, and GitHub closes every
 * alert of a category that is missing from its next upload: template scans and account scans must
 * therefore never share one, and neither may the Config rule's one-resource-at-a-time evaluations.
 */
type RunKind = "aws" | "config" | "iac";

const RUN_KIND_BY_SOURCE: Record<SourceKind, RunKind> = {
  "aws-live": "aws",
  snapshot: "aws",
  "config-item": "config",
  cloudformation: "iac",
  "terraform-plan": "iac",
};

/** The order runs appear in, so that equal input gives byte-identical output. */
const RUN_KINDS: readonly RunKind[] = ["aws", "config", "iac"];

interface RunGroup {
  kind: RunKind;
  /** Every result of this kind, whatever its status: a clean scan still names its accounts. */
  results: RuleResult[];
  collectionErrors: CollectionError[];
  inputProblems: InputProblem[];
}

export function renderSarif(report: Report, options: SarifOptions = {}): string {
  return `${JSON.stringify(buildSarifLog(report, options), null, 2)}\n`;
}

export function buildSarifLog(report: Report, options: SarifOptions = {}): SarifLog {
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
  const runs = groups.map((group) => ({
    tool: { driver },
    automationDetails: {
      id: options.category !== undefined ? normalizeCategory(options.category) : defaultCategory(group),
    },
    invocations: [sarifInvocation(group)],
    columnKind: "utf16CodeUnits" as const,
    results: sarifResults(group, ruleIndex),
  }));
  return { $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs };
}

function groupRuns(report: Report): RunGroup[] {
  const byKind = new Map<RunKind, RunGroup>();
  for (const result of report.results) {
    const kind = RUN_KIND_BY_SOURCE[result.resource.source.kind];
    let group = byKind.get(kind);
    if (!group) {
      group = { kind, results: [], collectionErrors: [], inputProblems: [] };
      byKind.set(kind, group);
    }
    group.results.push(result);
  }
  const groups = RUN_KINDS.flatMap((kind) => byKind.get(kind) ?? []);
  // An empty report still makes one run, so that uploading a clean scan closes fixed alerts.
  if (groups.length === 0) {
    const kind = report.inputProblems.length > 0 ? "iac" : "aws";
    groups.push({ kind, results: [], collectionErrors: [], inputProblems: [] });
  }
  // Only collectors of live data fail to collect, so their errors belong to the account run.
  const collectionRun = byKind.get("aws") ?? byKind.get("config") ?? groups[0];
  collectionRun?.collectionErrors.push(...report.collectionErrors);
  // Input files belong to the templates run; without one, to the first run there is.
  const inputRun = byKind.get("iac") ?? groups[0];
  inputRun?.inputProblems.push(...report.inputProblems);
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
      tags: ruleTags(rule.tags),
      precision: rule.precision,
      "security-severity": securitySeverity(rule),
    },
  };
  if (rule.helpUri !== undefined) sarif.helpUri = rule.helpUri;
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
// ten tags GitHub shows.
function ruleTags(tags: readonly string[]): string[] {
  return [...new Set(["security", ...tags])].slice(0, MAX_TAGS);
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
  if (rule.helpUri !== undefined) parts.push(`More information: ${rule.helpUri}`);
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
  if (rule.helpUri !== undefined) parts.push(`[More information](${rule.helpUri})`);
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

function sarifResults(group: RunGroup, ruleIndex: ReadonlyMap<string, number>): SarifResult[] {
  const occurrences = new Map<string, number>();
  const results: SarifResult[] = [];
  for (const result of group.results) {
    if (result.status !== "fail" && result.status !== "error") continue;
    const index = ruleIndex.get(result.ruleId);
    if (index === undefined) {
      throw new Error(`result for rule ${result.ruleId}, which is not among the report's rules`);
    }
    const identity = identityHash(result, group.kind);
    // The same identity twice (two findings of one rule on one resource) must still give two
    // distinct fingerprints; counting occurrences in report order keeps them stable.
    const occurrence = (occurrences.get(identity) ?? 0) + 1;
    occurrences.set(identity, occurrence);
    results.push(sarifResult(result, index, `${identity}:${occurrence}`));
  }
  return results;
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
      status: result.status === "error" ? "error" : "fail",
      resourceType: resource.type,
      resourceId: resource.id,
      account: resource.account,
      region: resource.region,
      evidence: reportedEvidence(result.evidence),
    },
  };
  if (resource.arn !== undefined) sarif.properties.arn = resource.arn;
  if (resource.source.address !== undefined) sarif.properties.address = resource.source.address;
  return sarif;
}

/**
 * The stable identity of a finding, hashed: what GitHub matches alerts on between uploads. Only
 * what names the rule and the resource goes in — never the message, the evidence, a line number
 * or a time — so an alert survives edits around it. Template resources add their file and
 * address, because their account and region are placeholders; live resources do not, because a
 * snapshot's file name may change from run to run.
 */
function identityHash(result: RuleResult, kind: RunKind): string {
  const { resource } = result;
  const identity: string[] = [result.ruleId, resource.account, resource.region, resource.type, resource.id];
  if (kind === "iac") {
    identity.push(locateResult(resource, []).uri, resource.source.address ?? "");
  }
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}
