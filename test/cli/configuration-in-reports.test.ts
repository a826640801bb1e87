import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, runCli } from "../support/cli.js";
import { loadSchema } from "../../src/assets.js";
import { compileSchema, sarifSchemaValidator } from "../report/validators.js";

const resultsSchema = compileSchema(loadSchema("results.schema.json"));

/** Every report says which configuration file the run used, or that it used none. */

let repo: string;
let bare: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "ab-config-report-"));
  await mkdir(join(repo, ".git"));
  await mkdir(join(repo, "team"));
  await writeFile(join(repo, ".access-baseline.yml"), "fail-on: never\n");
  await writeFile(join(repo, "strict.yml"), "fail-on: note\n");
  bare = await mkdtemp(join(tmpdir(), "ab-config-report-none-"));
  await mkdir(join(bare, ".git"));
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(bare, { recursive: true, force: true });
});

const check = (format: string, cwd: string, extra: string[] = []) =>
  runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", format, ...extra], { cwd });

describe("the configuration file in each report", () => {
  it("json: configurationFile in the envelope, valid against the results schema", async () => {
    const found = JSON.parse((await check("json", join(repo, "team"))).stdout) as Record<string, unknown>;
    expect(found.configurationFile).toBe(join("..", ".access-baseline.yml"));
    expect(resultsSchema(found)).toBe(true);
    const named = JSON.parse((await check("json", repo, ["--config", "strict.yml"])).stdout) as Record<
      string,
      unknown
    >;
    expect(named.configurationFile).toBe("strict.yml");
    const none = JSON.parse((await check("json", bare)).stdout) as Record<string, unknown>;
    expect(none.configurationFile).toBeNull();
    expect(resultsSchema(none)).toBe(true);
  });

  it("sarif: a property of each invocation", async () => {
    const sarif = JSON.parse((await check("sarif", repo)).stdout) as {
      runs: { invocations: { properties?: Record<string, unknown> }[] }[];
    };
    expect(sarifSchemaValidator()(sarif)).toBe(true);
    for (const run of sarif.runs) {
      expect(run.invocations[0]!.properties).toEqual({ configurationFile: ".access-baseline.yml" });
    }
    const none = JSON.parse((await check("sarif", bare)).stdout) as typeof sarif;
    expect(none.runs[0]!.invocations[0]!.properties).toEqual({ configurationFile: null });
  });

  it("text: one line in the summary", async () => {
    expect((await check("text", repo)).stdout).toMatch(/^Configuration: \.access-baseline\.yml$/m);
    expect((await check("text", bare)).stdout).toMatch(/^Configuration: none \(built-in defaults\)$/m);
  });
});

describe("an empty --config", () => {
  // As `--config "$CONFIG"` gives it when the variable is unset: the file meant is not known.
  it.each([
    ["check", ["check", "--snapshot", EXAMPLE_SNAPSHOT, "--config", ""]],
    ["rules list", ["rules", "list", "--config", ""]],
  ])("%s: is refused, not replaced by the file found upward", async (_command, args) => {
    const run = await runCli(args, { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("access-baseline: --config: the file name is empty\n");
  });
});
