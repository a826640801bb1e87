// `npm run build`: compiles src/ into dist/ and makes the command executable. The compiler writes
// files without the execute bit, and `npm ci` links a package's own command before `prepare`
// builds it, so `npx access-baseline` in a fresh clone would otherwise be refused.
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("..", import.meta.url));
const compiler = require.resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [compiler, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);
const manifest = require("../package.json");
for (const bin of Object.values(manifest.bin ?? {})) chmodSync(new URL(`../${bin}`, import.meta.url), 0o755);
