import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import { compileSchema } from "../report/validators.js";
import { runCli } from "../support/cli.js";
import { ACCOUNT, checkArgs, tempDir, writeGroups, type JsonOutput } from "../support/gate.js";

/**
 * `--baseline`: only findings whose fingerprint is new fail the run. The baseline is a previous
 * run's SARIF or JSON; here, a run where sg-0aaa already failed, compared with one where sg-0bbb
 * fails too.
 */

async function previousRun(format: "sarif" | "json"): Promise<{ dir: string; baseline: string }> {
  const dir = await tempDir();
  const before = await writeGroups(dir, ["sg-0aaa", "sg-0ccc"], ["sg-0ccc"], "before.json");
  const baseline = join(dir, `baseline.${format}`);
  const run = await runCli(checkArgs(before, "--format", format, "--output", baseline), { cwd: dir });
  expect(run.code).toBe(1);
  return { dir, baseline };
}

async function checkAgainst(dir: string, baseline: string, ids: string[], format = "json") {
  const snapshot = await writeGroups(dir, ids, ["sg-0ccc"], "after.json");
  return runCli(checkArgs(snapshot, "--format", format, "--baseline", baseline), { cwd: dir });
}

describe.each(["sarif", "json"] as const)("a %s baseline", (format) => {
  it("fails only on findings that are new, and marks each failure", async () => {
    const { dir, baseline } = await previousRun(format);
    const run = await checkAgainst(dir, baseline, ["sg-0aaa", "sg-0bbb", "sg-0ccc"]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as JsonOutput;
    const failing = json.results.filter((result) => result.status === "fail");
    expect(failing.map((result) => [result.resource.id, result.baselineState])).toEqual([
      ["sg-0aaa", "unchanged"],
      ["sg-0bbb", "new"],
    ]);
    expect(json.baseline).toEqual({ file: baseline, new: 1, unchanged: 1, absent: 0, unseen: 0 });
    const validate = compileSchema(loadSchema("results.schema.json"));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    // Passes are not findings: no fingerprint and no baseline state.
    const pass = json.results.find((result) => result.status === "pass")!;
    expect(pass.fingerprint).toBeUndefined();
    expect(pass.baselineState).toBeUndefined();
  });

  it("passes when every failure was already in the baseline", async () => {
    const { dir, baseline } = await previousRun(format);
    const run = await checkAgainst(dir, baseline, ["sg-0aaa", "sg-0ccc"]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonOutput).baseline).toMatchObject({ new: 0, unchanged: 1 });
  });

  it("counts the baseline's failures that no longer fail", async () => {
    const { dir, baseline } = await previousRun(format);
    const run = await checkAgainst(dir, baseline, ["sg-0ccc"]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonOutput).baseline).toMatchObject({
      new: 0,
      unchanged: 0,
      absent: 1,
      unseen: 0,
    });
  });

  it("does not count as no longer failing a failure the run could not see", async () => {
    const { dir, baseline } = await previousRun(format);
    // The same account and region, but the groups could not be read there this time.
    const snapshot = await writeGroups(dir, ["sg-0ccc"], ["sg-0ccc"], "after.json");
    const data = JSON.parse(await readFile(snapshot, "utf8")) as { collectionErrors: unknown[] };
    data.collectionErrors.push({
      account: ACCOUNT,
      region: "eu-west-1",
      service: "ec2",
      operation: "DescribeSecurityGroups",
      code: "UnauthorizedOperation",
      message: "You are not authorized to perform this operation.",
      resourceTypes: ["AWS::EC2::SecurityGroup"],
    });
    await writeFile(snapshot, JSON.stringify(data));
    const run = await runCli(checkArgs(snapshot, "--format", "json", "--baseline", baseline), { cwd: dir });
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as JsonOutput).baseline).toMatchObject({ absent: 0, unseen: 1 });
    const text = await runCli(checkArgs(snapshot, "--baseline", baseline), { cwd: dir });
    expect(text.stdout).toContain("0 no longer failing, 1 not seen by this run");
  });

  it("does not count as no longer failing a failure in an account and region the run did not cover", async () => {
    const { dir, baseline } = await previousRun(format);
    const snapshot = await writeGroups(dir, ["sg-0ccc"], ["sg-0ccc"], "after.json");
    const moved = (await readFile(snapshot, "utf8")).replaceAll("eu-west-1", "eu-central-1");
    await writeFile(snapshot, moved);
    const run = await runCli(checkArgs(snapshot, "--format", "json", "--baseline", baseline), { cwd: dir });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonOutput).baseline).toMatchObject({ absent: 0, unseen: 1 });
  });
});

describe("with a baseline", () => {
  it("the text lists only new failures and says how many were left out", async () => {
    const { dir, baseline } = await previousRun("sarif");
    const run = await checkAgainst(dir, baseline, ["sg-0aaa", "sg-0bbb", "sg-0ccc"], "text");
    expect(run.stdout).toContain("sg-0bbb has no description");
    expect(run.stdout).not.toContain("sg-0aaa has no description");
    expect(run.stdout).toContain(
      `Baseline ${baseline}: 1 new, 1 unchanged (not listed), 0 no longer failing`,
    );
  });

  it("the text says so when nothing is new", async () => {
    const { dir, baseline } = await previousRun("json");
    const run = await checkAgainst(dir, baseline, ["sg-0aaa", "sg-0ccc"], "text");
    expect(run.stdout).toMatch(/^No new failing results\.\n/);
  });

  it("SARIF keeps every finding, with its baselineState, so uploads do not close old alerts", async () => {
    const { dir, baseline } = await previousRun("json");
    const run = await checkAgainst(dir, baseline, ["sg-0aaa", "sg-0bbb", "sg-0ccc"], "sarif");
    const results = JSON.parse(run.stdout).runs[0].results as { baselineState: string }[];
    expect(results.map((result) => result.baselineState)).toEqual(["unchanged", "new"]);
  });

  it("the JSON fingerprints are the SARIF fingerprints", async () => {
    const { dir } = await previousRun("json");
    const snapshot = await writeGroups(dir, ["sg-0aaa", "sg-0bbb"], [], "after.json");
    const json = JSON.parse((await runCli(checkArgs(snapshot, "--format", "json"), { cwd: dir })).stdout);
    const sarif = JSON.parse((await runCli(checkArgs(snapshot, "--format", "sarif"), { cwd: dir })).stdout);
    expect(json.results.map((result: { fingerprint?: string }) => result.fingerprint)).toEqual(
      sarif.runs[0].results.map(
        (result: { partialFingerprints: { primaryLocationLineHash: string } }) =>
          result.partialFingerprints.primaryLocationLineHash,
      ),
    );
  });

  it("a failure that was waived in the baseline is new once its waiver is gone", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, ".access-baseline.yml"),
      "waivers:\n  - rule: group-has-description\n    resource: sg-0aaa\n    reason: r\n    owner: o\n    expires: 2026-12-31\n",
    );
    const snapshot = await writeGroups(dir, ["sg-0aaa"]);
    const baseline = join(dir, "baseline.sarif");
    const env = { ACCESS_BASELINE_TODAY: "2026-11-22" };
    const before = await runCli(checkArgs(snapshot, "--format", "sarif", "--output", baseline), {
      cwd: dir,
      env,
    });
    expect(before.code).toBe(0);
    await writeFile(join(dir, ".access-baseline.yml"), "fail-on: note\n");
    const after = await runCli(checkArgs(snapshot, "--baseline", baseline), { cwd: dir, env });
    expect(after.code).toBe(1);
    expect(after.stdout).toContain("sg-0aaa has no description");
  });

  it("an expired waiver fails the run even if the baseline had its finding", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, ".access-baseline.yml"),
      "waivers:\n  - rule: group-has-description\n    resource: sg-0aaa\n    reason: r\n    owner: o\n    expires: 2026-11-01\n",
    );
    const snapshot = await writeGroups(dir, ["sg-0aaa"]);
    const baseline = join(dir, "baseline.json");
    const env = { ACCESS_BASELINE_TODAY: "2026-11-22" };
    await runCli(checkArgs(snapshot, "--format", "json", "--output", baseline), { cwd: dir, env });
    const run = await runCli(checkArgs(snapshot, "--format", "json", "--baseline", baseline), {
      cwd: dir,
      env,
    });
    expect(run.code).toBe(1);
    const states = (JSON.parse(run.stdout) as JsonOutput).results
      .filter((result) => result.status === "fail")
      .map((result) => [result.ruleId, result.baselineState]);
    expect(states).toEqual([
      ["group-has-description", "unchanged"],
      ["access-baseline/waiver-expired", "new"],
    ]);
  });

  it("writing to a file reports the new failures on stderr", async () => {
    const { dir, baseline } = await previousRun("json");
    const snapshot = await writeGroups(dir, ["sg-0aaa", "sg-0bbb"], [], "after.json");
    const run = await runCli(
      checkArgs(snapshot, "--baseline", baseline, "--format", "sarif", "--output", join(dir, "out.sarif")),
      { cwd: dir },
    );
    expect(run.stderr).toMatch(/^access-baseline: 2 failing \(1 new\), 0 not evaluated, 0 passing; wrote /);
  });
});

describe("a baseline that cannot be used: one line, exit 2, no output", () => {
  it.each([
    [
      "a missing file",
      undefined,
      /^access-baseline: cannot read baseline .*missing\.sarif: no such file or directory\n$/,
    ],
    ["a file that is not JSON", "<sarif/>", /^access-baseline: baseline .*: invalid JSON: /],
    [
      "JSON that is neither output",
      '{"runs": 3}',
      /^access-baseline: baseline .*: not the output of access-baseline \(expected --format sarif or --format json\)\n$/,
    ],
    [
      "SARIF from another tool",
      JSON.stringify({ version: "2.1.0", runs: [{ tool: { driver: { name: "checkov" } }, results: [] }] }),
      /^access-baseline: baseline .*: no run of access-baseline in this SARIF file \(tools: checkov\)\n$/,
    ],
    [
      "JSON results without fingerprints",
      JSON.stringify({ format: "access-baseline/results", version: 1, results: [{ status: "fail" }] }),
      /a failing result has no fingerprint \(written by an older version\?/,
    ],
    [
      "a newer JSON results version",
      JSON.stringify({ format: "access-baseline/results", version: 2, results: [] }),
      /results version 2 is not supported \(this version reads 1\)/,
    ],
  ])("%s", async (_name, content, expected) => {
    const dir = await tempDir();
    const snapshot = await writeGroups(dir, ["sg-0aaa"]);
    const baseline = join(dir, content === undefined ? "missing.sarif" : "baseline.sarif");
    if (content !== undefined) await writeFile(baseline, content);
    const run = await runCli(checkArgs(snapshot, "--baseline", baseline), { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(expected);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});
