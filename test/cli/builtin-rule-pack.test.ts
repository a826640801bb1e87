import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, FIXTURES, REPO } from "../support/cli.js";

/**
 * The built CLI reads the built-in rules from the pack `npm run build` stores, or from rules/ when
 * there is no current pack: what it reports is the same, byte for byte. Runs a copy of the
 * package, so that removing its pack leaves this clone's build alone.
 */

let packageDir: string;

beforeAll(async () => {
  packageDir = join(await mkdtemp(join(tmpdir(), "access-baseline-pack-cli-")), "package");
  for (const entry of ["dist", "rules", "schemas", "package.json"]) {
    await cp(join(REPO, entry), join(packageDir, entry), { recursive: true });
  }
  await symlink(join(REPO, "node_modules"), join(packageDir, "node_modules"));
});

const RUNS = [
  ["check", join(FIXTURES, "templates"), "--format", "text"],
  ["check", join(FIXTURES, "templates"), "--format", "sarif"],
  ["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"],
  ["rules", "list"],
  ["rules", "validate"],
  ["rules", "test"],
];

function run(args: string[]) {
  const result = spawnSync(process.execPath, [join(packageDir, "dist", "cli", "bin.js"), ...args], {
    cwd: REPO,
    // A fixed start time, so that reports of two runs can be compared.
    env: { PATH: process.env.PATH, ACCESS_BASELINE_NOW: "2026-01-15T10:00:00Z" },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the built-in rule pack in the built CLI", () => {
  it("gives the same output as reading rules/", async () => {
    const fromPack = RUNS.map(run);
    await rm(join(packageDir, "dist", "engine", "builtin-rules.json"));
    const fromFiles = RUNS.map(run);
    for (const [index, args] of RUNS.entries()) {
      expect(fromPack[index]!.stderr, args.join(" ")).not.toMatch(/internal error/);
      expect(fromPack[index], args.join(" ")).toEqual(fromFiles[index]);
    }
    expect(fromPack[1]!.stdout).toContain('"rules"');
  });
});
