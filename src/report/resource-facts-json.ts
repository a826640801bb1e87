import type { JsonValue, Resource } from "../model/resource.js";
import { flatText, inQuotes, quote } from "./json-text.js";
import { INSTANCE, isObject, tagsOf } from "./resource-facts.js";

/**
 * A resource's facts as the JSON output shows them, written as text rather than built as an object
 * and then stringified: a large account has tens of thousands of resources with findings. The text
 * is exactly `JSON.stringify` of `resourceFacts(resource)` as an element of the envelope's
 * `resources` array, indented by two spaces a level: the same fields, in the same order, the
 * empty ones left out.
 */
export class FactsJsonWriter {
  private type: string | undefined;
  private account: string | undefined;
  private region: string | undefined;
  /** `{`, then the `"type"` line of the last fact written, up to its id's value. */
  private opening = "";
  /** The `"account"` and `"region"` lines of the last fact written, from the end of its id. */
  private scope = "";
  /** `opening` of each type. */
  private readonly openings = new Map<string, string>();
  /** `scope` of each account and region. */
  private readonly scopes = new Map<string, Map<string, string>>();

  /**
   * Facts come in inventory order, grouped by type and, within a type, interleaved accounts and
   * regions: the text of each is made once and looked up after that.
   */
  factJson(resource: Resource): string {
    const { type, account, region, properties } = resource;
    if (type !== this.type) {
      this.type = type;
      let opening = this.openings.get(type);
      if (opening === undefined) {
        opening = flatText(`{\n      "type": ${quote(type)},\n      "id": "`);
        this.openings.set(type, opening);
      }
      this.opening = opening;
    }
    if (account !== this.account || region !== this.region) {
      this.account = account;
      this.region = region;
      this.scope = this.scopeOf(account, region);
    }
    let text = this.opening + inQuotes(resource.id) + this.scope;
    const tags = tagsJson(properties.Tags);
    if (tags !== undefined) text += TAGS + tags;
    if (type === INSTANCE) {
      text += textField(INSTANCE_TYPE, properties.InstanceType);
      const state = properties.State;
      if (isObject(state)) text += textField(STATE, state.Name);
      text += textField(PUBLIC_IP, properties.PublicIpAddress);
      text += textField(PRIVATE_IP, properties.PrivateIpAddress);
      text += textField(KEY_NAME, properties.KeyName);
      text += groupsJson(properties.SecurityGroups);
    }
    return text + FACT_CLOSING;
  }

  private scopeOf(account: string, region: string): string {
    let regions = this.scopes.get(account);
    if (regions === undefined) this.scopes.set(account, (regions = new Map<string, string>()));
    let scope = regions.get(region);
    if (scope === undefined) {
      scope = flatText(`",\n      "account": ${quote(account)},\n      "region": ${quote(region)}`);
      regions.set(region, scope);
    }
    return scope;
  }
}

// Each field's text up to its value, written out whole: one piece to join rather than four. A
// fact's fields are indented three levels (envelope, `resources` array, fact), its tags' and
// groups' members four.
const TAGS = ',\n      "tags": ';
const INSTANCE_TYPE = ',\n      "instanceType": ';
const STATE = ',\n      "state": ';
const PUBLIC_IP = ',\n      "publicIp": ';
const PRIVATE_IP = ',\n      "privateIp": ';
const KEY_NAME = ',\n      "keyName": ';
const GROUPS = ',\n      "securityGroups": [';
const FIRST_MEMBER = "\n        ";
const NEXT_MEMBER = ",\n        ";
const MEMBERS_CLOSING_OBJECT = "\n      }";
const MEMBERS_CLOSING_ARRAY = "\n      ]";
const FACT_CLOSING = "\n    }";

/** A string field of the facts, left out when the value is not a non-empty string. */
function textField(opening: string, value: JsonValue | undefined): string {
  return typeof value === "string" && value !== "" ? opening + quote(value) : "";
}

function groupsJson(value: JsonValue | undefined): string {
  if (!Array.isArray(value)) return "";
  let members = "";
  for (const group of value) {
    if (!isObject(group) || typeof group.GroupId !== "string") continue;
    members += (members === "" ? FIRST_MEMBER : NEXT_MEMBER) + quote(group.GroupId);
  }
  return members === "" ? "" : GROUPS + members + MEMBERS_CLOSING_ARRAY;
}

/**
 * The tags as a JSON object, in the order `tagsOf` gives them. Tags are written as they come; a
 * key an object would place or keep differently — one that could be an array index (which an
 * object puts first), `__proto__` (which an object does not keep), or a key seen before (which
 * keeps its first place and takes the last value) — sends the whole list through `tagsOf`.
 */
function tagsJson(value: JsonValue | undefined): string | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.length > PLAIN_TAGS_LIMIT) return objectJson(tagsOf(value));
  let members = "";
  for (let index = 0; index < value.length; index += 1) {
    const tag = value[index];
    if (!isTag(tag)) continue;
    if (!isPlainKey(tag.Key) || keyRepeats(value, index)) return objectJson(tagsOf(value));
    members += `${members === "" ? FIRST_MEMBER : NEXT_MEMBER}${quote(tag.Key)}: ${quote(tag.Value)}`;
  }
  return members === "" ? undefined : `{${members}${MEMBERS_CLOSING_OBJECT}`;
}

/** AWS allows 50 tags; a longer list goes through `tagsOf` rather than be compared key by key. */
const PLAIN_TAGS_LIMIT = 64;

function isTag(tag: JsonValue | undefined): tag is { Key: string; Value: string } {
  return isObject(tag) && typeof tag.Key === "string" && typeof tag.Value === "string";
}

/** A key that keeps its place in an object: no digit first (array indexes go first), not `__proto__`. */
function isPlainKey(key: string): boolean {
  const first = key.charCodeAt(0);
  return !(first >= 0x30 && first <= 0x39) && key !== "__proto__";
}

function keyRepeats(tags: JsonValue[], index: number): boolean {
  const key = (tags[index] as { Key: string }).Key;
  for (let earlier = 0; earlier < index; earlier += 1) {
    const tag = tags[earlier];
    if (isTag(tag) && tag.Key === key) return true;
  }
  return false;
}

function objectJson(tags: Record<string, string> | undefined): string | undefined {
  if (tags === undefined) return undefined;
  let members = "";
  for (const [key, tag] of Object.entries(tags)) {
    members += `${members === "" ? FIRST_MEMBER : NEXT_MEMBER}${quote(key)}: ${quote(tag)}`;
  }
  return `{${members}${MEMBERS_CLOSING_OBJECT}`;
}
