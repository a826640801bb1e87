import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { BUILTIN_RULES_DIR } from "../assets.js";
import { decodeText } from "../util/text-file.js";
import { parseYaml, toJs } from "../util/yaml-position.js";

/**
 * The built-in rule files, as text with the little the handler needs to choose among them before
 * compiling any (id, resource types, parameter names). Here they are read from `rules/`; the
 * Lambda bundle replaces this module with one that holds the same list, generated and validated
 * at build time (`scripts/build-lambda.mjs`), since a bundle has no `rules/` directory.
 */
export interface RuleSource {
  id: string;
  resourceTypes: string[];
  /** Declared parameter names. */
  params: string[];
  /** The file, relative to the rules directory (`network/ssh-from-internet.yaml`). */
  file: string;
  text: string;
}

const TEST_SUFFIX = /\.test\.ya?ml$/;
const RULE_FILE = /\.ya?ml$/;

export function builtinRuleSources(): RuleSource[] {
  const entries = readdirSync(BUILTIN_RULES_DIR, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && RULE_FILE.test(entry.name) && !TEST_SUFFIX.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((path) => {
      const text = decodeText(readFileSync(path));
      const head = toJs(parseYaml(text)) as { id?: unknown; resource?: unknown; params?: unknown };
      const resource = Array.isArray(head.resource) ? head.resource : [head.resource];
      return {
        id: String(head.id),
        resourceTypes: resource.map(String),
        params: head.params !== null && typeof head.params === "object" ? Object.keys(head.params) : [],
        file: relative(BUILTIN_RULES_DIR, path).split("\\").join("/"),
        text,
      };
    });
}
