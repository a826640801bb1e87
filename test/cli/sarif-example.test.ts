import { describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, runCli } from "../support/cli.js";
import { sarifSchemaValidator } from "../report/validators.js";

interface SarifLog {
  runs: {
    automationDetails?: { id?: string };
    results: {
      ruleId: string;
      locations?: {
        physicalLocation?: { artifactLocation?: { uri?: string } };
        logicalLocations?: unknown[];
      }[];
      partialFingerprints?: Record<string, string>;
    }[];
    tool: { driver: { rules: { properties?: Record<string, unknown> }[] } };
  }[];
}

async function exampleSarif(): Promise<SarifLog> {
  const run = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "sarif"]);
  return JSON.parse(run.stdout) as SarifLog;
}

describe("check --format sarif on the example", () => {
  it("validates against the SARIF 2.1.0 schema", async () => {
    const validate = sarifSchemaValidator();
    const log = await exampleSarif();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it("meets the GitHub rules the validators miss", async () => {
    const log = await exampleSarif();
    const results = log.runs.flatMap((run) => run.results);
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      expect(uri, `${result.ruleId} has no physical location`).toBeTruthy();
      expect(uri!.startsWith("arn:")).toBe(false);
      expect(result.partialFingerprints?.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/);
    }
    for (const rule of log.runs.flatMap((run) => run.tool.driver.rules)) {
      const score = Number(rule.properties?.["security-severity"]);
      expect(typeof rule.properties?.["security-severity"]).toBe("string");
      expect(score > 0 && score <= 10).toBe(true);
    }
    const categories = log.runs.map((run) => run.automationDetails?.id);
    expect(new Set(categories).size).toBe(categories.length);
  });

  it("gives identical fingerprints on two runs of the same input", async () => {
    const fingerprints = (log: SarifLog) =>
      log.runs.flatMap((run) => run.results.map((r) => r.partialFingerprints?.primaryLocationLineHash));
    expect(fingerprints(await exampleSarif())).toEqual(fingerprints(await exampleSarif()));
  });
});
