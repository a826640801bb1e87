import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const EXAMPLE_SNAPSHOT = `${REPO}examples/snapshot.json`;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams and no TTY (so no colour). */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: {
      write: (text: string, done?: (error?: Error | null) => void) => {
        stdout += text;
        done?.();
        return true;
      },
      isTTY: options.tty ?? false,
    },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    env: options.env ?? {},
    cwd: options.cwd ?? REPO,
  });
  return { code, stdout, stderr };
}

/** Runs the built binary (`npm test` builds before running the tests), as a user would. */
export function runBinary(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [`${REPO}dist/cli/bin.js`, ...args], {
    cwd: options.cwd ?? REPO,
    env: { PATH: process.env.PATH, ...options.env },
    encoding: "utf8",
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
