import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCondition, ConditionError } from "../../src/engine/condition/compile.js";
import type { JsonObject, JsonValue } from "../../src/model/resource.js";

function evaluate(condition: unknown, document: JsonObject, params: Record<string, JsonValue> = {}) {
  const compiled = compileCondition(condition, new Set(Object.keys(params)));
  const root = { value: document, path: "" };
  const state = { current: root, scope: { root, params, bindings: null } };
  const outcome = compiled.explain(state);
  // The fast decision and the explained one must always agree.
  expect(compiled.holds(state)).toBe(outcome.ok);
  return outcome;
}

const group: JsonObject = {
  GroupId: "sg-1",
  IpPermissions: [
    { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    {
      IpProtocol: "tcp",
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: "10.0.0.0/8" }, { CidrIp: "0.0.0.0/0" }],
    },
    { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
  ],
};

describe("combinators", () => {
  it.each([
    [
      {
        all: [
          { path: "GroupId", exists: true },
          { path: "Missing", exists: false },
        ],
      },
      true,
    ],
    [
      {
        all: [
          { path: "GroupId", exists: true },
          { path: "GroupId", equals: "sg-2" },
        ],
      },
      false,
    ],
    [
      {
        any: [
          { path: "GroupId", equals: "sg-2" },
          { path: "GroupId", equals: "sg-1" },
        ],
      },
      true,
    ],
    [
      {
        any: [
          { path: "GroupId", equals: "sg-2" },
          { path: "GroupId", equals: "sg-3" },
        ],
      },
      false,
    ],
    [{ not: { path: "GroupId", equals: "sg-1" } }, false],
    [{ not: { not: { path: "GroupId", equals: "sg-1" } } }, true],
  ])("%j → %s", (condition, ok) => {
    expect(evaluate(condition, group).ok).toBe(ok);
  });

  it("a failing all gives the evidence of the parts that failed", () => {
    const outcome = evaluate(
      {
        all: [
          { path: "GroupId", exists: true },
          { path: "GroupId", equals: "sg-2" },
        ],
      },
      group,
    );
    expect(outcome.evidence).toEqual([{ path: "GroupId", value: "sg-1" }]);
  });
});

describe("quantifiers", () => {
  const opensSsh = {
    all: [
      { "covers-port": 22 },
      { some: { in: "IpRanges[].CidrIp", as: "source", where: { "cidr-is-world": true } } },
    ],
  };

  it("none fails with each matching element as evidence, with names bound and the deepest path as focus", () => {
    const outcome = evaluate({ none: { in: "IpPermissions[]", as: "permission", where: opensSsh } }, group);
    expect(outcome.ok).toBe(false);
    expect(outcome.evidence).toHaveLength(1);
    expect(outcome.evidence[0]).toMatchObject({
      path: "IpPermissions[1]",
      focus: "IpPermissions[1].IpRanges[1].CidrIp",
      bindings: {
        source: "0.0.0.0/0",
        permission: group.IpPermissions && (group.IpPermissions as JsonValue[])[1],
      },
    });
  });

  it("some passes with the matching elements and fails with the whole list", () => {
    const passing = evaluate(
      { some: { in: "IpPermissions[]", where: { path: "IpProtocol", equals: "-1" } } },
      group,
    );
    expect(passing).toMatchObject({ ok: true, evidence: [{ path: "IpPermissions[2]" }] });
    const failing = evaluate(
      { some: { in: "IpPermissions[]", where: { path: "IpProtocol", equals: "udp" } } },
      group,
    );
    expect(failing.ok).toBe(false);
    expect(failing.evidence).toEqual([{ path: "IpPermissions", value: group.IpPermissions }]);
  });

  it("every fails with the elements that do not hold", () => {
    const outcome = evaluate(
      { every: { in: "IpPermissions[]", where: { path: "IpProtocol", equals: "tcp" } } },
      group,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.evidence.map((item) => item.path)).toEqual(["IpPermissions[2]"]);
  });

  it("treats a missing list as empty: some fails, every and none hold", () => {
    const empty: JsonObject = { GroupId: "sg-2" };
    expect(evaluate({ some: { in: "IpPermissions[]" } }, empty).ok).toBe(false);
    expect(evaluate({ every: { in: "IpPermissions[]", where: { "covers-port": 22 } } }, empty).ok).toBe(true);
    expect(evaluate({ none: { in: "IpPermissions[]", where: { "covers-port": 22 } } }, empty).ok).toBe(true);
  });

  it("cannot decide a number compared with text that reads as a number", () => {
    const permission: JsonObject = { FromPort: 22, IpProtocol: "-1" };
    expect(() => evaluate({ path: "FromPort", "not-equals": "22" }, permission)).toThrow(
      'compares the number 22 with the text "22"',
    );
    expect(() => evaluate({ not: { path: "FromPort", "one-of": ["22", "3389"] } }, permission)).toThrow(
      'compares the number 22 with the text "22"',
    );
    expect(() => evaluate({ path: "IpProtocol", "not-equals": -1 }, permission)).toThrow(
      "IpProtocol is '-1', not the number -1 the rule compares it with",
    );
    expect(evaluate({ path: "IpProtocol", "one-of": ["tcp", "-1"] }, permission).ok).toBe(true);
    expect(evaluate({ path: "FromPort", "not-equals": "ssh" }, permission).ok).toBe(true);
    // A list that holds both forms matches either, whichever comes first.
    expect(evaluate({ path: "FromPort", "one-of": ["22", 22] }, permission).ok).toBe(true);
    expect(evaluate({ path: "IpProtocol", "one-of": [-1, "-1"] }, permission).ok).toBe(true);
  });

  it("cannot decide a quantifier whose list is there but is not a list", () => {
    const document: JsonObject = { GroupName: "admin", IpPermissions: [{ FromPort: 22 }] };
    const state = {
      current: { value: document, path: "" },
      scope: { root: { value: document, path: "" }, params: {}, bindings: null },
    };
    for (const [kind, path, shown] of [
      ["none", "GroupName", "'admin'"],
      ["every", "IpPermissions[0]", "an object"],
      ["some", "IpPermissions[0].FromPort", "the number 22"],
    ] as const) {
      const compiled = compileCondition({ [kind]: { in: path, where: { equals: "admin" } } }, new Set());
      const expected = `cannot decide: ${path} is ${shown}, not a list`;
      expect(() => compiled.holds(state), kind).toThrow(expected);
      expect(() => compiled.explain(state), kind).toThrow(expected);
    }
  });

  it("lets an inner condition refer to an outer element and to the root", () => {
    const document: JsonObject = { Allowed: ["a", "b"], Items: [{ Name: "a" }, { Name: "c" }] };
    const outcome = evaluate(
      { every: { in: "Items[]", as: "item", where: { path: "$item.Name", "one-of": "$root.Allowed" } } },
      document,
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.evidence.map((item) => item.path)).toEqual(["Items[1]"]);
  });
});

describe("test operators", () => {
  it.each([
    [{ path: "Timeout", "at-most": 20 }, { Timeout: "20" }, true],
    [{ path: "Timeout", "at-most": 20 }, { Timeout: "30" }, false],
    [{ path: "Timeout", "at-most": "$params.limit" }, { Timeout: 25 }, true],
    [{ path: "Timeout", "greater-than": 5 }, { Timeout: 6 }, true],
    [{ path: "Timeout", "less-than": 5 }, { Timeout: 5 }, false],
    [{ path: "Timeout", "at-least": 5 }, { Timeout: 5 }, true],
    [{ path: "Name", empty: true }, { Name: "" }, true],
    [{ path: "Name", empty: true }, {}, true],
    [{ path: "Flag", empty: true }, { Flag: false }, false],
    [{ path: "Name", matches: "^SSM-" }, { Name: "SSM-SessionManagerRunShell" }, true],
    [{ path: "Name", "starts-with": "AWS-" }, { Name: "SSM-SessionManagerRunShell" }, false],
    [{ path: "Tags", equals: [{ Key: "a" }] }, { Tags: [{ Key: "a" }] }, true],
    [{ path: "State.Name", "not-equals": "running" }, { State: { Name: "stopped" } }, true],
    [{ path: "Version", "version-at-least": "2.3.672.0" }, { Version: "2.3.1000.0" }, true],
    [{ path: "Version", "version-below": "2.3.672.0" }, { Version: "2.3.68.0" }, true],
    [{ path: "Cidr", "cidr-contains": "10.1.2.0/24" }, { Cidr: "10.0.0.0/8" }, true],
    [{ path: "Cidr", "cidr-is-public": true }, { Cidr: "10.0.0.0/8" }, false],
    [{ path: "Cidr", "cidr-is-world": false }, { Cidr: "10.0.0.0/8" }, true],
    [{ path: "Vpce", "pattern-covers": "vpce-*" }, { Vpce: "*" }, true],
    [{ path: "Vpce", "pattern-covers": "vpce-*" }, { Vpce: "*-*" }, true],
    [{ path: "Vpce", "pattern-covers": "vpce-*" }, { Vpce: "vpce-0123*" }, false],
    [{ path: "Vpce", "pattern-covers": "vpce-*" }, { Vpce: "vpce-0123456789abcdef0" }, false],
    [{ path: "Vpce", "pattern-covers": "vpce-*" }, { Vpce: ["*"] }, false],
    [{ "allows-action": "ssm:StartSession" }, { Effect: "Allow", Action: "ssm:Start*", Resource: "*" }, true],
    [{ "denies-action": "ssm:StartSession" }, { Effect: "Allow", Action: "ssm:*", Resource: "*" }, false],
    [
      {
        "has-condition": { operator: "BoolIfExists", key: "ssm:SessionDocumentAccessCheck", values: [true] },
      },
      { Effect: "Allow", Condition: { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } } },
      true,
    ],
    [
      { "resources-within": "arn:aws:ssm:*:*:session/${aws:username}-*" },
      { Effect: "Allow", Action: "ssm:TerminateSession", Resource: "arn:aws:ssm:*:*:session/*" },
      false,
    ],
    [
      { "trusts-aws-principals": true },
      { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "ec2.amazonaws.com" } },
      false,
    ],
    [
      {
        path: "Statement[0]",
        "resources-within": {
          patterns: "arn:aws:ssm:*:*:session/${aws:username}-*",
          action: "ssm:TerminateSession",
          policies: "$root",
        },
      },
      {
        Statement: [
          { Effect: "Allow", Action: "ssm:TerminateSession", Resource: "*" },
          {
            Effect: "Deny",
            Action: "ssm:TerminateSession",
            NotResource: "arn:aws:ssm:*:*:session/${aws:username}-*",
          },
        ],
      },
      true,
    ],
    [
      {
        path: "Statement[0]",
        "denied-unless-condition": {
          policies: "$root",
          action: "sts:AssumeRole",
          operator: ["StringEquals"],
          key: "sts:RoleSessionName",
          values: ["${aws:username}"],
        },
      },
      {
        Statement: [
          { Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "111122223333" } },
          {
            Effect: "Deny",
            Action: "sts:AssumeRole",
            Principal: "*",
            Condition: { StringNotEquals: { "sts:RoleSessionName": "${aws:username}" } },
          },
        ],
      },
      true,
    ],
    [
      {
        path: "Statement",
        "document-allows": { action: "kms:GenerateDataKey", resource: "arn:aws:kms:us-east-1:1:key/k" },
      },
      { Statement: [{ Effect: "Allow", Action: "kms:*", Resource: "*" }] },
      true,
    ],
  ])("%j on %j → %s", (condition, document, ok) => {
    expect(evaluate(condition, document as JsonObject, { limit: 30 }).ok).toBe(ok);
  });

  it("throws, rather than deciding, when a number or version cannot be read", () => {
    expect(() => evaluate({ path: "Timeout", "at-most": 20 }, { Timeout: "soon" })).toThrow(/not a number/);
    expect(() => evaluate({ path: "Version", "version-at-least": "2.0" }, {})).toThrow(
      "cannot decide: Version is missing, not a dotted version",
    );
  });
});

describe("compile-time problems carry the path to the offending node", () => {
  it.each([
    [
      { all: [{ path: "A", exists: true }, { frobnicate: 1 }] },
      /unknown operator "frobnicate"/,
      ["all", 1, "frobnicate"],
    ],
    [{ path: "A", exists: true, empty: true }, /exactly one operator, found exists, empty/, []],
    [{ path: "A" }, /needs one operator/, []],
    [{ some: { in: "A[?" } }, /invalid JMESPath expression "A\[\?"/, ["some", "in"]],
    [{ every: { in: "A[]" } }, /"every" needs a "where"/, ["every"]],
    [{ path: "$item.Name", exists: true }, /"\$item", which no enclosing quantifier binds/, ["path"]],
    [{ path: "A", equals: "$params.nope" }, /does not declare/, ["equals"]],
    [{ all: { path: "A", exists: true } }, /non-empty list/, ["all"]],
    [{ some: { in: "A[]", as: "root" } }, /reserved/, ["some", "as"]],
  ])("%j", (condition, message, pointer) => {
    try {
      compileCondition(condition, new Set());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConditionError);
      expect((error as Error).message).toMatch(message);
      expect((error as ConditionError).pointer).toEqual(pointer);
    }
  });
});

describe("unknown values", () => {
  const pending = (what: string) => ({ $unknown: `${what} is known only after apply` });

  function judge(condition: unknown, document: JsonObject): boolean | string {
    const compiled = compileCondition(condition, new Set());
    const root = { value: document, path: "" };
    const state = { current: root, scope: { root, params: {}, bindings: null, mayHoldUnknowns: true } };
    let decided: boolean | string;
    try {
      decided = compiled.holds(state);
    } catch (error) {
      decided = (error as Error).message;
    }
    let explained: boolean | string;
    try {
      explained = compiled.explain(state).ok;
    } catch (error) {
      explained = (error as Error).message;
    }
    // The fast decision and the explained one agree, on verdicts and on what cannot be decided.
    expect(explained).toEqual(decided);
    return decided;
  }

  const groups = { Groups: ["sg-1", pending("the second group"), "sg-3"] };
  const confinedTermination = {
    patterns: ["arn:aws:ssm:*:*:session/${aws:username}-*"],
    action: "ssm:TerminateSession",
    policies: "$root.Documents",
  };
  const allowTerminateEverywhere = { Effect: "Allow", Action: "ssm:TerminateSession", Resource: "*" };
  const denyElsewhere = {
    Effect: "Deny",
    Action: "ssm:TerminateSession",
    NotResource: "arn:aws:ssm:*:*:session/${aws:username}-*",
  };
  const sessionNameDeny = {
    policies: "$root.Trust",
    action: "sts:AssumeRole",
    operator: ["StringLike"],
    key: "sts:RoleSessionName",
    values: ["${aws:username}"],
  };

  // Keys no user could be found for stand, unknown, on every user of their account: thousands of
  // them in a list, where only the first one's reason is reported and a known element still decides.
  const unplacedKeys = {
    Keys: [
      pending("the first key's user"),
      pending("the second key's user"),
      pending("the third key's user"),
    ],
  };
  const unplacedKeysThenOwn = { Keys: [...unplacedKeys.Keys, "AKIAOWN"] };

  it.each<[string, unknown, JsonObject, boolean | string]>([
    [
      "join over a list holding an unknown",
      { path: "join(', ', Groups)", equals: "sg-1, sg-3" },
      groups,
      "cannot decide: the second group is known only after apply",
    ],
    [
      "some over a list of unknowns, reporting the first",
      { some: { in: "Keys[]", where: { equals: "AKIAOWN" } } },
      unplacedKeys,
      "cannot decide: the first key's user is known only after apply",
    ],
    [
      "some over unknowns then a known element that matches",
      { some: { in: "Keys[]", where: { equals: "AKIAOWN" } } },
      unplacedKeysThenOwn,
      true,
    ],
    [
      "every over unknowns then a known element that does not match",
      { every: { in: "Keys[]", where: { equals: "AKIAOTHER" } } },
      unplacedKeysThenOwn,
      false,
    ],
    [
      "none over unknowns then a known element that does not match",
      { none: { in: "Keys[]", where: { equals: "AKIAOTHER" } } },
      unplacedKeysThenOwn,
      "cannot decide: the first key's user is known only after apply",
    ],
    [
      "contains over a list holding an unknown",
      { path: "contains(Groups, 'sg-9')", equals: true },
      groups,
      "cannot decide: the second group is known only after apply",
    ],
    [
      "length of an unknown list",
      { path: "length(Groups)", "at-least": 1 },
      { Groups: pending("the group list") },
      "cannot decide: the group list is known only after apply",
    ],
    [
      "a comparison with an unknown",
      { path: "Name == 'web'", equals: true },
      { Name: pending("the name") },
      "cannot decide: the name is known only after apply",
    ],
    [
      "the truth of an unknown",
      { path: "Name || 'unnamed'", equals: "unnamed" },
      { Name: pending("the name") },
      "cannot decide: the name is known only after apply",
    ],
    [
      "a field of an unknown object",
      { path: "Config.Port", equals: 22 },
      { Config: pending("the configuration") },
      "cannot decide: the configuration is known only after apply",
    ],
    [
      "a filter on an unknown field",
      { some: { in: "Rules[?Port == `22`]" } },
      { Rules: [{ Port: 443 }, { Port: pending("the port") }] },
      "cannot decide: the port is known only after apply",
    ],
    [
      "a filter that a known element satisfies",
      { some: { in: "Rules[?Port == `22`]" } },
      { Rules: [{ Port: 22 }, { Port: pending("the port") }] },
      true,
    ],
    [
      "some, when a known element matches",
      { some: { in: "Groups[]", where: { equals: "sg-3" } } },
      groups,
      true,
    ],
    [
      "some, when no known element matches",
      { some: { in: "Groups[]", where: { equals: "sg-9" } } },
      groups,
      "cannot decide: the second group is known only after apply",
    ],
    [
      "none, when a known element matches",
      { none: { in: "Groups[]", where: { equals: "sg-1" } } },
      groups,
      false,
    ],
    [
      "none, when no known element matches",
      { none: { in: "Groups[]", where: { equals: "sg-9" } } },
      groups,
      "cannot decide: the second group is known only after apply",
    ],
    [
      "every, when a known element fails",
      { every: { in: "Groups[]", where: { "starts-with": "sg-3" } } },
      groups,
      false,
    ],
    [
      "every, when every known element holds",
      { every: { in: "Groups[]", where: { "starts-with": "sg-" } } },
      groups,
      "cannot decide: the second group is known only after apply",
    ],
    [
      "a quantifier over a projection through an unknown",
      { none: { in: "Rules[].Ranges[]", where: { "cidr-is-world": true } } },
      { Rules: [{ Ranges: ["10.0.0.0/8"] }, { Ranges: pending("the ranges") }, { Ranges: ["0.0.0.0/0"] }] },
      false,
    ],
    [
      "a quantifier over a projection through an unknown, undecided",
      { none: { in: "Rules[].Ranges[]", where: { "cidr-is-world": true } } },
      { Rules: [{ Ranges: ["10.0.0.0/8"] }, { Ranges: pending("the ranges") }] },
      "cannot decide: the ranges is known only after apply",
    ],
    [
      "all, when a known part is false",
      {
        all: [
          { path: "Name", equals: "web" },
          { path: "Port", equals: 22 },
        ],
      },
      { Name: pending("the name"), Port: 443 },
      false,
    ],
    [
      "any, when a known part is true",
      {
        any: [
          { path: "Name", equals: "web" },
          { path: "Port", equals: 22 },
        ],
      },
      { Name: pending("the name"), Port: 22 },
      true,
    ],
    [
      "an IAM test on a statement whose condition holds an unknown",
      {
        some: {
          in: "Statement[]",
          where: { "has-condition": { operator: "Bool", key: "aws:SecureTransport", values: ["true"] } },
        },
      },
      {
        Statement: [
          {
            Effect: "Allow",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": pending("the flag") } },
          },
        ],
      },
      "cannot decide: the flag is known only after apply",
    ],
    [
      "document-allows, when a document is unknown and the known ones allow",
      { path: "Documents", "document-allows": "ssm:StartSession" },
      {
        Documents: [
          { Statement: [{ Effect: "Allow", Action: "ssm:StartSession", Resource: "*" }] },
          pending("the managed policy"),
        ],
      },
      "cannot decide: the managed policy is known only after apply",
    ],
    [
      "document-allows, when a known unconditional Deny decides",
      { path: "Documents", "document-allows": "ssm:StartSession" },
      {
        Documents: [
          pending("the managed policy"),
          { Statement: [{ Effect: "Deny", Action: "ssm:*", Resource: "*" }] },
        ],
      },
      false,
    ],
    [
      "document-allows, when a statement of a known document is unknown",
      { path: "Documents", "document-allows": "ssm:StartSession" },
      {
        Documents: [
          { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, pending("a statement")] },
        ],
      },
      "cannot decide: a statement is known only after apply",
    ],
    [
      "document-allows on a document that is unknown",
      { path: "Document", "document-allows": "ssm:StartSession" },
      { Document: pending("the document") },
      "cannot decide: the document is known only after apply",
    ],
    [
      "not of an unknown",
      { not: { path: "Name", equals: "web" } },
      { Name: pending("the name") },
      "cannot decide: the name is known only after apply",
    ],
    [
      "resources-within with Deny statements, when a known Deny confines the statement",
      { path: "Documents[0].Statement[0]", "resources-within": confinedTermination },
      {
        Documents: [
          { Statement: [allowTerminateEverywhere, { ...denyElsewhere }] },
          pending("the managed policy"),
        ],
      },
      true,
    ],
    [
      "resources-within with Deny statements, when an unknown policy may hold the Deny",
      { path: "Documents[0].Statement[0]", "resources-within": confinedTermination },
      { Documents: [{ Statement: [allowTerminateEverywhere] }, pending("the managed policy")] },
      "cannot decide: the managed policy is known only after apply",
    ],
    [
      "resources-within with Deny statements: a Deny whose NotResource is unknown does not confine",
      { path: "Documents[0].Statement[0]", "resources-within": confinedTermination },
      {
        Documents: [
          {
            Statement: [allowTerminateEverywhere, { ...denyElsewhere, NotResource: pending("the resource") }],
          },
        ],
      },
      "cannot decide: the resource is known only after apply",
    ],
    [
      "denied-unless-condition, when a statement of the trust policy is unknown",
      { path: "Trust.Statement[0]", "denied-unless-condition": sessionNameDeny },
      {
        Trust: {
          Statement: [
            { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "sts:AssumeRole" },
            { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: pending("the condition") },
          ],
        },
      },
      "cannot decide: the condition is known only after apply",
    ],
  ])("%s", (_name, condition, document, expected) => {
    expect(judge(condition, document)).toEqual(expected);
  });
});

describe("equals", () => {
  /** The same JSON text once keys are sorted: the reference for deep equality. */
  function canonical(value: JsonValue): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
      const keys = Object.keys(value).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key]!)}`).join(",")}}`;
    }
    return JSON.stringify(value);
  }

  it("compares lists and objects by their contents, whatever the order of keys", () => {
    // A string that starts with `$` is a reference, not a value to compare.
    const json = (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>).filter(
      (value) => !JSON.stringify(value).includes('"$'),
    );
    fc.assert(
      fc.property(json, json, (left, right) => {
        const reordered = JSON.parse(canonical(left)) as JsonValue;
        for (const [value, expected] of [
          [right, canonical(left) === canonical(right)],
          [reordered, true],
        ] as const) {
          const outcome = evaluate({ path: "A", equals: value }, { A: left });
          expect(outcome.ok).toBe(expected);
        }
      }),
    );
  });

  it("does not take a key the other object lacks for one that every object inherits", () => {
    const document = JSON.parse('{"A": {"__proto__": {}}}') as JsonObject;
    expect(evaluate({ path: "A", equals: { x: 1 } }, document).ok).toBe(false);
    expect(evaluate({ path: "A", equals: JSON.parse('{"__proto__": {}}') as JsonValue }, document).ok).toBe(
      true,
    );
  });
});

describe("the fields of the resource a condition reads", () => {
  const fieldsOf = (condition: unknown) => compileCondition(condition, new Set(["port"])).rootFields;

  it("names the first field of each path read from the resource, not what is read inside elements", () => {
    expect(
      fieldsOf({
        all: [
          { path: "GroupName", "starts-with": "web" },
          {
            none: {
              in: "IpPermissions[]",
              as: "permission",
              where: {
                all: [
                  { "covers-port": { port: "$params.port" } },
                  { some: { in: "$permission.IpRanges[].CidrIp", where: { "cidr-is-public": true } } },
                  { path: "$root.Tags[?Key=='team'].Value", equals: "$root.Owner.Team" },
                ],
              },
            },
          },
        ],
      }),
    ).toEqual(["GroupName", "IpPermissions", "Tags", "Owner"]);
  });

  it("names none when a part may read the whole resource", () => {
    expect(fieldsOf({ empty: false })).toBeUndefined();
    expect(fieldsOf({ path: "@", exists: true })).toBeUndefined();
    expect(fieldsOf({ path: "length(IpPermissions)", equals: 0 })).toBeUndefined();
    expect(fieldsOf({ path: "IpPermissions[?FromPort == $.Port]", empty: true })).toBeUndefined();
    expect(
      fieldsOf({ none: { in: "IpPermissions[]", where: { path: "$root", exists: true } } }),
    ).toBeUndefined();
  });
});

describe("one compiled condition explaining resource after resource", () => {
  const compiled = compileCondition(
    { none: { in: "IpPermissions[]", where: { path: "IpProtocol", equals: "tcp" } } },
    new Set(),
  );
  const reportedPaths = (document: JsonObject): string[] => {
    const root = { value: document, path: "" };
    const state = { current: root, scope: { root, params: {}, bindings: null } };
    expect(compiled.holds(state)).toBe(false);
    const outcome = compiled.explain(state, false);
    expect(outcome.ok).toBe(false);
    return outcome.evidence.map((item) => item.path);
  };

  it("reports each resource's own elements, however many the one before reported", () => {
    expect(reportedPaths(group)).toEqual(["IpPermissions[0]", "IpPermissions[1]"]);
    expect(reportedPaths({ IpPermissions: [{ IpProtocol: "udp" }, { IpProtocol: "tcp" }] })).toEqual([
      "IpPermissions[1]",
    ]);
    expect(reportedPaths(group)).toEqual(["IpPermissions[0]", "IpPermissions[1]"]);
  });
});

describe("explaining the reported elements one after another", () => {
  it("binds each to its own name, inner quantifiers reading it", () => {
    const compiled = compileCondition(
      {
        none: {
          in: "IpPermissions[]",
          as: "permission",
          where: {
            some: {
              in: "$permission.IpRanges[]",
              where: {
                all: [
                  { path: "CidrIp", equals: "0.0.0.0/0" },
                  { path: "$permission.IpProtocol", equals: "tcp" },
                ],
              },
            },
          },
        },
      },
      new Set(),
    );
    const root = { value: group, path: "" };
    const state = { current: root, scope: { root, params: {}, bindings: null } };
    expect(compiled.holds(state)).toBe(false);
    const outcome = compiled.explain(state, false);
    expect(outcome.ok).toBe(false);
    const permissions = group.IpPermissions as JsonValue[];
    expect(outcome.evidence).toEqual([
      {
        path: "IpPermissions[0]",
        value: permissions[0],
        bindings: { permission: permissions[0] },
        focus: "IpPermissions[0].IpRanges[0].CidrIp",
      },
      {
        path: "IpPermissions[1]",
        value: permissions[1],
        bindings: { permission: permissions[1] },
        focus: "IpPermissions[1].IpRanges[1].CidrIp",
      },
    ]);
  });
});
