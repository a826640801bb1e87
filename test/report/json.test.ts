import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import type { Report } from "../../src/engine/result.js";
import { ALL_RESOURCE_TYPES } from "../../src/model/resource.js";
import {
  buildJsonReport,
  renderJson,
  RESULTS_FORMAT,
  RESULTS_FORMAT_VERSION,
} from "../../src/report/json.js";
import { fingerprintResults } from "../../src/report/fingerprint.js";
import { locateResult } from "../../src/report/location.js";
import { buildSarifLog } from "../../src/report/sarif.js";
import {
  COLLECTION_ERROR,
  LIVE_ERROR,
  LIVE_FAIL,
  ROLE_RULE,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  liveReport,
  mixedReport,
  templateReport,
} from "./fixtures.js";
import { compileSchema } from "./validators.js";

const validate = compileSchema(loadSchema("results.schema.json"));

const REPORTS: [string, Report][] = [
  ["empty", buildReport()],
  ["live, two accounts", liveReport()],
  ["template", templateReport()],
  ["mixed", mixedReport()],
];

describe("renderJson", () => {
  it.each(REPORTS)("%s report validates against results.schema.json", (_name, report) => {
    const output: unknown = JSON.parse(renderJson(report));
    expect(validate(output), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("is pretty-printed with two spaces and ends with a newline", () => {
    const text = renderJson(buildReport());
    expect(text.startsWith('{\n  "format": "access-baseline/results",\n  "version": 1,\n')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("round-trips the report", () => {
    const report = mixedReport();
    const output = JSON.parse(renderJson(report)) as ReturnType<typeof buildJsonReport>;
    expect(output.format).toBe(RESULTS_FORMAT);
    expect(output.version).toBe(RESULTS_FORMAT_VERSION);
    expect(output.tool).toEqual(report.tool);
    expect(output.inputs).toEqual(report.inputs);
    expect(output.summary).toEqual(report.summary);
    expect(output.rules).toEqual([SSH_RULE, ROLE_RULE]);
    expect(output.collectionErrors).toEqual([COLLECTION_ERROR]);
    expect(output.results).toHaveLength(report.results.length);
    const fingerprints = fingerprintResults(report.results);
    output.results.forEach((result, index) => {
      const source = report.results[index]!;
      expect(result).toEqual({
        ruleId: source.ruleId,
        status: source.status,
        severity: source.severity,
        message: source.message,
        resource: expect.objectContaining({
          type: source.resource.type,
          id: source.resource.id,
          account: source.resource.account,
          region: source.resource.region,
          sourceKind: source.resource.source.kind,
        }),
        location: locateResult(source.resource, source.evidence),
        evidence: source.evidence,
        ...(fingerprints.has(source) ? { fingerprint: fingerprints.get(source) } : {}),
        ...(source.ruleId === SSH_RULE.id && fingerprints.has(source) ? { helpUri: SSH_RULE.helpUri } : {}),
      });
      expect(result.resource.arn).toBe(source.resource.arn);
    });
  });

  it.each([
    [
      "a template resource",
      TEMPLATE_FAIL,
      {
        resource: { address: "WebSecurityGroup", sourceKind: "cloudformation" },
        location: {
          uri: "templates/web%20stack.yaml",
          file: "templates/web stack.yaml",
          line: 14,
          column: 13,
        },
      },
    ],
    [
      "a live resource",
      LIVE_FAIL,
      {
        resource: { arn: LIVE_FAIL.resource.arn, sourceKind: "aws-live" },
        location: { uri: "aws/111122223333/eu-west-1/AWS-EC2-SecurityGroup/sg-0123456789abcdef0" },
      },
    ],
    [
      "an unevaluated rule, keeping its own message and status",
      LIVE_ERROR,
      { status: "error", message: LIVE_ERROR.message, evidence: [] },
    ],
  ] as const)("describes %s", (_name, result, expected) => {
    const [output] = buildJsonReport(buildReport({ results: [result] })).results;
    expect(output).toMatchObject(expected);
  });

  it("locates results exactly as SARIF does", () => {
    const report = mixedReport();
    const jsonUris = buildJsonReport(report)
      .results.filter((result) => result.status === "fail" || result.status === "error")
      .map((result) => [result.location.uri, result.location.line ?? 1]);
    const sarifUris = buildSarifLog(report)
      .runs.flatMap((run) => run.results)
      .map((result) => [
        result.locations[0].physicalLocation.artifactLocation.uri,
        result.locations[0].physicalLocation.region.startLine,
      ]);
    expect(new Set(jsonUris.map(String))).toEqual(new Set(sarifUris.map(String)));
  });

  it("does not leak fields the format does not document", () => {
    const report = buildReport({
      results: [{ ...LIVE_FAIL, internal: true } as typeof LIVE_FAIL],
      rules: [{ ...SSH_RULE, loadedFrom: "/abs/path" } as typeof SSH_RULE],
    });
    const output: unknown = JSON.parse(renderJson(report));
    expect(validate(output), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });
});

describe("results.schema.json", () => {
  const valid = () =>
    JSON.parse(renderJson(mixedReport())) as Record<string, unknown> & ReturnType<typeof buildJsonReport>;

  it.each<[string, (output: ReturnType<typeof valid>) => void]>([
    ["an unknown top-level field", (output) => Object.assign(output, { extra: 1 })],
    ["another format version", (output) => Object.assign(output, { version: 2 })],
    ["an unknown status", (output) => Object.assign(output.results[0]!, { status: "skipped" })],
    [
      "a result without a location",
      (output) => delete (output.results[0] as Partial<(typeof output.results)[0]>).location,
    ],
    ["a line without a file", (output) => Object.assign(output.results[1]!.location, { line: 3 })],
    ["a security severity above 10", (output) => Object.assign(output.rules[0]!, { securitySeverity: 11 })],
  ])("rejects %s", (_name, corrupt) => {
    const output = valid();
    corrupt(output);
    expect(validate(output)).toBe(false);
  });

  it("accepts every resource type the model knows, and the account pseudo-type", () => {
    for (const type of [...ALL_RESOURCE_TYPES, "AWS::::Account"]) {
      const output = valid();
      output.results[0]!.resource.type = type;
      expect(validate(output), type).toBe(true);
    }
  });
});
