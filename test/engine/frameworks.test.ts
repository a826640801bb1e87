import { describe, expect, it } from "vitest";
import {
  frameworkTags,
  fsbpControlUri,
  matchesFrameworkFilter,
  parseFrameworkFilter,
} from "../../src/engine/frameworks.js";
import { compileRuleText } from "../../src/engine/rule-loader.js";
import { ConfigError } from "../../src/errors.js";

/** The `frameworks:` block of a rule file: what the loader accepts, what it refuses, and where. */

function ruleText(frameworks: string, tags = "[network]"): string {
  return `id: ssh-open
title: SSH open
severity: error
security-severity: 8
description: d
rationale: r
remediation: m
tags: ${tags}
${frameworks}
resource: AWS::EC2::SecurityGroup
condition: { path: GroupId, exists: true }
message: "{resource.GroupId}"
`;
}

function compile(frameworks: string, tags?: string) {
  return compileRuleText(ruleText(frameworks, tags), "ssh-open.yaml", "/ssh-open.yaml", "ssh-open.yaml");
}

function problemOf(frameworks: string, tags?: string) {
  const result = compile(frameworks, tags);
  return "problem" in result ? result.problem : undefined;
}

const MAPPED = `frameworks:
  cis-aws-foundations: { version: 7.0.0, controls: ["6.3", "6.4"] }
  aws-fsbp: { version: 1.0.0, controls: [EC2.13, EC2.53] }`;

describe("a rule's frameworks block", () => {
  it("is carried into the rule's metadata", () => {
    const result = compile(MAPPED);
    expect("rule" in result && result.rule.metadata.frameworks).toEqual({
      "cis-aws-foundations": { version: "7.0.0", controls: ["6.3", "6.4"] },
      "aws-fsbp": { version: "1.0.0", controls: ["EC2.13", "EC2.53"] },
    });
  });

  it("may be empty, saying that no public control matches, which is not the same as unmapped", () => {
    const empty = compile("frameworks: {}");
    const absent = compile("");
    expect("rule" in empty && empty.rule.metadata.frameworks).toEqual({});
    expect("rule" in absent && "frameworks" in absent.rule.metadata).toBe(false);
  });

  it("refuses an unknown framework id at its line", () => {
    expect(problemOf("frameworks:\n  cis-aws: { version: 7.0.0, controls: ['6.3'] }")).toMatchObject({
      line: 10,
      message: 'frameworks: unexpected key "cis-aws"; expected one of: cis-aws-foundations, aws-fsbp',
    });
  });

  it("refuses a mapping without the version its ids come from", () => {
    expect(problemOf("frameworks:\n  aws-fsbp: { controls: [EC2.13] }")?.message).toMatch(
      /frameworks\.aws-fsbp.*version/,
    );
  });

  it("refuses control ids that are not of the framework's form", () => {
    expect(problemOf("frameworks:\n  aws-fsbp: { version: 1.0.0, controls: [EC2-13] }")?.message).toMatch(
      /frameworks\.aws-fsbp\.controls\.0/,
    );
    expect(
      problemOf("frameworks:\n  cis-aws-foundations: { version: 7.0.0, controls: [EC2.13] }")?.message,
    ).toMatch(/frameworks\.cis-aws-foundations\.controls\.0/);
  });

  it("refuses a control written as a YAML number, which would lose its trailing zero", () => {
    expect(
      problemOf("frameworks:\n  cis-aws-foundations: { version: 7.0.0, controls: [6.10] }")?.message,
    ).toMatch(/frameworks\.cis-aws-foundations\.controls\.0/);
  });

  it("refuses an empty or repeated control list and a version that is not x.y.z", () => {
    expect(problemOf("frameworks:\n  aws-fsbp: { version: 1.0.0, controls: [] }")).toBeDefined();
    expect(problemOf("frameworks:\n  aws-fsbp: { version: 1.0.0, controls: [SSM.1, SSM.1] }")).toBeDefined();
    expect(problemOf("frameworks:\n  aws-fsbp: { version: latest, controls: [SSM.1] }")).toBeDefined();
  });

  it("refuses a mapping whose control tags would take the rule past GitHub's 20 tags", () => {
    const tags = `[${Array.from({ length: 17 }, (_, index) => `tag-${index}`).join(", ")}]`;
    expect(problemOf(MAPPED, tags)).toMatchObject({
      line: 10,
      message: "frameworks: the rule's 17 tags and its 4 framework controls make 21 tags, more than 19",
    });
    expect(problemOf("frameworks:\n  aws-fsbp: { version: 1.0.0, controls: [SSM.1, SSM.2] }", tags)).toBe(
      undefined,
    );
  });
});

describe("framework helpers", () => {
  it("makes code-scanning tags in framework order", () => {
    expect(
      frameworkTags({
        "aws-fsbp": { version: "1.0.0", controls: ["EC2.13"] },
        "cis-aws-foundations": { version: "7.0.0", controls: ["6.3"] },
      }),
    ).toEqual(["CIS-6.3", "FSBP-EC2.13"]);
    expect(frameworkTags({})).toEqual([]);
    expect(frameworkTags(undefined)).toEqual([]);
  });

  it("links a Security Hub control to its anchor on its service's page", () => {
    expect(fsbpControlUri("EC2.13")).toBe(
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13",
    );
    expect(fsbpControlUri("SSM.1")).toBe(
      "https://docs.aws.amazon.com/securityhub/latest/userguide/ssm-controls.html#ssm-1",
    );
  });

  it("parses --framework ID and ID:CONTROL and matches controls whatever their case", () => {
    const mapping = { "aws-fsbp": { version: "1.0.0", controls: ["EC2.13"] } };
    expect(matchesFrameworkFilter(mapping, parseFrameworkFilter("aws-fsbp"))).toBe(true);
    expect(matchesFrameworkFilter(mapping, parseFrameworkFilter("aws-fsbp:ec2.13"))).toBe(true);
    expect(matchesFrameworkFilter(mapping, parseFrameworkFilter("aws-fsbp:EC2.14"))).toBe(false);
    expect(matchesFrameworkFilter(mapping, parseFrameworkFilter("cis-aws-foundations"))).toBe(false);
    expect(matchesFrameworkFilter({}, parseFrameworkFilter("aws-fsbp"))).toBe(false);
    expect(matchesFrameworkFilter(undefined, parseFrameworkFilter("aws-fsbp"))).toBe(false);
  });

  it("refuses an unknown framework, listing the known ones, and a control that cannot exist", () => {
    expect(() => parseFrameworkFilter("cis")).toThrow(ConfigError);
    expect(() => parseFrameworkFilter("cis")).toThrow(
      '--framework: unknown framework "cis"; known frameworks: cis-aws-foundations, aws-fsbp',
    );
    expect(() => parseFrameworkFilter("aws-fsbp:EC2-13")).toThrow(/a control id looks like EC2\.13/);
    expect(() => parseFrameworkFilter("cis-aws-foundations:6.x")).toThrow(/a control id looks like 6\.3/);
  });
});
