import { describe, expect, it } from "vitest";
import { denyEnforcesCondition, effectiveResourcesWithin } from "../../src/iam/index.js";

function policy(...statements: unknown[]): unknown {
  return { Version: "2012-10-17", Statement: statements };
}

const ROOT = "arn:aws:iam::111122223333:root";
const ALICE = "arn:aws:iam::111122223333:user/alice";
const USERNAME = "${aws:username}";

const SESSION_NAME = {
  operator: [
    "StringEquals",
    "StringLike",
    "StringEqualsIfExists",
    "StringLikeIfExists",
    "ForAnyValue:StringEquals",
    "ForAnyValue:StringLike",
  ],
  key: "sts:RoleSessionName",
  values: [USERNAME],
};

function allowAssume(principal: unknown): Record<string, unknown> {
  return { Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" };
}

function denyUnless(
  principal: unknown,
  condition: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { Effect: "Deny", Principal: principal, Action: "sts:AssumeRole", Condition: condition, ...extra };
}

const notLike = { StringNotLike: { "sts:RoleSessionName": USERNAME } };

describe("denyEnforcesCondition", () => {
  it.each([
    [
      "the same principal, StringNotLike",
      allowAssume({ AWS: ROOT }),
      denyUnless({ AWS: ROOT }, notLike),
      true,
    ],
    [
      "everyone, StringNotEquals with the value in a list",
      allowAssume({ AWS: [ALICE, "444455556666"] }),
      denyUnless("*", { StringNotEquals: { "sts:RoleSessionName": [USERNAME] } }),
      true,
    ],
    ["AWS * covers the Allow for everyone", allowAssume("*"), denyUnless({ AWS: "*" }, notLike), true],
    [
      "the account id covers its users",
      allowAssume({ AWS: ALICE }),
      denyUnless({ AWS: "111122223333" }, notLike),
      true,
    ],
    ["the root ARN covers its users", allowAssume({ AWS: ALICE }), denyUnless({ AWS: ROOT }, notLike), true],
    [
      "the account id and the root ARN",
      allowAssume({ AWS: ROOT }),
      denyUnless({ AWS: "111122223333" }, notLike),
      true,
    ],
    [
      "the IfExists form",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { StringNotLikeIfExists: { "sts:RoleSessionName": USERNAME } }),
      true,
    ],
    [
      "the ForAnyValue: form, the key in another case",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { "ForAnyValue:StringNotLike": { "STS:RoleSessionName": USERNAME } }),
      true,
    ],
    [
      "sts:* covers sts:AssumeRole",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", notLike, { Action: "sts:*" }),
      true,
    ],
    // Mirror cases: each must keep the finding.
    [
      "only one of two principals",
      allowAssume({ AWS: [ALICE, "arn:aws:iam::444455556666:root"] }),
      denyUnless({ AWS: ALICE }, notLike),
      false,
    ],
    ["another account", allowAssume({ AWS: ROOT }), denyUnless({ AWS: "444455556666" }, notLike), false],
    [
      "a user does not cover the account",
      allowAssume({ AWS: ROOT }),
      denyUnless({ AWS: ALICE }, notLike),
      false,
    ],
    [
      "an account does not cover everyone",
      allowAssume({ AWS: "*" }),
      denyUnless({ AWS: ROOT }, notLike),
      false,
    ],
    [
      "an account does not cover an Allow with NotPrincipal",
      { Effect: "Allow", NotPrincipal: { AWS: ALICE }, Action: "sts:AssumeRole" },
      denyUnless({ AWS: ROOT }, notLike),
      false,
    ],
    [
      "a Deny with NotPrincipal",
      allowAssume({ AWS: ALICE }),
      {
        Effect: "Deny",
        NotPrincipal: { AWS: "arn:aws:iam::111122223333:user/mallory" },
        Action: "sts:AssumeRole",
        Condition: notLike,
      },
      false,
    ],
    [
      "a Deny without a principal",
      allowAssume({ AWS: ROOT }),
      { Effect: "Deny", Action: "sts:AssumeRole", Condition: notLike },
      false,
    ],
    [
      "another action",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", notLike, { Action: "sts:TagSession" }),
      false,
    ],
    [
      "NotAction that leaves the action out",
      allowAssume({ AWS: ROOT }),
      { Effect: "Deny", Principal: "*", NotAction: "sts:AssumeRole", Condition: notLike },
      false,
    ],
    [
      "a constant",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { StringNotLike: { "sts:RoleSessionName": "admin" } }),
      false,
    ],
    [
      "${aws:userid}",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { StringNotLike: { "sts:RoleSessionName": "${aws:userid}" } }),
      false,
    ],
    [
      "another value next to the user name",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { StringNotLike: { "sts:RoleSessionName": [USERNAME, "deploy-*"] } }),
      false,
    ],
    [
      "another key",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { StringNotLike: { "sts:SourceIdentity": USERNAME } }),
      false,
    ],
    [
      "another condition next to it",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { ...notLike, Bool: { "aws:MultiFactorAuthPresent": "false" } }),
      false,
    ],
    [
      "another key under the same operator",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { StringNotLike: { "sts:RoleSessionName": USERNAME, "aws:PrincipalTag/team": "ops" } }),
      false,
    ],
    [
      "the positive operator",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { StringLike: { "sts:RoleSessionName": USERNAME } }),
      false,
    ],
    [
      "a set qualifier the Allow forms do not list",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", { "ForAllValues:StringNotLike": { "sts:RoleSessionName": USERNAME } }),
      false,
    ],
    ["no condition at all", allowAssume({ AWS: ROOT }), denyUnless("*", {}), false],
    [
      "a Deny limited to some resources",
      allowAssume({ AWS: ROOT }),
      denyUnless("*", notLike, { Resource: "arn:aws:iam::111122223333:role/other" }),
      false,
    ],
    [
      "an Allow statement in place of the Deny",
      allowAssume({ AWS: ROOT }),
      { ...denyUnless("*", notLike), Effect: "Allow" },
      false,
    ],
  ])("%s: %s", (_name, allow, deny, expected) => {
    expect(
      denyEnforcesCondition(allow, policy(allow, deny), { action: "sts:AssumeRole", test: SESSION_NAME }),
    ).toBe(expected);
  });
});

const OWN_SESSIONS = "arn:aws:ssm:*:*:session/${aws:username}-*";
const WITHIN = [OWN_SESSIONS, "arn:*:ec2:*"];

describe("effectiveResourcesWithin", () => {
  const allowEverywhere = {
    Effect: "Allow",
    Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
    Resource: "*",
  };
  const confine = (extra: Record<string, unknown>) => ({
    Effect: "Deny",
    Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
    NotResource: OWN_SESSIONS,
    ...extra,
  });

  it.each([
    ["the statement's own Resource is within", { ...allowEverywhere, Resource: OWN_SESSIONS }, [], true],
    ["a Deny with NotResource of the own sessions", allowEverywhere, [confine({})], true],
    [
      "a region-specific NotResource next to instances",
      allowEverywhere,
      [
        confine({
          NotResource: ["arn:aws:ssm:us-east-1:*:session/${aws:username}-*", "arn:aws:ec2:*:*:instance/*"],
        }),
      ],
      true,
    ],
    [
      "an Allow with NotResource, confined",
      { ...allowEverywhere, Resource: undefined, NotResource: "x" },
      [confine({})],
      true,
    ],
    ["a Deny with Principal *", allowEverywhere, [confine({ Principal: "*" })], true],
    // Mirror cases.
    ["no Deny", allowEverywhere, [], false],
    [
      "a broader NotResource",
      allowEverywhere,
      [confine({ NotResource: "arn:aws:ssm:*:*:session/*" })],
      false,
    ],
    [
      "a NotResource that also spares another user's sessions",
      allowEverywhere,
      [confine({ NotResource: [OWN_SESSIONS, "arn:aws:ssm:*:*:session/admin-*"] })],
      false,
    ],
    ["an empty NotResource", allowEverywhere, [confine({ NotResource: [] })], false],
    [
      "a Deny with a condition",
      allowEverywhere,
      [confine({ Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } })],
      false,
    ],
    ["a Deny for another action", allowEverywhere, [confine({ Action: "ssm:StartSession" })], false],
    [
      "a Deny with Resource instead",
      allowEverywhere,
      [confine({ NotResource: undefined, Resource: "arn:aws:ssm:*:*:session/root-*" })],
      false,
    ],
    ["a Deny with NotPrincipal", allowEverywhere, [confine({ NotPrincipal: { AWS: ALICE } })], false],
    ["a Deny for particular principals", allowEverywhere, [confine({ Principal: { AWS: ALICE } })], false],
    [
      "an Allow with NotResource in place of the Deny",
      allowEverywhere,
      [confine({ Effect: "Allow" })],
      false,
    ],
  ])("%s: %s", (_name, statement, denies, expected) => {
    expect(
      effectiveResourcesWithin(statement, WITHIN, {
        action: "ssm:TerminateSession",
        policies: policy(statement, ...denies),
      }),
    ).toBe(expected);
  });

  it("judges each action on its own", () => {
    const document = policy(allowEverywhere, confine({ Action: "ssm:TerminateSession" }));
    expect(
      effectiveResourcesWithin(allowEverywhere, WITHIN, {
        action: "ssm:TerminateSession",
        policies: document,
      }),
    ).toBe(true);
    expect(
      effectiveResourcesWithin(allowEverywhere, WITHIN, { action: "ssm:ResumeSession", policies: document }),
    ).toBe(false);
  });
});
