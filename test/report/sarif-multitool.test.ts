import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/engine/result.js";
import { renderSarif } from "../../src/report/sarif.js";
import { LIVE_FAIL, buildReport, liveReport, mixedReport, templateReport, waiverReport } from "./fixtures.js";
import { SARIF_MULTITOOL } from "./validators.js";
import { EXAMPLE_SNAPSHOT, runCli } from "../support/cli.js";

/**
 * The SARIF SDK's validator with its GitHub rules (`--rule-kind "Sarif;Gh"`). It starts slowly,
 * so every file is checked in a single invocation, together with a deliberately broken control
 * file that proves the GitHub rules really ran.
 */

interface ValidationResult {
  ruleId: string;
  level?: string;
  message: { text?: string; id?: string; arguments?: string[] };
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
}

interface ValidationLog {
  runs: {
    results?: ValidationResult[];
    invocations?: {
      executionSuccessful: boolean;
      toolExecutionNotifications?: { level?: string }[];
      toolConfigurationNotifications?: { level?: string }[];
    }[];
  }[];
}

const REPORTS: Record<string, Report> = {
  empty: buildReport(),
  "live-one-account": buildReport({ results: [LIVE_FAIL] }),
  "live-two-accounts": liveReport(),
  template: templateReport(),
  mixed: mixedReport(),
  // Suppressions (external and inSource), an expired-waiver finding and a warning notification.
  waivers: waiverReport(),
};

// A result without locations and a rule without descriptions: GitHub rejects both.
const CONTROL = {
  version: "2.1.0",
  runs: [
    {
      tool: { driver: { name: "control", version: "1.0.0", rules: [{ id: "R1" }] } },
      results: [{ ruleId: "R1", message: { text: "no location" } }],
    },
  ],
};

describe("sarif-multitool validate --rule-kind Sarif;Gh", () => {
  let directory: string;
  let log: ValidationLog;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "access-baseline-sarif-"));
    const files = [];
    for (const [name, report] of Object.entries(REPORTS)) {
      const file = join(directory, `${name}.sarif`);
      await writeFile(file, renderSarif(report));
      files.push(file);
    }
    // The SARIF the CLI writes for the bundled example, end to end.
    const example = join(directory, "example.sarif");
    await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "sarif", "--output", example]);
    files.push(example);
    const control = join(directory, "control.sarif");
    await writeFile(control, JSON.stringify(CONTROL));
    const output = join(directory, "validation.sarif");
    // Options that take lists must come after the files, or the parser reads the files as values.
    await promisify(execFile)(
      SARIF_MULTITOOL,
      [
        "validate",
        ...files,
        control,
        "--rule-kind",
        "Sarif;Gh",
        "--output",
        output,
        "--log",
        "ForceOverwrite",
      ],
      { env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" }, timeout: 110_000 },
    );
    log = JSON.parse(await readFile(output, "utf8")) as ValidationLog;
  }, 120_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const errorsIn = (name: string) =>
    log.runs
      .flatMap((run) => run.results ?? [])
      .filter((result) => result.level === "error")
      .filter((result) =>
        result.locations?.some((location) =>
          location.physicalLocation?.artifactLocation?.uri?.endsWith(`/${name}.sarif`),
        ),
      );

  it("ran without tool errors", () => {
    for (const run of log.runs) {
      for (const invocation of run.invocations ?? []) {
        expect(invocation.executionSuccessful).toBe(true);
        const notifications = [
          ...(invocation.toolExecutionNotifications ?? []),
          ...(invocation.toolConfigurationNotifications ?? []),
        ];
        expect(notifications.filter((notification) => notification.level === "error")).toEqual([]);
      }
    }
  });

  it("flags the broken control file, so its GitHub rules are active", () => {
    const ruleIds = errorsIn("control").map((result) => result.ruleId);
    expect(ruleIds).toContain("GH1015");
    expect(ruleIds).toContain("GH2012");
  });

  it.each([...Object.keys(REPORTS), "example"])("finds no errors in the %s report", (name) => {
    expect(errorsIn(name)).toEqual([]);
  });
});
