import { resolve } from "node:path";
import { BUILTIN_RULES_DIR } from "../../assets.js";
import {
  EMPTY_CONFIGURATION,
  findConfigFile,
  loadConfiguration,
  type Configuration,
} from "../../config/config-file.js";
import { RuleError } from "../../errors.js";
import { formatProblem, loadRuleDirectories } from "../../engine/rule-loader.js";
import type { Rule } from "../../engine/rule.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { UserError } from "../../errors.js";
import { describeFileError } from "../../util/file-errors.js";
import type { CliIo } from "../io.js";

/** Options every command that loads rules understands. */
export interface RuleSourceOptions {
  rules?: string[];
  builtinRules?: boolean;
}

export function ruleDirectories(options: RuleSourceOptions, cwd: string): string[] {
  const extra = (options.rules ?? []).map((dir) => resolve(cwd, dir));
  return options.builtinRules === false ? extra : [BUILTIN_RULES_DIR, ...extra];
}

/** Loads rules or fails with every problem listed, one per line. */
export async function loadRulesOrFail(options: RuleSourceOptions, cwd: string): Promise<Rule[]> {
  const dirs = ruleDirectories(options, cwd);
  if (dirs.length === 0)
    throw new RuleError("no rules to run: --no-builtin-rules needs at least one --rules DIR");
  const { rules, problems } = await loadRuleDirectories(dirs, cwd);
  if (problems.length) {
    throw new RuleError(problems.map(formatProblem).join("\n"));
  }
  return rules;
}

export async function loadConfigurationFor(
  configPath: string | undefined,
  cwd: string,
): Promise<Configuration> {
  if (configPath) return loadConfiguration(resolve(cwd, configPath), cwd);
  const found = await findConfigFile(cwd);
  return found ? loadConfiguration(found, cwd) : EMPTY_CONFIGURATION;
}

/** Writes a command's output to `--output` atomically, or to standard output. */
export async function emit(io: CliIo, text: string, output: string | undefined): Promise<void> {
  if (output === undefined || output === "-") {
    io.stdout.write(text);
    return;
  }
  try {
    await writeFileAtomic(resolve(io.cwd, output), text);
  } catch (error) {
    throw new UserError(`cannot write output file ${output}: ${describeFileError(error)}`, { cause: error });
  }
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
