import { INFORMATION_URI } from "../assets.js";
import { ConfigError } from "../errors.js";
import { globMatches, tokenizeGlob, type GlobToken } from "../iam/glob.js";
import {
  resourceIdentity,
  type JsonValue,
  type Resource,
  type ResourceSource,
  type SourceWaiver,
} from "../model/resource.js";
import type { InputProblem } from "../model/input-problem.js";
import { daysBetween, isIsoDate, todayUtc } from "../util/date.js";
import {
  EXPIRED_WAIVER_RULE_ID,
  type AppliedWaiver,
  type RuleMetadata,
  type RuleResult,
  type Waiver,
  type WaiverOutcome,
} from "./result.js";

/**
 * Waivers, applied after evaluation: a failing result that an active waiver matches becomes
 * `waived`; one that only expired waivers match stays `fail`, and each expired waiver adds an
 * error finding of its own, located where the waiver is written; a waiver that matches no failing
 * result is reported as unmatched, so that stale waivers get cleaned up.
 *
 * Matching uses IAM's wildcard language (`*` any run of characters, `/` and `:` included; `?` one
 * character; everything else itself), through the matcher IAM policies already use. Path-style
 * globs would be the wrong tool: their `*` stops at `/`, which ARNs are full of, and their `[...]`
 * and `{...}` are syntax, while Terraform addresses (`aws_instance.web["a"]`) use them literally.
 *
 * "Today" is passed in, never read from the clock here, so that tests and reruns are reproducible.
 */

/** The pseudo rule of expired-waiver findings, which need rule metadata like every result. */
export const EXPIRED_WAIVER_RULE: RuleMetadata = {
  id: EXPIRED_WAIVER_RULE_ID,
  title: "Waivers are renewed or removed before they expire",
  severity: "error",
  securitySeverity: 5,
  precision: "very-high",
  description:
    "A waiver accepted a failing result until a date that has passed. The failure is reported again, " +
    "and this finding points at the line where the waiver is written.",
  rationale:
    "A waiver is an exception to the baseline that someone agreed to for a while; its expiry date is " +
    "what makes that someone look at it again. An exception nobody revisits is a permanent hole.",
  remediation:
    "Fix the resource and delete the waiver. If the exception is still justified, agree a new date " +
    "with the waiver's owner and update `expires`.",
  helpUri: `${INFORMATION_URI}/blob/main/docs/ci-gate.md#waivers`,
  tags: ["waiver"],
  resourceTypes: [],
  file: "",
};

/** The environment variable that fixes "today" (`YYYY-MM-DD`), for tests and reproducible reruns. */
export const TODAY_VARIABLE = "ACCESS_BASELINE_TODAY";

/** Today's date for waiver expiry: `ACCESS_BASELINE_TODAY` when set, else the current UTC date. */
export function todayFrom(env: Readonly<Record<string, string | undefined>>, now = new Date()): string {
  const fixed = env[TODAY_VARIABLE];
  if (fixed === undefined || fixed === "") return todayUtc(now);
  if (!isIsoDate(fixed)) {
    throw new ConfigError(`${TODAY_VARIABLE}="${fixed}" is not a date (YYYY-MM-DD)`);
  }
  return fixed;
}

/**
 * Rejects configuration waivers whose rule names no loaded rule: a typo would otherwise waive
 * nothing and only show up as unmatched. A glob must match at least one rule.
 */
export function checkWaiverRules(
  waivers: readonly Waiver[] | undefined,
  ruleIds: readonly string[],
  locate: (pointer: (string | number)[]) => string,
): void {
  (waivers ?? []).forEach((waiver, index) => {
    const problem = ruleProblem(waiver.rule, ruleIds);
    if (problem !== undefined) {
      throw new ConfigError(`${locate(["waivers", index, "rule"])}: waivers.${index}.rule: ${problem}`);
    }
  });
}

function ruleProblem(rule: string, ruleIds: readonly string[]): string | undefined {
  if (!isGlob(rule)) {
    if (ruleIds.includes(rule)) return undefined;
    const close = ruleIds.filter((id) => id.includes(rule) || rule.includes(id));
    return `unknown rule "${rule}"${close.length ? ` (did you mean ${close.join(", ")}?)` : ""}`;
  }
  const tokens = tokenizeGlob(rule, { escapes: false });
  return ruleIds.some((id) => globMatches(tokens, id)) ? undefined : `"${rule}" matches no rule`;
}

function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

export interface WaiverInput {
  results: readonly RuleResult[];
  /** The configuration file's waivers. */
  waivers: readonly Waiver[];
  /** The resources of the run, for the waivers their sources carry (`source.waivers`). */
  resources: readonly Resource[];
  /** Every loaded rule id, switched-off rules included, to check the rules of source waivers. */
  ruleIds: readonly string[];
  /** `YYYY-MM-DD`. */
  today: string;
}

export interface WaiverApplication {
  /** The results with waivers applied, then one expired-waiver finding per expired waiver and result. */
  results: RuleResult[];
  /** Every waiver, configuration first (in file order), then source waivers (in resource order). */
  waivers: WaiverOutcome[];
  /** Malformed source waivers, reported like unusable input: the run is incomplete (exit 2). */
  problems: InputProblem[];
}

interface Candidate {
  waiver: Waiver;
  outcome: WaiverOutcome;
  rule: GlobToken[];
  /** Configuration waivers: the resource glob. */
  resource?: GlobToken[];
  /** Source waivers: the resource they are written on. */
  resourceKey?: string;
}

export function applyWaivers(input: WaiverInput): WaiverApplication {
  const problems: InputProblem[] = [];
  const configured = input.waivers.map((waiver) => candidate(waiver, input.today));
  const inSource: Candidate[] = [];
  for (const resource of input.resources) {
    for (const written of resource.source.waivers ?? []) {
      const parsed = parseSourceWaiver(written, resource, input.ruleIds);
      if (typeof parsed === "string") {
        problems.push(sourceProblem(written, resource, parsed));
        continue;
      }
      inSource.push({
        ...candidate(parsed, input.today, resource.id),
        resourceKey: resourceIdentity(resource),
      });
    }
  }
  // A waiver written on the resource is the more specific one: it is preferred when both match.
  const candidates = [...inSource, ...configured];
  if (candidates.length === 0) return { results: [...input.results], waivers: [], problems };

  const results: RuleResult[] = [];
  const expiredFindings: RuleResult[] = [];
  for (const result of input.results) {
    if (result.status !== "fail" && result.status !== "error") {
      results.push(result);
      continue;
    }
    const matching = candidates.filter((entry) => matches(entry, result));
    for (const entry of matching) entry.outcome.matched += 1;
    // A rule that could not be evaluated is not a failure to accept: it stays an error. Its
    // waivers still count as matched, since the failure they accept may well still be there.
    if (result.status === "error" || matching.length === 0) {
      results.push(result);
      continue;
    }
    const active = matching.find((entry) => entry.outcome.daysLeft >= 0);
    const expired = matching.filter((entry) => entry.outcome.daysLeft < 0);
    if (active) {
      results.push({ ...result, status: "waived", waiver: applied(active.waiver, "active") });
    } else {
      results.push({ ...result, waiver: applied(expired[0]!.waiver, "expired") });
    }
    for (const entry of expired) expiredFindings.push(expiredFinding(result, entry.waiver));
  }

  const outcomes = [...configured, ...inSource].map(({ outcome }) => {
    if (outcome.matched === 0) outcome.state = "unmatched";
    else if (outcome.daysLeft < 0) outcome.state = "expired";
    return outcome;
  });
  return { results: [...results, ...expiredFindings], waivers: outcomes, problems };
}

function candidate(waiver: Waiver, today: string, resourceId?: string): Candidate {
  const outcome: WaiverOutcome = {
    waiver,
    state: "active",
    matched: 0,
    daysLeft: daysBetween(today, waiver.expires),
  };
  if (resourceId !== undefined) outcome.resourceId = resourceId;
  const entry: Candidate = { waiver, outcome, rule: tokenizeGlob(waiver.rule, { escapes: false }) };
  if (waiver.resource !== undefined) entry.resource = tokenizeGlob(waiver.resource, { escapes: false });
  return entry;
}

function matches(entry: Candidate, result: RuleResult): boolean {
  if (!globMatches(entry.rule, result.ruleId)) return false;
  const { resource } = result;
  if (entry.resourceKey !== undefined) return entry.resourceKey === resourceIdentity(resource);
  const pattern = entry.resource;
  if (pattern === undefined) return false;
  return [resource.id, resource.arn, resource.source.address].some(
    (name) => name !== undefined && globMatches(pattern, name),
  );
}

function applied(waiver: Waiver, state: AppliedWaiver["state"]): AppliedWaiver {
  return { ...waiver, state };
}

/**
 * The finding for an expired waiver: about the same resource (so it lands in the same SARIF run
 * and category as the failure it no longer hides), but located where the waiver is written, the
 * line someone has to change.
 */
function expiredFinding(result: RuleResult, waiver: Waiver): RuleResult {
  const { resource } = result;
  const source: ResourceSource = { kind: resource.source.kind, file: waiver.file };
  if (waiver.line !== undefined) source.line = waiver.line;
  if (waiver.column !== undefined) source.column = waiver.column;
  if (resource.source.address !== undefined) source.address = resource.source.address;
  return {
    ruleId: EXPIRED_WAIVER_RULE.id,
    status: "fail",
    severity: EXPIRED_WAIVER_RULE.severity,
    message:
      `The waiver of ${result.ruleId} for ${resource.id} expired on ${waiver.expires} ` +
      `(owner: ${waiver.owner}; reason: ${waiver.reason}); the failure is reported again.`,
    resource: { ...resource, source },
    evidence: [],
    waiver: applied(waiver, "expired"),
  };
}

const SOURCE_WAIVER_KEYS = ["rule", "reason", "owner", "expires"] as const;

/**
 * A waiver's reason and owner say who accepted what and why: white space, or an invisible
 * character such as a zero-width space, says nothing, as in the configuration file's schema.
 */
const HAS_WORD = /[\p{L}\p{N}]/u;

/** A source waiver as a `Waiver`, or what is wrong with it. */
function parseSourceWaiver(
  written: SourceWaiver,
  resource: Resource,
  ruleIds: readonly string[],
): Waiver | string {
  const { entry } = written;
  if (written.problem !== undefined) return written.problem;
  if (!isMapping(entry)) {
    return `expected a mapping with ${SOURCE_WAIVER_KEYS.join(", ")}, found ${describe(entry)}`;
  }
  for (const key of Object.keys(entry)) {
    if (key === "resource") {
      return `unexpected key "resource": a waiver in the template applies to the resource it is written on`;
    }
    if (!(SOURCE_WAIVER_KEYS as readonly string[]).includes(key)) {
      return `unexpected key "${key}"; expected one of: ${SOURCE_WAIVER_KEYS.join(", ")}`;
    }
  }
  const values: Partial<Record<(typeof SOURCE_WAIVER_KEYS)[number], string>> = {};
  for (const key of SOURCE_WAIVER_KEYS) {
    const value = entry[key];
    if (value === undefined) return `missing required key "${key}"`;
    if (typeof value !== "string" || !HAS_WORD.test(value)) {
      return `"${key}" must be text with a letter or digit, found ${describe(value)}`;
    }
    values[key] = value.trim();
  }
  const { rule, reason, owner, expires } = values as Record<(typeof SOURCE_WAIVER_KEYS)[number], string>;
  if (!/^[a-z0-9*?]+(-[a-z0-9*?]+)*$/.test(rule)) return `"rule": "${rule}" is not a rule id or glob`;
  const problem = ruleProblem(rule, ruleIds);
  if (problem !== undefined) return `"rule": ${problem}`;
  if (!isIsoDate(expires)) return `"expires": "${expires}" is not a date (YYYY-MM-DD)`;
  const waiver: Waiver = {
    origin: "source",
    rule,
    reason,
    owner,
    expires,
    file: resource.source.file ?? "",
  };
  const line = written.line ?? resource.source.line;
  const column = written.line !== undefined ? written.column : resource.source.column;
  if (line !== undefined) waiver.line = line;
  if (column !== undefined) waiver.column = column;
  return waiver;
}

function sourceProblem(written: SourceWaiver, resource: Resource, message: string): InputProblem {
  const problem: InputProblem = {
    file: resource.source.file || resource.id,
    message: `invalid waiver on ${resource.id}: ${message}`,
  };
  const line = written.line ?? resource.source.line;
  if (line !== undefined) problem.line = line;
  const column = written.line !== undefined ? written.column : resource.source.column;
  if (column !== undefined) problem.column = column;
  return problem;
}

function isMapping(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}
