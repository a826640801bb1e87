import { hash } from "node:crypto";
import type { RuleResult } from "../engine/result.js";
import { sourceKindSpec, type RunKind } from "../model/source-kinds.js";
import { flatText, quote } from "./json-text.js";
import { locateResult } from "./location.js";

/**
 * Fingerprints: how a finding is recognised from one run to the next. GitHub matches alerts on
 * them (SARIF `partialFingerprints.primaryLocationLineHash`), the JSON output carries the same
 * value (`fingerprint`), and `--baseline` compares them. This module is the only place they are
 * computed, so the three can never disagree.
 */

/**
 * Which SARIF run a result goes to. Each run is its own code-scanning category, and GitHub closes
 * every alert of a category that is missing from its next upload: template scans and account scans
 * must therefore never share one, and neither may the Config rule's one-resource-at-a-time
 * evaluations.
 */
export type { RunKind } from "../model/source-kinds.js";

export function runKindOf(result: RuleResult): RunKind {
  return sourceKindSpec(result.resource.source.kind).run;
}

/**
 * The results that are findings, which SARIF writes and fingerprints identify: failures, results
 * that could not be evaluated, and waived failures (kept so that a waiver dismisses the alert
 * rather than closing it as fixed). Passes and not-applicable results are not alerts.
 */
export function isFinding(result: RuleResult): boolean {
  return result.status === "fail" || result.status === "error" || result.status === "waived";
}

/**
 * The fingerprint of every finding in `results`, as `<hash>:<occurrence>`. The occurrence counts
 * findings with the same identity in the same run, in report order, so that two findings of one
 * rule on one resource still get distinct, stable fingerprints. `include` widens the set for the
 * ASFF output, whose passes must keep the Id their failure had so that Security Hub resolves it.
 */
export function fingerprintResults(
  results: readonly RuleResult[],
  include: (result: RuleResult) => boolean = isFinding,
): Map<RuleResult, string> {
  const fingerprints = new Map<RuleResult, string>();
  const sequence = new FingerprintSequence();
  for (const result of results) {
    if (include(result)) fingerprints.set(result, sequence.next(result));
  }
  return fingerprints;
}

/**
 * The fingerprints of `fingerprintResults`, one result at a time, for a writer that goes through
 * the results in report order anyway: it need not hold a map of every finding to its fingerprint.
 * Each result given to `next` counts as an occurrence, so it must be given the same results.
 */
export class FingerprintSequence {
  /** Occurrences by run and identity: one map per run rather than a key joined for each finding. */
  private readonly occurrences = new Map<RunKind, Map<string, number>>();
  private readonly identities = new IdentityTexts();

  next(result: RuleResult): string {
    const kind = runKindOf(result);
    const identity = this.identities.hash(result, kind);
    let counts = this.occurrences.get(kind);
    if (counts === undefined) this.occurrences.set(kind, (counts = new Map<string, number>()));
    const occurrence = (counts.get(identity) ?? 0) + 1;
    counts.set(identity, occurrence);
    return `${identity}:${occurrence}`;
  }
}

/**
 * The stable identity of a finding, hashed: what GitHub matches alerts on between uploads. Only
 * what names the rule and the resource goes in — never the message, the evidence, a line number
 * or a time — so an alert survives edits around it. Template resources add their file and
 * address, because their account and region are placeholders; live resources do not, because a
 * snapshot's file name may change from run to run.
 *
 * The identity is the JSON text of the array of these strings, written by hand (stringifying an
 * array of them cost more than the hash). Findings come grouped by rule, and a few accounts,
 * regions and types recur among tens of thousands of findings: the text of those parts is made
 * once and looked up after that.
 */
class IdentityTexts {
  private ruleId: string | undefined;
  private quotedRuleId = "";
  /** `,"<account>","<region>","<type>",` by account, region and type. */
  private readonly scopes = new Map<string, Map<string, Map<string, string>>>();

  hash(result: RuleResult, kind: RunKind): string {
    const { resource } = result;
    if (result.ruleId !== this.ruleId) {
      this.ruleId = result.ruleId;
      this.quotedRuleId = flatText(`[${quote(result.ruleId)}`);
    }
    let identity = `${this.quotedRuleId}${this.scopeOf(resource.account, resource.region, resource.type)}${quote(
      resource.id,
    )}`;
    if (kind === "iac") {
      identity += `,${quote(locateResult(resource, []).uri)},${quote(resource.source.address ?? "")}`;
    }
    // The one-shot hash: a large account has tens of thousands of findings, each hashed once per output.
    return hash("sha256", `${identity}]`, "hex").slice(0, 32);
  }

  private scopeOf(account: string, region: string, type: string): string {
    let regions = this.scopes.get(account);
    if (regions === undefined) this.scopes.set(account, (regions = new Map<string, Map<string, string>>()));
    let types = regions.get(region);
    if (types === undefined) regions.set(region, (types = new Map<string, string>()));
    let scope = types.get(type);
    if (scope === undefined) {
      scope = flatText(`,${quote(account)},${quote(region)},${quote(type)},`);
      types.set(type, scope);
    }
    return scope;
  }
}
