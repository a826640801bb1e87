import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, FIXTURES, REPO, runCli } from "../support/cli.js";
import { modulesLoadedBy } from "../support/module-log.js";

/** `access-baseline report` end to end: the example history, snapshots, bad input, outputs. */

const HISTORY = join(REPO, "examples", "history");
const BAD = join(FIXTURES, "campaign");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-report-"));
});

async function newestResults(): Promise<{ results: { status: string }[] }> {
  const newest = (await readdir(HISTORY))
    .filter((name) => name.endsWith(".json"))
    .sort()
    .at(-1)!;
  return JSON.parse(await readFile(join(HISTORY, newest), "utf8")) as { results: { status: string }[] };
}

describe("report over the example history", () => {
  it("prints the Markdown summary by default: headline with changes, one line per owner", async () => {
    const run = await runCli(["report", "--history", HISTORY]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^## SSH-free access campaign — 2026-12-04\n/);
    expect(run.stdout).toContain("1 account, 4 runs (2026-11-13 to 2026-12-04)");
    expect(run.stdout).toMatch(/\| Exposed bastions \| 1 \| no change \|/);
    expect(run.stdout).toMatch(
      /\| Instances reachable on port 22 from anywhere \| 3 \| down 2 \(from 5\) \|/,
    );
    expect(run.stdout).toMatch(/\| web \| 0 \| 0 \| done ✓ \|/);
    expect(run.stdout).toMatch(/about \$\d+\.\d\d a month on demand .*an estimate/);
    // Short enough for a pull-request comment.
    expect(run.stdout.split("\n").length).toBeLessThan(40);
  });

  it("writes HTML, Markdown and CSV to files in one run", async () => {
    const run = await runCli(
      [
        "report",
        "--history",
        HISTORY,
        "--format",
        "html=c.html",
        "--format",
        "csv=c.csv",
        "--format",
        "markdown=c.md",
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/open items over 6 owners in 4 runs; wrote c\.html, c\.csv, c\.md\n$/);
    const html = await readFile(join(dir, "c.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    // Self-contained: nothing to load, nothing to run.
    expect(html).not.toMatch(/<script|<link|\ssrc=|@import|url\(/i);
    expect(
      html.match(/<svg[^>]* role="img" aria-labelledby="chart-[a-z-]+-title chart-[a-z-]+-desc"/g),
    ).toHaveLength(2);
    const csv = (await readFile(join(dir, "c.csv"), "utf8")).split("\r\n").filter(Boolean);
    expect(csv[0]).toBe(
      "owner,account,region,resource type,resource id,name,item,status,severity,first seen,last seen",
    );
    const open = (await newestResults()).results.filter(
      (result) => result.status === "fail" || result.status === "error",
    );
    expect(csv).toHaveLength(open.length + 1);
    expect(csv).toContain(
      "platform,111122223333,us-east-1,AWS::EC2::Instance,i-0b45e1a7c3d9f2001,bastion,exposed-bastion,fail,error,2026-11-13T08:00:00.000Z,2026-12-04T08:00:00.000Z",
    );
    expect(await readFile(join(dir, "c.md"), "utf8")).toContain("## SSH-free access campaign");
  });

  it("groups by the owner tag given", async () => {
    const run = await runCli(["report", "--history", HISTORY, "--owner-tag", "Owner"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| it-ops \| 1 \|/);
    expect(run.stdout).not.toMatch(/\| platform \|/);
  });
});

describe("report over snapshots", () => {
  it("evaluates a snapshot through the pipeline and dates it by its createdAt", async () => {
    const run = await runCli(["report", EXAMPLE_SNAPSHOT, "--format", "csv"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(",2026-11-20T09:30:00.000Z,2026-11-20T09:30:00.000Z\r\n");
    const check = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"], {
      env: { ACCESS_BASELINE_NOW: "2026-11-19T00:00:00Z" },
    });
    const failing = (JSON.parse(check.stdout) as { results: { status: string }[] }).results.filter(
      (result) => result.status === "fail",
    ).length;
    expect(run.stdout.split("\r\n").filter(Boolean)).toHaveLength(failing + 1);
  });

  it("merges a snapshot with results files of other times", async () => {
    await writeFile(join(dir, "later.json"), await readFile(join(HISTORY, "2026-12-04.json")));
    const run = await runCli(["report", EXAMPLE_SNAPSHOT, "later.json"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2 runs (2026-11-20 to 2026-12-04)");
  });
});

describe("report refuses what it cannot use, in one line, writing nothing", () => {
  it.each([
    [
      "a truncated file",
      "truncated.json",
      /^access-baseline: .*truncated\.json: the JSON ends early \(a truncated file\?\)/,
    ],
    [
      "another tool's file",
      "not-ours.json",
      /^access-baseline: .*not-ours\.json: not a results file \(check --format json\) or a snapshot \(collect\) of access-baseline$/,
    ],
    [
      "a newer format version",
      "newer-version.json",
      /newer-version\.json: access-baseline\/results version 2 was written by a newer access-baseline; this one reads version 1$/,
    ],
    ["a run without its time", "undated.json", /undated\.json: the run has no timestamp \(createdAt\)/],
    [
      "a different major version",
      "other-major.json",
      /other-major\.json: written by access-baseline 1\.0\.0, .*2026-11-13\.json by 0\.1\.0; runs of different major versions are not merged/,
    ],
  ])("%s", async (_name, file, message) => {
    const run = await runCli(
      ["report", "--history", HISTORY, join(BAD, file), "--format", "html=c.html", "--format", "csv=c.csv"],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
    expect(existsSync(join(dir, "c.html"))).toBe(false);
    expect(existsSync(join(dir, "c.csv"))).toBe(false);
  });

  it("a history directory holding a bad file, naming it", async () => {
    await writeFile(
      join(dir, "2026-11-01.json"),
      (await readFile(join(BAD, "truncated.json"))).subarray(0, 500),
    );
    const run = await runCli(["report", "--history", dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${join(dir, "2026-11-01.json")}: the JSON ends early`);
  });

  it.each([
    [[], /report needs runs: results files or snapshots \(RUN…\), --history DIR, or --account/],
    [
      ["--history", HISTORY, "--format", "pdf"],
      /unknown report format "pdf": expected one of html, markdown, csv/,
    ],
    [
      ["--history", HISTORY, "--format", "html", "--format", "csv"],
      /only one format can go to standard output/,
    ],
  ])("bad options %j", async (args, message) => {
    const run = await runCli(["report", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("the run's time in check's results", () => {
  it("is the time of the run, or ACCESS_BASELINE_NOW, and a bad value is refused", async () => {
    const fixed = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"], {
      env: { ACCESS_BASELINE_NOW: "2026-11-19T10:00:00+01:00" },
    });
    const json = JSON.parse(fixed.stdout) as {
      createdAt: string;
      resources: { id: string; tags?: Record<string, string> }[];
    };
    expect(json.createdAt).toBe("2026-11-19T09:00:00.000Z");
    // Facts of the resources with findings: the bastion's tags and its instance facts.
    expect(json.resources.find((fact) => fact.id === "i-0b45e1a7c3d9f2001")).toMatchObject({
      tags: { Name: "bastion" },
      instanceType: "t3.micro",
      publicIp: "54.210.33.17",
      securityGroups: ["sg-0017b3c9e5a1f4d01"],
    });
    const bad = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"], {
      env: { ACCESS_BASELINE_NOW: "yesterday" },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'access-baseline: ACCESS_BASELINE_NOW="yesterday" is not a timestamp (such as 2026-11-20T09:30:00Z)\n',
    );
  });
});

describe("loading", () => {
  /** Runs the built command and names the vega packages it loaded. */
  async function importedVega(args: string[]): Promise<{ code: number; imported: string[] }> {
    const result = await modulesLoadedBy(args, { cwd: dir, log: join(dir, `imports-${(logs += 1)}.log`) });
    const imported = new Set<string>();
    for (const module of [...result.modules, ...result.specifiers]) {
      const match = /(?:^|node_modules\/)(vega(?:-lite)?)(?:\/|$)/.exec(module);
      if (match?.[1] !== undefined) imported.add(match[1]);
    }
    return { code: result.code, imported: [...imported] };
  }
  let logs = 0;

  it("loads vega and vega-lite only when HTML is written", async () => {
    expect(
      (await importedVega(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json=r.json"])).imported,
    ).toEqual([]);
    expect((await importedVega(["report", "--history", HISTORY, "--format", "csv=c.csv"])).imported).toEqual(
      [],
    );
    const html = await importedVega(["report", "--history", HISTORY, "--format", "html=c.html"]);
    expect(html.code).toBe(0);
    expect(html.imported.sort()).toEqual(["vega", "vega-lite"]);
  });
});
