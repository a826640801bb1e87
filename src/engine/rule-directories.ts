import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { describeFileError } from "../util/file-errors.js";
import { NotTextError, readTextFile } from "../util/text-file.js";
import { compileRuleValue, type CompileResult, type RuleProblem } from "./rule-compile.js";
import type { Rule } from "./rule.js";

export interface LoadedRules {
  rules: Rule[];
  problems: RuleProblem[];
}

/**
 * A rule directory whose files were read, validated and stored as plain values when the package
 * was built (the built-in pack): loading it compiles those values and parses no YAML.
 */
export interface PrebuiltRuleDirectory {
  dir: string;
  /** In file order; `file` is relative to `dir`, with `/` separators. */
  rules: { file: string; definition: unknown }[];
}

const TEST_SUFFIX = /\.test\.ya?ml$/;
const RULE_FILE = /\.ya?ml$/;

/** Whether a file name is a rule file (and not a rule's test cases). */
export function isRuleFileName(name: string): boolean {
  return RULE_FILE.test(name) && !TEST_SUFFIX.test(name);
}

/** Rule files below `dir`, sorted so that load order and output are stable. */
export async function findRuleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && isRuleFileName(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** One rule file's outcome, in load order. */
type Loaded = { display: string; result: CompileResult } | { problem: RuleProblem };

export async function loadRuleDirectories(
  dirs: readonly string[],
  cwd = process.cwd(),
  prebuilt?: PrebuiltRuleDirectory,
): Promise<LoadedRules> {
  const rules: Rule[] = [];
  const problems: RuleProblem[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const loaded = dir === prebuilt?.dir ? compilePrebuilt(prebuilt, cwd) : await loadDirectory(dir, cwd);
    for (const item of loaded) {
      if ("problem" in item) {
        problems.push(item.problem);
        continue;
      }
      const { display, result } = item;
      if ("problem" in result) {
        problems.push(result.problem);
        continue;
      }
      const previous = seen.get(result.rule.metadata.id);
      if (previous) {
        problems.push({
          file: display,
          ...result.idPosition,
          message: `duplicate rule id "${result.rule.metadata.id}" (also defined in ${previous})`,
        });
        continue;
      }
      seen.set(result.rule.metadata.id, display);
      rules.push(result.rule);
    }
  }
  return { rules, problems };
}

function compilePrebuilt(prebuilt: PrebuiltRuleDirectory, cwd: string): Loaded[] {
  return prebuilt.rules.map(({ file, definition }) => {
    const path = join(prebuilt.dir, ...file.split("/"));
    const display = relative(cwd, path);
    // Validated when the pack was built: no problem to find, and no positions to name one.
    const result = compileRuleValue(definition, display, path, relative(prebuilt.dir, path), () => ({}));
    return { display, result };
  });
}

async function loadDirectory(dir: string, cwd: string): Promise<Loaded[]> {
  let files: string[];
  try {
    files = await findRuleFiles(dir);
  } catch (error) {
    return [
      {
        problem: {
          file: relative(cwd, dir) || dir,
          message: `cannot read rule directory: ${describeFileError(error)}`,
        },
      },
    ];
  }
  if (files.length === 0)
    return [{ problem: { file: relative(cwd, dir) || dir, message: "no rule files (*.yaml) found" } }];
  // The YAML reader is loaded only when a rule file has to be read.
  const { compileRuleText } = await import("./rule-loader.js");
  const loaded: Loaded[] = [];
  for (const file of files) {
    const display = relative(cwd, file);
    let text: string;
    try {
      text = await readTextFile(file);
    } catch (error) {
      const message =
        error instanceof NotTextError
          ? error.message
          : `cannot read the rule file: ${describeFileError(error)}`;
      loaded.push({ problem: { file: display, message } });
      continue;
    }
    loaded.push({ display, result: compileRuleText(text, display, file, relative(dir, file)) });
  }
  return loaded;
}
