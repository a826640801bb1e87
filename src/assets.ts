import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/**
 * The package root, where `schemas/` and `rules/` live. Both `src/assets.ts` (tests) and
 * `dist/assets.js` (the built CLI) sit one level below it.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));

export const BUILTIN_RULES_DIR = join(PACKAGE_ROOT, "rules");

const schemaCache = new Map<string, object>();

/** Loads one of the JSON Schemas the project ships, by file name (`rule.schema.json`). */
export function loadSchema(name: string): object {
  let schema = schemaCache.get(name);
  if (!schema) {
    schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, "schemas", name), "utf8")) as object;
    schemaCache.set(name, schema);
  }
  return schema;
}

interface PackageJson {
  name: string;
  version: string;
}

export const PACKAGE: PackageJson = JSON.parse(
  readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8"),
) as PackageJson;

export const INFORMATION_URI = "https://github.com/access-baseline/access-baseline";
