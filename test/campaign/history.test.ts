import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { historyDirectoryFiles, majorVersion, mergeRuns } from "../../src/campaign/history.js";
import { recogniseRunFile, runFromResults } from "../../src/campaign/run-file.js";
import { ACCOUNT, OTHER_ACCOUNT, item, run } from "./builders.js";

describe("mergeRuns", () => {
  it("orders runs by the timestamp inside them, not by file name", () => {
    const campaign = mergeRuns([
      run("b-first.json", "2026-11-01T00:00:00Z", [
        item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000001"),
      ]),
      run("a-second.json", "2026-11-08T00:00:00Z", []),
    ]);
    expect(campaign.points.map((point) => point.createdAt)).toEqual([
      "2026-11-01T00:00:00.000Z",
      "2026-11-08T00:00:00.000Z",
    ]);
    expect(campaign.points.map((point) => point.items.length)).toEqual([1, 0]);
  });

  it("merges per account: each point holds every account's newest run so far", () => {
    const theirs = item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000002", {
      account: OTHER_ACCOUNT,
    });
    const ours = item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000001");
    const campaign = mergeRuns([
      run("ours-1.json", "2026-11-01T00:00:00Z", [ours]),
      run("theirs-1.json", "2026-11-02T00:00:00Z", [theirs], [], { accounts: [OTHER_ACCOUNT] }),
      run("ours-2.json", "2026-11-03T00:00:00Z", []),
    ]);
    expect(campaign.points.map((point) => point.items.map((open) => open.resource.id))).toEqual([
      ["i-0000000000000001"],
      ["i-0000000000000001", "i-0000000000000002"],
      // Our account is clean now; theirs still counts with its last run.
      ["i-0000000000000002"],
    ]);
  });

  it("takes from a run covering several accounts only each account's own items", () => {
    const both = run(
      "org.json",
      "2026-11-01T00:00:00Z",
      [
        item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000001"),
        item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000002", { account: OTHER_ACCOUNT }),
      ],
      [],
      { accounts: [ACCOUNT, OTHER_ACCOUNT] },
    );
    const later = run("ours.json", "2026-11-05T00:00:00Z", []);
    const { points } = mergeRuns([both, later]);
    expect(points.at(-1)!.items.map((open) => open.resource.account)).toEqual([OTHER_ACCOUNT]);
  });

  it("refuses two runs of one account at the same instant", () => {
    expect(() =>
      mergeRuns([run("one.json", "2026-11-01T00:00:00Z", []), run("two.json", "2026-11-01T00:00:00Z", [])]),
    ).toThrow(/two\.json: account 111122223333 has two runs at 2026-11-01T00:00:00\.000Z \(also one\.json\)/);
  });

  it("makes one point of runs of different accounts at the same instant", () => {
    const { points } = mergeRuns([
      run("ours.json", "2026-11-01T00:00:00Z", []),
      run("theirs.json", "2026-11-01T00:00:00Z", [], [], { accounts: [OTHER_ACCOUNT] }),
    ]);
    expect(points).toHaveLength(1);
    expect([...points[0]!.byAccount.keys()].sort()).toEqual([ACCOUNT, OTHER_ACCOUNT]);
  });

  it("refuses runs of different major versions and merges different minor ones", () => {
    expect(() =>
      mergeRuns([
        run("old.json", "2026-11-01T00:00:00Z", [], [], { toolVersion: "1.4.0" }),
        run("new.json", "2026-11-08T00:00:00Z", [], [], { toolVersion: "2.0.1" }),
      ]),
    ).toThrow(
      /new\.json: written by access-baseline 2\.0\.1, old\.json by 1\.4\.0; runs of different major versions are not merged/,
    );
    expect(
      mergeRuns([
        run("old.json", "2026-11-01T00:00:00Z", [], [], { toolVersion: "1.4.0" }),
        run("new.json", "2026-11-08T00:00:00Z", [], [], { toolVersion: "1.9.2" }),
      ]).points,
    ).toHaveLength(2);
  });

  it("treats 0.x minor versions as majors, as semver does", () => {
    expect(majorVersion("0.1.0")).toBe("0.1");
    expect(majorVersion("0.2.3")).toBe("0.2");
    expect(majorVersion("3.1.0")).toBe("3");
  });

  it("refuses a run that did not run a rule the account had open items of", () => {
    const keyPair = item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000001");
    const skipped = run("skipped.json", "2026-11-08T00:00:00Z", []);
    skipped.rules.delete("instance-key-pair");
    expect(() => mergeRuns([run("first.json", "2026-11-01T00:00:00Z", [keyPair]), skipped])).toThrow(
      "skipped.json: rule instance-key-pair did not run for account 111122223333, which had open items of it in first.json",
    );
    // Another account's items, or a rule without open items, do not stop the merge.
    const theirs = item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000002", {
      account: OTHER_ACCOUNT,
    });
    const first = run("org.json", "2026-11-01T00:00:00Z", [theirs], [], {
      accounts: [ACCOUNT, OTHER_ACCOUNT],
    });
    expect(mergeRuns([first, skipped]).points).toHaveLength(2);
  });

  it("refuses a run that did not scan a region the account had open items in", () => {
    const europe = item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000001", {
      region: "eu-west-1",
    });
    const usOnly = run("us-only.json", "2026-11-08T00:00:00Z", []);
    usOnly.regions = new Set([`${ACCOUNT}\u0000us-east-1`, `${ACCOUNT}\u0000global`]);
    expect(() => mergeRuns([run("first.json", "2026-11-01T00:00:00Z", [europe]), usOnly])).toThrow(
      "us-only.json: no result in 111122223333/eu-west-1, which had open items in first.json",
    );
    usOnly.regions.add(`${ACCOUNT}\u0000eu-west-1`);
    expect(mergeRuns([run("first.json", "2026-11-01T00:00:00Z", [europe]), usOnly]).points).toHaveLength(2);
  });

  it("needs at least one run", () => {
    expect(() => mergeRuns([])).toThrow(/at least one run/);
  });
});

describe("recogniseRunFile", () => {
  const results = (fields: Record<string, unknown>) =>
    JSON.stringify({
      format: "access-baseline/results",
      version: 1,
      tool: { name: "access-baseline", version: "0.1.0" },
      createdAt: "2026-11-01T00:00:00Z",
      rules: [],
      results: [],
      ...fields,
    });

  it("reads a results file and a snapshot", () => {
    expect(recogniseRunFile(results({}), "r.json").kind).toBe("results");
    const snapshot = JSON.stringify({
      format: "access-baseline/snapshot",
      version: 1,
      createdAt: "2026-11-20T09:30:00.000Z",
      tool: { name: "access-baseline", version: "0.1.0" },
    });
    expect(recogniseRunFile(snapshot, "s.json")).toEqual({
      kind: "snapshot",
      createdAt: "2026-11-20T09:30:00.000Z",
      toolVersion: "0.1.0",
    });
  });

  it.each([
    [
      "a truncated file",
      "cut.json",
      results({}).slice(0, 60),
      /^cut\.json: the JSON ends early \(a truncated file\?\)/,
    ],
    [
      "another tool's JSON",
      "other.json",
      JSON.stringify({ version: "2.1.0", runs: [] }),
      /^other\.json: not a results file .* of access-baseline$/,
    ],
    [
      "a newer format version",
      "run.json",
      results({ version: 2 }),
      /^run\.json: access-baseline\/results version 2 was written by a newer access-baseline; this one reads version 1$/,
    ],
    [
      "a run without a timestamp",
      "run.json",
      results({ createdAt: undefined }),
      /has no timestamp \(createdAt\), so it cannot be placed in the history/,
    ],
    [
      "a results file without results",
      "run.json",
      results({ results: undefined }),
      /results file without its "results" list/,
    ],
  ])("refuses %s in one line naming the file", (_name, file, text, message) => {
    let error: Error | undefined;
    try {
      recogniseRunFile(text, file);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(file);
    expect(error?.message).not.toContain("\n");
  });
});

describe("runFromResults", () => {
  const result = (status: string) => ({
    ruleId: "instance-key-pair",
    severity: "warning",
    status,
    resource: { type: "AWS::EC2::Instance", id: "i-0000000000000001", account: ACCOUNT, region: "us-east-1" },
  });
  const file = (status: string) =>
    recogniseRunFile(
      JSON.stringify({
        format: "access-baseline/results",
        version: 1,
        tool: { name: "access-baseline", version: "0.1.0" },
        createdAt: "2026-11-01T00:00:00Z",
        rules: [{ id: "instance-key-pair", title: "Key pair", severity: "warning" }],
        results: [result(status)],
      }),
      "run.json",
    ) as { kind: "results"; json: Parameters<typeof runFromResults>[0] };

  it.each(["FAIL", "failed", "fail ", "warning", ""])(
    "refuses a result of status %j rather than count it as closed",
    (status) => {
      expect(() => runFromResults(file(status).json, "run.json")).toThrow(
        `run.json: results[0] has status ${JSON.stringify(status)} (expected one of pass, fail, not_applicable, error, waived)`,
      );
    },
  );

  it("reads fail and error as open, the other statuses as not", () => {
    expect(runFromResults(file("fail").json, "run.json").items).toHaveLength(1);
    expect(runFromResults(file("error").json, "run.json").items).toHaveLength(1);
    expect(runFromResults(file("waived").json, "run.json").items).toHaveLength(0);
  });
});

describe("historyDirectoryFiles", () => {
  it("lists the JSON files of the directory, skipping others and hidden ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-history-"));
    for (const name of ["2026-11-08.json", "2026-11-01.json", "README.md", ".partial.json"]) {
      await writeFile(join(dir, name), "{}");
    }
    const files = await historyDirectoryFiles(dir, "runs", "/");
    expect(files.map((file) => file.shown)).toEqual(["runs/2026-11-01.json", "runs/2026-11-08.json"]);
  });

  it("refuses an empty directory and a missing one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-history-"));
    await expect(historyDirectoryFiles(dir, "runs", "/")).rejects.toThrow(
      "--history runs: no run files (*.json) in the directory",
    );
    await expect(historyDirectoryFiles(join(dir, "missing"), "missing", "/")).rejects.toThrow(
      /^--history missing: /,
    );
  });
});
