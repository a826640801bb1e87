import type { AppliedWaiver, Evidence, RuleResult } from "../engine/result.js";
import type { JsonValue } from "../model/resource.js";
import { boundedValueJson } from "./evidence.js";
import { isFinding } from "./fingerprint.js";
import { flatText, inQuotes, quote } from "./json-text.js";
import { locationJson } from "./location.js";

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
  /** The parts that repeat from one line to the next, as JSON text (see `RepeatedFragments`). */
  fragments?: RepeatedFragments;
}

/**
 * The JSON text of what consecutive lines share, kept for as long as they share it: lines come
 * grouped by rule, and a rule's results in inventory order, grouped by type, account and region.
 * Comparing with the last line's values costs less than escaping and joining the same strings
 * again; and a line made of fewer, longer pieces costs less to gather when it is encoded.
 */
export class RepeatedFragments {
  private ruleId: string | undefined;
  private status: string | undefined;
  private type: string | undefined;
  private account: string | undefined;
  private region: string | undefined;
  private sourceKind: string | undefined;
  /** `{"ruleId":…,"status":…` of the last line. */
  opening = "";
  /** `{"type":…,"id":"` of the last line's resource, up to its id. */
  resourceOpening = "";
  /** A compact line up to its resource's id: `opening`, then `,"resource":` and `resourceOpening`. */
  compactOpening = "";
  /** `","account":…,"region":…,"sourceKind":…` of the last line's resource, from the end of its id. */
  scope = "";

  /** `resourceOpening` of each type. */
  private readonly resourceOpenings = new Map<string, string>();
  /**
   * The openings of each status of the current rule: a rule's passes and failures come
   * interleaved, as its resources pass or fail.
   */
  private statusOpenings = new Map<string, StatusOpenings>();
  private compactOpenings = new Map<string, string>();
  /** `scope` of each account, region and source kind. */
  private readonly scopes = new Map<string, Map<string, Map<string, string>>>();

  update(result: RuleResult): void {
    const { resource } = result;
    let opened = false;
    if (result.ruleId !== this.ruleId) {
      this.ruleId = result.ruleId;
      this.status = undefined;
      this.statusOpenings = new Map();
    }
    if (result.status !== this.status) {
      this.status = result.status;
      let openings = this.statusOpenings.get(result.status);
      if (openings === undefined) {
        // The status is a word of this tool's own vocabulary, which JSON writes as it is.
        const opening = flatText(`{"ruleId":${quote(result.ruleId)},"status":"${result.status}"`);
        openings = { opening, compactOpenings: new Map() };
        this.statusOpenings.set(result.status, openings);
      }
      this.opening = openings.opening;
      this.compactOpenings = openings.compactOpenings;
      opened = true;
    }
    // A rule's results follow the inventory, whose types, accounts and regions come interleaved:
    // the text of each is made once and looked up after that.
    if (resource.type !== this.type) {
      this.type = resource.type;
      let resourceOpening = this.resourceOpenings.get(resource.type);
      if (resourceOpening === undefined) {
        resourceOpening = flatText(`{"type":${quote(resource.type)},"id":"`);
        this.resourceOpenings.set(resource.type, resourceOpening);
      }
      this.resourceOpening = resourceOpening;
      opened = true;
    }
    if (opened) {
      let compactOpening = this.compactOpenings.get(resource.type);
      if (compactOpening === undefined) {
        compactOpening = flatText(`${this.opening},"resource":${this.resourceOpening}`);
        this.compactOpenings.set(resource.type, compactOpening);
      }
      this.compactOpening = compactOpening;
    }
    const kind = resource.source.kind;
    if (resource.account !== this.account || resource.region !== this.region || kind !== this.sourceKind) {
      this.account = resource.account;
      this.region = resource.region;
      this.sourceKind = kind;
      this.scope = this.scopeOf(resource.account, resource.region, kind);
    }
  }

  private scopeOf(account: string, region: string, kind: string): string {
    let regions = this.scopes.get(account);
    if (regions === undefined) this.scopes.set(account, (regions = new Map<string, Map<string, string>>()));
    let kinds = regions.get(region);
    if (kinds === undefined) regions.set(region, (kinds = new Map<string, string>()));
    let scope = kinds.get(kind);
    if (scope === undefined) {
      // The source kind, too, is of the tool's vocabulary.
      scope = flatText(`","account":${quote(account)},"region":${quote(region)},"sourceKind":"${kind}"`);
      kinds.set(kind, scope);
    }
    return scope;
  }
}

/** A line's opening for one rule and status, and its compact openings by resource type. */
interface StatusOpenings {
  opening: string;
  compactOpenings: Map<string, string>;
}

export function resultLine(result: RuleResult, context: ResultLineContext): string {
  const fragments = (context.fragments ??= new RepeatedFragments());
  fragments.update(result);
  const { resource } = result;
  // The resource's fields from its id on, its closing brace left to the line.
  let resourceFields = `${inQuotes(resource.id)}${fragments.scope}`;
  if (resource.arn !== undefined) resourceFields += `,"arn":"${inQuotes(resource.arn)}"`;
  if (resource.source.address !== undefined)
    resourceFields += `,"address":"${inQuotes(resource.source.address)}"`;
  if (!context.verbosePasses && (result.status === "pass" || result.status === "not_applicable")) {
    return `${fragments.compactOpening}${resourceFields}}}`;
  }
  let line = `${fragments.opening},"severity":"${result.severity}","message":"${inQuotes(
    result.message,
  )}","resource":${fragments.resourceOpening}${resourceFields}},"location":${locationJson(
    resource,
    result.evidence,
  )},"evidence":${evidenceJson(result.evidence, context.writtenValues)}`;
  // A fingerprint is hexadecimal digits, a colon and a count: nothing in it to escape.
  if (context.fingerprint !== undefined) line += `,"fingerprint":"${context.fingerprint}"`;
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
    let fields = `{"path":"${inQuotes(item.path)}"`;
    const value = valueJson(item.value, written);
    if (value !== undefined) fields += `,"value":${value}`;
    if (item.bindings !== undefined) {
      let bindings = "";
      for (const [name, bound] of Object.entries(item.bindings)) {
        const json = valueJson(bound, written);
        if (json === undefined) continue;
        bindings += `${bindings === "" ? "" : ","}"${inQuotes(name)}":${json}`;
      }
      fields += `,"bindings":{${bindings}}`;
    }
    if (item.focus !== undefined) fields += `,"focus":"${inQuotes(item.focus)}"`;
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
