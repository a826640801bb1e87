import { describe, expect, it } from "vitest";
import { principalsOf, trustsAwsPrincipals } from "../../src/iam/index.js";

function trust(principal: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...extra };
}

const NONE = { wildcard: false, aws: [], service: [], federated: [], canonicalUser: [] };

describe("principalsOf", () => {
  it.each([
    ["everyone as *", trust("*"), { ...NONE, wildcard: true }],
    ["everyone as AWS *", trust({ AWS: "*" }), { ...NONE, wildcard: true, aws: ["*"] }],
    ["an account id", trust({ AWS: "111122223333" }), { ...NONE, aws: ["111122223333"] }],
    [
      "a root ARN",
      trust({ AWS: "arn:aws:iam::111122223333:root" }),
      { ...NONE, aws: ["arn:aws:iam::111122223333:root"] },
    ],
    [
      "a list of role and user ARNs",
      trust({ AWS: ["arn:aws:iam::111122223333:role/Ops", "arn:aws:iam::111122223333:user/alice"] }),
      { ...NONE, aws: ["arn:aws:iam::111122223333:role/Ops", "arn:aws:iam::111122223333:user/alice"] },
    ],
    ["a service", trust({ Service: "ec2.amazonaws.com" }), { ...NONE, service: ["ec2.amazonaws.com"] }],
    [
      "a federated provider",
      trust({ Federated: "arn:aws:iam::111122223333:saml-provider/Corp" }),
      { ...NONE, federated: ["arn:aws:iam::111122223333:saml-provider/Corp"] },
    ],
    [
      "AWS and Service together",
      trust({ AWS: "111122223333", Service: ["ssm.amazonaws.com", "ec2.amazonaws.com"] }),
      { ...NONE, aws: ["111122223333"], service: ["ssm.amazonaws.com", "ec2.amazonaws.com"] },
    ],
    [
      "a canonical user",
      trust({ CanonicalUser: "79a59df900b949e5" }),
      { ...NONE, canonicalUser: ["79a59df900b949e5"] },
    ],
    [
      "NotPrincipal is read as everyone",
      { Effect: "Allow", NotPrincipal: { AWS: "111122223333" } },
      { ...NONE, wildcard: true },
    ],
    ["no principal (identity policy)", { Effect: "Allow", Action: "*", Resource: "*" }, NONE],
    ["not a statement", "sts:AssumeRole", NONE],
  ])("%s", (_name, statement, expected) => {
    expect(principalsOf(statement)).toEqual(expected);
  });

  it.each([
    [
      "a nested list",
      trust({ AWS: [["arn:aws:iam::111122223333:root"]] }),
      /its Principal lists a value that is not text/,
    ],
    [
      "a mapping among the values",
      trust({ AWS: [{ Ref: "Trusted" }] }),
      /its Principal lists a value that is not text/,
    ],
    [
      "a list instead of a mapping",
      trust(["arn:aws:iam::111122223333:root"]),
      /its Principal is not "\*" or a mapping/,
    ],
    [
      "a number as NotPrincipal",
      { Effect: "Deny", NotPrincipal: 7, Action: "*" },
      /its NotPrincipal is not "\*" or a mapping/,
    ],
  ])("cannot judge a principal IAM refuses: %s", (_name, statement, message) => {
    // Dropped, the value would leave the statement trusting nobody, and a trust rule would pass.
    expect(() => principalsOf(statement)).toThrow(message);
  });
});

describe("trustsAwsPrincipals", () => {
  it.each([
    ["everyone", trust("*"), true],
    ["AWS *", trust({ AWS: "*" }), true],
    ["an account id", trust({ AWS: "111122223333" }), true],
    ["a root ARN", trust({ AWS: "arn:aws:iam::111122223333:root" }), true],
    ["a role ARN", trust({ AWS: "arn:aws:iam::111122223333:role/Ops" }), true],
    ["a service only", trust({ Service: "ec2.amazonaws.com" }), false],
    ["a federated provider only", trust({ Federated: "cognito-identity.amazonaws.com" }), false],
    ["AWS and Service together", trust({ AWS: "111122223333", Service: "ec2.amazonaws.com" }), true],
    ["an empty AWS list", trust({ AWS: [] }), false],
    ["the type in another case", trust({ aws: "111122223333" }), true],
    ["an empty AWS list beside a full one in another case", trust({ AWS: [], Aws: ["111122223333"] }), true],
    ["a Deny", trust({ AWS: "111122223333" }, { Effect: "Deny" }), false],
    ["another action", trust({ AWS: "111122223333" }, { Action: "sts:AssumeRoleWithSAML" }), false],
    [
      "an action list",
      trust({ AWS: "111122223333" }, { Action: ["sts:TagSession", "sts:AssumeRole"] }),
      true,
    ],
    ["sts:* covers AssumeRole", trust({ AWS: "111122223333" }, { Action: "sts:*" }), true],
    ["sts:Assume* covers AssumeRole", trust({ AWS: "111122223333" }, { Action: "sts:Assume*" }), true],
    [
      "NotAction not listing AssumeRole",
      { Effect: "Allow", Principal: { AWS: "111122223333" }, NotAction: "sts:TagSession" },
      true,
    ],
    [
      "NotPrincipal counts as everyone",
      { Effect: "Allow", NotPrincipal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      true,
    ],
    ["no principal at all", { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }, false],
  ])("%s: %s", (_name, statement, expected) => {
    expect(trustsAwsPrincipals(statement)).toBe(expected);
  });
});
