import { describe, expect, it } from "vitest";
import type { Report, RuleResult } from "../../src/engine/result.js";
import { ConfigError, RuleError } from "../../src/errors.js";
import {
  buildSarifLog,
  renderSarif,
  renderSarifChunks,
  ruleName,
  type SarifLog,
} from "../../src/report/sarif.js";
import {
  ACCOUNT_A,
  ACCOUNT_B,
  COLLECTION_ERROR,
  LIVE_ERROR,
  LIVE_FAIL,
  LIVE_PASS,
  SSH_RULE,
  TEMPLATE_FAIL,
  buildReport,
  liveReport,
  mixedReport,
  templateReport,
  waiverReport,
} from "./fixtures.js";
import { sarifSchemaValidator } from "./validators.js";

const REPORTS: [string, Report][] = [
  ["empty", buildReport()],
  ["live, two accounts", liveReport()],
  ["template", templateReport()],
  ["mixed", mixedReport()],
];

function resultsOf(log: SarifLog) {
  return log.runs.flatMap((run) => run.results);
}

describe("renderSarif: the official schema", () => {
  it.each(REPORTS)("%s report is valid SARIF 2.1.0", (_name, report) => {
    const validate = sarifSchemaValidator();
    const log: unknown = JSON.parse(renderSarif(report));
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("the schema itself rejects what it should, so the check above means something", () => {
    const validate = sarifSchemaValidator();
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
  });
});

describe("renderSarif: GitHub rules the validators miss", () => {
  it.each(REPORTS)("%s: every result has exactly one physical location, never an ARN", (_name, report) => {
    for (const result of resultsOf(buildSarifLog(report))) {
      expect(result.locations).toHaveLength(1);
      const uri = result.locations[0].physicalLocation.artifactLocation.uri;
      expect(uri).not.toBe("");
      expect(uri).not.toMatch(/^arn:/i);
      expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
  });

  it.each(REPORTS)("%s: every rule's security-severity is a numeric string in (0, 10]", (_name, report) => {
    for (const run of buildSarifLog(report).runs) {
      for (const rule of run.tool.driver.rules) {
        const text = rule.properties["security-severity"];
        expect(typeof text).toBe("string");
        expect(text).toMatch(/^\d+(\.\d+)?$/);
        expect(Number(text)).toBeGreaterThan(0);
        expect(Number(text)).toBeLessThanOrEqual(10);
      }
    }
  });

  it.each(REPORTS)("%s: runs have unique categories ending in / and a results array", (_name, report) => {
    const log = buildSarifLog(report);
    expect(log.runs.length).toBeGreaterThanOrEqual(1);
    const categories = log.runs.map((run) => run.automationDetails.id);
    expect(new Set(categories).size).toBe(categories.length);
    for (const run of log.runs) {
      expect(run.automationDetails.id).toMatch(/\/$/);
      expect(Array.isArray(run.results)).toBe(true);
    }
  });

  it("an empty report still makes one run with an empty results array", () => {
    const log: unknown = JSON.parse(renderSarif(buildReport()));
    expect(log).toMatchObject({ runs: [{ automationDetails: { id: "aws/" }, results: [] }] });
  });

  it("fingerprints are the same across renders of equal input", () => {
    expect(renderSarif(mixedReport())).toBe(renderSarif(mixedReport()));
    const fingerprints = (log: SarifLog) =>
      resultsOf(log).map((result) => result.partialFingerprints.primaryLocationLineHash);
    expect(fingerprints(buildSarifLog(mixedReport()))).toEqual(fingerprints(buildSarifLog(mixedReport())));
  });

  it("fingerprints differ between resources and have GitHub's <hash>:<occurrence> form", () => {
    const fingerprints = resultsOf(buildSarifLog(mixedReport())).map(
      (result) => result.partialFingerprints.primaryLocationLineHash,
    );
    expect(fingerprints).toHaveLength(3);
    expect(new Set(fingerprints).size).toBe(3);
    for (const fingerprint of fingerprints) expect(fingerprint).toMatch(/^[0-9a-f]{32}:1$/);
  });

  const fingerprintOf = (result: RuleResult) =>
    resultsOf(buildSarifLog(buildReport({ results: [result] })))[0]!.partialFingerprints
      .primaryLocationLineHash;

  it.each<[string, RuleResult]>([
    ["the message", { ...LIVE_FAIL, message: "something else" }],
    ["the evidence", { ...LIVE_FAIL, evidence: [{ path: "IpPermissions[7]", value: 1 }] }],
    ["the ARN", { ...LIVE_FAIL, resource: { ...LIVE_FAIL.resource, arn: undefined } }],
    ["the severity", { ...LIVE_FAIL, severity: "note" }],
  ])("a fingerprint ignores %s", (_name, changed) => {
    expect(fingerprintOf(changed)).toBe(fingerprintOf(LIVE_FAIL));
  });

  it("a template fingerprint ignores the line the finding moved to", () => {
    const moved: RuleResult = {
      ...TEMPLATE_FAIL,
      resource: {
        ...TEMPLATE_FAIL.resource,
        source: { ...TEMPLATE_FAIL.resource.source, line: 50, positions: { IpPermissions: { line: 60 } } },
      },
    };
    expect(fingerprintOf(moved)).toBe(fingerprintOf(TEMPLATE_FAIL));
  });

  it.each<[string, RuleResult]>([
    ["the rule", { ...LIVE_FAIL, ruleId: "other-rule" }],
    ["the account", { ...LIVE_FAIL, resource: { ...LIVE_FAIL.resource, account: ACCOUNT_B } }],
    ["the region", { ...LIVE_FAIL, resource: { ...LIVE_FAIL.resource, region: "us-east-1" } }],
    ["the resource id", { ...LIVE_FAIL, resource: { ...LIVE_FAIL.resource, id: "sg-1" } }],
  ])("a fingerprint changes with %s", (_name, changed) => {
    const rules = [SSH_RULE, { ...SSH_RULE, id: "other-rule" }];
    const log = buildSarifLog(buildReport({ rules, results: [LIVE_FAIL, changed] }));
    const [first, second] = resultsOf(log).map(
      (result) => result.partialFingerprints.primaryLocationLineHash,
    );
    expect(first).not.toBe(second);
  });

  it("a template fingerprint changes with the file", () => {
    const copy: RuleResult = {
      ...TEMPLATE_FAIL,
      resource: {
        ...TEMPLATE_FAIL.resource,
        source: { ...TEMPLATE_FAIL.resource.source, file: "other.yaml" },
      },
    };
    expect(fingerprintOf(copy)).not.toBe(fingerprintOf(TEMPLATE_FAIL));
  });

  it("two findings with the same identity get distinct occurrences", () => {
    const log = buildSarifLog(buildReport({ results: [LIVE_FAIL, { ...LIVE_FAIL, message: "again" }] }));
    const [first, second] = resultsOf(log).map(
      (result) => result.partialFingerprints.primaryLocationLineHash,
    );
    expect(first).toMatch(/:1$/);
    expect(second).toBe(first!.replace(/:1$/, ":2"));
  });
});

describe("renderSarif: runs and categories", () => {
  const singleAccountLive = buildReport({ results: [LIVE_FAIL] });
  const configItem: RuleResult = {
    ...LIVE_FAIL,
    resource: { ...LIVE_FAIL.resource, source: { kind: "config-item" } },
  };
  const snapshot: RuleResult = {
    ...LIVE_PASS,
    resource: { ...LIVE_PASS.resource, source: { kind: "snapshot" } },
  };
  const terraform: RuleResult = {
    ...TEMPLATE_FAIL,
    resource: {
      ...TEMPLATE_FAIL.resource,
      source: { kind: "terraform-plan", file: "plan.json", address: "aws_security_group.web" },
    },
  };

  it.each<[string, Report, string[]]>([
    ["an empty report", buildReport(), ["aws/"]],
    ["one live account", singleAccountLive, [`aws/${ACCOUNT_A}/`]],
    ["two live accounts", liveReport(), ["aws/"]],
    [
      "a live scan and a snapshot of another account",
      buildReport({ results: [LIVE_FAIL, snapshot] }),
      ["aws/"],
    ],
    ["a Config item", buildReport({ results: [configItem] }), [`config/${ACCOUNT_A}/`]],
    ["a template", templateReport(), ["iac/"]],
    [
      "a CloudFormation template and a Terraform plan",
      buildReport({ results: [TEMPLATE_FAIL, terraform] }),
      ["iac/"],
    ],
    ["a template that passes", buildReport({ results: [{ ...TEMPLATE_FAIL, status: "pass" }] }), ["iac/"]],
    ["templates and live accounts", mixedReport(), ["aws/", "iac/"]],
    [
      "live, Config and templates",
      buildReport({ results: [TEMPLATE_FAIL, configItem, LIVE_FAIL] }),
      [`aws/${ACCOUNT_A}/`, `config/${ACCOUNT_A}/`, "iac/"],
    ],
    ["only a collection error", buildReport({ collectionErrors: [COLLECTION_ERROR] }), [`aws/${ACCOUNT_B}/`]],
  ])("%s", (_name, report, categories) => {
    expect(buildSarifLog(report).runs.map((run) => run.automationDetails.id)).toEqual(categories);
  });

  it("a clean template scan still uploads its category, with no results", () => {
    const log = buildSarifLog(buildReport({ results: [{ ...TEMPLATE_FAIL, status: "pass" }] }));
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]!.results).toEqual([]);
  });

  it.each([
    ["nightly", "nightly/"],
    ["aws/prod/", "aws/prod/"],
    ["  pr-checks ", "pr-checks/"],
  ])("the category option %j becomes %j", (category, expected) => {
    expect(buildSarifLog(templateReport(), { category }).runs[0]!.automationDetails.id).toBe(expected);
  });

  it.each<[string, Report, string]>([
    ["mixes source kinds", mixedReport(), "iac/"],
    ["is empty", templateReport(), " "],
  ])("the category option is refused when the report %s", (_name, report, category) => {
    expect(() => buildSarifLog(report, { category })).toThrow(ConfigError);
  });
});

describe("renderSarifChunks: the log written a result at a time", () => {
  // Line breaks, a line separator, quotes and a backslash in the values: none may reach the text
  // as a raw line break, which the pieces' indentation relies on.
  const oddValues: RuleResult = {
    ...LIVE_FAIL,
    message: 'sg-1 "allows"\ntcp/22\u2028from\r\n::/0 \\ ',
    resource: { ...LIVE_FAIL.resource, id: "sg-1\n  }\n]" },
    evidence: [{ path: "IpPermissions[0]", value: { Description: "line\nbreak\t\u0000" } }],
  };
  const cases: [string, Report, Parameters<typeof renderSarif>[1]][] = [
    ...REPORTS.map(([name, report]): [string, Report, undefined] => [name, report, undefined]),
    ["waived, suppressed", waiverReport(), { waived: "suppress" }],
    ["waived, omitted", waiverReport(), { waived: "omit" }],
    ["with a category", templateReport(), { category: "pr" }],
    ["odd values", buildReport({ results: [oddValues, LIVE_FAIL, LIVE_PASS] }), undefined],
  ];

  it.each(cases)("%s: the same text as the whole log stringified", (_name, report, options) => {
    const whole = `${JSON.stringify(buildSarifLog(report, options), null, 2)}\n`;
    expect([...renderSarifChunks(report, options)].join("")).toBe(whole);
    expect(renderSarif(report, options)).toBe(whole);
  });

  it("gives each result as a piece of its own, made when it is taken", () => {
    const report = buildReport({ results: [LIVE_FAIL, { ...LIVE_FAIL, message: "second" }, LIVE_PASS] });
    const pieces = [...renderSarifChunks(report)];
    expect(pieces.filter((piece) => piece.includes('"ruleId"'))).toHaveLength(2);
  });

  it("refuses a category the report cannot take when called, before any piece is asked for", () => {
    expect(() => renderSarifChunks(mixedReport(), { category: "iac/" })).toThrow(ConfigError);
  });
});

describe("renderSarif: results", () => {
  const log = buildSarifLog(mixedReport());
  const [liveRun, iacRun] = log.runs;

  it("keeps only failures and unevaluated rules", () => {
    expect(liveRun!.results.map((result) => [result.ruleId, result.properties.status])).toEqual([
      [LIVE_FAIL.ruleId, "fail"],
      [LIVE_ERROR.ruleId, "error"],
    ]);
    expect(iacRun!.results).toHaveLength(1);
  });

  it("reports an unevaluated rule as an error whatever the rule's severity", () => {
    const result = liveRun!.results[1]!;
    expect(result).toMatchObject({ kind: "fail", level: "error", ruleIndex: 1 });
    expect(result.message.text).toBe(`could not evaluate: ${LIVE_ERROR.message}`);
  });

  it("locates a live resource by a per-resource path and keeps its ARN out of the URI", () => {
    expect(liveRun!.results[0]).toMatchObject({
      ruleId: SSH_RULE.id,
      ruleIndex: 0,
      level: "error",
      message: { text: LIVE_FAIL.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              uri: `aws/${ACCOUNT_A}/eu-west-1/AWS-EC2-SecurityGroup/sg-0123456789abcdef0`,
            },
            region: { startLine: 1 },
          },
          logicalLocations: [
            { kind: "resource", name: "sg-0123456789abcdef0", fullyQualifiedName: LIVE_FAIL.resource.arn },
          ],
        },
      ],
      properties: {
        arn: LIVE_FAIL.resource.arn,
        account: ACCOUNT_A,
        region: "eu-west-1",
        resourceType: "AWS::EC2::SecurityGroup",
        resourceId: "sg-0123456789abcdef0",
        evidence: LIVE_FAIL.evidence,
      },
    });
  });

  it("locates a template resource at the line and column of its evidence", () => {
    expect(iacRun!.results[0]!.locations[0]).toEqual({
      physicalLocation: {
        artifactLocation: { uri: "templates/web%20stack.yaml" },
        region: { startLine: 14, startColumn: 13 },
      },
      logicalLocations: [
        { kind: "resource", name: "WebSecurityGroup", fullyQualifiedName: "WebSecurityGroup" },
      ],
    });
  });

  it("records collection errors as notifications and an unsuccessful execution", () => {
    expect(liveRun!.invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: "error",
            message: {
              text:
                `could not collect iam ListAttachedRolePolicies in account ${ACCOUNT_B}, region global: ` +
                `AccessDenied: ${COLLECTION_ERROR.message} (requires iam:ListAttachedRolePolicies)`,
            },
            properties: {
              account: ACCOUNT_B,
              region: "global",
              service: "iam",
              operation: "ListAttachedRolePolicies",
              code: "AccessDenied",
              iamAction: "iam:ListAttachedRolePolicies",
              resourceTypes: ["AWS::IAM::Role"],
            },
          },
        ],
      },
    ]);
    expect(iacRun!.invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  it("marks a run with an unevaluated rule as unsuccessful even without collection errors", () => {
    const [run] = buildSarifLog(buildReport({ results: [LIVE_ERROR] })).runs;
    expect(run!.invocations[0]!.executionSuccessful).toBe(false);
  });

  it("refuses a result whose rule is unknown, which would dangle its ruleIndex", () => {
    expect(() => buildSarifLog(buildReport({ rules: [], results: [LIVE_FAIL] }))).toThrow(/not among/);
  });
});

describe("renderSarif: rule metadata", () => {
  const [run] = buildSarifLog(liveReport()).runs;

  it("describes the tool", () => {
    expect(run!.tool.driver).toMatchObject({
      name: "access-baseline",
      semanticVersion: "0.1.0",
      version: "0.1.0",
      informationUri: "https://github.com/access-baseline/access-baseline",
    });
  });

  it("gives every rule the metadata GitHub shows", () => {
    expect(run!.tool.driver.rules[0]).toEqual({
      id: SSH_RULE.id,
      name: "SgNoSshFromWorld",
      shortDescription: { text: SSH_RULE.title },
      fullDescription: { text: SSH_RULE.description },
      help: {
        text: expect.stringContaining(SSH_RULE.remediation),
        markdown: expect.stringMatching(/### Rationale[\s\S]*### Remediation/),
      },
      helpUri: SSH_RULE.helpUri,
      defaultConfiguration: { level: "error" },
      properties: {
        tags: ["security", "ec2", "network"],
        precision: "very-high",
        "security-severity": "8.6",
      },
    });
    expect(run!.tool.driver.rules[1]).not.toHaveProperty("helpUri");
    expect(run!.tool.driver.rules[1]!.properties["security-severity"]).toBe("5.0");
  });

  it.each([
    ["sg-no-ssh-from-world", "SgNoSshFromWorld"],
    ["EC2.SG_001", "EC2SG001"],
    ["iam/role:trust", "IamRoleTrust"],
  ])("names rule %s as %s", (id, name) => {
    expect(ruleName(id)).toBe(name);
  });

  it("keeps long texts and many tags within GitHub's limits", () => {
    const rule = {
      ...SSH_RULE,
      id: "x".repeat(300),
      description: "d".repeat(2000),
      tags: Array.from({ length: 30 }, (_, index) => `tag-${index}`).concat("security"),
    };
    const [sarifRule] = buildSarifLog(buildReport({ rules: [rule] })).runs[0]!.tool.driver.rules;
    expect(sarifRule!.name.length).toBeLessThanOrEqual(255);
    expect(Array.from(sarifRule!.fullDescription.text)).toHaveLength(1024);
    expect(sarifRule!.fullDescription.text.endsWith("…")).toBe(true);
    expect(sarifRule!.properties.tags).toHaveLength(20);
    expect(sarifRule!.properties.tags[0]).toBe("security");
    expect(sarifRule!.properties.tags.filter((tag) => tag === "security")).toHaveLength(1);
  });

  it.each([0, -1, 10.5, Number.NaN, 0.01])("refuses a security severity of %s", (securitySeverity) => {
    expect(() => buildSarifLog(buildReport({ rules: [{ ...SSH_RULE, securitySeverity }] }))).toThrow(
      RuleError,
    );
  });
});
