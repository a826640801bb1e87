import { describe, expect, it } from "vitest";
import { evaluateRules } from "../../src/engine/evaluate.js";
import { Inventory } from "../../src/model/inventory.js";
import type { Resource } from "../../src/model/resource.js";
import { ruleFrom } from "../support/rules.js";

function instance(id: string, properties: Record<string, unknown>): Resource {
  return {
    type: "AWS::EC2::Instance",
    id,
    account: "111122223333",
    region: "us-east-1",
    source: { kind: "aws-live" },
    properties: {
      InstanceId: id,
      State: { Name: "running" },
      SecurityGroups: [{ GroupId: "sg-default" }],
      ...properties,
    },
  };
}

const profileRule = `
id: profile-and-state
resource: AWS::EC2::Instance
messages:
  stopped-state: "{resource.InstanceId} is {resource.State.Name}"
  no-profile: "{resource.InstanceId} has no instance profile"
  other: "{kind} {id} fails"
condition:
  message: other
  all:
    - { path: IamInstanceProfile.Arn, exists: true, message: no-profile }
    - { path: State.Name, equals: running, message: stopped-state }
    - not: { path: KeyName, exists: true }
`;

function messagesFor(rule: string, resources: Resource[]): string[] {
  const results = evaluateRules([ruleFrom(rule)], new Inventory({ resources }), { params: new Map() });
  return results.map((result) => `${result.status}: ${result.message}`);
}

describe("messages by id", () => {
  it("shows the message the failing branch names, the first failing branch deciding", () => {
    expect(
      messagesFor(profileRule, [
        instance("i-1", { State: { Name: "stopped" } }),
        instance("i-2", { State: { Name: "stopped" }, IamInstanceProfile: { Arn: "arn:p" } }),
        instance("i-3", { State: { Name: "running" }, IamInstanceProfile: { Arn: "arn:p" }, KeyName: "k" }),
        instance("i-4", { State: { Name: "running" }, IamInstanceProfile: { Arn: "arn:p" } }),
      ]),
    ).toEqual([
      "fail: i-1 has no instance profile",
      "fail: i-2 is stopped",
      "fail: Instance i-3 fails",
      "pass: compliant",
    ]);
  });

  it("lets the innermost branch decide, through quantifiers, and does not report the id", () => {
    const rule = ruleFrom(`
id: tagged-quantifier
resource: AWS::EC2::Instance
messages:
  any-failure: "{id} fails"
  bad-group: "{id} has group {match.GroupId}"
condition:
  message: any-failure
  every:
    in: SecurityGroups[]
    where: { path: GroupId, starts-with: sg-, message: bad-group }
`);
    const results = evaluateRules(
      [rule],
      new Inventory({
        resources: [instance("i-1", { SecurityGroups: [{ GroupId: "sg-1" }, { GroupId: "x" }] })],
      }),
      { params: new Map() },
    );
    expect(results[0]?.message).toBe("i-1 has group x");
    expect(results[0]?.evidence).toEqual([
      { path: "SecurityGroups[1]", value: { GroupId: "x" }, focus: "SecurityGroups[1].GroupId" },
    ]);
  });

  it("reaches a branch under `none` and `not` when the two flips cancel", () => {
    const rule = `
id: none-not
resource: AWS::EC2::Instance
messages:
  fallback: "{id} fails"
  no-name: "{id} has a group without a name: {match.GroupId}"
condition:
  message: fallback
  none:
    in: SecurityGroups[]
    where:
      not: { path: GroupName, exists: true, message: no-name }
`;
    expect(messagesFor(rule, [instance("i-1", { SecurityGroups: [{ GroupId: "sg-1" }] })])).toEqual([
      "fail: i-1 has a group without a name: sg-1",
    ]);
  });

  const rejected = (yaml: string): string => {
    try {
      ruleFrom(yaml);
    } catch (error) {
      return (error as Error).message;
    }
    return "accepted";
  };

  it("rejects a message id that is not declared, with its line", () => {
    expect(rejected(profileRule.replace("message: stopped-state", "message: stoped-state"))).toMatch(
      /^\d+:\d+: message "stoped-state" is not declared in "messages" \(declared: stopped-state, no-profile, other\)$/,
    );
  });

  it("rejects a declared message that no branch names", () => {
    expect(rejected(profileRule.replace(", message: stopped-state", ""))).toMatch(
      /message "stopped-state" is declared but no branch of the condition names it/,
    );
  });

  it("rejects a message on a branch whose failure makes the condition hold", () => {
    expect(
      rejected(
        profileRule.replace(
          "not: { path: KeyName, exists: true }",
          "not: { path: KeyName, exists: true, message: other }",
        ),
      ),
    ).toMatch(/could never apply/);
  });

  it("needs the top of the condition to name the fallback message", () => {
    expect(rejected(profileRule.replace("  message: other\n", "").replace("  other:", "  other-x:"))).toMatch(
      /names, at the top of its condition, the message for failures no branch names/,
    );
  });

  it("takes either one message or messages by id, not both, and no message in applies-when", () => {
    expect(rejected(`${profileRule}message: one\n`)).toMatch(/"message" and "messages" do not go together/);
    expect(
      rejected("id: none\nresource: AWS::EC2::Instance\ncondition: { path: KeyName, exists: false }\n"),
    ).toMatch(/missing required key "message" \(or "messages", by id\)/);
    expect(
      rejected(`${profileRule}applies-when: { path: State.Name, exists: true, message: other }\n`),
    ).toMatch(/"message" names a message only in a rule's condition/);
  });

  it("keeps the single message form", () => {
    expect(
      messagesFor(
        `
id: single
resource: AWS::EC2::Instance
condition: { path: KeyName, exists: false }
message: "{kind} {id} has key {resource.KeyName}"
`,
        [instance("i-1", { KeyName: "k" })],
      ),
    ).toEqual(["fail: Instance i-1 has key k"]);
  });
});
