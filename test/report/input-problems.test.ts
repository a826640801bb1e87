import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import { renderJson } from "../../src/report/json.js";
import { renderSarif } from "../../src/report/sarif.js";
import { renderText } from "../../src/report/text.js";
import { buildReport } from "./fixtures.js";
import { compileSchema, sarifSchemaValidator } from "./validators.js";

/** Input files that could not be used are reported by every format, with their location. */
const report = buildReport({
  inputProblems: [
    {
      file: "templates/broken.yaml",
      line: 7,
      column: 3,
      message: "invalid YAML: unexpected end of flow sequence",
    },
    { file: "plans/old.json", message: "Terraform plan format 0.1 is not supported" },
  ],
});

describe("input problems", () => {
  it("are in the JSON output, which still validates", () => {
    const json = JSON.parse(renderJson(report));
    expect(json.inputProblems).toEqual(report.inputProblems);
    const validate = compileSchema(loadSchema("results.schema.json"));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it("are SARIF notifications with their file and line, in the templates run, which fails", () => {
    const log = JSON.parse(renderSarif(report));
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].automationDetails.id).toBe("iac/");
    const invocation = log.runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "templates/broken.yaml" },
      region: { startLine: 7, startColumn: 3 },
    });
    const validate = sarifSchemaValidator();
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 2))).toBe(true);
  });

  it("are listed in the text output", () => {
    const text = renderText(report, { color: false });
    expect(text).toContain("2 input problems:");
    expect(text).toContain("templates/broken.yaml:7:3: invalid YAML");
    expect(text).toContain("plans/old.json: Terraform plan format 0.1 is not supported");
  });
});
