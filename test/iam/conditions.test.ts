import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CannotDecideError } from "../../src/model/unknown.js";
import type { ConditionTest } from "../../src/iam/index.js";
import { hasCondition, parseConditionOperator } from "../../src/iam/index.js";
import { operatorIdentity, sameOperator } from "../../src/iam/conditions.js";

describe("parseConditionOperator", () => {
  it.each([
    ["StringEquals", { base: "StringEquals", ifExists: false }],
    ["BoolIfExists", { base: "Bool", ifExists: true }],
    ["ForAnyValue:StringLike", { setQualifier: "ForAnyValue", base: "StringLike", ifExists: false }],
    [
      "ForAllValues:StringEqualsIfExists",
      { setQualifier: "ForAllValues", base: "StringEquals", ifExists: true },
    ],
    ["forallvalues:stringlike", { setQualifier: "ForAllValues", base: "stringlike", ifExists: false }],
    ["Null", { base: "Null", ifExists: false }],
  ])("takes %s apart", (name, expected) => {
    expect(parseConditionOperator(name)).toEqual(expected);
  });

  it.each([
    "",
    "IfExists",
    "ForAnyValue:",
    "ForSomeValues:StringLike",
    "String Equals",
    "ForAnyValue:IfExists",
  ])("refuses %j", (name) => {
    expect(parseConditionOperator(name)).toBeUndefined();
  });
});

describe("operatorIdentity", () => {
  const operatorName = fc
    .tuple(
      fc.constantFrom("", "ForAnyValue:", "forallvalues:", "ForAllValues:", "ForSomeValues:"),
      fc.constantFrom("StringLike", "stringlike", "Bool", "BOOL", "Null", "String Like", ""),
      fc.constantFrom("", "IfExists", "ifexists"),
    )
    .map((parts) => parts.join(""));

  it("gives two names the same identity exactly when they are the same operator", () => {
    fc.assert(
      fc.property(operatorName, operatorName, (left, right) => {
        const [a, b] = [parseConditionOperator(left), parseConditionOperator(right)];
        const same = a !== undefined && b !== undefined && sameOperator(a, b);
        const [first, second] = [operatorIdentity(left), operatorIdentity(right)];
        expect(first === undefined).toBe(a === undefined);
        expect(first !== undefined && second !== undefined && first.key === second.key).toBe(same);
        expect(first?.base).toBe(a?.base.toLowerCase());
      }),
    );
  });

  it("names no identity for what is not an operator name", () => {
    expect(operatorIdentity(42 as unknown as string)).toBeUndefined();
    expect(operatorIdentity("IfExists")).toBeUndefined();
    expect(operatorIdentity("IfExists")).toBeUndefined();
  });
});

const DOCUMENT_CHECK: ConditionTest = {
  operator: "BoolIfExists",
  key: "ssm:SessionDocumentAccessCheck",
  values: ["true"],
};
const SESSION_NAME: ConditionTest = {
  operator: ["StringEquals", "StringLike"],
  key: "sts:RoleSessionName",
  values: ["${aws:username}"],
};

function withCondition(condition: unknown): unknown {
  return { Effect: "Allow", Action: "ssm:StartSession", Resource: "*", Condition: condition };
}

describe("hasCondition", () => {
  it.each([
    [
      "BoolIfExists with the text true",
      withCondition({ BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } }),
      DOCUMENT_CHECK,
      true,
    ],
    [
      "BoolIfExists with JSON true",
      withCondition({ BoolIfExists: { "ssm:SessionDocumentAccessCheck": true } }),
      DOCUMENT_CHECK,
      true,
    ],
    [
      "Bool values compare case-insensitively",
      withCondition({ BoolIfExists: { "ssm:SessionDocumentAccessCheck": "True" } }),
      DOCUMENT_CHECK,
      true,
    ],
    [
      "BoolIfExists with false",
      withCondition({ BoolIfExists: { "ssm:SessionDocumentAccessCheck": "false" } }),
      DOCUMENT_CHECK,
      false,
    ],
    [
      "Bool when only BoolIfExists is accepted",
      withCondition({ Bool: { "ssm:SessionDocumentAccessCheck": "true" } }),
      DOCUMENT_CHECK,
      false,
    ],
    [
      "Bool when both are accepted",
      withCondition({ Bool: { "ssm:SessionDocumentAccessCheck": "true" } }),
      { ...DOCUMENT_CHECK, operator: ["Bool", "BoolIfExists"] },
      true,
    ],
    [
      "BoolIfExists when only Bool is accepted",
      withCondition({ BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } }),
      { ...DOCUMENT_CHECK, operator: "Bool" },
      false,
    ],
    [
      "condition keys compare case-insensitively",
      withCondition({ BoolIfExists: { "SSM:sessiondocumentaccesscheck": "true" } }),
      DOCUMENT_CHECK,
      true,
    ],
    [
      "another key under the right operator",
      withCondition({ BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } }),
      DOCUMENT_CHECK,
      false,
    ],
    [
      "no Condition at all",
      { Effect: "Allow", Action: "ssm:StartSession", Resource: "*" },
      DOCUMENT_CHECK,
      false,
    ],
    [
      "StringLike when StringEquals or StringLike is accepted",
      withCondition({ StringLike: { "sts:RoleSessionName": "${aws:username}" } }),
      SESSION_NAME,
      true,
    ],
    [
      "StringEquals when StringEquals or StringLike is accepted",
      withCondition({ StringEquals: { "sts:RoleSessionName": "${aws:username}" } }),
      SESSION_NAME,
      true,
    ],
    [
      "StringLike when only StringEquals is accepted",
      withCondition({ StringLike: { "sts:RoleSessionName": "${aws:username}" } }),
      { ...SESSION_NAME, operator: "StringEquals" },
      false,
    ],
    [
      "StringEqualsIfExists when StringEquals is accepted",
      withCondition({ StringEqualsIfExists: { "sts:RoleSessionName": "${aws:username}" } }),
      SESSION_NAME,
      false,
    ],
    [
      "StringEqualsIfExists when listed",
      withCondition({ StringEqualsIfExists: { "sts:RoleSessionName": "${aws:username}" } }),
      { ...SESSION_NAME, operator: ["StringEquals", "StringEqualsIfExists"] },
      true,
    ],
    [
      "string values compare case-sensitively",
      withCondition({ StringEquals: { "sts:RoleSessionName": "${AWS:Username}" } }),
      SESSION_NAME,
      false,
    ],
    [
      "a value list including the wanted value",
      withCondition({ StringLike: { "sts:RoleSessionName": ["admin-*", "${aws:username}"] } }),
      SESSION_NAME,
      true,
    ],
    [
      "a value list without the wanted value",
      withCondition({ StringLike: { "sts:RoleSessionName": ["admin-*", "ops-*"] } }),
      SESSION_NAME,
      false,
    ],
    [
      "ForAnyValue:StringLike when written in full",
      withCondition({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3/*" } }),
      { operator: "ForAnyValue:StringLike", key: "aws:PrincipalOrgPaths" },
      true,
    ],
    [
      "ForAnyValue:StringLike when only StringLike is accepted",
      withCondition({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3/*" } }),
      { operator: "StringLike", key: "aws:PrincipalOrgPaths" },
      false,
    ],
    [
      "ForAllValues is not ForAnyValue",
      withCondition({ "ForAllValues:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3/*" } }),
      { operator: "ForAnyValue:StringLike", key: "aws:PrincipalOrgPaths" },
      false,
    ],
    [
      "any value when no values are asked for",
      withCondition({ IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"] } }),
      { operator: ["IpAddress", "IpAddressIfExists"], key: "aws:SourceIp" },
      true,
    ],
    [
      "one of several keys asked for by separate tests",
      withCondition({ StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } }),
      { operator: "IpAddress", key: "aws:SourceIp" },
      false,
    ],
    [
      "a value list in the test",
      withCondition({ StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } }),
      { operator: "StringEquals", key: "aws:SourceVpce", values: ["vpce-0000", "vpce-1a2b3c4d"] },
      true,
    ],
    [
      "numbers compare as text",
      withCondition({ NumericLessThan: { "aws:MultiFactorAuthAge": 3600 } }),
      { operator: "NumericLessThan", key: "aws:MultiFactorAuthAge", values: ["3600"] },
      true,
    ],
    [
      "an empty values list matches nothing",
      withCondition({ BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } }),
      { ...DOCUMENT_CHECK, values: [] },
      false,
    ],
  ])("%s", (_name, statement, test, expected) => {
    expect(hasCondition(statement, test)).toBe(expected);
  });

  it.each([
    [
      "an operator block that is not a mapping",
      { BoolIfExists: "ssm:SessionDocumentAccessCheck" },
      /operator BoolIfExists is not a mapping of keys/,
    ],
    [
      "a Condition that is text",
      "ssm:SessionDocumentAccessCheck",
      /its Condition is not a mapping of operators/,
    ],
    [
      "a condition value that is a mapping",
      { Bool: { "ssm:SessionDocumentAccessCheck": { value: "true" } } },
      /a value that is not text, a number or a boolean/,
    ],
  ])("cannot judge a statement whose Condition IAM would refuse: %s", (_name, condition, message) => {
    // Read as no condition, a Deny would deny without one and hide the Allow it narrows.
    const statement = { Effect: "Deny", Action: "ssm:StartSession", Resource: "*", Condition: condition };
    expect(() => hasCondition(statement, DOCUMENT_CHECK)).toThrow(CannotDecideError);
    expect(() => hasCondition(statement, DOCUMENT_CHECK)).toThrow(message);
  });

  it("reads the operators a list names now, also when the same list was asked about before", () => {
    const operators = ["StringEquals"];
    const test: ConditionTest = { operator: operators, key: "sts:RoleSessionName" };
    const statement = withCondition({ StringLike: { "sts:RoleSessionName": "${aws:username}" } });
    expect(hasCondition(statement, test)).toBe(false);
    operators[0] = "StringLike";
    expect(hasCondition(statement, test)).toBe(true);
    operators.push("StringEquals");
    operators[0] = "StringNotLike";
    expect(hasCondition(statement, test)).toBe(false);
  });
});
