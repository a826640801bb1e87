import type { JsonValue } from "../model/resource.js";
import { ConfigError } from "../errors.js";
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
  const params = new Map<string, Record<string, JsonValue>>();
  const severities = new Map<string, Severity>();
  const enabled: Rule[] = [];
  for (const rule of rules) {
    const id = rule.metadata.id;
    const setting = configuration.rules.get(id);
    if (setting && !setting.enabled) continue;
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
    try {
      params.set(id, resolveParams(id, rule.params, [setting?.params ?? {}, paramOptions.get(id) ?? {}]));
    } catch (error) {
      if (error instanceof ParamError) throw new ConfigError(error.message);
      throw error;
    }
    enabled.push(rule);
  }
  return { rules: enabled, settings: { params, severities } };
}

function suggest(id: string, byId: ReadonlyMap<string, Rule>): string {
  const close = [...byId.keys()].filter((candidate) => candidate.includes(id) || id.includes(candidate));
  return close.length ? ` (did you mean ${close.join(", ")}?)` : "";
}
