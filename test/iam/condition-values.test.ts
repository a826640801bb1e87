import { describe, expect, it } from "vitest";
import { evaluateRules } from "../../src/engine/evaluate.js";
import { conditionEntries, conditionValues } from "../../src/iam/condition-values.js";
import { Inventory } from "../../src/model/inventory.js";
import { ruleFrom } from "../support/rules.js";

const statement = {
  Effect: "Allow",
  Action: "ssm:StartSession",
  Resource: "*",
  Condition: {
    IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"] },
    "foranyvalue:IPADDRESSIFEXISTS": { "AWS:SOURCEIP": "0.0.0.0/0" },
    NotIpAddress: { "aws:SourceIp": "10.9.0.0/16" },
    StringEquals: { "aws:SourceVpce": "vpce-1" },
  },
};

describe("conditionValues", () => {
  it("lists the key's values under the operators written in full, keys and operators in any case", () => {
    expect(
      conditionValues(statement, "aws:SourceIp", ["IpAddress", "ForAnyValue:IpAddressIfExists"]),
    ).toEqual(["10.0.0.0/8", "192.168.0.0/16", "0.0.0.0/0"]);
  });

  it("keeps IfExists and set qualifiers apart: IpAddress does not mean IpAddressIfExists", () => {
    expect(conditionValues(statement, "aws:sourceip", ["IpAddress"])).toEqual([
      "10.0.0.0/8",
      "192.168.0.0/16",
    ]);
    expect(conditionValues(statement, "aws:sourceip", ["ForAllValues:IpAddressIfExists"])).toEqual([]);
    expect(conditionValues(statement, "aws:sourceip", ["NotIpAddress"])).toEqual(["10.9.0.0/16"]);
  });

  it("gives nothing for a statement without that key, or without a Condition", () => {
    expect(conditionValues(statement, "aws:SourceVpc", ["StringEquals"])).toEqual([]);
    expect(conditionValues({ Effect: "Allow", Action: "*" }, "aws:SourceIp", ["IpAddress"])).toEqual([]);
  });

  it("is usable in rule paths as condition_values(@, key, operators)", () => {
    const rule = ruleFrom(`
id: world-source
resource: AWS::IAM::Role
condition:
  none:
    in: AssumeRolePolicyDocument.Statement[]
    where:
      some:
        in: "condition_values(@, 'aws:SourceIp', ['IpAddress', 'ForAnyValue:IpAddressIfExists'])"
        where: { cidr-is-world: true }
message: "{id} trusts any address"
`);
    const role = {
      type: "AWS::IAM::Role" as const,
      id: "r",
      account: "111122223333",
      region: "global",
      source: { kind: "aws-live" as const },
      properties: {
        RoleName: "r",
        Arn: "arn:aws:iam::111122223333:role/r",
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [statement] },
      } as never,
    };
    const [result] = evaluateRules([rule], new Inventory({ resources: [role] }), { params: new Map() });
    expect([result?.status, result?.message]).toEqual(["fail", "r trusts any address"]);
  });
});

describe("conditionEntries", () => {
  const tagged = {
    Effect: "Allow",
    Action: "ssm:StartSession",
    Resource: "*",
    Condition: {
      StringEquals: { "ssm:resourceTag/Team": ["blue", "green"], "aws:ResourceTag/Env": "*" },
      stringlike: { "SSM:RESOURCETAG/Owner": "alice" },
      StringEqualsIfExists: { "ssm:resourceTag/Team": "red" },
      StringNotEquals: { "ssm:resourceTag/Team": "grey" },
    },
  };

  it("gives each key under a tag prefix, in any case, with its own values", () => {
    expect(
      conditionEntries(tagged, ["ssm:resourceTag/*", "aws:ResourceTag/*"], ["StringEquals", "StringLike"]),
    ).toEqual([
      { Operator: "StringEquals", Key: "ssm:resourceTag/Team", Values: ["blue", "green"] },
      { Operator: "StringEquals", Key: "aws:ResourceTag/Env", Values: ["*"] },
      { Operator: "stringlike", Key: "SSM:RESOURCETAG/Owner", Values: ["alice"] },
    ]);
  });

  it("matches a key without a star exactly, and leaves other operators out", () => {
    expect(conditionEntries(tagged, ["ssm:resourceTag/Team"], ["StringEqualsIfExists"])).toEqual([
      { Operator: "StringEqualsIfExists", Key: "ssm:resourceTag/Team", Values: ["red"] },
    ]);
    expect(conditionEntries(tagged, ["ssm:resourceTag/Tea"], ["StringEquals"])).toEqual([]);
    expect(conditionEntries({ Effect: "Allow" }, ["ssm:resourceTag/*"], ["StringEquals"])).toEqual([]);
  });
});
