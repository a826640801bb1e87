import { describe, expect, it } from "vitest";
import {
  describePolicyEntry,
  describeStatement,
  describeStatementPrincipals,
  describeStatementResources,
} from "../../src/iam/describe.js";
import { UnknownValueError, unknownValue } from "../../src/model/unknown.js";

describe("how findings name IAM things", () => {
  it("names a statement by its Sid, or says it has none, with the noun a message asks for", () => {
    expect(describeStatement({ Sid: "AllowSessions", Effect: "Allow" })).toBe("statement AllowSessions");
    expect(describeStatement({ Effect: "Allow" })).toBe("a statement without a Sid");
    expect(describeStatement({ Sid: "", Effect: "Allow" }, "trust statement")).toBe(
      "a trust statement without a Sid",
    );
  });

  it("names a policy entry, with the group it reaches a user through, or its ARN when it has no name", () => {
    expect(describePolicyEntry({ PolicyName: "Ops", Group: null })).toBe("policy Ops");
    expect(describePolicyEntry({ PolicyName: "Ops", Group: "admins" })).toBe("policy Ops of group admins");
    expect(describePolicyEntry({ PolicyArn: "arn:aws:iam::aws:policy/X" })).toBe(
      "policy arn:aws:iam::aws:policy/X",
    );
  });

  it("says what a statement covers and whom it trusts, as written", () => {
    expect(describeStatementResources({ Resource: ["a", "b"] })).toBe("a, b");
    expect(describeStatementResources({ NotResource: ["a"] })).toBe('NotResource ["a"]');
    expect(describeStatementResources({})).toBe("no resource");
    expect(describeStatementPrincipals({ Principal: { AWS: ["arn:1", "arn:2"] } })).toBe("arn:1, arn:2");
    expect(describeStatementPrincipals({ Principal: "*" })).toBe("*");
    expect(describeStatementPrincipals({ NotPrincipal: { AWS: "arn:1" } })).toBe(
      "every principal but its NotPrincipal",
    );
  });

  it("does not name a value a template left unknown as if it were missing", () => {
    expect(() => describeStatement({ Sid: unknownValue("known after apply") })).toThrow(UnknownValueError);
  });
});
