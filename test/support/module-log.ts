import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO } from "./cli.js";

/**
 * Which modules a run of the built command loaded. The command runs under a module-resolution hook
 * that logs every module URL it resolves; the command is a bundle, so each chunk it loaded is
 * expanded into the sources and packages it holds (`dist/cli/bundle.json`, written by the build).
 * Entries read like `src/sources/snapshot.ts` or `node_modules/ajv/dist/ajv.js`.
 */
export interface ModuleLog {
  code: number;
  stderr: string;
  /** Source files and package files the loaded chunks hold, relative to the repository. */
  modules: string[];
  /** Bare specifiers the program asked for that are not in the bundle (packages left external). */
  specifiers: string[];
}

let hookFile: Promise<string> | undefined;

function registerHook(): Promise<string> {
  hookFile ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-module-log-"));
    await writeFile(
      join(dir, "hooks.mjs"),
      [
        'import { appendFileSync } from "node:fs";',
        "export async function resolve(specifier, context, next) {",
        "  const resolved = await next(specifier, context);",
        '  appendFileSync(process.env.MODULE_LOG, JSON.stringify([specifier, resolved.url]) + "\\n");',
        "  return resolved;",
        "}",
        "",
      ].join("\n"),
    );
    const register = join(dir, "register.mjs");
    await writeFile(
      register,
      'import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n',
    );
    return register;
  })();
  return hookFile;
}

export async function modulesLoadedBy(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; log: string },
): Promise<ModuleLog> {
  const bundle = JSON.parse(readFileSync(join(REPO, "dist/cli/bundle.json"), "utf8")) as {
    outputs: Record<string, string[]>;
  };
  const result = spawnSync(
    process.execPath,
    ["--import", await registerHook(), join(REPO, "dist/cli/bin.js"), ...args],
    {
      cwd: options.cwd ?? REPO,
      encoding: "utf8",
      env: { PATH: process.env.PATH, ...options.env, MODULE_LOG: options.log },
    },
  );
  const resolved = await readFile(options.log, "utf8").then(
    (text) =>
      text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as [string, string]),
    () => [],
  );
  const cliDir = join(REPO, "dist/cli/");
  const modules = new Set<string>();
  const specifiers: string[] = [];
  for (const [specifier, url] of resolved) {
    if (!url.startsWith("file:")) continue;
    const file = fileURLToPath(url);
    const output = file.startsWith(cliDir) ? bundle.outputs[file.slice(cliDir.length)] : undefined;
    if (output !== undefined) for (const input of output) modules.add(input);
    else {
      modules.add(file.startsWith(REPO) ? file.slice(REPO.length) : file);
      if (!specifier.startsWith(".") && !specifier.startsWith("file:")) specifiers.push(specifier);
    }
  }
  return { code: result.status ?? -1, stderr: result.stderr, modules: [...modules].sort(), specifiers };
}
