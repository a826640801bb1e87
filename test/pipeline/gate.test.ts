import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadBaseline } from "../../src/pipeline/gate.js";

const directory = mkdtempSync(join(tmpdir(), "gate-"));

function baselineFile(name: string, text: string): string {
  writeFileSync(join(directory, name), text);
  return name;
}

const REPORT = `{
  "format": "access-baseline/results",
  "version": 1,
  "results": []
}
`;

describe("loadBaseline", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("parses the baseline file once, checking its keys on the same value", async () => {
    const file = baselineFile("once.json", REPORT);
    const parse = vi.spyOn(JSON, "parse");
    const baseline = await loadBaseline(file, directory);
    expect(baseline.file).toBe(file);
    expect(parse.mock.calls.filter(([text]) => text === REPORT)).toHaveLength(1);
  });

  it("still refuses a key written twice, naming its line", async () => {
    const file = baselineFile(
      "twice.json",
      REPORT.replace('"version": 1,', '"version": 1,\n  "version": 1,'),
    );
    await expect(loadBaseline(file, directory)).rejects.toThrow(
      'baseline twice.json:4:3: duplicate key "version" (first written at line 3)',
    );
  });

  it("reports invalid JSON before looking for duplicate keys", async () => {
    const file = baselineFile("broken.json", '{"format": "access-baseline/results", "format": ');
    await expect(loadBaseline(file, directory)).rejects.toThrow(/^baseline broken\.json: invalid JSON: /);
  });
});
