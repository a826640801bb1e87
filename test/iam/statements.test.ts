import { describe, expect, it } from "vitest";
import { normalizePolicyDocument, normalizeStatement, statementsOf } from "../../src/iam/index.js";
import { CannotDecideError } from "../../src/model/unknown.js";

describe("statementsOf", () => {
  it("reads a single statement object as a list of one", () => {
    const statements = statementsOf({
      Version: "2012-10-17",
      Statement: { Sid: "Only", Effect: "Allow", Action: "ssm:StartSession", Resource: "*" },
    });
    expect(statements).toEqual([
      { index: 0, Sid: "Only", Effect: "Allow", Action: ["ssm:StartSession"], Resource: ["*"] },
    ]);
  });

  it("keeps each statement's position, skipping entries that are not objects", () => {
    const statements = statementsOf({
      Statement: [
        { Effect: "Allow", Action: "a:b" },
        "junk",
        { Sid: "Third", Effect: "Deny", NotAction: "c:*" },
      ],
    });
    expect(statements.map((statement) => [statement.index, statement.Sid])).toEqual([
      [0, undefined],
      [2, "Third"],
    ]);
  });

  it("normalizes every element to lists and condition values to text", () => {
    const [statement] = statementsOf({
      Statement: [
        {
          Effect: "Allow",
          NotAction: "iam:*",
          NotResource: "arn:aws:iam::*:*",
          Principal: { AWS: "111122223333", Service: ["ec2.amazonaws.com"] },
          Condition: {
            Bool: { "aws:MultiFactorAuthPresent": true },
            NumericLessThan: { "aws:Age": [5, "6"] },
          },
        },
      ],
    });
    expect(statement).toEqual({
      index: 0,
      Effect: "Allow",
      NotAction: ["iam:*"],
      NotResource: ["arn:aws:iam::*:*"],
      Principal: { AWS: ["111122223333"], Service: ["ec2.amazonaws.com"] },
      Condition: {
        Bool: { "aws:MultiFactorAuthPresent": ["true"] },
        NumericLessThan: { "aws:Age": ["5", "6"] },
      },
    });
  });

  it("refuses an Effect that differs from Allow or Deny only in case or spaces, and reads another as none", () => {
    for (const effect of ["allow", "DENY", " Deny", "deny"]) {
      expect(() => statementsOf({ Statement: [{ Sid: "Odd", Effect: effect, Action: "ssm:*" }] })).toThrow(
        new CannotDecideError(
          `statement Odd has Effect ${JSON.stringify(effect)}, which IAM does not read as Allow or Deny (it reads Effect case-sensitively)`,
        ),
      );
    }
    const [statement] = statementsOf({ Statement: [{ Effect: "Permit", Action: "ssm:*" }] });
    expect(statement!.Effect).toBeUndefined();
  });

  it("refuses an Effect that is not text, such as a list of one", () => {
    for (const effect of [["Allow"], { Allow: true }, 1, true]) {
      expect(() => statementsOf({ Statement: [{ Sid: "Listed", Effect: effect, Action: "ssm:*" }] })).toThrow(
        new CannotDecideError("statement Listed: its Effect is not text, which IAM does not accept"),
      );
    }
    const [missing] = statementsOf({ Statement: [{ Effect: null, Action: "ssm:*" }] });
    expect(missing!.Effect).toBeUndefined();
  });

  it("refuses an action written with spaces, which IAM may read as the action or as no action", () => {
    for (const [element, action] of [
      ["Action", "ssm:StartSession "],
      ["Action", " ssm:StartSession"],
      ["NotAction", "ssm: StartSession"],
      ["Action", "ssm:StartSession\u00a0"],
    ] as const) {
      expect(() =>
        statementsOf({ Statement: [{ Sid: "Spaced", Effect: "Allow", [element]: ["ssm:*", action] }] }),
      ).toThrow(
        new CannotDecideError(
          `statement Spaced: its ${element} lists ${JSON.stringify(action)}, with a space in it, which IAM may read as the action without the space or as no action at all`,
        ),
      );
    }
  });

  it("refuses an action written with a comma, which IAM may read as one action or as several", () => {
    expect(() =>
      statementsOf({
        Statement: [{ Sid: "Listed", Effect: "Allow", Action: "ssm:DescribeSessions,StartSession" }],
      }),
    ).toThrow(
      new CannotDecideError(
        'statement Listed: its Action lists "ssm:DescribeSessions,StartSession", with a comma in it, which IAM may read as one action or as a list of actions',
      ),
    );
  });

  it("reads an account id written as a number as its text, in a principal", () => {
    const [statement] = statementsOf({
      Statement: [{ Effect: "Allow", Principal: { AWS: [111122223333, "arn:aws:iam::444455556666:root"] } }],
    });
    expect(statement!.Principal).toEqual({ AWS: ["111122223333", "arn:aws:iam::444455556666:root"] });
    const [single] = statementsOf({ Statement: [{ Effect: "Allow", Principal: { AWS: 111122223333 } }] });
    expect(single!.Principal).toEqual({ AWS: ["111122223333"] });
  });

  it("holds only the elements the statement has, also when read at another position", () => {
    const raw = { Action: "ssm:StartSession", Effect: "Allow" };
    const [statement] = statementsOf({ Statement: [raw] });
    expect(Object.keys(statement!)).toEqual(["index", "Effect", "Action"]);
    expect(Object.keys(statementsOf({ Statement: [{}, raw] })[1]!)).toEqual(["index", "Effect", "Action"]);
    expect(JSON.stringify(normalizeStatement(raw, 5))).toBe(
      '{"index":5,"Effect":"Allow","Action":["ssm:StartSession"]}',
    );
  });

  it("returns an already normalized statement unchanged", () => {
    const [statement] = statementsOf({ Statement: [{ Effect: "Allow", Action: "*" }] });
    expect(normalizeStatement(statement)).toBe(statement);
  });

  it("normalizes a statement read at another position than its list's once, not at every read", () => {
    const raw = { Effect: "Allow", Action: "ssm:StartSession", Resource: "*" };
    const [, listed] = statementsOf({ Statement: [{ Effect: "Deny", Action: "*" }, raw] });
    const alone = normalizeStatement(raw);
    expect(listed?.index).toBe(1);
    expect(alone?.index).toBe(0);
    expect(normalizeStatement(raw)).toBe(alone);
    expect(statementsOf({ Statement: [{}, raw] })[1]).toBe(listed);
  });

  it("keeps a condition operator, condition key or principal type named __proto__ as an entry", () => {
    // JSON.parse makes "__proto__" an ordinary key; assigned as a property it would set the
    // prototype instead and vanish from the statement.
    const [statement] = statementsOf(
      JSON.parse(
        '{"Statement": [{"Effect": "Deny", "Action": "*", "Principal": {"__proto__": ["x"]},' +
          ' "Condition": {"__proto__": {"k": "v"}, "StringEquals": {"__proto__": "y"}}}]}',
      ),
    );
    expect(Object.entries(statement!.Principal as Record<string, string[]>)).toEqual([["__proto__", ["x"]]]);
    expect(Object.entries(statement!.Condition!)).toEqual([
      ["__proto__", { k: ["v"] }],
      ["StringEquals", JSON.parse('{"__proto__": ["y"]}')],
    ]);
    expect(Object.keys(statement!.Condition!["StringEquals"]!)).toEqual(["__proto__"]);
  });

  it.each([undefined, null, "{}", 42, [], {}, { Statement: null }, { Statement: "text" }])(
    "finds no statements in %j",
    (document) => {
      expect(statementsOf(document)).toEqual([]);
    },
  );
});

describe("normalizePolicyDocument", () => {
  it.each([
    [
      "a single statement object",
      { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*" } },
      { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*" }] },
    ],
    [
      "a list, unchanged",
      { Version: "2012-10-17", Id: "x", Statement: [{ Effect: "Deny", Action: "*" }] },
      { Version: "2012-10-17", Id: "x", Statement: [{ Effect: "Deny", Action: "*" }] },
    ],
    ["no Statement", { Version: "2012-10-17" }, { Version: "2012-10-17", Statement: [] }],
    ["a null Statement", { Statement: null }, { Statement: [] }],
  ])("%s", (_name, document, expected) => {
    const before = JSON.stringify(document);
    expect(normalizePolicyDocument(document)).toEqual(expected);
    expect(JSON.stringify(document)).toBe(before);
  });

  it("leaves a statement element unchanged (only Statement is reshaped)", () => {
    const normalized = normalizePolicyDocument({
      Statement: { Effect: "Allow", Action: "ssm:StartSession" },
    });
    expect(normalized.Statement[0]).toEqual({ Effect: "Allow", Action: "ssm:StartSession" });
  });

  it.each([null, "text", 3, [1, 2]])("returns %j as it is", (value) => {
    expect(normalizePolicyDocument(value)).toEqual(value);
  });
});
