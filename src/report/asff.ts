import { FRAMEWORKS, frameworkEntries } from "../engine/frameworks.js";
import type { Report, ResultStatus, RuleMetadata, RuleResult } from "../engine/result.js";
import { partitionOfArn } from "../model/resource-types.js";
import { missedByRun, type Baseline, type BaselineFinding } from "./baseline.js";
import { fingerprintResults } from "./fingerprint.js";
import { stringifyAt } from "./json-text.js";
import { resultMessage } from "./message.js";
import { ruleDocUri, ruleDocUris } from "./rule-docs.js";

/**
 * The AWS Security Finding Format (ASFF, schema 2018-10-08), for Security Hub: one finding per
 * result that is a verdict — failures, passes (so that Security Hub resolves a finding that was
 * fixed), waived failures (suppressed) and rules that could not be evaluated (NOT_AVAILABLE, never
 * PASSED). Not-applicable results are left out. The Id is the result's fingerprint, so the same
 * finding is updated from run to run; with a baseline, the baseline's failures that are gone are
 * written once more with RecordState ARCHIVED — unless the run may simply not have seen them.
 *
 * Each finding goes to the Security Hub of its resource's region; resources without one (IAM, the
 * account) to `homeRegion`.
 */

export const ASFF_SCHEMA_VERSION = "2018-10-08";
export const ASFF_TYPE = "Software and Configuration Checks/AWS Security Best Practices";
const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
const MAX_RECOMMENDATION = 512;
/** BatchImportFindings takes at most this many related requirements per finding. */
const MAX_RELATED_REQUIREMENTS = 32;

export interface AsffOptions {
  /** When the findings were produced (CreatedAt, UpdatedAt). */
  now: Date;
  /** The Security Hub region of findings whose resource has no region of its own. */
  homeRegion: string;
  /** The previous run (`--baseline`): its failures that are gone are archived. */
  previous?: Baseline;
}

export type AsffSeverityLabel = "INFORMATIONAL" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
export type AsffComplianceStatus = "PASSED" | "WARNING" | "FAILED" | "NOT_AVAILABLE";

export interface AsffFinding {
  SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Severity: { Label: AsffSeverityLabel; Original?: string };
  Title: string;
  Description: string;
  Remediation?: { Recommendation: { Text: string; Url?: string } };
  ProductFields: Record<string, string>;
  Resources: [{ Type: string; Id: string; Partition: string; Region: string }];
  Compliance: { Status: AsffComplianceStatus; RelatedRequirements?: string[] };
  Workflow?: { Status: "NEW" | "SUPPRESSED" | "RESOLVED" };
  RecordState: "ACTIVE" | "ARCHIVED";
}

/** ASFF resource type names for the canonical types; any other is `Other`. */
const ASFF_RESOURCE_TYPES: Record<string, string> = {
  "AWS::EC2::SecurityGroup": "AwsEc2SecurityGroup",
  "AWS::EC2::Instance": "AwsEc2Instance",
  "AWS::IAM::Role": "AwsIamRole",
  "AWS::IAM::User": "AwsIamUser",
  "AWS::IAM::Group": "AwsIamGroup",
  "AWS::IAM::Policy": "AwsIamPolicy",
  "AWS::SSM::Document": "Other",
  "AWS::SSM::ManagedInstanceInventory": "Other",
  "AWS::::Account": "AwsAccount",
};

export function asffResourceType(type: string): string {
  return ASFF_RESOURCE_TYPES[type] ?? "Other";
}

export function renderAsff(report: Report, options: AsffOptions): string {
  return [...renderAsffChunks(report, options)].join("");
}

/**
 * The text of `buildAsffFindings`' list, as `JSON.stringify` indents it, a finding at a time: an
 * account's findings hold every pass as well as every failure, over a hundred megabytes for a
 * large one, which were built whole as objects and then as one string before a byte was written.
 */
export function* renderAsffChunks(report: Report, options: AsffOptions): Generator<string> {
  let empty = true;
  for (const finding of asffFindings(report, options)) {
    yield `${empty ? "[" : ","}\n  ${stringifyAt(finding, "  ")}`;
    empty = false;
  }
  yield empty ? "[]\n" : "\n]\n";
}

export function buildAsffFindings(report: Report, options: AsffOptions): AsffFinding[] {
  return [...asffFindings(report, options)];
}

/** The findings of `report`, each made when it is taken, then those of `previous` now resolved. */
function* asffFindings(report: Report, options: AsffOptions): Generator<AsffFinding> {
  const fingerprints = fingerprintResults(report.results, (result) => result.status !== "not_applicable");
  const rules = new Map(report.rules.map((rule) => [rule.id, rule]));
  const docUris = ruleDocUris(report.rules);
  // What every finding of a rule repeats, worked out once per rule rather than per finding.
  const recommendations = new Map(
    report.rules.map((rule) => [
      rule.id,
      truncate(rule.remediation.replace(/\s+/g, " "), MAX_RECOMMENDATION),
    ]),
  );
  const requirementsOf = new Map(report.rules.map((rule) => [rule.id, relatedRequirements(rule)]));
  const time = options.now.toISOString();
  const current = new Set<string>();
  for (const result of report.results) {
    if (result.status === "not_applicable") continue;
    const rule = rules.get(result.ruleId);
    const fingerprint = fingerprints.get(result)!;
    const finding = baseFinding(
      {
        ruleId: result.ruleId,
        resourceType: result.resource.type,
        resourceId: result.resource.id,
        account: result.resource.account,
        region: result.resource.region,
        ...(result.resource.arn !== undefined ? { arn: result.resource.arn } : {}),
      },
      fingerprint,
      rule,
      time,
      options.homeRegion,
    );
    finding.Severity = { Label: result.status === "pass" ? "INFORMATIONAL" : severityLabel(rule) };
    if (rule !== undefined) finding.Severity.Original = rule.securitySeverity.toFixed(1);
    finding.Description = truncate(descriptionOf(result), MAX_DESCRIPTION);
    finding.Compliance = { Status: COMPLIANCE[result.status] };
    const requirements = requirementsOf.get(result.ruleId) ?? [];
    if (requirements.length > 0) finding.Compliance.RelatedRequirements = [...requirements];
    if (result.status === "waived") finding.Workflow = { Status: "SUPPRESSED" };
    const docs = docUris.get(result.ruleId);
    if (rule !== undefined && result.status !== "pass") {
      finding.Remediation = {
        Recommendation: {
          Text: recommendations.get(result.ruleId)!,
          ...(docs !== undefined ? { Url: docs } : {}),
        },
      };
    }
    current.add(fingerprint);
    yield finding;
  }
  const previous = options.previous?.findings;
  if (previous === undefined || previous.size === 0) return;
  const unseen = missedByRun(
    report.results,
    report.collectionErrors.length > 0 || report.inputProblems.length > 0,
  );
  for (const [fingerprint, gone] of previous) {
    if (current.has(fingerprint) || unseen(gone)) continue;
    const finding = baseFinding(gone, fingerprint, rules.get(gone.ruleId), time, options.homeRegion);
    finding.Compliance = { Status: "PASSED" };
    finding.Workflow = { Status: "RESOLVED" };
    finding.RecordState = "ARCHIVED";
    yield finding;
  }
}

/**
 * The framework controls the rule implements, as Security Hub writes related requirements:
 * `CIS Amazon Web Services Foundations Benchmark v7.0.0/6.3`. A rule mapped to no control has none.
 */
function relatedRequirements(rule: RuleMetadata | undefined): string[] {
  return frameworkEntries(rule?.frameworks)
    .flatMap(([id, entry]) =>
      entry.controls.map((control) => `${FRAMEWORKS[id].name} v${entry.version}/${control}`),
    )
    .slice(0, MAX_RELATED_REQUIREMENTS);
}

// Not-applicable results are left out before this table is used.
const COMPLIANCE: Record<ResultStatus, AsffComplianceStatus> = {
  not_applicable: "NOT_AVAILABLE",
  fail: "FAILED",
  waived: "FAILED",
  pass: "PASSED",
  error: "NOT_AVAILABLE",
};

function baseFinding(
  about: BaselineFinding,
  fingerprint: string,
  rule: RuleMetadata | undefined,
  time: string,
  homeRegion: string,
): AsffFinding {
  const partition = partitionOfArn(about.arn);
  const region = isRegion(about.region) ? about.region : homeRegion;
  const account = about.account;
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: `access-baseline/${fingerprint}`,
    ProductArn: `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`,
    GeneratorId: about.ruleId,
    AwsAccountId: account,
    Types: [ASFF_TYPE],
    CreatedAt: time,
    UpdatedAt: time,
    Severity: { Label: "INFORMATIONAL" },
    Title: truncate(rule?.title ?? about.ruleId, MAX_TITLE),
    Description: truncate(`${about.ruleId} on ${about.resourceId}: no longer failing.`, MAX_DESCRIPTION),
    ProductFields: {
      "access-baseline/RuleId": about.ruleId,
      "access-baseline/Fingerprint": fingerprint,
      ...(rule !== undefined && ruleDocUri(rule) !== undefined
        ? { "access-baseline/HelpUri": ruleDocUri(rule)! }
        : {}),
    },
    Resources: [
      {
        Type: asffResourceType(about.resourceType),
        Id: about.arn ?? about.resourceId,
        Partition: partition,
        Region: region,
      },
    ],
    Compliance: { Status: "NOT_AVAILABLE" },
    RecordState: "ACTIVE",
  };
}

function descriptionOf(result: RuleResult): string {
  const message = resultMessage(result);
  if (result.status === "waived" && result.waiver !== undefined) {
    return `${message} Waived until ${result.waiver.expires} (owner: ${result.waiver.owner}): ${result.waiver.reason}`;
  }
  return message;
}

/** Security Hub's labels for the rule's CVSS-like score. */
function severityLabel(rule: RuleMetadata | undefined): AsffSeverityLabel {
  const score = rule?.securitySeverity ?? 0;
  if (score >= 9) return "CRITICAL";
  if (score >= 7) return "HIGH";
  if (score >= 4) return "MEDIUM";
  if (score > 0) return "LOW";
  return "INFORMATIONAL";
}

function isRegion(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region);
}

function truncate(text: string, limit: number): string {
  // A text of no more code units than the limit has no more characters either: most texts are
  // that short, and splitting each into characters cost most of the time of a large report.
  if (text.length <= limit) return text;
  const characters = Array.from(text);
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join("")}…`;
}
