import type { AppliedWaiver, Evidence, RuleResult } from "../engine/result.js";
import type { JsonValue } from "../model/resource.js";
import { boundedValueJson } from "./evidence.js";
import { isFinding } from "./fingerprint.js";
import { locateResult } from "./location.js";

/**
 * One result of the JSON output as the text of its line, written field by field instead of built
 * as an object and then stringified: a large account has a hundred thousand results, and each
 * evidence value is already stringified once to measure it — this writes that same text rather
 * than stringifying the value again. The text is exactly `JSON.stringify` of the result's object
 * form (`jsonResult` in `json.ts`): same fields, same order, absent fields left out.
 */

/** What a result's line takes from outside the result, already as JSON text. */
export interface ResultLineContext {
  fingerprint: string | undefined;
  /** The rule's documentation link, as a JSON string. */
  helpUriJson: string | undefined;
  /** The rule's compliance controls, as a JSON object. */
  frameworksJson: string | undefined;
  verbosePasses: boolean;
  /** The JSON object of an applied waiver (written by `json.ts`, which owns its shape). */
  waiverJson: (waiver: AppliedWaiver) => string;
  /**
   * The JSON text of the evidence values written so far, by value: the findings of several
   * rules on one resource show the same values (a role's policies, a group's permissions), and
   * each is measured and stringified once. Values do not change while a report is written.
   */
  writtenValues: Map<object, string>;
  /** The rule of the last line written and its id as JSON: lines come grouped by rule. */
  ruleId?: string;
  ruleIdJson?: string;
}

/**
 * What `JSON.stringify` escapes in a string: quotes, backslashes, control characters and lone
 * surrogates (a pair is tested too, and left to `JSON.stringify`, which writes it as it is).
 */
// eslint-disable-next-line no-control-regex -- control characters are among what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON: most ids and names need no escape, and quoting them is cheaper than a call. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

export function resultLine(result: RuleResult, context: ResultLineContext): string {
  const { resource } = result;
  // The status, severity and source kind are words of this tool's own vocabulary, which JSON
  // writes as they are.
  let resourceJson = `{"type":${quote(resource.type)},"id":${quote(resource.id)},"account":${quote(
    resource.account,
  )},"region":${quote(resource.region)},"sourceKind":"${resource.source.kind}"`;
  if (resource.arn !== undefined) resourceJson += `,"arn":${quote(resource.arn)}`;
  if (resource.source.address !== undefined) resourceJson += `,"address":${quote(resource.source.address)}`;
  resourceJson += "}";
  if (context.ruleId !== result.ruleId) {
    context.ruleId = result.ruleId;
    context.ruleIdJson = quote(result.ruleId);
  }
  const ruleAndStatus = `{"ruleId":${context.ruleIdJson},"status":"${result.status}"`;
  if (!context.verbosePasses && (result.status === "pass" || result.status === "not_applicable")) {
    return `${ruleAndStatus},"resource":${resourceJson}}`;
  }
  let line = `${ruleAndStatus},"severity":"${result.severity}","message":${quote(
    result.message,
  )},"resource":${resourceJson},"location":${JSON.stringify(
    locateResult(resource, result.evidence),
  )},"evidence":${evidenceJson(result.evidence, context.writtenValues)}`;
  if (context.fingerprint !== undefined) line += `,"fingerprint":${quote(context.fingerprint)}`;
  if (result.waiver !== undefined) line += `,"waiver":${context.waiverJson(result.waiver)}`;
  if (result.baselineState !== undefined) line += `,"baselineState":${quote(result.baselineState)}`;
  const finding = isFinding(result);
  if (context.helpUriJson !== undefined && finding) line += `,"helpUri":${context.helpUriJson}`;
  if (context.frameworksJson !== undefined && finding) line += `,"frameworks":${context.frameworksJson}`;
  return `${line}}`;
}

/** `reportedEvidence` as JSON text. */
function evidenceJson(evidence: readonly Evidence[], written: Map<object, string>): string {
  let text = "[";
  for (let index = 0; index < evidence.length; index += 1) {
    const item = evidence[index]!;
    if (index > 0) text += ",";
    let fields = `{"path":${quote(item.path)}`;
    const value = valueJson(item.value, written);
    if (value !== undefined) fields += `,"value":${value}`;
    if (item.bindings !== undefined) {
      let bindings = "";
      for (const [name, bound] of Object.entries(item.bindings)) {
        const json = valueJson(bound, written);
        if (json === undefined) continue;
        bindings += `${bindings === "" ? "" : ","}${quote(name)}:${json}`;
      }
      fields += `,"bindings":{${bindings}}`;
    }
    if (item.focus !== undefined) fields += `,"focus":${quote(item.focus)}`;
    text += `${fields}}`;
  }
  return `${text}]`;
}

/** A bounded evidence value as JSON, or undefined where `JSON.stringify` would leave the field out. */
function valueJson(value: JsonValue | undefined, written: Map<object, string>): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") return boundedValueJson(value);
  let json = written.get(value);
  if (json === undefined) written.set(value, (json = boundedValueJson(value)));
  return json;
}
