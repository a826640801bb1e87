// `npm run build`: compiles src/ into dist/, stores the built-in rule pack, bundles the command
// and makes it executable. The compiler writes files without the execute bit, and `npm ci` links a package's
// own command before `prepare` builds it, so `npx access-baseline` in a fresh clone would
// otherwise be refused.
//
// The rule pack (`dist/engine/builtin-rules.json`, see src/engine/builtin-rule-pack.ts) holds the
// definitions the compiled loader reads from rules/, so that the CLI need not parse YAML at every
// start; it is loaded, validated and checked here, and a rule that does not load fails the build.
import { spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleCli } from "./bundle-cli.mjs";
import { validatedRuleDefinitions } from "./rule-pack.mjs";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("..", import.meta.url));
const compiler = require.resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [compiler, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);
const distModule = (path) => import(pathToFileURL(join(root, "dist", path)).href);
const loader = await distModule("engine/rule-loader.js");
const { BUILTIN_RULE_PACK_FILE, ruleFilesDigest } = await distModule("engine/builtin-rule-pack.js");
const rulesDir = join(root, "rules");
try {
  const rules = await validatedRuleDefinitions(loader, rulesDir, root);
  const pack = {
    digest: ruleFilesDigest(rulesDir),
    rules: rules.map(({ rule, text }) => ({ file: rule.metadata.file, definition: JSON.parse(text) })),
  };
  writeFileSync(BUILTIN_RULE_PACK_FILE, `${JSON.stringify(pack)}\n`);
} catch (error) {
  console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
// The command itself is a bundle of the sources (scripts/bundle-cli.mjs); it replaces the
// compiler's dist/cli/bin.js, while the rest of dist/ stays the library's modules.
try {
  await bundleCli(root);
} catch (error) {
  console.error(`build: bundling the command: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const manifest = require("../package.json");
for (const bin of Object.values(manifest.bin ?? {})) chmodSync(new URL(`../${bin}`, import.meta.url), 0o755);
