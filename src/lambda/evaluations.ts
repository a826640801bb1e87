import type { ConfigServiceClient, Evaluation } from "@aws-sdk/client-config-service";
import type { RuleResult } from "../engine/result.js";

/**
 * From rule results to AWS Config evaluations, and sending them.
 *
 * One Config rule may run several of the pack's rules, and Config keeps one verdict per resource
 * and rule, so the results for a resource are combined: any failure makes it NON_COMPLIANT (a
 * failure is certain whatever the other rules say), else any `error` leaves it undecided (nothing
 * is sent for it and the invocation fails), else any pass makes it COMPLIANT, else it is
 * NOT_APPLICABLE. `INSUFFICIENT_DATA` is never sent: PutEvaluations rejects it.
 */

export type ComplianceType = "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";

export interface Verdict {
  resourceType: string;
  resourceId: string;
  compliance: ComplianceType;
  annotation?: string;
  timestamp: Date;
}

export type Combined =
  | { decided: true; compliance: ComplianceType; annotation?: string }
  | { decided: false; errors: RuleResult[] };

/** Config's limit on an annotation. */
export const MAX_ANNOTATION = 256;
/** The most evaluations one PutEvaluations call accepts. */
export const BATCH_SIZE = 100;

const TRUNCATED = "… (truncated)";

export function combine(results: readonly RuleResult[], labelRules: boolean): Combined {
  const failures = results.filter((result) => result.status === "fail");
  if (failures.length > 0) {
    // Rules that fail on the same finding (SSH from the internet is also SSH from any source)
    // share one entry, with the most precise evidence path, so that the annotation's few
    // characters are not spent twice on it.
    const findings = new Map<string, { ruleIds: string[]; where: string }>();
    for (const result of failures) {
      const evidence = result.evidence[0];
      const where = evidence ? (evidence.focus ?? evidence.path) : "";
      const finding = findings.get(result.message);
      if (!finding) findings.set(result.message, { ruleIds: [result.ruleId], where });
      else {
        finding.ruleIds.push(result.ruleId);
        if (where.length > finding.where.length) finding.where = where;
      }
    }
    const text = [...findings]
      .map(([message, { ruleIds, where }]) => {
        const at = where && !message.includes(where) ? ` [${where}]` : "";
        return `${labelRules ? `${ruleIds.join(", ")}: ` : ""}${message}${at}`;
      })
      .join(" | ");
    const annotation = annotationOf(text);
    return { decided: true, compliance: "NON_COMPLIANT", ...(annotation ? { annotation } : {}) };
  }
  const errors = results.filter((result) => result.status === "error");
  if (errors.length > 0) return { decided: false, errors };
  if (results.some((result) => result.status === "pass")) return { decided: true, compliance: "COMPLIANT" };
  return { decided: true, compliance: "NOT_APPLICABLE" };
}

/**
 * An annotation within Config's 1–256 characters: whitespace folded, and a longer text cut with a
 * visible marker rather than silently. Counted in code points, so that no character is split.
 */
export function annotationOf(text: string): string | undefined {
  const folded = text.replace(/\s+/g, " ").trim();
  if (folded === "") return undefined;
  const characters = Array.from(folded);
  if (characters.length <= MAX_ANNOTATION) return folded;
  const room = MAX_ANNOTATION - Array.from(TRUNCATED).length;
  return `${characters.slice(0, room).join("").trimEnd()}${TRUNCATED}`;
}

/**
 * One verdict per resource. Config keeps one evaluation per resource and rule, so two for one
 * resource in an invocation (a principal listed twice, in two states, while it changed) would leave
 * whichever Config applied last: verdicts that agree are sent once, verdicts that differ are not
 * sent at all and come back as conflicts, for the invocation to fail on.
 */
export function onePerResource(verdicts: readonly Verdict[]): {
  verdicts: Verdict[];
  conflicts: { resourceType: string; resourceId: string; compliance: ComplianceType[] }[];
} {
  const byResource = new Map<string, Verdict[]>();
  for (const verdict of verdicts) {
    const key = `${verdict.resourceType}\u0000${verdict.resourceId}`;
    const same = byResource.get(key);
    if (same) same.push(verdict);
    else byResource.set(key, [verdict]);
  }
  const kept: Verdict[] = [];
  const conflicts: { resourceType: string; resourceId: string; compliance: ComplianceType[] }[] = [];
  for (const same of byResource.values()) {
    const first = same[0]!;
    const agree = same.every(
      (verdict) =>
        verdict.compliance === first.compliance &&
        verdict.annotation === first.annotation &&
        verdict.timestamp.getTime() === first.timestamp.getTime(),
    );
    if (agree) kept.push(first);
    else
      conflicts.push({
        resourceType: first.resourceType,
        resourceId: first.resourceId,
        compliance: same.map((verdict) => verdict.compliance),
      });
  }
  return { verdicts: kept, conflicts };
}

export interface FailedEvaluation {
  resourceType: string;
  resourceId: string;
  compliance: string;
}

/**
 * Sends the verdicts in batches of at most 100, in order, and returns those Config did not
 * record. Every batch is sent even when one has failures, so that as much as possible is
 * recorded before the invocation fails.
 */
export async function putEvaluations(
  config: ConfigServiceClient,
  verdicts: readonly Verdict[],
  resultToken: string,
): Promise<{ batches: number; failed: FailedEvaluation[] }> {
  const { PutEvaluationsCommand } = await import("@aws-sdk/client-config-service");
  const testMode = resultToken === "TESTMODE";
  const failed: FailedEvaluation[] = [];
  let batches = 0;
  for (let start = 0; start < verdicts.length; start += BATCH_SIZE) {
    const batch = verdicts.slice(start, start + BATCH_SIZE).map(toEvaluation);
    const output = await config.send(
      new PutEvaluationsCommand({
        Evaluations: batch,
        ResultToken: resultToken,
        ...(testMode ? { TestMode: true } : {}),
      }),
    );
    batches += 1;
    for (const evaluation of output.FailedEvaluations ?? []) {
      failed.push({
        resourceType: evaluation.ComplianceResourceType ?? "?",
        resourceId: evaluation.ComplianceResourceId ?? "?",
        compliance: evaluation.ComplianceType ?? "?",
      });
    }
  }
  return { batches, failed };
}

function toEvaluation(verdict: Verdict): Evaluation {
  return {
    ComplianceResourceType: verdict.resourceType,
    ComplianceResourceId: verdict.resourceId,
    ComplianceType: verdict.compliance,
    ...(verdict.annotation ? { Annotation: verdict.annotation } : {}),
    OrderingTimestamp: verdict.timestamp,
  };
}
