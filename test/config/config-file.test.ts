import { describe, expect, it } from "vitest";
import { parseConfiguration } from "../../src/config/config-file.js";
import { prepareRuleSet } from "../../src/engine/rule-set.js";
import { ConfigError } from "../../src/errors.js";
import { ruleFrom } from "../support/rules.js";

/** `waivers:` in `.access-baseline.yml`: the shape, the dates, and rule ids checked at their line. */

const WAIVERS = `fail-on: warning
waivers:
  - rule: ssh-from-internet
    resource: "sg-0123*"
    reason: Vendor appliance, replaced in Q1
    owner: network-team
    expires: 2026-12-31
  - rule: "*"
    resource: LegacyBastion
    reason: "  Break-glass host  "
    owner: sre
    expires: "2027-01-15"
`;

function parse(text: string) {
  return parseConfiguration(text, ".access-baseline.yml");
}

function problem(text: string): string {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("waivers in the configuration file", () => {
  it("are read in order, each located at its entry", () => {
    const { waivers } = parse(WAIVERS);
    expect(waivers).toEqual([
      {
        origin: "configuration",
        rule: "ssh-from-internet",
        resource: "sg-0123*",
        reason: "Vendor appliance, replaced in Q1",
        owner: "network-team",
        // Unquoted: YAML 1.2 keeps a date a string.
        expires: "2026-12-31",
        file: ".access-baseline.yml",
        line: 3,
        column: 5,
      },
      expect.objectContaining({ rule: "*", reason: "Break-glass host", line: 8, column: 5 }),
    ]);
  });

  it("are none when the file has no waivers", () => {
    expect(parse("fail-on: error\n").waivers).toEqual([]);
  });

  it.each([
    [
      "a missing expiry (a waiver without an end is a permanent hole)",
      "waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: r\n    owner: o\n",
      /^\.access-baseline\.yml:2:5: waivers\.0: missing required key "expires"$/,
    ],
    [
      "a missing owner",
      "waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: r\n    expires: 2026-01-01\n",
      /^\.access-baseline\.yml:2:5: waivers\.0: missing required key "owner"$/,
    ],
    [
      "an expiry that is not a date",
      "waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: r\n    owner: o\n    expires: next year\n",
      /^\.access-baseline\.yml:6:14: waivers\.0\.expires: "next year" does not match the pattern/,
    ],
    [
      "a date that does not exist",
      "waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: r\n    owner: o\n    expires: 2026-02-30\n",
      /^\.access-baseline\.yml:6:14: waivers\.0\.expires: "2026-02-30" is not a date \(YYYY-MM-DD\)$/,
    ],
    [
      "an unknown key",
      "waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: r\n    owner: o\n    expires: 2026-01-01\n    expiry: 2026-01-01\n",
      /^\.access-baseline\.yml:7:5: waivers\.0: unexpected key "expiry"; expected one of: rule, resource, reason, owner, expires$/,
    ],
    [
      "a blank reason",
      'waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: " "\n    owner: o\n    expires: 2026-01-01\n',
      /^\.access-baseline\.yml:4:13: waivers\.0\.reason: " " does not match the pattern/,
    ],
    [
      "a reason of a zero-width space",
      'waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: "\\u200B"\n    owner: o\n    expires: 2026-01-01\n',
      /^\.access-baseline\.yml:4:13: waivers\.0\.reason: .* does not match the pattern/,
    ],
    [
      "an owner of punctuation alone",
      'waivers:\n  - rule: ssh-from-internet\n    resource: sg-1\n    reason: r\n    owner: "-"\n    expires: 2026-01-01\n',
      /^\.access-baseline\.yml:5:12: waivers\.0\.owner: "-" does not match the pattern/,
    ],
    [
      "a rule that is not an id or glob",
      "waivers:\n  - rule: SSH From Internet\n    resource: sg-1\n    reason: r\n    owner: o\n    expires: 2026-01-01\n",
      /^\.access-baseline\.yml:2:11: waivers\.0\.rule: "SSH From Internet" does not match the pattern/,
    ],
    [
      "waivers that are not a list",
      "waivers:\n  rule: x\n",
      /^\.access-baseline\.yml:2:3: waivers: expected array, found a mapping$/,
    ],
  ])("reject %s, naming the file, line and column", (_name, text, expected) => {
    expect(problem(text)).toMatch(expected);
  });
});

describe("waiver rule ids against the loaded rules", () => {
  const rules = [
    ruleFrom(
      "id: ssh-from-internet\nresource: AWS::EC2::SecurityGroup\ncondition: { path: GroupId, exists: true }\nmessage: m\n",
    ),
    ruleFrom(
      "id: ssm-agent-version\nresource: AWS::EC2::SecurityGroup\ncondition: { path: GroupId, exists: true }\nmessage: m\n",
    ),
  ];
  const waiver = (rule: string) =>
    `waivers:\n  - resource: sg-1\n    reason: r\n    owner: o\n    expires: 2026-01-01\n    rule: ${rule}\n`;

  it("accept known ids and globs that match a rule", () => {
    expect(() => prepareRuleSet(rules, parse(waiver("ssh-from-internet")), new Map())).not.toThrow();
    expect(() => prepareRuleSet(rules, parse(waiver("ssm-*")), new Map())).not.toThrow();
  });

  it("reject an unknown id at its line, like unknown ids under rules:", () => {
    expect(() => prepareRuleSet(rules, parse(waiver("ssh-from-the-internet")), new Map())).toThrow(
      new ConfigError('.access-baseline.yml:6:11: waivers.0.rule: unknown rule "ssh-from-the-internet"'),
    );
  });

  it("reject a glob that matches no rule", () => {
    expect(() => prepareRuleSet(rules, parse(waiver("rdp-*")), new Map())).toThrow(
      /^\.access-baseline\.yml:6:11: waivers\.0\.rule: "rdp-\*" matches no rule$/,
    );
  });

  it("accept a rule that is switched off: the waiver is then reported as unmatched", () => {
    const text = `rules:\n  ssh-from-internet: off\n${waiver("ssh-from-internet")}`;
    expect(prepareRuleSet(rules, parse(text), new Map()).rules.map((rule) => rule.metadata.id)).toEqual([
      "ssm-agent-version",
    ]);
  });
});
