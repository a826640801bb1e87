import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { FORMATS, isFormat, renderReport } from "../../src/report/index.js";
import { renderJson } from "../../src/report/json.js";
import { renderSarif } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import { liveReport, templateReport } from "./fixtures.js";

describe("renderReport", () => {
  const report = liveReport();

  it.each([
    ["text", renderText(report, { color: false, groupBy: "rule" })],
    ["json", renderJson(report)],
    ["sarif", renderSarif(report)],
  ])("renders %s", (format, expected) => {
    expect(renderReport(format, report)).toBe(expected);
  });

  it("passes each reporter its options", () => {
    expect(renderReport("text", report, { color: true, groupBy: "resource" })).toBe(
      renderText(report, { color: true, groupBy: "resource" }),
    );
    expect(renderReport("sarif", templateReport(), { category: "pr" })).toBe(
      renderSarif(templateReport(), { category: "pr" }),
    );
  });

  it.each(["xml", "SARIF", ""])("refuses the unknown format %j with the list of known ones", (format) => {
    expect(() => renderReport(format, report)).toThrow(ConfigError);
    expect(() => renderReport(format, report)).toThrow(/expected one of text, json, sarif/);
  });

  it("knows exactly its formats", () => {
    expect(FORMATS).toEqual(["text", "json", "sarif", "junit", "csv", "github", "asff"]);
    expect(FORMATS.every(isFormat)).toBe(true);
    expect(isFormat("yaml")).toBe(false);
  });
});
