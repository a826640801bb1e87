import { resolve } from "node:path";
import { BUILTIN_RULES_DIR } from "../../assets.js";
import { EMPTY_CONFIGURATION, findConfigFile, type Configuration } from "../../config/config-location.js";
import { ConfigError, RuleError } from "../../errors.js";
import { readBuiltinRulePack } from "../../engine/builtin-rule-pack.js";
import { formatProblem } from "../../engine/rule-compile.js";
import { loadRuleDirectories, type LoadedRules } from "../../engine/rule-directories.js";
import type { Rule } from "../../engine/rule.js";
import { batchOutput, writeOutputFile, type OutputData } from "../../util/atomic-write.js";
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
  const { rules, problems } = await loadRules(dirs, cwd);
  if (problems.length) {
    throw new RuleError(problems.map(formatProblem).join("\n"));
  }
  return rules;
}

/** Loads rule directories; the built-in one from the pack the build stored, when it is current. */
export function loadRules(dirs: readonly string[], cwd: string): Promise<LoadedRules> {
  const pack = dirs.includes(BUILTIN_RULES_DIR) ? readBuiltinRulePack(BUILTIN_RULES_DIR) : undefined;
  return loadRuleDirectories(dirs, cwd, pack);
}

export async function loadConfigurationFor(
  configPath: string | undefined,
  cwd: string,
): Promise<Configuration> {
  // An empty name (`--config "$CONFIG"` with the variable unset) names no file: taking the one
  // found upward instead would judge by a configuration nobody asked for.
  if (configPath === "") throw new ConfigError("--config: the file name is empty");
  const path = configPath !== undefined ? resolve(cwd, configPath) : await findConfigFile(cwd);
  if (path === undefined) return EMPTY_CONFIGURATION;
  // The configuration reader (and the YAML parser) is loaded only when there is a file to read.
  const { loadConfiguration } = await import("../../config/config-file.js");
  return loadConfiguration(path, cwd);
}

/**
 * Writes a command's output to `--output` (see `writeOutputFile`: never replacing what is not a
 * regular file) or to standard output. A report that could not be written is an error, never a
 * run that looks done: one line, and exit code 2.
 */
export async function emit(io: CliIo, data: OutputData, output: string | undefined): Promise<void> {
  if (output === undefined || output === "-") {
    // One batch at a time, each once the stream has taken the last: a large report never piles up
    // in the stream's buffer, and a reader that closed the pipe stops the writing at once.
    for (const batch of batchOutput(data)) {
      await writeToStream(io.stdout, typeof batch === "string" ? batch : Buffer.from(batch).toString()).catch(
        (error: unknown) => {
          throw new UserError(`cannot write to standard output: ${describeFileError(error)}`, {
            cause: error,
          });
        },
      );
    }
    return;
  }
  try {
    await writeOutputFile(resolve(io.cwd, output), data);
  } catch (error) {
    throw new UserError(`cannot write output file ${output}: ${describeFileError(error)}`, { cause: error });
  }
}

/** Resolves once the stream has taken the text (its write callback), or rejects with its error. */
function writeToStream(stream: CliIo["stdout"], text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve();
    };
    try {
      stream.write(text, settle);
    } catch (error) {
      settle(error as Error);
    }
  });
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
