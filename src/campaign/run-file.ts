import { InputError } from "../errors.js";
import type { Report, ResultStatus } from "../engine/result.js";
import { buildJsonReport, RESULTS_FORMAT, RESULTS_FORMAT_VERSION, type JsonReport } from "../report/json.js";
import type { ResourceFacts } from "../report/resource-facts.js";
import { resourceKey, type CampaignRule, type CampaignRun, type OpenItem } from "./model.js";

/**
 * Reading one run. A results file (`check --format json`) is read as it is; a snapshot is
 * evaluated by the caller through the pipeline and its report read the same way, through the JSON
 * shape, so both kinds of input give the same view. Anything else — another tool's JSON, a newer
 * format, a file cut short — is refused with one line naming the file: a campaign built on data
 * nobody understood would be a silent pass.
 */

export const SNAPSHOT_FORMAT = "access-baseline/snapshot";
const SNAPSHOT_VERSION = 1;

export type RunFileKind =
  { kind: "results"; json: JsonReport } | { kind: "snapshot"; createdAt: string; toolVersion: string };

/** Recognises a run file from its text; throws an `InputError` naming `shown` otherwise. */
export function recogniseRunFile(text: string, shown: string): RunFileKind {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const truncated = /end of (JSON )?input|Unterminated/i.test((error as Error).message);
    throw new InputError(
      `${shown}: ${truncated ? "the JSON ends early (a truncated file?)" : `not valid JSON (${(error as Error).message})`}; ` +
        "expected a results file (check --format json) or a snapshot (collect)",
    );
  }
  if (!isRecord(parsed) || (parsed.format !== RESULTS_FORMAT && parsed.format !== SNAPSHOT_FORMAT)) {
    throw new InputError(
      `${shown}: not a results file (check --format json) or a snapshot (collect) of access-baseline`,
    );
  }
  const isResults = parsed.format === RESULTS_FORMAT;
  const known = isResults ? RESULTS_FORMAT_VERSION : SNAPSHOT_VERSION;
  if (typeof parsed.version !== "number" || !Number.isInteger(parsed.version)) {
    throw new InputError(`${shown}: ${String(parsed.format)} without a format version`);
  }
  if (parsed.version > known) {
    throw new InputError(
      `${shown}: ${String(parsed.format)} version ${parsed.version} was written by a newer access-baseline; this one reads version ${known}`,
    );
  }
  if (parsed.version !== known) {
    throw new InputError(
      `${shown}: ${String(parsed.format)} version ${parsed.version} is not supported (expected ${known})`,
    );
  }
  const toolVersion =
    isRecord(parsed.tool) && typeof parsed.tool.version === "string" ? parsed.tool.version : undefined;
  if (toolVersion === undefined) throw new InputError(`${shown}: no tool version (tool.version)`);
  const createdAt = typeof parsed.createdAt === "string" ? parsed.createdAt : undefined;
  if (createdAt === undefined || Number.isNaN(Date.parse(createdAt))) {
    throw new InputError(
      `${shown}: the run has no timestamp (createdAt), so it cannot be placed in the history; ` +
        "write results with this version of check --format json",
    );
  }
  if (!isResults) return { kind: "snapshot", createdAt: new Date(createdAt).toISOString(), toolVersion };
  for (const field of ["rules", "results"] as const) {
    if (!Array.isArray(parsed[field]))
      throw new InputError(`${shown}: results file without its "${field}" list`);
  }
  return { kind: "results", json: parsed as unknown as JsonReport };
}

const RESULT_STATUSES: ReadonlySet<string> = new Set<ResultStatus>([
  "pass",
  "fail",
  "not_applicable",
  "error",
  "waived",
]);

/** The campaign view of a results file. */
export function runFromResults(json: JsonReport, shown: string): CampaignRun {
  const rules = new Map<string, CampaignRule>();
  for (const rule of json.rules) {
    if (!isRecord(rule) || typeof rule.id !== "string")
      throw new InputError(`${shown}: a rule without an id`);
    rules.set(rule.id, {
      id: rule.id,
      title: String(rule.title ?? rule.id),
      severity: rule.severity,
      tags: Array.isArray(rule.tags) ? rule.tags.map(String) : [],
      ...(typeof rule.helpUri === "string" ? { helpUri: rule.helpUri } : {}),
    });
  }
  const accounts = new Set<string>();
  const regions = new Set<string>();
  let lastAccount: string | undefined;
  let lastRegion: string | undefined;
  const items: OpenItem[] = [];
  json.results.forEach((result, index) => {
    const resource = isRecord(result) ? result.resource : undefined;
    if (
      !isRecord(result) ||
      typeof result.ruleId !== "string" ||
      typeof result.status !== "string" ||
      !isRecord(resource) ||
      typeof resource.id !== "string" ||
      typeof resource.type !== "string" ||
      typeof resource.account !== "string" ||
      typeof resource.region !== "string"
    ) {
      throw new InputError(
        `${shown}: results[${index}] is not a result (ruleId, status and resource expected)`,
      );
    }
    if (!RESULT_STATUSES.has(result.status)) {
      // Any other status would be read as "not open", and its item counted as fixed.
      throw new InputError(
        `${shown}: results[${index}] has status ${JSON.stringify(result.status)} (expected one of ${[...RESULT_STATUSES].join(", ")})`,
      );
    }
    // Results come in runs of one account and region: a pair is added when it changes, rather
    // than a key built for each of a large run's hundreds of thousands of results.
    if (resource.account !== lastAccount || resource.region !== lastRegion) {
      lastAccount = resource.account;
      lastRegion = resource.region;
      accounts.add(lastAccount);
      regions.add(`${lastAccount}\u0000${lastRegion}`);
    }
    if (result.status !== "fail" && result.status !== "error") return;
    items.push({
      ruleId: result.ruleId,
      severity: result.severity,
      status: result.status,
      message: String(result.message ?? ""),
      resource: {
        type: resource.type,
        id: resource.id,
        account: resource.account,
        region: resource.region,
        ...(typeof resource.arn === "string" ? { arn: resource.arn } : {}),
      },
      evidence: Array.isArray(result.evidence) ? result.evidence : [],
    });
  });
  const facts = new Map<string, ResourceFacts>();
  for (const fact of json.resources ?? []) {
    if (isRecord(fact) && typeof fact.id === "string") facts.set(resourceKey(fact), fact);
  }
  return {
    file: shown,
    createdAt: new Date(json.createdAt ?? 0).toISOString(),
    toolVersion: json.tool.version,
    accounts: [...accounts].sort(),
    regions,
    rules,
    items,
    facts,
  };
}

/** The campaign view of a report the pipeline produced (a snapshot evaluated, a live account). */
export function runFromReport(report: Report, shown: string, createdAt: string): CampaignRun {
  return runFromResults(buildJsonReport({ ...report, createdAt }), shown);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
