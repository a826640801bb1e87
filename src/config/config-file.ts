import { relative } from "node:path";
import type { ErrorObject } from "ajv";
import { ConfigError, formatLocation } from "../errors.js";
import type { Severity, Waiver } from "../engine/result.js";
import type { RuleSettings } from "../engine/rule-set.js";
import type { FailThreshold } from "../engine/summary.js";
import { isIsoDate } from "../util/date.js";
import { explainSchemaErrors } from "../util/schema-errors.js";
import { NotTextError, readTextFile } from "../util/text-file.js";
import { parseYaml, positionOf, toJs, type ParsedYaml } from "../util/yaml-position.js";
import { describeFileError } from "../util/file-errors.js";
import validateConfigSchema from "./config-validator.generated.js";
import type { Configuration } from "./config-location.js";

/**
 * The user's configuration file, `.access-baseline.yml`: found upward from the working directory
 * (no further than the repository root), or named with `--config`. Validated against `schemas/config.schema.json`; every problem names
 * the file, line and column.
 */

export {
  CONFIG_FILE_NAMES,
  EMPTY_CONFIGURATION,
  findConfigFile,
  type Configuration,
  type RuleSettings,
} from "./config-location.js";

/** `schemas/config.schema.json`, compiled ahead of time (`npm run validators`), not at every start. */
const validator = validateConfigSchema as { (value: unknown): boolean; errors?: ErrorObject[] | null };

export async function loadConfiguration(path: string, cwd = process.cwd()): Promise<Configuration> {
  const display = relative(cwd, path) || path;
  let text: string;
  try {
    text = await readTextFile(path);
  } catch (error) {
    if (error instanceof NotTextError) throw new ConfigError(`${display}: ${error.message}`);
    throw new ConfigError(`cannot read configuration file ${display}: ${describeFileError(error)}`);
  }
  return parseConfiguration(text, display);
}

export function parseConfiguration(text: string, display: string): Configuration {
  const parsed = parseYaml(text);
  if (parsed.problem) {
    const { line, column, message } = parsed.problem;
    throw new ConfigError(`${formatLocation(display, line, column)}: invalid YAML: ${message}`);
  }
  const value = (toJs(parsed) ?? {}) as Record<string, unknown>;
  if (!validator(value)) {
    const explained = explainSchemaErrors(validator.errors ?? []);
    const position = positionOf(
      parsed,
      explained.pointer,
      explained.key === undefined ? {} : { key: explained.key },
    );
    const where = explained.pointer.length ? `${explained.pointer.join(".")}: ` : "";
    throw new ConfigError(
      `${formatLocation(display, position.line, position.column)}: ${where}${explained.message}`,
    );
  }
  const rules = new Map<string, RuleSettings>();
  for (const [id, setting] of Object.entries((value.rules ?? {}) as Record<string, unknown>)) {
    if (setting === "on" || setting === "off") {
      rules.set(id, { enabled: setting === "on", params: {} });
    } else {
      const { enabled, severity, params } = setting as {
        enabled?: boolean;
        severity?: Severity;
        params?: object;
      };
      rules.set(id, {
        enabled: enabled ?? true,
        ...(severity ? { severity } : {}),
        params: (params ?? {}) as Record<string, unknown>,
      });
    }
  }
  return {
    file: display,
    ...(value["fail-on"] ? { failOn: value["fail-on"] as FailThreshold } : {}),
    rules,
    waivers: parseWaivers(parsed, display, (value.waivers ?? []) as ConfigWaiverEntry[]),
    locate: (pointer) => locate(parsed, display, pointer),
  };
}

/** A `waivers:` entry, already checked against the schema. */
interface ConfigWaiverEntry {
  rule: string;
  resource: string;
  reason: string;
  owner: string;
  expires: string;
}

function parseWaivers(parsed: ParsedYaml, display: string, entries: readonly ConfigWaiverEntry[]): Waiver[] {
  return entries.map((entry, index) => {
    // The schema checks the shape of the date; only code can tell that 2025-02-30 does not exist.
    if (!isIsoDate(entry.expires)) {
      const position = positionOf(parsed, ["waivers", index, "expires"]);
      throw new ConfigError(
        `${formatLocation(display, position.line, position.column)}: waivers.${index}.expires: "${entry.expires}" is not a date (YYYY-MM-DD)`,
      );
    }
    const { line, column } = positionOf(parsed, ["waivers", index]);
    return {
      origin: "configuration",
      rule: entry.rule,
      resource: entry.resource,
      reason: entry.reason.trim(),
      owner: entry.owner.trim(),
      expires: entry.expires,
      file: display,
      line,
      column,
    };
  });
}

function locate(parsed: ParsedYaml, display: string, pointer: (string | number)[]): string {
  const position = positionOf(parsed, pointer);
  return formatLocation(display, position.line, position.column);
}
