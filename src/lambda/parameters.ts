import { ParamError, resolveParams } from "../engine/params.js";
import type { JsonValue } from "../model/resource.js";
import { InputParametersError } from "./errors.js";
import type { RuleCatalog } from "./rule-catalog.js";
import { duplicateKeyState, readJsonText } from "../util/json-duplicates.js";

/**
 * A Config rule's `InputParameters` (the event's `ruleParameters`): which of the pack's rules the
 * Config rule runs, and parameter overrides — the Lambda's equivalent of the CLI's configuration
 * file and `--param`, resolved by the same code (`resolveParams`), so values are converted and
 * checked the same way.
 *
 * ```json
 * { "rules": "ssh-from-internet,rdp-from-internet", "ssh-from-internet.port": "2222" }
 * ```
 *
 * - `rules`: rule ids, comma-separated (or a JSON list). Without it, every rule of the pack that
 *   applies to the item's resource type runs.
 * - `rule-id.name`: a parameter of one rule.
 * - `name` alone: the parameter of the one selected rule that declares it; when several do, the
 *   name is ambiguous (SSH and RDP rules both have a `port`) and refused.
 *
 * A rule or parameter that does not exist is an error, never ignored: a typo must not leave a
 * default silently in place.
 */
export interface RuleSelection {
  /** The rules the Config rule runs, in the pack's order. */
  ruleIds: string[];
  /** Whether `rules` named them (else: every rule, filtered by resource type). */
  explicit: boolean;
  /** Override layers per rule id, least specific first (bare names, then `rule-id.name`). */
  overrides: Map<string, Record<string, unknown>[]>;
}

const QUALIFIED = /^([a-z][a-z0-9-]*)\.([A-Za-z][A-Za-z0-9]*)$/;
const BARE = /^[A-Za-z][A-Za-z0-9]*$/;

/** `ruleParameters` as the event carries it: JSON text, possibly `""`, or missing. */
export function parseRuleParameters(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  let value: unknown = raw;
  if (typeof raw === "string") {
    if (raw.trim() === "") return {};
    const read = readJsonText(raw);
    if ("syntax" in read) throw new InputParametersError(`ruleParameters is not valid JSON: ${read.syntax}`);
    // Two values for one parameter: the rule would run with whichever JSON.parse kept.
    if ("duplicate" in read)
      throw new InputParametersError(`ruleParameters ${duplicateKeyState(read.duplicate)}`);
    value = read.value;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputParametersError("ruleParameters must be a JSON object");
  }
  return value as Record<string, unknown>;
}

export function selectRules(parameters: Record<string, unknown>, catalog: RuleCatalog): RuleSelection {
  const listed = ruleList(parameters.rules);
  for (const id of listed ?? []) {
    if (!catalog.source(id)) throw new InputParametersError(`rules: unknown rule "${id}"${known(catalog)}`);
  }
  const explicit = listed !== undefined;
  const ruleIds = explicit ? catalog.ids.filter((id) => listed.includes(id)) : catalog.ids;
  const overrides = new Map<string, Record<string, unknown>[]>();
  const layer = (id: string, index: 0 | 1): Record<string, unknown> => {
    let layers = overrides.get(id);
    if (!layers) overrides.set(id, (layers = [{}, {}]));
    return layers[index]!;
  };
  for (const [key, value] of Object.entries(parameters)) {
    if (key === "rules") continue;
    const qualified = QUALIFIED.exec(key);
    if (qualified) {
      const [, id, name] = qualified as unknown as [string, string, string];
      if (!catalog.source(id))
        throw new InputParametersError(`${key}: unknown rule "${id}"${known(catalog)}`);
      if (!ruleIds.includes(id))
        throw new InputParametersError(`${key}: rule "${id}" is not among the rules this Config rule runs`);
      layer(id, 1)[name] = value;
      continue;
    }
    if (!BARE.test(key)) {
      throw new InputParametersError(`"${key}": expected "rules", "rule-id.name" or a parameter name`);
    }
    const declaring = ruleIds.filter((id) => catalog.source(id)!.params.includes(key));
    if (declaring.length === 0) {
      throw new InputParametersError(
        `"${key}": none of the rules this Config rule runs has a parameter of that name`,
      );
    }
    if (declaring.length > 1) {
      throw new InputParametersError(
        `"${key}" is a parameter of ${declaring.join(", ")}: name the rule (for example "${declaring[0]}.${key}")`,
      );
    }
    layer(declaring[0]!, 0)[key] = value;
  }
  return { ruleIds, explicit, overrides };
}

/**
 * The effective parameters of a rule: its defaults with the overrides applied, converted and
 * checked by the engine. A bad value is an `InputParametersError`.
 */
export function paramsFor(
  selection: RuleSelection,
  catalog: RuleCatalog,
  id: string,
): Record<string, JsonValue> {
  const rule = catalog.rule(id);
  try {
    return resolveParams(id, rule.params, selection.overrides.get(id) ?? []);
  } catch (error) {
    if (error instanceof ParamError) throw new InputParametersError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Checks every override's value, including those of rules this event does not run, so that a bad
 * value fails on the first invocation rather than on the first item of that type.
 */
export function checkOverrides(selection: RuleSelection, catalog: RuleCatalog): void {
  for (const id of selection.overrides.keys()) paramsFor(selection, catalog, id);
}

function ruleList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === "string")) {
    throw new InputParametersError('"rules" must be rule ids separated by commas');
  }
  const ids = items.map((item) => item.trim()).filter((item) => item !== "");
  return ids.length === 0 ? undefined : ids;
}

function known(catalog: RuleCatalog): string {
  return ` (the rules are: ${catalog.ids.join(", ")})`;
}
