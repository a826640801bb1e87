import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Waiver } from "../engine/result.js";
import type { RuleConfiguration, RuleSettings } from "../engine/rule-set.js";
import type { FailThreshold } from "../engine/summary.js";
import { ConfigError } from "../errors.js";
import { describeFileError } from "../util/file-errors.js";

/**
 * Where the configuration file is and what a configuration holds, apart from reading one
 * (`config-file.ts`): a run without a configuration file loads no YAML reader.
 */

export const CONFIG_FILE_NAMES = [".access-baseline.yml", ".access-baseline.yaml"];

export type { RuleSettings };

export interface Configuration extends RuleConfiguration {
  /** The file it came from, or undefined when there is none. */
  file?: string;
  failOn?: FailThreshold;
  rules: Map<string, RuleSettings>;
  /**
   * `waivers:`, in file order, each located at its entry. Their rule ids are checked against the
   * loaded rules by `prepareRuleSet`, like the ids under `rules:`.
   */
  waivers?: Waiver[];
  /** Where each rule id is written, to report an unknown id at its line. */
  locate(pointer: (string | number)[]): string;
}

export const EMPTY_CONFIGURATION: Configuration = {
  rules: new Map(),
  waivers: [],
  locate: () => "(no configuration file)",
};

/**
 * The nearest configuration file from `start` upward, stopping at the repository root (the first
 * directory holding `.git`, a directory or, in a worktree or submodule, a file): a file above the
 * repository belongs to someone else and would silently change what this repository's check does.
 */
export async function findConfigFile(start: string): Promise<string | undefined> {
  let dir = resolve(start);
  for (;;) {
    const found: string[] = [];
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      try {
        await readFile(candidate);
        found.push(candidate);
      } catch (error) {
        // Only a missing file means "not here". One that is there but cannot be read (a directory,
        // no permission) is not skipped: the run would go on with another file's settings, or
        // none, and its stricter parameters and severities would silently not apply.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ENOTDIR") {
          throw new ConfigError(`cannot read configuration file ${candidate}: ${describeFileError(error)}`);
        }
      }
    }
    // Two files side by side: whichever were read, the other's settings would silently not apply.
    if (found.length > 1) {
      throw new ConfigError(`two configuration files in one directory: ${found.join(" and ")}; keep one`);
    }
    if (found[0] !== undefined) return found[0];
    if (await exists(join(dir, ".git"))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
