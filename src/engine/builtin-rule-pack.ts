import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PACKAGE_ROOT } from "../assets.js";
import { isRuleFileName, type PrebuiltRuleDirectory } from "./rule-directories.js";

/**
 * The built-in rule pack as the build stores it (`npm run build` writes it to
 * `dist/engine/builtin-rules.json`): every rule file's definition, as the loader read and validated it, in one JSON file.
 * Parsing the YAML files with positions took most of a `check`'s start-up; the definitions are
 * what the loader compiles, so rules, results and reports are the same either way.
 *
 * The pack records a digest of the rule files it was built from. A clone where `rules/` was
 * edited after the build gets a different digest, and the files are read instead: the pack is
 * never used for rules it does not describe.
 */
export interface BuiltinRulePack {
  /** `ruleFilesDigest` of the rules directory the pack was built from. */
  digest: string;
  rules: PrebuiltRuleDirectory["rules"];
}

/**
 * Where the build stores the pack. Named from the package root, not from this module, because the
 * bundled command's chunks live elsewhere in `dist/`; a run from the sources finds it too, and uses
 * it only when its digest matches the rule files.
 */
export const BUILTIN_RULE_PACK_FILE = join(PACKAGE_ROOT, "dist", "engine", "builtin-rules.json");

/**
 * A digest of the rule files below `dir` (names and bytes, in load order). Rule tests and other
 * files are left out: they do not change what the loader produces.
 */
export function ruleFilesDigest(dir: string): string {
  const hash = createHash("sha256");
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && isRuleFileName(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) {
    hash.update(`${relative(dir, file).split("\\").join("/")}\0`);
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * The stored pack for `rulesDir`, or undefined when there is none (tests run from the sources),
 * it cannot be read, or it was built from other rule files than those in `rulesDir` now. Every
 * such case falls back to reading the files, which reports its own problems.
 */
export function readBuiltinRulePack(
  rulesDir: string,
  packFile = BUILTIN_RULE_PACK_FILE,
): PrebuiltRuleDirectory | undefined {
  let pack: BuiltinRulePack;
  try {
    pack = JSON.parse(readFileSync(packFile, "utf8")) as BuiltinRulePack;
    if (typeof pack?.digest !== "string" || !Array.isArray(pack.rules)) return undefined;
    if (pack.digest !== ruleFilesDigest(rulesDir)) return undefined;
  } catch {
    return undefined;
  }
  return { dir: rulesDir, rules: pack.rules };
}
