import { InputError } from "../errors.js";
import { EXPIRED_WAIVER_RULE_ID, type BaselineComparison, type RuleResult } from "../engine/result.js";
import { fingerprintResults } from "./fingerprint.js";
import { RESULTS_FORMAT, RESULTS_FORMAT_VERSION } from "./json.js";

/**
 * `--baseline`: a previous run's SARIF or JSON output, read for the fingerprints of the findings
 * that were failing then. A failure whose fingerprint is among them is `unchanged` and does not
 * fail the run; only `new` failures do. Fingerprints (`fingerprint.ts`) hash identity alone, so a
 * finding keeps its fingerprint when the lines around it move.
 *
 * Only failures count as the baseline's: a result that was waived, or that could not be evaluated,
 * was not accepted debt, so it is new if it fails now. Expired-waiver findings are never taken
 * from the baseline: a baseline computed the same day (from the pull request's base) would
 * otherwise silence every expiry for good.
 */

export interface Baseline {
  /** The file, as given on the command line. */
  file: string;
  /** Fingerprints of the findings that were failing in it. */
  fingerprints: ReadonlySet<string>;
  /**
   * What each failing finding was about, by fingerprint, as far as the file says: the ASFF output
   * archives in Security Hub the findings that are gone, and needs their rule and resource.
   */
  findings?: ReadonlyMap<string, BaselineFinding>;
}

export interface BaselineFinding {
  ruleId: string;
  resourceType: string;
  resourceId: string;
  arn?: string;
  account: string;
  region: string;
}

/** The name SARIF files written by this tool give in `tool.driver.name`. */
const TOOL_NAME = "access-baseline";

/** Reads a baseline from the text of a SARIF or JSON output file; every problem is one line. */
export function parseBaseline(text: string, display: string): Baseline {
  return baselineOf(parseBaselineJson(text, display), display);
}

/** The baseline file's JSON value, for callers that check more of it than `baselineOf` reads. */
export function parseBaselineJson(text: string, display: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`baseline ${display}: invalid JSON: ${(error as Error).message.split("\n")[0]}`);
  }
}

/** The baseline held in a parsed report (JSON or SARIF); anything else is an input error. */
export function baselineOf(value: unknown, display: string): Baseline {
  if (isObject(value) && value.format === RESULTS_FORMAT) {
    return { file: display, fingerprints: fromJson(value, display), findings: jsonFindings(value) };
  }
  if (isObject(value) && value.version === "2.1.0" && Array.isArray(value.runs)) {
    return {
      file: display,
      fingerprints: fromSarif(value.runs, display),
      findings: sarifFindings(value.runs),
    };
  }
  throw new InputError(
    `baseline ${display}: not the output of access-baseline (expected --format sarif or --format json)`,
  );
}

function fromJson(report: Record<string, unknown>, display: string): Set<string> {
  const version = report.version;
  if (typeof version !== "number" || version > RESULTS_FORMAT_VERSION) {
    throw new InputError(
      `baseline ${display}: results version ${String(version)} is not supported (this version reads ${RESULTS_FORMAT_VERSION})`,
    );
  }
  if (!Array.isArray(report.results)) throw new InputError(`baseline ${display}: "results" is not a list`);
  const failing = report.results.filter((result) => isObject(result) && result.status === "fail");
  return fingerprintsOf(
    failing.map((result) => (result as Record<string, unknown>).fingerprint),
    display,
  );
}

function fromSarif(runs: unknown[], display: string): Set<string> {
  if (!runs.some((run) => isObject(run) && toolName(run) === TOOL_NAME)) {
    const tools = [...new Set(runs.filter(isObject).map(toolName))].join(", ") || "none";
    throw new InputError(`baseline ${display}: no run of ${TOOL_NAME} in this SARIF file (tools: ${tools})`);
  }
  return fingerprintsOf(
    failingSarifResults(runs).map((result) => {
      const fingerprints = isObject(result.partialFingerprints) ? result.partialFingerprints : {};
      return fingerprints.primaryLocationLineHash;
    }),
    display,
  );
}

/**
 * The results of this tool's runs that were failures. The fingerprints and the findings that the
 * ASFF output archives are both read from these, so that the two never disagree on a result.
 */
function failingSarifResults(runs: unknown[]): Record<string, unknown>[] {
  const failing: Record<string, unknown>[] = [];
  for (const run of runs.filter(isObject).filter((run) => toolName(run) === TOOL_NAME)) {
    if (!Array.isArray(run.results)) continue;
    for (const result of run.results.filter(isObject)) {
      const properties = isObject(result.properties) ? result.properties : {};
      // Older files have no status for waived results; a suppression says the same.
      const status = properties.status ?? (isSuppressed(result) ? "waived" : "fail");
      if (status === "fail") failing.push(result);
    }
  }
  return failing;
}

function fingerprintsOf(values: readonly unknown[], display: string): Set<string> {
  const fingerprints = new Set<string>();
  for (const value of values) {
    if (typeof value !== "string" || value === "") {
      throw new InputError(
        `baseline ${display}: a failing result has no fingerprint (written by an older version? run the check again to write a new baseline)`,
      );
    }
    fingerprints.add(value);
  }
  return fingerprints;
}

function jsonFindings(report: Record<string, unknown>): Map<string, BaselineFinding> {
  const findings = new Map<string, BaselineFinding>();
  for (const result of Array.isArray(report.results) ? report.results.filter(isObject) : []) {
    const resource = isObject(result.resource) ? result.resource : {};
    const finding = baselineFinding(
      result.ruleId,
      resource.type,
      resource.id,
      resource.arn,
      resource.account,
      resource.region,
    );
    if (result.status === "fail" && typeof result.fingerprint === "string" && finding) {
      findings.set(result.fingerprint, finding);
    }
  }
  return findings;
}

function sarifFindings(runs: unknown[]): Map<string, BaselineFinding> {
  const findings = new Map<string, BaselineFinding>();
  for (const result of failingSarifResults(runs)) {
    const properties = isObject(result.properties) ? result.properties : {};
    const fingerprints = isObject(result.partialFingerprints) ? result.partialFingerprints : {};
    const fingerprint = fingerprints.primaryLocationLineHash;
    const finding = baselineFinding(
      result.ruleId,
      properties.resourceType,
      properties.resourceId,
      properties.arn,
      properties.account,
      properties.region,
    );
    if (typeof fingerprint === "string" && finding) findings.set(fingerprint, finding);
  }
  return findings;
}

function baselineFinding(...fields: unknown[]): BaselineFinding | undefined {
  const [ruleId, resourceType, resourceId, arn, account, region] = fields;
  if (
    typeof ruleId !== "string" ||
    typeof resourceType !== "string" ||
    typeof resourceId !== "string" ||
    typeof account !== "string" ||
    typeof region !== "string"
  ) {
    return undefined;
  }
  return { ruleId, resourceType, resourceId, account, region, ...(typeof arn === "string" ? { arn } : {}) };
}

function toolName(run: Record<string, unknown>): string {
  const tool = isObject(run.tool) ? run.tool : {};
  const driver = isObject(tool.driver) ? tool.driver : {};
  return typeof driver.name === "string" ? driver.name : "(unnamed)";
}

/**
 * SARIF counts a suppression without a status as accepted: only `underReview` and `rejected` leave
 * the result open. Reading a status-less one as open would take a result that was suppressed then
 * for accepted debt, and excuse it when it fails now.
 */
function isSuppressed(result: Record<string, unknown>): boolean {
  return (
    Array.isArray(result.suppressions) &&
    result.suppressions.some(
      (suppression) =>
        isObject(suppression) && (suppression.status === undefined || suppression.status === "accepted"),
    )
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Whether a run could have missed a previous failure rather than seen it fixed: a failure hidden
 * by a denied API call, an input that could not be read (`incomplete`), a rule that could not be
 * evaluated in its account, or an account and region the run did not cover. The ASFF output
 * leaves these open in Security Hub, and the comparison does not count them as no longer failing.
 */
export function missedByRun(
  results: readonly RuleResult[],
  incomplete: boolean,
): (gone: BaselineFinding | undefined) => boolean {
  if (incomplete) return () => true;
  const unevaluated = new Set<string>();
  // A baseline of another account or region (or of live resources, for a template run) says
  // nothing about what this run looked at.
  const scanned = new Set<string>();
  for (const { status, ruleId, resource } of results) {
    if (status === "error") unevaluated.add(`${ruleId}\n${resource.account}`);
    scanned.add(`${resource.account}\n${resource.region}`);
  }
  // A baseline failure whose resource the file does not name cannot be placed in a scope.
  return (gone) =>
    gone === undefined ||
    unevaluated.has(`${gone.ruleId}\n${gone.account}`) ||
    !scanned.has(`${gone.account}\n${gone.region}`);
}

/**
 * Marks each failure `new` or `unchanged` against the baseline, and counts the baseline's failures
 * that no longer fail, apart from those the run could not see (`incomplete`: see `missedByRun`).
 * The results keep their order, so their fingerprints stay the same.
 */
export function compareWithBaseline(
  results: readonly RuleResult[],
  baseline: Baseline,
  incomplete: boolean,
): { results: RuleResult[]; comparison: BaselineComparison } {
  const fingerprints = fingerprintResults(results);
  const failingNow = new Set<string>();
  const comparison: BaselineComparison = { file: baseline.file, new: 0, unchanged: 0, absent: 0, unseen: 0 };
  const marked = results.map((result) => {
    if (result.status !== "fail") return result;
    const fingerprint = fingerprints.get(result)!;
    failingNow.add(fingerprint);
    const known = result.ruleId !== EXPIRED_WAIVER_RULE_ID && baseline.fingerprints.has(fingerprint);
    comparison[known ? "unchanged" : "new"] += 1;
    return { ...result, baselineState: known ? ("unchanged" as const) : ("new" as const) };
  });
  const missed = missedByRun(results, incomplete);
  for (const fingerprint of baseline.fingerprints) {
    if (failingNow.has(fingerprint)) continue;
    comparison[missed(baseline.findings?.get(fingerprint)) ? "unseen" : "absent"] += 1;
  }
  return { results: marked, comparison };
}
