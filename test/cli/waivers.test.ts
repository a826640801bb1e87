import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import { compileSchema } from "../report/validators.js";
import { runCli } from "../support/cli.js";
import { checkArgs, tempDir, writeGroups, type JsonOutput } from "../support/gate.js";

/**
 * Waivers end to end: `.access-baseline.yml` found in the working directory, the date fixed with
 * ACCESS_BASELINE_TODAY. Two groups fail the fixture rule (no description); one passes.
 */

const TODAY = { ACCESS_BASELINE_TODAY: "2026-11-22" };

async function setup(waivers: string): Promise<{ dir: string; snapshot: string }> {
  const dir = await tempDir();
  const snapshot = await writeGroups(dir, ["sg-0aaa", "sg-0bbb", "sg-0ccc"], ["sg-0ccc"]);
  await writeFile(join(dir, ".access-baseline.yml"), `# waivers under test\nwaivers:\n${waivers}`);
  return { dir, snapshot };
}

function waiver(resource: string, expires: string, rule = "group-has-description"): string {
  return [
    `  - rule: ${rule}`,
    `    resource: "${resource}"`,
    "    reason: Shared by the legacy stack",
    "    owner: platform-team",
    `    expires: ${expires}`,
    "",
  ].join("\n");
}

async function check(dir: string, snapshot: string, format: string, env: NodeJS.ProcessEnv = TODAY) {
  const run = await runCli(checkArgs(snapshot, "--format", format), { cwd: dir, env });
  return { ...run, json: format === "json" ? (JSON.parse(run.stdout) as JsonOutput) : undefined };
}

const byId = (json: JsonOutput, id: string) =>
  json.results.filter((result) => result.resource.id === id && result.ruleId === "group-has-description");

describe("an active waiver", () => {
  it("reports the result as waived, with the waiver, and it no longer fails the run", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0*", "2026-12-31"));
    const { code, json } = await check(dir, snapshot, "json");
    expect(code).toBe(0);
    expect(json!.summary.byStatus).toMatchObject({ fail: 0, waived: 2, pass: 1 });
    expect(byId(json!, "sg-0aaa")[0]).toMatchObject({
      status: "waived",
      waiver: {
        origin: "configuration",
        rule: "group-has-description",
        resource: "sg-0*",
        reason: "Shared by the legacy stack",
        owner: "platform-team",
        expires: "2026-12-31",
        file: ".access-baseline.yml",
        line: 3,
        column: 5,
        state: "active",
      },
    });
    expect(json!.waivers).toEqual([
      expect.objectContaining({ state: "active", matched: 2, daysLeft: 39, line: 3 }),
    ]);
  });

  it("waives only what it matches", async () => {
    const { dir, snapshot } = await setup(waiver("arn:aws:ec2:*:security-group/sg-0aaa", "2026-12-31"));
    const { code, json } = await check(dir, snapshot, "json");
    expect(code).toBe(1);
    expect(byId(json!, "sg-0aaa")[0]!.status).toBe("waived");
    expect(byId(json!, "sg-0bbb")[0]!.status).toBe("fail");
  });

  it("is a SARIF suppression with the justification, keeping the location and fingerprint", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0aaa", "2026-12-31"));
    const sarif = JSON.parse((await check(dir, snapshot, "sarif")).stdout);
    const [waived, failing] = sarif.runs[0].results;
    expect(waived.properties.status).toBe("waived");
    expect(waived.suppressions).toEqual([
      expect.objectContaining({
        kind: "external",
        status: "accepted",
        justification: "Shared by the legacy stack (owner: platform-team; expires 2026-12-31)",
      }),
    ]);
    expect(waived.locations[0].physicalLocation.artifactLocation.uri).toMatch(/sg-0aaa$/);
    expect(waived.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:1$/);
    expect(failing.suppressions).toEqual([]);
  });

  it("can be left out of the SARIF with --sarif-waived omit", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0aaa", "2026-12-31"));
    const run = await runCli(checkArgs(snapshot, "--format", "sarif", "--sarif-waived", "omit"), {
      cwd: dir,
      env: TODAY,
    });
    const results = JSON.parse(run.stdout).runs[0].results as { properties: { resourceId: string } }[];
    expect(results.map((result) => result.properties.resourceId)).toEqual(["sg-0bbb"]);
  });

  it("is counted in the text summary, and one expiring soon is listed", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0*", "2026-12-01"));
    const { stdout } = await check(dir, snapshot, "text");
    expect(stdout).toContain("Results: 0 failed, 2 waived, 0 not evaluated, 1 passed");
    expect(stdout).toMatch(
      /\.access-baseline\.yml:3:5 +expires in 9 days +group-has-description +sg-0\* +on 2026-12-01 \(owner: platform-team\)/,
    );
  });

  it("still applies on its last day", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0*", "2026-11-22"));
    expect((await check(dir, snapshot, "json")).code).toBe(0);
  });
});

describe("an expired waiver", () => {
  it("leaves the failure and is an error finding at its line in the configuration file", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0aaa", "2026-11-21"));
    const { code, json } = await check(dir, snapshot, "json");
    expect(code).toBe(1);
    expect(byId(json!, "sg-0aaa")[0]).toMatchObject({ status: "fail", waiver: { state: "expired" } });
    const finding = json!.results.find((result) => result.ruleId === "access-baseline/waiver-expired")!;
    expect(finding).toMatchObject({
      status: "fail",
      resource: { id: "sg-0aaa" },
      location: { uri: ".access-baseline.yml", file: ".access-baseline.yml", line: 3, column: 5 },
    });
    expect(json!.waivers).toEqual([expect.objectContaining({ state: "expired", daysLeft: -1 })]);
    const validate = compileSchema(loadSchema("results.schema.json"));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it("fails the run even with --fail-on error, though the waived rule is a note", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0*", "2026-01-31"));
    const run = await runCli(checkArgs(snapshot, "--fail-on", "error"), { cwd: dir, env: TODAY });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/error +access-baseline\/waiver-expired/);
    expect(run.stdout).toContain("The waiver of group-has-description for sg-0aaa expired on 2026-01-31");
    expect(run.stdout).toMatch(/\.access-baseline\.yml:3:5/);
  });

  it("is a SARIF result located at the waiver, in the same run as the failure", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0aaa", "2026-01-31"));
    const sarif = JSON.parse((await check(dir, snapshot, "sarif")).stdout);
    expect(sarif.runs).toHaveLength(1);
    const finding = sarif.runs[0].results.find(
      (result: { ruleId: string }) => result.ruleId === "access-baseline/waiver-expired",
    );
    expect(finding.level).toBe("error");
    expect(finding.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: ".access-baseline.yml" },
      region: { startLine: 3, startColumn: 5 },
    });
  });
});

describe("an unmatched waiver", () => {
  it("is reported at its line, in text, JSON and SARIF, without changing the exit code", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0aaa", "2026-12-31") + waiver("sg-0ccc", "2026-12-31"));
    const text = await check(dir, snapshot, "text");
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /\.access-baseline\.yml:8:5 +unmatched +group-has-description +sg-0ccc +matches no failing result: remove it/,
    );
    const { json } = await check(dir, snapshot, "json");
    expect(json!.waivers.map((outcome) => outcome.state)).toEqual(["active", "unmatched"]);
    const sarif = JSON.parse((await check(dir, snapshot, "sarif")).stdout);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: "warning",
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: ".access-baseline.yml" },
              region: { startLine: 8, startColumn: 5 },
            },
          },
        ],
      }),
    ]);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(true);
  });
});

describe("configuration problems: one line, exit 2", () => {
  it.each([
    [
      "an unknown rule in a waiver",
      waiver("sg-0aaa", "2026-12-31", "group-has-descr"),
      /^access-baseline: \.access-baseline\.yml:3:11: waivers\.0\.rule: unknown rule "group-has-descr" \(did you mean group-has-description\?\)\n$/,
    ],
    [
      "a glob that matches no rule",
      waiver("sg-0aaa", "2026-12-31", "ssh-*"),
      /^access-baseline: \.access-baseline\.yml:3:11: waivers\.0\.rule: "ssh-\*" matches no rule\n$/,
    ],
    [
      "a waiver without an expiry",
      "  - rule: group-has-description\n    resource: sg-1\n    reason: r\n    owner: o\n",
      /^access-baseline: \.access-baseline\.yml:3:5: waivers\.0: missing required key "expires"\n$/,
    ],
  ])("%s", async (_name, waivers, expected) => {
    const { dir, snapshot } = await setup(waivers);
    const run = await check(dir, snapshot, "text");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(expected);
  });

  it("an ACCESS_BASELINE_TODAY that is not a date", async () => {
    const { dir, snapshot } = await setup(waiver("sg-0aaa", "2026-12-31"));
    const run = await check(dir, snapshot, "text", { ACCESS_BASELINE_TODAY: "tomorrow" });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('access-baseline: ACCESS_BASELINE_TODAY="tomorrow" is not a date (YYYY-MM-DD)\n');
  });
});
