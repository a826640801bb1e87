import { describe, expect, it } from "vitest";
import { documentAllowsAction } from "../../src/iam/index.js";

const INSTANCE = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";

function policy(...statements: unknown[]): unknown {
  return { Version: "2012-10-17", Statement: statements };
}

const allowStart = { Sid: "Start", Effect: "Allow", Action: "ssm:StartSession", Resource: "*" };

describe("documentAllowsAction", () => {
  it.each([
    [
      "a single statement object",
      { Version: "2012-10-17", Statement: allowStart },
      "ssm:StartSession",
      undefined,
      true,
    ],
    ["a statement list", policy(allowStart), "ssm:StartSession", undefined, true],
    ["an action the document does not mention", policy(allowStart), "ssm:TerminateSession", undefined, false],
    [
      "ssm:* allows StartSession",
      policy({ Effect: "Allow", Action: "ssm:*", Resource: "*" }),
      "ssm:StartSession",
      undefined,
      true,
    ],
    [
      "* allows anything",
      policy({ Effect: "Allow", Action: "*", Resource: "*" }),
      "ssm:StartSession",
      undefined,
      true,
    ],
    [
      "NotAction allows what it does not list",
      policy({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
      "ssm:StartSession",
      undefined,
      true,
    ],
    [
      "an unconditional Deny wins",
      policy(allowStart, { Effect: "Deny", Action: "ssm:*", Resource: "*" }),
      "ssm:StartSession",
      undefined,
      false,
    ],
    [
      "a conditional Deny does not count",
      policy(allowStart, {
        Effect: "Deny",
        Action: "ssm:StartSession",
        Resource: "*",
        Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
      }),
      "ssm:StartSession",
      undefined,
      true,
    ],
    [
      "a Deny on one instance does not deny the action everywhere",
      policy(allowStart, { Effect: "Deny", Action: "ssm:StartSession", Resource: INSTANCE }),
      "ssm:StartSession",
      undefined,
      true,
    ],
    [
      "a Deny on the instance asked about wins",
      policy(allowStart, {
        Effect: "Deny",
        Action: "ssm:StartSession",
        Resource: "arn:aws:ec2:*:*:instance/*",
      }),
      "ssm:StartSession",
      INSTANCE,
      false,
    ],
    [
      "an Allow on other resources does not allow this one",
      policy({ Effect: "Allow", Action: "ssm:StartSession", Resource: "arn:aws:ssm:*:*:document/*" }),
      "ssm:StartSession",
      INSTANCE,
      false,
    ],
    [
      "a Deny with NotResource does not deny everything",
      policy(allowStart, { Effect: "Deny", Action: "ssm:StartSession", NotResource: INSTANCE }),
      "ssm:StartSession",
      undefined,
      true,
    ],
    [
      "a Deny with NotResource excluding the resource asked about",
      policy(allowStart, { Effect: "Deny", Action: "ssm:StartSession", NotResource: INSTANCE }),
      "ssm:StartSession",
      INSTANCE,
      true,
    ],
    [
      "a Deny naming one principal does not deny everyone",
      policy(
        { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" },
        {
          Effect: "Deny",
          Principal: { AWS: "arn:aws:iam::111122223333:user/mallory" },
          Action: "sts:AssumeRole",
        },
      ),
      "sts:AssumeRole",
      undefined,
      true,
    ],
    [
      "a Deny for everyone in a trust policy wins",
      policy(
        { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" },
        { Effect: "Deny", Principal: "*", Action: "sts:*" },
      ),
      "sts:AssumeRole",
      undefined,
      false,
    ],
    ["no statements", {}, "ssm:StartSession", undefined, false],
    ["not a document", "ssm:StartSession", "ssm:StartSession", undefined, false],
  ])("%s", (_name, document, action, resource, expected) => {
    const options = resource === undefined ? undefined : { resource };
    expect(documentAllowsAction(document, action, options).allowed).toBe(expected);
  });

  it("reports the allowing and the denying statements", () => {
    const deny = { Sid: "NoSessions", Effect: "Deny", Action: ["ssm:StartSession"], Resource: ["*"] };
    const conditionalDeny = {
      ...deny,
      Sid: "OnlyFromOffice",
      Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
    };
    const decision = documentAllowsAction(policy(allowStart, deny, conditionalDeny), "SSM:StartSession");
    expect(decision.allowed).toBe(false);
    expect(decision.allowingStatements.map((statement) => [statement.index, statement.Sid])).toEqual([
      [0, "Start"],
    ]);
    expect(decision.denyingStatements.map((statement) => [statement.index, statement.Sid])).toEqual([
      [1, "NoSessions"],
    ]);
  });

  it("counts a conditional Allow as allowing", () => {
    const decision = documentAllowsAction(
      policy({ ...allowStart, Condition: { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } } }),
      "ssm:StartSession",
    );
    expect(decision).toMatchObject({ allowed: true, denyingStatements: [] });
    expect(decision.allowingStatements).toHaveLength(1);
  });

  it.each([
    ["an operator", '{"__proto__": {"aws:SourceIp": "203.0.113.0/24"}}'],
    ["a key", '{"StringEquals": {"__proto__": "x"}}'],
  ])("does not count a Deny as definite when its condition has %s named __proto__", (_, condition) => {
    const deny = JSON.parse(
      `{"Effect": "Deny", "Action": "ssm:StartSession", "Resource": "*", "Condition": ${condition}}`,
    ) as unknown;
    expect(documentAllowsAction(policy(allowStart, deny), "ssm:StartSession")).toMatchObject({
      allowed: true,
      denyingStatements: [],
    });
  });
});
