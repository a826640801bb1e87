import { describe, expect, it } from "vitest";
import { buildReport } from "../../src/engine/build-report.js";
import { evaluateRules } from "../../src/engine/evaluate.js";
import { EXPIRED_WAIVER_RULE_ID, type RuleResult, type Waiver } from "../../src/engine/result.js";
import { exitCodeFor } from "../../src/engine/summary.js";
import {
  EXPIRED_WAIVER_RULE,
  TODAY_VARIABLE,
  applyWaivers,
  checkWaiverRules,
  todayFrom,
} from "../../src/engine/waivers.js";
import { ConfigError } from "../../src/errors.js";
import { Inventory } from "../../src/model/inventory.js";
import type { JsonValue, Resource, SourceWaiver } from "../../src/model/resource.js";
import { ruleFrom } from "../support/rules.js";

const TODAY = "2026-11-22";
const ACCOUNT = "111122223333";

const sshRule = ruleFrom(`
id: no-ssh
resource: AWS::EC2::SecurityGroup
condition:
  none: { in: "IpPermissions[]", where: { covers-port: 22 } }
message: "{resource.GroupId} opens SSH"
`);

const descriptionRule = ruleFrom(`
id: has-description
resource: AWS::EC2::SecurityGroup
condition: { path: Description, empty: false }
message: "{resource.GroupId} has no description"
`);

const RULES = [sshRule, descriptionRule];
const RULE_IDS = RULES.map((rule) => rule.metadata.id);
const OPEN = [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];

function liveGroup(id: string, permissions: unknown[] = OPEN): Resource {
  return {
    type: "AWS::EC2::SecurityGroup",
    id,
    arn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/${id}`,
    account: ACCOUNT,
    region: "eu-west-1",
    source: { kind: "aws-live" },
    properties: { GroupId: id, IpPermissions: permissions as never },
  };
}

/** A CloudFormation resource as the template reader gives it, with `Metadata` waivers. */
function templateGroup(logicalId: string, waivers?: SourceWaiver[]): Resource {
  return {
    type: "AWS::EC2::SecurityGroup",
    id: logicalId,
    account: "000000000000",
    region: "us-east-1",
    source: {
      kind: "cloudformation",
      file: "templates/web.yaml",
      line: 5,
      column: 3,
      address: logicalId,
      ...(waivers ? { waivers } : {}),
    },
    properties: { GroupId: logicalId, IpPermissions: OPEN },
  };
}

function configWaiver(overrides: Partial<Waiver> = {}): Waiver {
  return {
    origin: "configuration",
    rule: "no-ssh",
    resource: "sg-1",
    reason: "Vendor appliance",
    owner: "network-team",
    expires: "2026-12-31",
    file: ".access-baseline.yml",
    line: 3,
    column: 5,
    ...overrides,
  };
}

function run(resources: Resource[], waivers: Waiver[], today = TODAY) {
  const results = evaluateRules(RULES, new Inventory({ resources }), { params: new Map() });
  return applyWaivers({ results, waivers, resources, ruleIds: RULE_IDS, today });
}

const statusOf = (results: readonly RuleResult[], ruleId: string, id: string) =>
  results.find((result) => result.ruleId === ruleId && result.resource.id === id)?.status;

describe("configuration waivers", () => {
  it("an active waiver makes the failure waived, with the waiver on the result", () => {
    const { results, waivers } = run([liveGroup("sg-1"), liveGroup("sg-2")], [configWaiver()]);
    expect(statusOf(results, "no-ssh", "sg-1")).toBe("waived");
    expect(statusOf(results, "no-ssh", "sg-2")).toBe("fail");
    // Only the waived rule: the same resource's other failure stays.
    expect(statusOf(results, "has-description", "sg-1")).toBe("fail");
    const waived = results.find((result) => result.status === "waived")!;
    expect(waived.waiver).toEqual({ ...configWaiver(), state: "active" });
    expect(waived.message).toBe("sg-1 opens SSH");
    expect(waived.evidence).not.toEqual([]);
    expect(waivers).toEqual([{ waiver: configWaiver(), state: "active", matched: 1, daysLeft: 39 }]);
  });

  it("waived results never fail the run", () => {
    const { results } = run([liveGroup("sg-1", OPEN)], [configWaiver({ rule: "*" })]);
    expect(results.every((result) => result.status === "waived")).toBe(true);
    expect(exitCodeFor(results, [], "note")).toBe(0);
  });

  it.each([
    ["the id", "sg-1"],
    ["the id, by glob", "sg-?"],
    ["the ARN", `arn:aws:ec2:*:${ACCOUNT}:security-group/*`],
    ["anything", "*"],
  ])("matches the resource by %s", (_name, pattern) => {
    const { results } = run([liveGroup("sg-1")], [configWaiver({ resource: pattern })]);
    expect(statusOf(results, "no-ssh", "sg-1")).toBe("waived");
  });

  it("matches template resources by logical id, brackets and all, and rules by glob", () => {
    const { results } = run(
      [templateGroup('Web["a"]'), templateGroup("Other")],
      [configWaiver({ rule: "*", resource: 'Web["a"]' })],
    );
    expect(statusOf(results, "no-ssh", 'Web["a"]')).toBe("waived");
    expect(statusOf(results, "has-description", 'Web["a"]')).toBe("waived");
    expect(statusOf(results, "no-ssh", "Other")).toBe("fail");
  });

  it("applies through the last day of `expires` (UTC) and expires the day after", () => {
    const onLastDay = run([liveGroup("sg-1")], [configWaiver({ expires: TODAY })]);
    expect(statusOf(onLastDay.results, "no-ssh", "sg-1")).toBe("waived");
    expect(onLastDay.waivers[0]).toMatchObject({ state: "active", daysLeft: 0 });
    const dayAfter = run([liveGroup("sg-1")], [configWaiver({ expires: "2026-11-21" })]);
    expect(statusOf(dayAfter.results, "no-ssh", "sg-1")).toBe("fail");
    expect(dayAfter.waivers[0]).toMatchObject({ state: "expired", daysLeft: -1 });
  });

  it("an expired waiver leaves the failure and adds an error finding at the waiver's line", () => {
    const expired = configWaiver({ expires: "2026-10-31" });
    const { results } = run([liveGroup("sg-1")], [expired]);
    const failure = results.find((result) => result.ruleId === "no-ssh")!;
    expect(failure.status).toBe("fail");
    expect(failure.waiver).toEqual({ ...expired, state: "expired" });
    const finding = results.find((result) => result.ruleId === EXPIRED_WAIVER_RULE_ID)!;
    expect(finding).toMatchObject({
      status: "fail",
      severity: "error",
      message:
        "The waiver of no-ssh for sg-1 expired on 2026-10-31 (owner: network-team; reason: Vendor appliance); the failure is reported again.",
      waiver: { state: "expired" },
      evidence: [],
    });
    // About the same resource, so it lands in the same SARIF run; located at the waiver.
    expect(finding.resource).toMatchObject({ id: "sg-1", account: ACCOUNT, type: "AWS::EC2::SecurityGroup" });
    expect(finding.resource.source).toEqual({
      kind: "aws-live",
      file: ".access-baseline.yml",
      line: 3,
      column: 5,
    });
    expect(exitCodeFor(results, [], "error")).toBe(1);
  });

  it("an active waiver wins over an expired one, which is still reported", () => {
    const { results, waivers } = run(
      [liveGroup("sg-1")],
      [configWaiver({ expires: "2026-01-01", line: 3 }), configWaiver({ line: 9 })],
    );
    expect(statusOf(results, "no-ssh", "sg-1")).toBe("waived");
    expect(results.filter((result) => result.ruleId === EXPIRED_WAIVER_RULE_ID)).toHaveLength(1);
    expect(waivers.map((waiver) => waiver.state)).toEqual(["expired", "active"]);
  });

  it("a waiver that matches no failing result is unmatched", () => {
    const { waivers } = run(
      [liveGroup("sg-1", [])],
      [configWaiver(), configWaiver({ resource: "sg-9*" }), configWaiver({ expires: "2026-01-01" })],
    );
    expect(waivers.map((waiver) => [waiver.state, waiver.matched])).toEqual([
      ["unmatched", 0],
      ["unmatched", 0],
      ["unmatched", 0],
    ]);
  });

  it("leaves results that could not be evaluated as errors, but counts the waiver as used", () => {
    const error: RuleResult = {
      ruleId: "no-ssh",
      status: "error",
      severity: "error",
      message: "could not evaluate: denied",
      resource: {
        type: "AWS::EC2::SecurityGroup",
        id: "sg-1",
        account: ACCOUNT,
        region: "eu-west-1",
        source: { kind: "aws-live" },
      },
      evidence: [],
    };
    const { results, waivers } = applyWaivers({
      results: [error],
      waivers: [configWaiver()],
      resources: [],
      ruleIds: RULE_IDS,
      today: TODAY,
    });
    expect(results).toEqual([error]);
    expect(waivers[0]).toMatchObject({ state: "active", matched: 1 });
  });
});

describe("waivers in CloudFormation Metadata (source.waivers)", () => {
  const metadata = (entry: JsonValue, line = 9): SourceWaiver => ({ entry, line, column: 11 });
  const valid = { rule: "no-ssh", reason: "Break-glass access", owner: "sre", expires: "2026-12-10" };

  it("waive their own resource only, as inSource waivers located in the template", () => {
    const { results, waivers, problems } = run(
      [templateGroup("BreakGlass", [metadata(valid)]), templateGroup("Web")],
      [],
    );
    expect(problems).toEqual([]);
    expect(statusOf(results, "no-ssh", "BreakGlass")).toBe("waived");
    expect(statusOf(results, "no-ssh", "Web")).toBe("fail");
    expect(statusOf(results, "has-description", "BreakGlass")).toBe("fail");
    expect(results.find((result) => result.status === "waived")!.waiver).toEqual({
      origin: "source",
      ...valid,
      file: "templates/web.yaml",
      line: 9,
      column: 11,
      state: "active",
    });
    expect(waivers).toEqual([
      {
        waiver: expect.objectContaining({ origin: "source", rule: "no-ssh" }),
        resourceId: "BreakGlass",
        state: "active",
        matched: 1,
        daysLeft: 18,
      },
    ]);
  });

  it("are preferred over a configuration waiver that matches too", () => {
    const { results } = run(
      [templateGroup("BreakGlass", [metadata(valid)])],
      [configWaiver({ resource: "*" })],
    );
    expect(results.find((result) => result.status === "waived")!.waiver!.origin).toBe("source");
  });

  it("expire like the others, the finding pointing at the template line", () => {
    const { results } = run(
      [templateGroup("BreakGlass", [metadata({ ...valid, expires: "2026-11-01" })])],
      [],
    );
    const finding = results.find((result) => result.ruleId === EXPIRED_WAIVER_RULE_ID)!;
    expect(finding.resource.source).toEqual({
      kind: "cloudformation",
      file: "templates/web.yaml",
      line: 9,
      column: 11,
      address: "BreakGlass",
    });
  });

  it("are reported when they match nothing", () => {
    const { waivers } = run(
      [templateGroup("BreakGlass", [metadata({ ...valid, rule: "has-*" }, 12)])],
      [],
      TODAY,
    );
    expect(waivers[0]).toMatchObject({ state: "active" });
    const stale = run(
      [
        {
          ...templateGroup("Closed", [metadata(valid)]),
          properties: { GroupId: "Closed", IpPermissions: [] },
        },
      ],
      [],
    );
    expect(stale.waivers[0]).toMatchObject({ state: "unmatched", resourceId: "Closed" });
  });

  it.each<[string, JsonValue, RegExp]>([
    [
      "not a mapping",
      "no-ssh",
      /expected a mapping with rule, reason, owner, expires, found string "no-ssh"/,
    ],
    ["a missing key", { rule: "no-ssh", reason: "r", owner: "o" }, /missing required key "expires"/],
    [
      "an unknown key",
      { ...{ rule: "no-ssh", reason: "r", owner: "o", expires: "2026-12-01" }, expiry: "x" },
      /unexpected key "expiry"; expected one of: rule, reason, owner, expires/,
    ],
    [
      "a resource key",
      { ...{ rule: "no-ssh", reason: "r", owner: "o", expires: "2026-12-01" }, resource: "*" },
      /a waiver in the template applies to the resource it is written on/,
    ],
    [
      "a blank owner",
      { rule: "no-ssh", reason: "r", owner: " ", expires: "2026-12-01" },
      /"owner" must be text with a letter or digit/,
    ],
    [
      "a reason of a zero-width space",
      { rule: "no-ssh", reason: "\u200b", owner: "o", expires: "2026-12-01" },
      /"reason" must be text with a letter or digit/,
    ],
    [
      "an owner of punctuation alone",
      { rule: "no-ssh", reason: "r", owner: "-", expires: "2026-12-01" },
      /"owner" must be text with a letter or digit/,
    ],
    [
      "a date that does not exist",
      { rule: "no-ssh", reason: "r", owner: "o", expires: "2026-02-30" },
      /"expires": "2026-02-30" is not a date/,
    ],
    [
      "an unknown rule",
      { rule: "no-shh", reason: "r", owner: "o", expires: "2026-12-01" },
      /"rule": unknown rule "no-shh"/,
    ],
    [
      "a glob that matches no rule",
      { rule: "zz-*", reason: "r", owner: "o", expires: "2026-12-01" },
      /"rule": "zz-\*" matches no rule/,
    ],
  ])("a malformed one (%s) is an input problem at its line, and waives nothing", (_name, entry, message) => {
    const { results, problems } = run([templateGroup("Web", [metadata(entry, 14)])], []);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "templates/web.yaml", line: 14, column: 11 });
    expect(problems[0]!.message).toMatch(/^invalid waiver on Web: /);
    expect(problems[0]!.message).toMatch(message);
    expect(statusOf(results, "no-ssh", "Web")).toBe("fail");
    expect(exitCodeFor(results, [], "error", problems)).toBe(2);
  });

  it("without a recorded line, point at the resource", () => {
    const { problems } = run([templateGroup("Web", [{ entry: null }])], []);
    expect(problems[0]).toMatchObject({ line: 5, column: 3 });
  });
});

describe("checkWaiverRules", () => {
  const locate = (pointer: (string | number)[]) => `.access-baseline.yml:${pointer[1] as number}:9`;

  it("accepts known ids and globs that match a rule", () => {
    expect(() =>
      checkWaiverRules([configWaiver(), configWaiver({ rule: "has-*" })], RULE_IDS, locate),
    ).not.toThrow();
  });

  it("rejects an unknown id, naming its line and a close rule", () => {
    expect(() => checkWaiverRules([configWaiver(), configWaiver({ rule: "ssh" })], RULE_IDS, locate)).toThrow(
      new ConfigError('.access-baseline.yml:1:9: waivers.1.rule: unknown rule "ssh" (did you mean no-ssh?)'),
    );
  });

  it("rejects a glob that matches no rule", () => {
    expect(() => checkWaiverRules([configWaiver({ rule: "ssm-*" })], RULE_IDS, locate)).toThrow(
      /waivers\.0\.rule: "ssm-\*" matches no rule/,
    );
  });
});

describe("todayFrom", () => {
  it("is the UTC date unless ACCESS_BASELINE_TODAY fixes it", () => {
    expect(todayFrom({}, new Date("2026-11-22T23:30:00-05:00"))).toBe("2026-11-23");
    expect(todayFrom({ [TODAY_VARIABLE]: "2027-01-15" })).toBe("2027-01-15");
  });

  it("rejects a date that is not one", () => {
    expect(() => todayFrom({ [TODAY_VARIABLE]: "2027-13-01" })).toThrow(
      new ConfigError('ACCESS_BASELINE_TODAY="2027-13-01" is not a date (YYYY-MM-DD)'),
    );
  });
});

describe("buildReport", () => {
  it("adds the expired-waiver pseudo rule when, and only when, there is such a finding", () => {
    const expired = run([liveGroup("sg-1")], [configWaiver({ expires: "2026-01-01" })]);
    const report = buildReport({
      rules: RULES,
      results: expired.results,
      collectionErrors: [],
      resourceCount: 1,
      inputs: [],
      waivers: expired.waivers,
    });
    expect(report.rules.map((rule) => rule.id)).toEqual([
      "no-ssh",
      "has-description",
      EXPIRED_WAIVER_RULE.id,
    ]);
    expect(report.summary.byStatus).toMatchObject({ fail: 3, waived: 0 });
    expect(report.waivers).toBe(expired.waivers);
    const active = run([liveGroup("sg-1")], [configWaiver()]);
    const clean = buildReport({
      rules: RULES,
      results: active.results,
      collectionErrors: [],
      resourceCount: 1,
      inputs: [],
    });
    expect(clean.rules.map((rule) => rule.id)).toEqual(["no-ssh", "has-description"]);
    expect(clean.summary.byStatus).toMatchObject({ fail: 1, waived: 1 });
    expect(clean.summary.failuresBySeverity.error).toBe(1);
  });
});
