import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, REPO } from "../support/cli.js";

/**
 * Commands load only what they use: the built CLI runs under a module-resolution hook that logs
 * every `@aws-sdk` package the program imports. Checking a snapshot must log none; a live run
 * must log the clients, which proves the hook sees them.
 */

let dir: string;
let hook: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-sdk-loading-"));
  await writeFile(
    join(dir, "hooks.mjs"),
    [
      'import { appendFileSync } from "node:fs";',
      "export async function resolve(specifier, context, next) {",
      '  if (specifier.includes("@aws-sdk/")) appendFileSync(process.env.AWS_SDK_IMPORT_LOG, specifier + "\\n");',
      "  return next(specifier, context);",
      "}",
      "",
    ].join("\n"),
  );
  hook = join(dir, "register.mjs");
  await writeFile(
    hook,
    'import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n',
  );
});

async function run(
  args: string[],
  log: string,
): Promise<{ code: number; imported: string[]; stderr: string }> {
  const result = spawnSync(process.execPath, ["--import", hook, join(REPO, "dist/cli/bin.js"), ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      AWS_SDK_IMPORT_LOG: log,
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example",
      AWS_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
      AWS_CONFIG_FILE: join(dir, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    },
  });
  const imported = await readFile(log, "utf8").then(
    (text) => text.split("\n").filter(Boolean),
    () => [],
  );
  return { code: result.status ?? -1, imported, stderr: result.stderr };
}

describe("loading the AWS SDK", () => {
  it("never happens when checking a snapshot", async () => {
    const result = await run(
      ["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"],
      join(dir, "snapshot.log"),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    expect(result.imported).toEqual([]);
  });

  it("never happens for rules, help or a live option's mistake", async () => {
    expect((await run(["rules", "list"], join(dir, "rules.log"))).imported).toEqual([]);
    expect((await run(["check", "--help"], join(dir, "help.log"))).imported).toEqual([]);
    const mistake = await run(["check", "--account", "--regions", "nowhere"], join(dir, "mistake.log"));
    expect(mistake.code).toBe(2);
    expect(mistake.imported).toEqual([]);
  });

  it("happens for a live run, which the hook sees", async () => {
    // Port 1 on the loopback interface refuses the connection at once.
    const result = await run(
      ["check", "--account", "--endpoint-url", "http://127.0.0.1:1"],
      join(dir, "live.log"),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^access-baseline: cannot identify the account of the credentials: .*ECONNREFUSED/,
    );
    expect(result.imported).toEqual(expect.arrayContaining(["@aws-sdk/client-sts", "@aws-sdk/client-ec2"]));
  });
});
