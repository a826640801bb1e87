import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import type { Report, RuleResult } from "../../src/engine/result.js";
import { ALL_RESOURCE_TYPES } from "../../src/model/resource.js";
import {
  buildJsonReport,
  renderJson,
  renderJsonChunks,
  JSON_CHUNK_SIZE,
  type JsonResult,
  RESULTS_FORMAT,
  RESULTS_FORMAT_VERSION,
} from "../../src/report/json.js";
import { EVIDENCE_VALUE_LIMIT } from "../../src/report/evidence.js";
import { fingerprintResults } from "../../src/report/fingerprint.js";
import { factsForFindings, type ResourceFacts } from "../../src/report/resource-facts.js";
import type { JsonValue, Resource } from "../../src/model/resource.js";
import { locateResult } from "../../src/report/location.js";
import { buildSarifLog } from "../../src/report/sarif.js";
import {
  COLLECTION_ERROR,
  LIVE_ERROR,
  LIVE_FAIL,
  LIVE_PASS,
  ROLE_RULE,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  liveReport,
  mixedReport,
  templateReport,
  waiverReport,
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

  it("round-trips the report, with --verbose-passes", () => {
    const report = mixedReport();
    const output = JSON.parse(renderJson(report, { verbosePasses: true })) as {
      results: JsonResult[];
    } & ReturnType<typeof buildJsonReport>;
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
      .results.filter((result): result is JsonResult => result.status === "fail" || result.status === "error")
      .map((result) => [result.location.uri, result.location.line ?? 1]);
    const sarifUris = buildSarifLog(report)
      .runs.flatMap((run) => run.results)
      .map((result) => [
        result.locations[0].physicalLocation.artifactLocation.uri,
        result.locations[0].physicalLocation.region.startLine,
      ]);
    expect(new Set(jsonUris.map(String))).toEqual(new Set(sarifUris.map(String)));
  });

  it("writes passes and not-applicable results compact: rule, verdict and resource", () => {
    const notApplicable = { ...LIVE_PASS, status: "not_applicable" as const };
    const report = buildReport({ results: [LIVE_PASS, notApplicable, LIVE_FAIL] });
    const output = JSON.parse(renderJson(report)) as ReturnType<typeof buildJsonReport>;
    expect(validate(output), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const resource = {
      type: LIVE_PASS.resource.type,
      id: LIVE_PASS.resource.id,
      arn: LIVE_PASS.resource.arn,
      account: LIVE_PASS.resource.account,
      region: LIVE_PASS.resource.region,
      sourceKind: LIVE_PASS.resource.source.kind,
    };
    expect(output.results[0]).toEqual({ ruleId: LIVE_PASS.ruleId, status: "pass", resource });
    expect(output.results[1]).toEqual({ ruleId: LIVE_PASS.ruleId, status: "not_applicable", resource });
    expect(output.results[2]).toMatchObject({ status: "fail", message: LIVE_FAIL.message });
    expect(output.results[2]).toHaveProperty("location");
  });

  it("writes passes in full with verbosePasses, and such output still validates", () => {
    const report = buildReport({ results: [LIVE_PASS] });
    const output = JSON.parse(renderJson(report, { verbosePasses: true })) as {
      results: JsonResult[];
    } & ReturnType<typeof buildJsonReport>;
    expect(validate(output), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(output.results[0]).toMatchObject({
      status: "pass",
      severity: LIVE_PASS.severity,
      message: LIVE_PASS.message,
      evidence: LIVE_PASS.evidence,
    });
    expect(output.results[0]!.location.uri).toMatch(/^aws\//);
  });

  it("is produced in chunks of a bounded size, ending at whole lines, the same text as the whole", () => {
    // Enough results and facts for many chunks: no chunk may hold more than its size and the one
    // line that crossed it, so that the writer never holds much more than a chunk of the report.
    const mixed = mixedReport();
    const results = Array.from({ length: 400 }, () => mixed.results.map((result) => ({ ...result }))).flat();
    const groups = Array.from({ length: 300 }, (_, index): Resource => ({
      type: "AWS::EC2::SecurityGroup",
      id: `sg-${index}`,
      account: LIVE_FAIL.resource.account,
      region: LIVE_FAIL.resource.region,
      source: { kind: "aws-live" },
      properties: { Tags: [{ Key: "Name", Value: `group ${index}` }] },
    }));
    const failing = groups.map((group): RuleResult => ({ ...LIVE_FAIL, resource: group }));
    const report = { ...mixed, results: [...failing, ...results], resources: groups };
    const text = renderJson(report);
    const chunks = [...renderJsonChunks(report)];
    expect(chunks.join("")).toBe(text);
    expect(chunks.length).toBeGreaterThan(text.length / (2 * JSON_CHUNK_SIZE));
    const longestLine = Math.max(...text.split("\n").map((line) => line.length + 1));
    for (const chunk of chunks) expect(chunk.length).toBeLessThan(JSON_CHUNK_SIZE + longestLine);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.endsWith("}")).toBe(true);
    expect([...renderJsonChunks(buildReport())].join("")).toBe(renderJson(buildReport()));
  });

  it("writes each result line exactly as its object form stringified, passes compact or in full", () => {
    const oddEvidence: RuleResult = {
      ...LIVE_FAIL,
      message:
        'quotes " and \\ backslashes, \u2028 separators, \u00e9, \ud83d\ude00, a lone \ud800 and \u0007 survive',
      // Each of these alone needs an escape: a lone surrogate, a control character, a backslash.
      resource: {
        ...LIVE_FAIL.resource,
        id: "sg-\u0007",
        source: { kind: "aws-live", address: "module.\udbff" },
      },
      evidence: [
        {
          path: "RoleName",
          value: { RoleName: "r", related: { Policies: [] }, Nested: [1, null, true, -0] },
          bindings: {
            big: { Text: "x".repeat(EVIDENCE_VALUE_LIMIT) },
            gone: undefined as never,
            "2": "two",
            'quoted "name"\t': "\udc00",
          },
          focus: "Role\\Name",
          message: "not-reported",
        },
        { path: "Tags", value: ["a", { related: 1 }] },
      ],
      baselineState: "new",
    };
    const reports = [mixedReport(), waiverReport(), buildReport({ results: [oddEvidence, LIVE_PASS] })];
    for (const report of reports) {
      for (const verbosePasses of [false, true]) {
        const lines = renderJson(report, { verbosePasses })
          .split("\n")
          .filter((line) => line.startsWith(`    {"ruleId"`))
          .map((line) => line.trim().replace(/,$/, ""));
        const expected = buildJsonReport(report, { verbosePasses }).results.map((result) =>
          JSON.stringify(result),
        );
        expect(lines).toEqual(expected);
      }
    }
  });

  it("writes each line right when the status, type, account, region or source kind changes from the one before", () => {
    // A line reuses the text it shares with the one before: every change, and a return to
    // earlier values, must show, and so must values that need escapes.
    const withResource = (result: RuleResult, resource: Partial<RuleResult["resource"]>): RuleResult => ({
      ...result,
      resource: { ...result.resource, ...resource },
    });
    const results: RuleResult[] = [
      LIVE_FAIL,
      LIVE_PASS,
      withResource(LIVE_PASS, { region: "us-east-1" }),
      withResource(LIVE_PASS, { account: 'acc"ount' }),
      withResource(LIVE_PASS, { type: "AWS::IAM::Role" }),
      withResource(LIVE_FAIL, { type: "AWS::IAM::Role" }),
      withResource(LIVE_FAIL, { source: { kind: "snapshot" } }),
      withResource(LIVE_PASS, { region: "eu\\west\u0007", id: 'sg-"x"', arn: "arn\ud800" }),
      { ...LIVE_PASS, status: "not_applicable" as const },
      TEMPLATE_FAIL,
      LIVE_FAIL,
      { ...LIVE_FAIL, ruleId: ROLE_RULE.id, message: 'a "quoted" message' },
      { ...LIVE_PASS, ruleId: ROLE_RULE.id },
    ].map((result) => ({ ...result }));
    const report = buildReport({ results, resources: [] });
    for (const verbosePasses of [false, true]) {
      const lines = renderJson(report, { verbosePasses })
        .split("\n")
        .filter((line) => line.startsWith(`    {"ruleId"`))
        .map((line) => line.trim().replace(/,$/, ""));
      expect(lines).toEqual(
        buildJsonReport(report, { verbosePasses }).results.map((result) => JSON.stringify(result)),
      );
    }
  });

  it("escapes an id that ends its ARN as the ARN's own scan decides, and any other id on its own", () => {
    // An ARN that ends with the id is scanned for both: an escape in either part must show, and
    // an id that the ARN does not end with is scanned by itself.
    const parts = ["sg-1", 'sg-"q"', "sg-\\", "sg-\u0007", "sg-\ud800", "é"];
    const results: RuleResult[] = parts.flatMap((prefix) =>
      parts.flatMap((id) =>
        [`arn:${prefix}/${id}`, `arn:${prefix}/${id}-not-the-end`, `arn:${prefix}`, id].map((arn) => ({
          ...LIVE_FAIL,
          resource: { ...LIVE_FAIL.resource, id, arn },
        })),
      ),
    );
    const report = buildReport({
      results: [...results, ...results.map((r) => ({ ...r, status: "pass" as const }))],
    });
    const lines = renderJson(report)
      .split("\n")
      .filter((line) => line.startsWith(`    {"ruleId"`))
      .map((line) => line.trim().replace(/,$/, ""));
    expect(lines).toHaveLength(report.results.length);
    expect(lines).toEqual(buildJsonReport(report).results.map((result) => JSON.stringify(result)));
  });

  it("writes each line right for every mix of arn, address, file, evidence, bindings and focus", () => {
    // A line is put together piece by piece, the text between two values as one piece: each
    // field present or absent changes which pieces meet.
    const text = fc.constantFrom("x", 'q"', "\\", "\u0007", "\ud800", "é");
    const evidence = fc.record(
      {
        path: text,
        value: fc.constantFrom<JsonValue | undefined>(undefined, null, 1, "v", { a: 1 }, ["b"]),
        bindings: fc.dictionary(
          fc.constantFrom("n", "m", 'k"'),
          fc.constantFrom<JsonValue | undefined>(undefined, "w", { c: [2] }),
          { maxKeys: 3 },
        ),
        focus: text,
      },
      { requiredKeys: ["path"] },
    );
    const result = fc.record({
      status: fc.constantFrom<RuleResult["status"]>("pass", "fail", "error", "not_applicable"),
      arn: fc.option(text, { nil: undefined }),
      address: fc.option(text, { nil: undefined }),
      file: fc.constantFrom(undefined, "", "templates/a b.yaml"),
      evidence: fc.array(evidence, { maxLength: 3 }),
      fingerprinted: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(result, { minLength: 1, maxLength: 4 }), fc.boolean(), (shapes, verbosePasses) => {
        const results: RuleResult[] = shapes.map((shape) => {
          const base = shape.fingerprinted ? LIVE_FAIL : { ...LIVE_FAIL, ruleId: ROLE_RULE.id };
          const source: RuleResult["resource"]["source"] = {
            kind: shape.file ? "cloudformation" : "aws-live",
          };
          if (shape.file !== undefined) source.file = shape.file;
          if (shape.address !== undefined) source.address = shape.address;
          const resource: RuleResult["resource"] = { ...base.resource, source };
          delete resource.arn;
          if (shape.arn !== undefined) resource.arn = shape.arn;
          return {
            ...base,
            status: shape.status,
            resource,
            evidence: shape.evidence as RuleResult["evidence"],
          };
        });
        const report = buildReport({ results, resources: [] });
        const lines = renderJson(report, { verbosePasses })
          .split("\n")
          .filter((line) => line.startsWith(`    {"ruleId"`))
          .map((line) => line.trim().replace(/,$/, ""));
        expect(lines).toEqual(
          buildJsonReport(report, { verbosePasses }).results.map((line) => JSON.stringify(line)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("writes each line right when a rule's statuses alternate over types and come back", () => {
    // Openings are kept for each status of a rule and each type: a status must never show the
    // opening made for another, nor a rule's the one of the rule before.
    const withType = (result: RuleResult, type: RuleResult["resource"]["type"]): RuleResult => ({
      ...result,
      resource: { ...result.resource, type },
    });
    const results: RuleResult[] = [
      LIVE_PASS,
      LIVE_FAIL,
      withType(LIVE_PASS, "AWS::IAM::Role"),
      withType(LIVE_FAIL, "AWS::IAM::Role"),
      LIVE_PASS,
      { ...LIVE_PASS, status: "not_applicable" as const },
      withType({ ...LIVE_PASS, status: "not_applicable" as const }, "AWS::IAM::Role"),
      LIVE_PASS,
      { ...LIVE_PASS, ruleId: ROLE_RULE.id },
      { ...LIVE_FAIL, ruleId: ROLE_RULE.id },
      { ...LIVE_PASS, ruleId: ROLE_RULE.id },
      LIVE_PASS,
    ];
    const report = buildReport({ results, resources: [] });
    for (const verbosePasses of [false, true]) {
      const lines = renderJson(report, { verbosePasses })
        .split("\n")
        .filter((line) => line.startsWith(`    {"ruleId"`))
        .map((line) => line.trim().replace(/,$/, ""));
      expect(lines).toEqual(
        buildJsonReport(report, { verbosePasses }).results.map((result) => JSON.stringify(result)),
      );
    }
  });

  it("writes fingerprints, links and controls right when results of rules alternate and findings repeat", () => {
    // The writer looks a rule's parts up when the rule changes and counts fingerprints as it
    // goes: results out of rule order and a finding twice on one resource must not confuse it.
    const framed = { ...SSH_RULE, frameworks: { "aws-fsbp": { version: "1.0", controls: ["EC2.13"] } } };
    const results = [LIVE_FAIL, LIVE_ERROR, LIVE_PASS, LIVE_FAIL, TEMPLATE_FAIL, LIVE_ERROR, LIVE_FAIL].map(
      (result) => ({ ...result }),
    );
    const report = buildReport({ rules: [framed, ROLE_RULE], results, resources: [] });
    const text = renderJson(report);
    const output = JSON.parse(text) as { results: JsonResult[] };
    expect(output.results).toEqual(JSON.parse(JSON.stringify(buildJsonReport(report).results)));
    const fingerprints = fingerprintResults(results);
    expect(output.results.map((result) => result.fingerprint)).toEqual(
      results.map((result) => fingerprints.get(result)),
    );
    expect(output.results.map((result) => result.fingerprint?.split(":")[1])).toEqual([
      "1",
      "1",
      undefined,
      "2",
      "1",
      "2",
      "3",
    ]);
    expect(text.match(/"frameworks":\{"aws-fsbp"/g)).toHaveLength(4);
  });

  it("indents the resource facts exactly as the rest of the envelope, with or without results", () => {
    const group: Resource = {
      ...LIVE_FAIL.resource,
      type: "AWS::EC2::SecurityGroup",
      properties: { GroupId: LIVE_FAIL.resource.id, Tags: [{ Key: "Name", Value: 'web "\n" \u2028' }] },
    };
    const instance: Resource = {
      type: "AWS::EC2::Instance",
      id: "i-1",
      account: LIVE_FAIL.resource.account,
      region: LIVE_FAIL.resource.region,
      source: { kind: "aws-live" },
      properties: {
        InstanceType: "t3.micro",
        Tags: [],
        SecurityGroups: [{ GroupId: LIVE_FAIL.resource.id }],
      },
    };
    // Facts are written in groups: enough instances behind the failing group to fill a few.
    const behindGroup = Array.from({ length: 1001 }, (_, index): Resource => ({
      ...instance,
      id: `i-${index}`,
      properties: { ...instance.properties, PublicIpAddress: `203.0.113.${index % 250}` },
    }));
    const reports = [
      buildReport({ results: [LIVE_FAIL], resources: [group, ...behindGroup] }),
      buildReport({
        results: [LIVE_FAIL, LIVE_PASS],
        resources: [group, instance],
        createdAt: "2026-12-07T00:00:00Z",
      }),
      buildReport({ results: [LIVE_PASS], resources: [group, instance] }),
      buildReport({ results: [], resources: [group] }),
    ];
    for (const report of reports) {
      const text = renderJson(report);
      const output = JSON.parse(text) as { results: unknown[]; resources: ResourceFacts[] };
      expect(output.resources).toEqual(factsForFindings(report.results, report.resources!));
      // The envelope as JSON.stringify indents it, the results aside.
      const envelope = text.replace(/"results": \[\n(?: {4}\{.*\n)+ {2}\]/, '"results": []');
      expect(envelope).toBe(`${JSON.stringify({ ...output, results: [] }, null, 2)}\n`);
    }
    expect((JSON.parse(renderJson(reports[0]!)) as { resources: unknown[] }).resources).toHaveLength(1002);
    expect((JSON.parse(renderJson(reports[1]!)) as { resources: unknown[] }).resources).toHaveLength(2);
    expect((JSON.parse(renderJson(reports[2]!)) as { resources: unknown[] }).resources).toEqual([]);
  });

  it("rejects a compact finding: only passes and not-applicable results may leave out details", () => {
    const output = JSON.parse(renderJson(buildReport({ results: [LIVE_FAIL] }))) as {
      results: Record<string, unknown>[];
    };
    for (const key of ["message", "location", "evidence", "severity"]) delete output.results[0]![key];
    expect(validate(output)).toBe(false);
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

function isFull(result: ReturnType<typeof buildJsonReport>["results"][number]): result is JsonResult {
  return "location" in result;
}

describe("results.schema.json", () => {
  const valid = () =>
    JSON.parse(renderJson(mixedReport())) as Record<string, unknown> & ReturnType<typeof buildJsonReport>;

  it.each<[string, (output: ReturnType<typeof valid>) => void]>([
    ["an unknown top-level field", (output) => Object.assign(output, { extra: 1 })],
    ["another format version", (output) => Object.assign(output, { version: 2 })],
    ["an unknown status", (output) => Object.assign(output.results[0]!, { status: "skipped" })],
    [
      "a result without a location",
      (output) => delete (output.results.find(isFull) as Partial<JsonResult>).location,
    ],
    [
      "a line without a file",
      (output) => Object.assign(output.results.filter(isFull)[1]!.location, { line: 3 }),
    ],
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
