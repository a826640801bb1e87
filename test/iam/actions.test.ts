import { describe, expect, it } from "vitest";
import { CannotDecideError, UnknownValueError } from "../../src/model/unknown.js";
import {
  actionMatches,
  statementAllowsAction,
  statementAppliesToAction,
  statementDeniesAction,
} from "../../src/iam/index.js";

describe("actionMatches", () => {
  it.each([
    ["ssm:StartSession", "ssm:StartSession", true],
    ["ssm:Start*", "ssm:StartSession", true],
    ["ssm:Start*", "ssm:StartAutomationExecution", true],
    ["ssm:Start*", "ssm:ResumeSession", false],
    ["ssm:*", "ssm:StartSession", true],
    ["ssm:*", "ssmmessages:CreateControlChannel", false],
    ["ssm*", "ssmmessages:CreateControlChannel", true],
    ["*", "ssm:StartSession", true],
    ["*", "", true],
    ["**", "sts:AssumeRole", true],
    ["SSM:startsession", "ssm:StartSession", true],
    ["ssm:StartSession", "SSM:STARTSESSION", true],
    ["ssm:St?rtSession", "ssm:StartSession", true],
    ["ssm:St?rtSession", "ssm:StrtSession", false],
    ["ssm:?", "ssm:StartSession", false],
    ["ssm:StartSession", "ssm:StartSessions", false],
    ["ssm:StartSessions", "ssm:StartSession", false],
    ["ec2:*", "ssm:StartSession", false],
    ["*:StartSession", "ssm:StartSession", true],
    ["s*:*Session", "ssm:ResumeSession", true],
    ["", "ssm:StartSession", false],
  ])("%j matches %j: %s", (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  it("is not fooled by patterns full of stars", () => {
    const started = Date.now();
    expect(actionMatches(`${"*a".repeat(30)}b`, "a".repeat(200))).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("answers the same for a wildcard asked again, also after many other actions and patterns", () => {
    expect(actionMatches("ssm:Start*", "ssm:StartSession")).toBe(true);
    expect(actionMatches("ssm:Start*", "SSM:startSESSION")).toBe(true);
    for (let index = 0; index < 6_000; index += 1) {
      expect(actionMatches("ssm:Start*", `ssm:Stop${index}`)).toBe(false);
      expect(actionMatches(`ssm:Stop${index}*`, `ssm:Stop${index}`)).toBe(true);
    }
    expect(actionMatches("ssm:Start*", "ssm:StartSession")).toBe(true);
    expect(actionMatches("ssm:Start*", "ssm:Stop0")).toBe(false);
    expect(actionMatches("ssm:Stop1*", "ssm:Stop1")).toBe(true);
  });

  it.each([
    [undefined, "ssm:StartSession"],
    ["ssm:*", 42],
  ])("answers false for non-text input %j, %j", (pattern, action) => {
    expect(actionMatches(pattern as unknown as string, action as unknown as string)).toBe(false);
  });
});

describe("statement and action", () => {
  const cases: [string, unknown, string, { applies: boolean; allows: boolean; denies: boolean }][] = [
    [
      "Action as a string",
      { Effect: "Allow", Action: "ssm:StartSession", Resource: "*" },
      "ssm:StartSession",
      { applies: true, allows: true, denies: false },
    ],
    [
      "Action as a list",
      { Effect: "Allow", Action: ["ec2:DescribeInstances", "ssm:Start*"], Resource: "*" },
      "ssm:StartSession",
      { applies: true, allows: true, denies: false },
    ],
    [
      "Action list without the action",
      { Effect: "Allow", Action: ["ec2:DescribeInstances"], Resource: "*" },
      "ssm:StartSession",
      { applies: false, allows: false, denies: false },
    ],
    [
      "NotAction that does not list the action",
      { Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" },
      "ssm:StartSession",
      { applies: true, allows: true, denies: false },
    ],
    [
      "NotAction that lists the action by wildcard",
      { Effect: "Allow", NotAction: "ssm:*", Resource: "*" },
      "ssm:StartSession",
      { applies: false, allows: false, denies: false },
    ],
    [
      "NotAction matched case-insensitively",
      { Effect: "Allow", NotAction: ["SSM:STARTSESSION"], Resource: "*" },
      "ssm:StartSession",
      { applies: false, allows: false, denies: false },
    ],
    [
      "Deny with Action wildcard",
      { Effect: "Deny", Action: "ssm:*", Resource: "*" },
      "ssm:StartSession",
      { applies: true, allows: false, denies: true },
    ],
    [
      "Deny with NotAction",
      { Effect: "Deny", NotAction: "ec2:*", Resource: "*" },
      "ssm:StartSession",
      { applies: true, allows: false, denies: true },
    ],
    [
      "no Action or NotAction",
      { Effect: "Allow", Resource: "*" },
      "ssm:StartSession",
      { applies: false, allows: false, denies: false },
    ],
    [
      "an unknown Effect",
      { Effect: "Permit", Action: "*", Resource: "*" },
      "ssm:StartSession",
      { applies: true, allows: false, denies: false },
    ],
    [
      "not an object",
      "ssm:StartSession",
      "ssm:StartSession",
      { applies: false, allows: false, denies: false },
    ],
  ];

  it.each(cases)("%s", (_name, statement, action, expected) => {
    expect(statementAppliesToAction(statement, action)).toBe(expected.applies);
    expect(statementAllowsAction(statement, action)).toBe(expected.allows);
    expect(statementDeniesAction(statement, action)).toBe(expected.denies);
  });

  it.each([
    ["a number among the actions", { Action: [42, "ssm:StartSession"] }, /lists a value that is not text/],
    ["a nested list", { Action: [["ssm:StartSession"]] }, /lists a value that is not text/],
    ["a mapping", { NotAction: { ssm: "StartSession" } }, /its NotAction is not text or a list of text/],
    ["a number as the resource", { Action: "ssm:StartSession", Resource: 7 }, /its Resource is not text/],
  ])("cannot judge a statement whose actions or resources are not text: %s", (_name, elements, message) => {
    // IAM refuses such a document; read without the odd entry, an Allow would grant nothing.
    for (const effect of ["Allow", "Deny"]) {
      const statement = { Sid: "Odd", Effect: effect, Resource: "*", ...elements };
      expect(() => statementAppliesToAction(statement, "ssm:StartSession")).toThrow(CannotDecideError);
      expect(() => statementAppliesToAction(statement, "ssm:StartSession")).toThrow(message);
      expect(() => statementAppliesToAction(statement, "ssm:StartSession")).toThrow(
        /^cannot decide: statement Odd: /,
      );
    }
  });

  it("says a template's unknown action is unknown, not that it is not text", () => {
    const reason = "Action comes from parameter Act, which has no default";
    const statement = { Effect: "Allow", Action: [{ $unknown: reason }], Resource: "*" };
    expect(() => statementAllowsAction(statement, "ssm:StartSession")).toThrow(UnknownValueError);
    expect(() => statementAllowsAction(statement, "ssm:StartSession")).toThrow(reason);
  });
});
