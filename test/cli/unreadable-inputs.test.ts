import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, runCli } from "../support/cli.js";

/**
 * A directory of templates and plans in which some files cannot be read: each one is an input
 * problem in every output format and the run exits with 2, while the readable template is still
 * checked. Nothing is skipped silently.
 */

const NOT_TEXT =
  "not UTF-8 or UTF-16 text (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark)";

async function infrastructure(): Promise<string> {
  const cwd = await mkdtemp(join(tmpdir(), "access-baseline-unreadable-"));
  const dir = join(cwd, "infra");
  await mkdir(dir);
  await copyFile(join(FIXTURES, "templates", "mixed", "app.yaml"), join(dir, "app.yaml"));
  await copyFile(join(FIXTURES, "templates", "mixed", "package.json"), join(dir, "package.json"));
  const plan = await readFile(join(FIXTURES, "plans", "web", "plan.json"), "utf8");
  // What `terraform show -json > plan.json` writes in some Windows shells: UTF-16 without a mark.
  await writeFile(join(dir, "plan.json"), Buffer.from(plan, "utf16le"));
  await writeFile(join(dir, "stack.json"), '{\n  "Resources": {\n    "Web": {\n');
  await writeFile(join(dir, "logo.template"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
  return cwd;
}

const EXPECTED = [
  { file: "infra/logo.template", message: NOT_TEXT },
  { file: "infra/plan.json", message: NOT_TEXT },
  {
    file: "infra/stack.json",
    line: 3,
    column: 13,
    message: "not valid JSON: the file ends unexpectedly inside an object (is it truncated?)",
  },
];

describe("files in a directory that cannot be read", () => {
  it("are input problems in the JSON report, and the readable template is still checked", async () => {
    const cwd = await infrastructure();
    const run = await runCli(["check", "infra", "--format", "json"], { cwd });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as {
      inputProblems: unknown[];
      results: { ruleId: string; status: string; resource: { id: string } }[];
    };
    expect(report.inputProblems).toEqual(EXPECTED);
    expect(
      report.results
        .filter((result) => result.status === "fail")
        .map((result) => `${result.ruleId} ${result.resource.id}`),
    ).toEqual(["rdp-from-internet AppSecurityGroup"]);
  });

  it("are listed in the text report", async () => {
    const cwd = await infrastructure();
    const run = await runCli(["check", "infra"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("3 input problems:");
    expect(run.stdout).toContain(`  infra/logo.template: ${NOT_TEXT}`);
    expect(run.stdout).toContain(`  infra/plan.json: ${NOT_TEXT}`);
    expect(run.stdout).toContain(
      "  infra/stack.json:3:13: not valid JSON: the file ends unexpectedly inside an object (is it truncated?)",
    );
  });

  it("are counted in the line that says what was written, when every report goes to a file", async () => {
    const cwd = await infrastructure();
    const run = await runCli(["check", "infra", "--format", "sarif=out.sarif"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "access-baseline: 1 failing, 0 not evaluated, 2 passing, 3 input problems (the run is incomplete); wrote out.sarif\n",
    );
  });

  it("are tool execution notifications in SARIF, and the run is not successful", async () => {
    const cwd = await infrastructure();
    const run = await runCli(["check", "infra", "--format", "sarif"], { cwd });
    expect(run.code).toBe(2);
    const sarif = JSON.parse(run.stdout) as {
      runs: {
        invocations: {
          executionSuccessful: boolean;
          toolExecutionNotifications: { message: { text: string } }[];
        }[];
      }[];
    };
    const invocations = sarif.runs.flatMap((sarifRun) => sarifRun.invocations);
    expect(invocations.some((invocation) => !invocation.executionSuccessful)).toBe(true);
    expect(
      invocations.flatMap((invocation) =>
        invocation.toolExecutionNotifications.map((notification) => notification.message.text),
      ),
    ).toEqual(EXPECTED.map((problem) => `cannot use ${problem.file}: ${problem.message}`));
  });
});

describe("a baseline file", () => {
  it("is read when written as UTF-16 with a byte-order mark, and refused with a key written twice", async () => {
    const cwd = await infrastructure();
    const template = join(cwd, "infra", "app.yaml");
    const first = await runCli(["check", template, "--format", "json"], { cwd });
    const results = JSON.parse(first.stdout) as { results: unknown[] };
    expect(results.results.length).toBeGreaterThan(0);

    await writeFile(join(cwd, "baseline.json"), Buffer.from(`\uFEFF${first.stdout}`, "utf16le"));
    const withBaseline = await runCli(["check", template, "--baseline", "baseline.json"], { cwd });
    expect(withBaseline.stderr).toBe("");
    expect(withBaseline.code).toBe(0);

    const duplicated = first.stdout.replace(/^\{\n/, '{\n  "format": "x",\n');
    await writeFile(join(cwd, "duplicated.json"), duplicated);
    const refused = await runCli(["check", template, "--baseline", "duplicated.json"], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^access-baseline: baseline duplicated\.json:\d+:\d+: duplicate key "format" \(first written at line 2\)\n$/,
    );
  });
});
