import type { JsonValue } from "../model/resource.js";
import { ConfigError } from "../errors.js";
import { globMatches, tokenizeGlob } from "../iam/glob.js";
import type { EvaluationSettings } from "./evaluate.js";
import { ParamError, resolveParams } from "./params.js";
import type { Severity, Waiver } from "./result.js";
import type { Rule } from "./rule.js";
import { checkWaiverRules } from "./waivers.js";

/**
 * Applies the user's settings to the loaded rules: rules switched off, severity overrides, and
 * parameters (rule default < configuration file < `--param`). A setting (or a waiver) for a rule
 * that does not exist is an error, so that a typo never leaves a rule silently at its default.
 */
export interface PreparedRuleSet {
  rules: Rule[];
  settings: EvaluationSettings;
}

/** What the user configured for one rule (`rules:` in the configuration file). */
export interface RuleSettings {
  enabled: boolean;
  severity?: Severity;
  params: Record<string, unknown>;
}

/**
 * The part of the user's configuration that selects and tunes rules. The configuration file
 * (`config/config-file.ts`) provides it; the engine knows nothing of where it came from.
 */
export interface RuleConfiguration {
  rules: ReadonlyMap<string, RuleSettings>;
  waivers?: readonly Waiver[];
  /** Where an entry is written (`file:line:column`), to report an unknown rule id at its line. */
  locate(pointer: (string | number)[]): string;
  /** The file the configuration came from; undefined when there is none. */
  file?: string;
  /** The rules chosen for this one run (`--rule`, `--skip-rule`). */
  selection?: RuleSelection;
}

/**
 * Rule ids or globs (`*`, `?`) chosen on the command line. `only` keeps the rules matching one of
 * its patterns, even those the configuration file switches off (the command line is the more
 * specific wish); `skip` then removes rules. Every pattern must match a loaded rule, and at least
 * one rule must be left: a typo must not turn the check into one that runs nothing.
 */
export interface RuleSelection {
  only?: readonly string[];
  skip?: readonly string[];
}

/** `--param rule-id.name=value`, grouped by rule id. */
export function parseParamOptions(options: readonly string[]): Map<string, Record<string, string>> {
  const byRule = new Map<string, Record<string, string>>();
  for (const option of options) {
    const match = /^([a-z][a-z0-9-]*)\.([A-Za-z][A-Za-z0-9]*)=(.*)$/s.exec(option);
    if (!match) {
      throw new ConfigError(
        `--param "${option}": expected rule-id.name=value (for example ssm-agent-version.minimumVersion=3.0.0.0)`,
      );
    }
    const [, ruleId, name, value] = match as unknown as [string, string, string, string];
    // Two values for one parameter: which one the user meant would be a guess, as with a key
    // written twice in a file.
    const given = byRule.get(ruleId);
    const earlier = given !== undefined && Object.hasOwn(given, name) ? given[name] : undefined;
    if (earlier !== undefined && earlier !== value) {
      throw new ConfigError(
        `--param ${ruleId}.${name} given twice, as ${JSON.stringify(earlier)} and as ${JSON.stringify(value)}`,
      );
    }
    byRule.set(ruleId, { ...byRule.get(ruleId), [name]: value });
  }
  return byRule;
}

export function prepareRuleSet(
  rules: readonly Rule[],
  configuration: RuleConfiguration,
  paramOptions: ReadonlyMap<string, Record<string, string>>,
): PreparedRuleSet {
  const byId = new Map(rules.map((rule) => [rule.metadata.id, rule]));
  for (const id of configuration.rules.keys()) {
    if (!byId.has(id)) {
      throw new ConfigError(
        `${configuration.locate(["rules", id])}: unknown rule "${id}"${suggest(id, byId)}`,
      );
    }
  }
  checkWaiverRules(configuration.waivers, [...byId.keys()], (pointer) => configuration.locate(pointer));
  for (const id of paramOptions.keys()) {
    if (!byId.has(id)) throw new ConfigError(`--param: unknown rule "${id}"${suggest(id, byId)}`);
  }
  const chosen = chooseRules(rules, configuration.selection ?? {});
  const params = new Map<string, Record<string, JsonValue>>();
  const severities = new Map<string, Severity>();
  const enabled: Rule[] = [];
  for (const rule of rules) {
    const id = rule.metadata.id;
    const setting = configuration.rules.get(id);
    const choice = chosen(id);
    if (choice === "skip" || (choice === "default" && setting && !setting.enabled)) continue;
    if (setting?.severity) severities.set(id, setting.severity);
    // The configuration file's values are checked one by one first, so that a bad one is reported
    // at its line in the file rather than with no place to look.
    for (const [name, raw] of Object.entries(setting?.params ?? {})) {
      try {
        resolveParams(id, rule.params, [{ [name]: raw }]);
      } catch (error) {
        if (!(error instanceof ParamError)) throw error;
        throw new ConfigError(`${configuration.locate(["rules", id, "params", name])}: ${error.message}`);
      }
    }
    params.set(id, paramsOrFail(id, rule, [setting?.params ?? {}, paramOptions.get(id) ?? {}]));
    enabled.push(rule);
  }
  if (
    enabled.length === 0 &&
    (configuration.selection?.only?.length || configuration.selection?.skip?.length)
  ) {
    throw new ConfigError("--rule/--skip-rule: no rule left to run");
  }
  return { rules: enabled, settings: { params, severities } };
}

/** One rule as the configuration leaves it: what `rules list` shows. */
export interface EffectiveRule {
  rule: Rule;
  enabled: boolean;
  severity: Severity;
  params: Record<string, JsonValue>;
}

/**
 * Every loaded rule with the state the configuration gives it, checked exactly as a run checks
 * it (an unknown rule id or a bad parameter is the same error). A rule switched off shows the
 * parameters it would have.
 */
export function effectiveRules(
  rules: readonly Rule[],
  configuration: RuleConfiguration,
  paramOptions: ReadonlyMap<string, Record<string, string>> = new Map(),
): EffectiveRule[] {
  const prepared = prepareRuleSet(rules, configuration, paramOptions);
  const running = new Set(prepared.rules.map((rule) => rule.metadata.id));
  return rules.map((rule) => {
    const id = rule.metadata.id;
    const setting = configuration.rules.get(id);
    return {
      rule,
      enabled: running.has(id),
      severity: prepared.settings.severities?.get(id) ?? setting?.severity ?? rule.metadata.severity,
      params:
        prepared.settings.params.get(id) ??
        paramsOrFail(id, rule, [setting?.params ?? {}, paramOptions.get(id) ?? {}]),
    };
  });
}

function paramsOrFail(id: string, rule: Rule, layers: Record<string, unknown>[]): Record<string, JsonValue> {
  try {
    return resolveParams(id, rule.params, layers);
  } catch (error) {
    if (error instanceof ParamError) throw new ConfigError(error.message);
    throw error;
  }
}

type RuleChoice = "run" | "skip" | "default";

/** What the command line says about each rule id: run it, skip it, or leave it to the configuration. */
function chooseRules(rules: readonly Rule[], selection: RuleSelection): (id: string) => RuleChoice {
  const ids = rules.map((rule) => rule.metadata.id);
  const only = matchersFor("--rule", selection.only ?? [], ids);
  const skip = matchersFor("--skip-rule", selection.skip ?? [], ids);
  return (id) => {
    if (skip.some((matches) => matches(id))) return "skip";
    if (only.length === 0) return "default";
    return only.some((matches) => matches(id)) ? "run" : "skip";
  };
}

function matchersFor(option: string, patterns: readonly string[], ids: readonly string[]) {
  return patterns.map((pattern) => {
    const tokens = tokenizeGlob(pattern, { escapes: false });
    const matches = (id: string) => globMatches(tokens, id);
    if (ids.some(matches)) return matches;
    if (pattern.includes("*") || pattern.includes("?")) {
      throw new ConfigError(`${option}: "${pattern}" matches no rule`);
    }
    const close = ids.filter((id) => id.includes(pattern) || pattern.includes(id));
    throw new ConfigError(
      `${option}: unknown rule "${pattern}"${close.length ? ` (did you mean ${close.join(", ")}?)` : ""}`,
    );
  });
}

function suggest(id: string, byId: ReadonlyMap<string, Rule>): string {
  const close = [...byId.keys()].filter((candidate) => candidate.includes(id) || id.includes(candidate));
  return close.length ? ` (did you mean ${close.join(", ")}?)` : "";
}
