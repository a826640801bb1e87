import { link, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, runCli } from "../support/cli.js";

/** Several outputs in one run, and the new formats, through the CLI in-process. */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-formats-"));
});

const CHECK = ["check", "--snapshot", EXAMPLE_SNAPSHOT];

describe("check --format, repeated", () => {
  it("writes each NAME=PATH format to its file and the bare one to standard output", async () => {
    const run = await runCli(
      [...CHECK, "--format", "sarif=out.sarif", "--format", "json=out.json", "--format", "text"],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Results:");
    expect(JSON.parse(await readFile(join(dir, "out.sarif"), "utf8"))).toMatchObject({ version: "2.1.0" });
    expect(JSON.parse(await readFile(join(dir, "out.json"), "utf8"))).toMatchObject({
      format: "access-baseline/results",
    });
  });

  it("writes passes compact in JSON, and in full with --verbose-passes", async () => {
    type Results = { results: Record<string, unknown>[] };
    const compact = await runCli([...CHECK, "--format", "json"], { cwd: dir });
    const verbose = await runCli([...CHECK, "--format", "json", "--verbose-passes"], { cwd: dir });
    const passes = (run: typeof compact) =>
      (JSON.parse(run.stdout) as Results).results.filter((result) => result.status === "pass");
    expect(passes(compact).length).toBeGreaterThan(0);
    for (const pass of passes(compact)) expect(Object.keys(pass)).toEqual(["ruleId", "status", "resource"]);
    for (const pass of passes(verbose)) expect(pass).toHaveProperty("location");
    expect(passes(verbose)).toHaveLength(passes(compact).length);
  });

  it("stamps the JSON report and the ASFF findings with one run time, fixed by ACCESS_BASELINE_NOW", async () => {
    const env = { ACCESS_BASELINE_NOW: "2026-11-19T10:00:00+01:00" };
    const run = await runCli([...CHECK, "--format", "asff", "--format", "json=out.json"], { cwd: dir, env });
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout) as { CreatedAt: string; UpdatedAt: string }[];
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      expect(finding.CreatedAt).toBe("2026-11-19T09:00:00.000Z");
      expect(finding.UpdatedAt).toBe("2026-11-19T09:00:00.000Z");
    }
    const json = JSON.parse(await readFile(join(dir, "out.json"), "utf8")) as { createdAt: string };
    expect(json.createdAt).toBe("2026-11-19T09:00:00.000Z");
  });

  it.each(["2026-02-30T10:00:00Z", "2026-04-31T12:00:00+02:00"])(
    "refuses an ACCESS_BASELINE_NOW on a day the calendar does not have: %s",
    async (now) => {
      const run = await runCli([...CHECK, "--format", "json"], {
        cwd: dir,
        env: { ACCESS_BASELINE_NOW: now },
      });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        `access-baseline: ACCESS_BASELINE_NOW="${now}" is not a timestamp (such as 2026-11-20T09:30:00Z)\n`,
      );
    },
  );

  it("sends the bare format to --output", async () => {
    const run = await runCli(
      [...CHECK, "--format", "csv", "--output", "out.csv", "--format", "junit=out.xml"],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(await readFile(join(dir, "out.csv"), "utf8")).toMatch(/^rule,severity,status,/);
    expect(await readFile(join(dir, "out.xml"), "utf8")).toContain("<testsuites");
    expect(run.stderr).toContain("wrote out.csv, out.xml");
  });

  it.each([
    [
      ["--format", "yaml"],
      /unknown output format "yaml": expected one of text, json, sarif, junit, csv, github/,
    ],
    [["--format", "yaml=out.yaml"], /unknown output format "yaml"/],
    [["--format", "text", "--format", "json"], /only one format can go to standard output/],
    [
      ["--format", "json=out.json", "--format", "sarif=out.json"],
      /out.json is already the destination of --format json/,
    ],
    [
      ["--format", "json=missing/out.json", "--format", "sarif=ok.sarif"],
      /cannot write output file missing\/out.json: /,
    ],
    [["--format", "json=."], /cannot write output file \.: it is a directory/],
  ])("refuses %j with one line, exit 2, and writes nothing", async (formats, message) => {
    const run = await runCli([...CHECK, ...formats], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stdout).toBe("");
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses two names for one file, which would have the second report replace the first", async () => {
    await symlink("out.json", join(dir, "link-to-new.json"));
    await mkdir(join(dir, "reports"));
    await symlink("reports", join(dir, "reports-link"));
    const refused = async (formats: string[], message: RegExp) => {
      const run = await runCli([...CHECK, ...formats], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    };
    await refused(
      ["--format", "json=out.json", "--format", "sarif=link-to-new.json"],
      /link-to-new.json is already the destination of --format json/,
    );
    await refused(
      ["--format", "json=reports/out.json", "--format", "sarif=reports-link/out.json"],
      /reports-link\/out.json is already the destination of --format json/,
    );
    await writeFile(join(dir, "out.json"), "old");
    await link(join(dir, "out.json"), join(dir, "hard.json"));
    await refused(
      ["--format", "json=out.json", "--format", "sarif=hard.json"],
      /hard.json is already the destination of --format json/,
    );
    await refused(
      ["--format", "json=out.json", "--format", "sarif=link-to-new.json"],
      /link-to-new.json is already the destination of --format json/,
    );
    expect(await readFile(join(dir, "out.json"), "utf8")).toBe("old");
    expect(await readdir(join(dir, "reports"))).toEqual([]);
  });

  it("wraps text to 100 columns off a terminal and teaches how to fix each failing rule", async () => {
    const piped = await runCli([...CHECK, "--format", "text"], { cwd: dir });
    const findings = piped.stdout.slice(0, piped.stdout.indexOf("Results:"));
    for (const line of findings.split("\n").filter((line) => line.length > 100)) {
      expect(line.trim()).not.toContain(" ");
    }
    expect(piped.stdout).toContain("  Fix: ");
    expect(piped.stdout).toMatch(
      / {2}Docs: https:\/\/github\.com\/access-baseline\/access-baseline\/blob\/main\/docs\/rules\//,
    );
  });
});

describe("check --format github", () => {
  it("prints workflow commands and appends a job summary to GITHUB_STEP_SUMMARY", async () => {
    const summary = join(dir, "summary.md");
    await writeFile(summary, "earlier step\n");
    const run = await runCli([...CHECK, "--format", "github"], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error title=/m);
    const written = await readFile(summary, "utf8");
    expect(written.startsWith("earlier step\n## access-baseline\n")).toBe(true);
  });

  it("writes no summary without GITHUB_STEP_SUMMARY, and none for other formats", async () => {
    const summary = join(dir, "summary.md");
    await mkdir(join(dir, "sub"));
    const run = await runCli([...CHECK, "--format", "json"], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(1);
    expect(await readdir(dir)).toEqual(["sub"]);
  });
});
