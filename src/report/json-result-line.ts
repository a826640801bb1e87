import type { AppliedWaiver, Evidence, RuleResult } from "../engine/result.js";
import type { JsonValue } from "../model/resource.js";
import { boundedValueJson } from "./evidence.js";
import { isFinding } from "./fingerprint.js";
import { flatText, inQuotes, needsEscape, quote } from "./json-text.js";
import { appendLiveResourceUri, locationJson } from "./location.js";

/**
 * One result of the JSON output as the text of its line, written field by field instead of built
 * as an object and then stringified: a large account has a hundred thousand results, and each
 * evidence value is already stringified once to measure it — this writes that same text rather
 * than stringifying the value again. The text is exactly `JSON.stringify` of the result's object
 * form (`jsonResult` in `json.ts`): same fields, same order, absent fields left out.
 *
 * The line is appended to the text before it one piece at a time, and the fixed text between two
 * values is one piece: joined text is a tree of its pieces, which encoding walks piece by piece,
 * so every piece and every level of nesting costs a step on each of a large report's lines.
 */

/** What a result's line takes from outside the result, already as JSON text. */
export interface ResultLineContext {
  fingerprint: string | undefined;
  /**
   * The end of a finding's line for the rule: its `helpUri` and `frameworks` fields, as present,
   * and the closing brace.
   */
  findingClosing: string;
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
  /** `scope`, then `,"arn":"`. */
  scopeThenArn = "";
  /** A full line up to its message: `opening`, then `,"severity":…,"message":"`. */
  fullOpening = "";
  /** From the end of a full line's message up to its resource's id: `","resource":` and `resourceOpening`. */
  messageToId = "";

  /** `resourceOpening` and `messageToId` of each type. */
  private readonly resourceOpenings = new Map<string, { resourceOpening: string; messageToId: string }>();
  private severity: string | undefined;
  /**
   * The openings of each status of the current rule: a rule's passes and failures come
   * interleaved, as its resources pass or fail.
   */
  private statusOpenings = new Map<string, StatusOpenings>();
  private compactOpenings = new Map<string, string>();
  private fullOpenings = new Map<string, string>();
  /** `scope` and `scopeThenArn` of each account, region and source kind. */
  private readonly scopes = new Map<string, Map<string, Map<string, ResourceScope>>>();

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
        openings = { opening, compactOpenings: new Map(), fullOpenings: new Map() };
        this.statusOpenings.set(result.status, openings);
      }
      this.opening = openings.opening;
      this.compactOpenings = openings.compactOpenings;
      this.fullOpenings = openings.fullOpenings;
      this.severity = undefined;
      opened = true;
    }
    // A rule's severity is the same on all its results, but for a configuration's overrides.
    if (result.severity !== this.severity) {
      this.severity = result.severity;
      let fullOpening = this.fullOpenings.get(result.severity);
      if (fullOpening === undefined) {
        // The severity, like the status, is a word of the tool's vocabulary.
        fullOpening = flatText(`${this.opening},"severity":"${result.severity}","message":"`);
        this.fullOpenings.set(result.severity, fullOpening);
      }
      this.fullOpening = fullOpening;
    }
    // A rule's results follow the inventory, whose types, accounts and regions come interleaved:
    // the text of each is made once and looked up after that.
    if (resource.type !== this.type) {
      this.type = resource.type;
      let openings = this.resourceOpenings.get(resource.type);
      if (openings === undefined) {
        const resourceOpening = flatText(`{"type":${quote(resource.type)},"id":"`);
        openings = { resourceOpening, messageToId: flatText(`","resource":${resourceOpening}`) };
        this.resourceOpenings.set(resource.type, openings);
      }
      this.resourceOpening = openings.resourceOpening;
      this.messageToId = openings.messageToId;
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
      const scope = this.scopeOf(resource.account, resource.region, kind);
      this.scope = scope.scope;
      this.scopeThenArn = scope.scopeThenArn;
    }
  }

  private scopeOf(account: string, region: string, kind: string): ResourceScope {
    let regions = this.scopes.get(account);
    if (regions === undefined)
      this.scopes.set(account, (regions = new Map<string, Map<string, ResourceScope>>()));
    let kinds = regions.get(region);
    if (kinds === undefined) regions.set(region, (kinds = new Map<string, ResourceScope>()));
    let scope = kinds.get(kind);
    if (scope === undefined) {
      // The source kind, too, is of the tool's vocabulary.
      const text = flatText(`","account":${quote(account)},"region":${quote(region)},"sourceKind":"${kind}"`);
      scope = { scope: text, scopeThenArn: flatText(`${text},"arn":"`) };
      kinds.set(kind, scope);
    }
    return scope;
  }
}

interface ResourceScope {
  scope: string;
  scopeThenArn: string;
}

/** A line's opening for one rule and status, its compact openings by type, its full ones by severity. */
interface StatusOpenings {
  opening: string;
  compactOpenings: Map<string, string>;
  fullOpenings: Map<string, string>;
}

/** `text`, then the line of `result`. */
export function appendResultLine(text: string, result: RuleResult, context: ResultLineContext): string {
  const fragments = (context.fragments ??= new RepeatedFragments());
  fragments.update(result);
  const { resource } = result;
  if (!context.verbosePasses && (result.status === "pass" || result.status === "not_applicable")) {
    text += fragments.compactOpening;
    return appendResourceFields(text, resource, fragments, '"}}', "}}");
  }
  text += fragments.fullOpening;
  text += inQuotes(result.message);
  text += fragments.messageToId;
  const { file } = resource.source;
  if (file === undefined || file === "") {
    // A live resource's location is its path, which percent-encoding leaves with nothing to escape.
    text = appendResourceFields(text, resource, fragments, '"},"location":{"uri":"', '},"location":{"uri":"');
    text = appendLiveResourceUri(text, resource);
    text += '"},"evidence":[';
  } else {
    text = appendResourceFields(text, resource, fragments, '"},"location":', '},"location":');
    text += locationJson(resource, result.evidence);
    text += ',"evidence":[';
  }
  text = appendEvidence(text, result.evidence, context.writtenValues);
  // A fingerprint is hexadecimal digits, a colon and a count: nothing in it to escape.
  if (context.fingerprint !== undefined) {
    text += ',"fingerprint":"';
    text += context.fingerprint;
    text += '"';
  }
  if (result.waiver !== undefined) {
    text += ',"waiver":';
    text += context.waiverJson(result.waiver);
  }
  if (result.baselineState !== undefined) {
    text += ',"baselineState":';
    text += quote(result.baselineState);
  }
  return text + (isFinding(result) ? context.findingClosing : "}");
}

/**
 * `text`, then a resource's fields from its id on, then `closing`: after a quoted value
 * (`valueClosing`), or after the scope.
 */
function appendResourceFields(
  text: string,
  resource: RuleResult["resource"],
  fragments: RepeatedFragments,
  valueClosing: string,
  scopeClosing: string,
): string {
  const { id, arn } = resource;
  const { address } = resource.source;
  if (arn === undefined) {
    text += inQuotes(id);
    text += fragments.scope;
    if (address === undefined) return text + scopeClosing;
  } else if (arn.endsWith(id) && !needsEscape(arn)) {
    // An ARN most often ends with its resource's id: a scan of the ARN then clears both, and the
    // id, every line's, need not be scanned on its own.
    text += id;
    text += fragments.scopeThenArn;
    text += arn;
  } else {
    text += inQuotes(id);
    text += fragments.scopeThenArn;
    text += inQuotes(arn);
  }
  if (address !== undefined) {
    text += arn !== undefined ? '","address":"' : ',"address":"';
    text += inQuotes(address);
  }
  return text + valueClosing;
}

/** `text`, then `reportedEvidence` as JSON text after its opening bracket. */
function appendEvidence(text: string, evidence: readonly Evidence[], written: Map<object, string>): string {
  for (let index = 0; index < evidence.length; index += 1) {
    const item = evidence[index]!;
    text += index > 0 ? ',{"path":"' : '{"path":"';
    text += inQuotes(item.path);
    const value = valueJson(item.value, written);
    if (value !== undefined) {
      text += '","value":';
      text += value;
    } else text += '"';
    if (item.bindings !== undefined) {
      let opening = ',"bindings":{"';
      for (const [name, bound] of Object.entries(item.bindings)) {
        const json = valueJson(bound, written);
        if (json === undefined) continue;
        text += opening;
        text += inQuotes(name);
        text += '":';
        text += json;
        opening = ',"';
      }
      text += opening === ',"' ? "}" : ',"bindings":{}';
    }
    if (item.focus !== undefined) {
      text += ',"focus":"';
      text += inQuotes(item.focus);
      text += '"}';
    } else text += "}";
  }
  return text + "]";
}

/** A bounded evidence value as JSON, or undefined where `JSON.stringify` would leave the field out. */
function valueJson(value: JsonValue | undefined, written: Map<object, string>): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") return boundedValueJson(value);
  let json = written.get(value);
  if (json === undefined) written.set(value, (json = boundedValueJson(value)));
  return json;
}
