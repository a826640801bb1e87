import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

/**
 * The package root, where `schemas/` and `rules/` live: the nearest folder above this module that
 * holds a `package.json`. The module sits at different depths — `src/assets.ts` (tests),
 * `dist/assets.js` (the library), a chunk in `dist/cli/chunks/` (the bundled command) — so the
 * root is found, not counted.
 */
export const PACKAGE_ROOT = packageRootAbove(fileURLToPath(import.meta.url));

function packageRootAbove(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${file}`);
    dir = parent;
  }
  return `${dir}/`;
}

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
