import type { Evidence } from "../engine/result.js";
import type { JsonValue } from "../model/resource.js";

/**
 * Evidence as reports show it. An element can be large (a role with every policy that reaches
 * it); reports keep what identifies the match and stay small enough for code scanning's upload
 * limits: the derived `related` data is left out, and a value that is still long is replaced by
 * a note of its size — the path says where to find it in the resource.
 */
export const EVIDENCE_VALUE_LIMIT = 2000;

export function reportedEvidence(evidence: readonly Evidence[]): Evidence[] {
  return evidence.map((item) => {
    const reported: Evidence = { path: item.path, value: boundedValue(item.value) };
    if (item.bindings !== undefined) {
      reported.bindings = Object.fromEntries(
        Object.entries(item.bindings).map(([name, value]) => [name, boundedValue(value)]),
      );
    }
    if (item.focus !== undefined) reported.focus = item.focus;
    return reported;
  });
}

function boundedValue(value: JsonValue): JsonValue {
  if (value === null || typeof value !== "object") return value;
  const withoutRelated = Array.isArray(value) || !("related" in value) ? value : omitRelated(value);
  const length = JSON.stringify(withoutRelated).length;
  return length <= EVIDENCE_VALUE_LIMIT ? withoutRelated : omittedNote(length);
}

/**
 * `boundedValue` as JSON text. Measuring a value takes its JSON text, which is then the text to
 * write: a report written as text need not stringify each value twice.
 */
export function boundedValueJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const withoutRelated = Array.isArray(value) || !("related" in value) ? value : omitRelated(value);
  const json = JSON.stringify(withoutRelated);
  return json.length <= EVIDENCE_VALUE_LIMIT ? json : JSON.stringify(omittedNote(json.length));
}

function omittedNote(length: number): JsonValue {
  return { $omitted: `a value of ${length} characters` };
}

function omitRelated(value: { [key: string]: JsonValue }): JsonValue {
  const { related: _related, ...rest } = value;
  return rest;
}
