// npm's `prepare` script: builds dist/ after `npm ci` or `npm install` in a clone, and before
// `npm pack`. The TypeScript compiler is a dev dependency, so `npm ci --omit=dev` has none; then
// there is nothing to build with, and saying so beats failing the whole install.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
try {
  require.resolve("typescript/bin/tsc");
} catch {
  const built = existsSync(new URL("../dist/cli/bin.js", import.meta.url));
  process.stderr.write(
    `access-baseline: TypeScript is not installed (dev dependencies omitted); not building dist/. ${
      built ? "The existing dist/ is used." : "Run `npm ci` (with dev dependencies) to build it."
    }\n`,
  );
  process.exit(0);
}
const build = fileURLToPath(new URL("build.mjs", import.meta.url));
const result = spawnSync(process.execPath, [build], { stdio: "inherit" });
process.exit(result.status ?? 1);
