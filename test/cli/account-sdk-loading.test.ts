import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT } from "../support/cli.js";
import { modulesLoadedBy } from "../support/module-log.js";

/**
 * Commands load only what they use: the built command runs under a module-resolution hook that
 * logs every chunk it loads (test/support/module-log.ts). Checking a snapshot must load no
 * `@aws-sdk` package; a live run must load the clients, which proves the log sees them.
 */

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-sdk-loading-"));
});

async function run(
  args: string[],
  log: string,
): Promise<{ code: number; imported: string[]; stderr: string }> {
  const result = await modulesLoadedBy(args, {
    log,
    env: {
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example",
      AWS_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
      AWS_CONFIG_FILE: join(dir, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    },
  });
  // The packages, by name: node_modules/@aws-sdk/client-sts/dist-es/… → @aws-sdk/client-sts.
  const imported = new Set<string>();
  for (const module of [...result.modules, ...result.specifiers]) {
    const match = /(?:^|node_modules\/)(@aws-sdk\/[^/]+)/.exec(module);
    if (match?.[1] !== undefined) imported.add(match[1]);
  }
  return { code: result.code, imported: [...imported].sort(), stderr: result.stderr };
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
