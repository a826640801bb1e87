import { describe, expect, it } from "vitest";
import { compileCondition } from "../../src/engine/condition/compile.js";
import { ResourceVerdicts } from "../../src/engine/condition/path.js";
import type { JsonObject, JsonValue } from "../../src/model/resource.js";

/** An object that counts how often its fields are read. */
function counted(value: JsonObject): { value: JsonObject; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { value: proxy, reads: () => reads };
}

function judge(
  condition: ReturnType<typeof compileCondition>,
  document: JsonObject,
  memo: ResourceVerdicts,
  params: Record<string, JsonValue> = NO_PARAMS,
) {
  memo.clear();
  const root = { value: document, path: "" };
  const state = { current: root, scope: { root, params, bindings: null, memo } };
  return { holds: condition.holds(state), explained: condition.explain(state) };
}

/** The rule's parameters: one object for the run, as the engine passes them. */
const NO_PARAMS: Record<string, JsonValue> = {};

/** The fast decision alone, as the engine makes it for a resource that passes. */
function decide(
  condition: ReturnType<typeof compileCondition>,
  document: JsonObject,
  memo: ResourceVerdicts,
) {
  memo.clear();
  const root = { value: document, path: "" };
  return condition.holds({ current: root, scope: { root, params: NO_PARAMS, bindings: null, memo } });
}

describe("elements shared by resources (a role carried by many instances)", () => {
  const allowsStart = {
    some: {
      in: "Roles[]",
      as: "role",
      where: { some: { in: "$role.Actions[]", where: { equals: "ssm:StartSession" } } },
    },
  };

  it("judges a where that reads only its element once for the run, not once per resource", () => {
    const role = counted({ Actions: ["ssm:StartSession"] });
    const condition = compileCondition(allowsStart, new Set());
    const memo = new ResourceVerdicts();
    expect(decide(condition, { Roles: [role.value] }, memo)).toBe(true);
    const afterFirst = role.reads();
    expect(decide(condition, { Name: "other", Roles: [role.value] }, memo)).toBe(true);
    expect(role.reads()).toBe(afterFirst);
  });

  it("explains a shared element that fails once for the run, not once per resource", () => {
    const role = counted({ Actions: ["ec2:DescribeInstances"] });
    const condition = compileCondition({ every: allowsStart.some }, new Set());
    const memo = new ResourceVerdicts();
    const first = judge(condition, { Roles: [role.value] }, memo);
    const afterFirst = role.reads();
    const second = judge(condition, { Name: "other", Roles: [role.value] }, memo);
    expect(role.reads()).toBe(afterFirst);
    expect(second.explained).toEqual(first.explained);
  });

  it("judges again a where that reads the resource, whose verdict may differ between resources", () => {
    const role = { Actions: ["ssm:StartSession"] };
    const condition = compileCondition(
      { some: { in: "Roles[]", where: { path: "$root.Name", equals: "web" } } },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    expect(judge(condition, { Name: "web", Roles: [role] }, memo).holds).toBe(true);
    const other = judge(condition, { Name: "db", Roles: [role] }, memo);
    expect(other.holds).toBe(false);
    expect(other.explained.ok).toBe(false);
  });

  it("judges again a where that reads an outer element", () => {
    const statement = { Action: "ssm:StartSession" };
    const condition = compileCondition(
      {
        some: {
          in: "Wanted[]",
          as: "wanted",
          where: { some: { in: "$root.Statements[]", where: { path: "Action", equals: "$wanted" } } },
        },
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    expect(judge(condition, { Wanted: ["ssm:StartSession"], Statements: [statement] }, memo).holds).toBe(
      true,
    );
    expect(judge(condition, { Wanted: ["ssm:TerminateSession"], Statements: [statement] }, memo).holds).toBe(
      false,
    );
  });

  it("keeps verdicts apart for other parameters", () => {
    const role = { Actions: ["ssm:StartSession"] };
    const condition = compileCondition(
      { some: { in: "Roles[]", where: { some: { in: "Actions[]", where: { equals: "$params.action" } } } } },
      new Set(["action"]),
    );
    const memo = new ResourceVerdicts();
    const start = { action: "ssm:StartSession" };
    const resume = { action: "ssm:ResumeSession" };
    expect(judge(condition, { Roles: [role] }, memo, start).holds).toBe(true);
    expect(judge(condition, { Roles: [role] }, memo, resume).holds).toBe(false);
    expect(judge(condition, { Roles: [role] }, memo, start).holds).toBe(true);
  });

  it("explains a shared element the same way in every resource, at that resource's path", () => {
    const role = { RoleName: "app", Actions: ["ec2:DescribeInstances"] };
    const condition = compileCondition(
      {
        every: {
          in: "Roles[]",
          as: "role",
          where: { some: { in: "Actions[]", where: { equals: "ssm:StartSession" } } },
        },
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    const first = judge(condition, { Roles: [role] }, memo);
    const second = judge(
      condition,
      { Roles: [{ RoleName: "ok", Actions: ["ssm:StartSession"] }, role] },
      memo,
    );
    expect(first.holds).toBe(false);
    expect(first.explained).toEqual({
      ok: false,
      evidence: [{ path: "Roles[0]", value: role, bindings: { role }, focus: "Roles[0].Actions" }],
    });
    expect(second.explained).toEqual({
      ok: false,
      evidence: [{ path: "Roles[1]", value: role, bindings: { role }, focus: "Roles[1].Actions" }],
    });
  });
});

describe("answers about a statement kept for the run", () => {
  const statement = {
    Effect: "Allow",
    Action: ["ssm:StartSession", "sts:AssumeRole"],
    Resource: "arn:aws:ec2:*:*:instance/*",
    Principal: { AWS: "arn:aws:iam::111122223333:root" },
    Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } },
  };

  it.each([
    [{ "has-condition": { operator: "StringEquals", key: "aws:SourceVpce" } }, true],
    [{ "has-condition": { operator: "StringEquals", key: "aws:SourceIp" } }, false],
    [{ "has-condition": { operator: "StringLike", key: "aws:SourceVpce" } }, false],
    [{ "reaches-resources": "arn:*:ec2:*:*:instance/*" }, true],
    [{ "reaches-resources": "arn:*:ssm:*:*:document/*" }, false],
    [{ "reaches-resources": ["arn:*:ssm:*:*:document/*", "arn:*:ec2:*:*:instance/i-1"] }, true],
    [{ "trusts-aws-principals": true }, true],
    [{ "trusts-aws-principals": false }, false],
  ])("%j asked of a statement other tests asked before → %s", (test, expected) => {
    const memo = new ResourceVerdicts();
    const others = [
      { "has-condition": { operator: "StringEquals", key: "aws:SourceIp" } },
      { "reaches-resources": "arn:*:ssm:*:*:document/*" },
      { "trusts-aws-principals": false },
    ];
    for (const other of [...others, test]) {
      const condition = compileCondition({ some: { in: "Statement[]", where: other } }, new Set());
      const outcome = judge(condition, { Statement: [statement] }, memo);
      if (other === test) {
        expect(outcome.holds).toBe(expected);
        expect(outcome.explained.ok).toBe(expected);
      }
    }
  });
});

describe("parts of an element's condition that read only the resource", () => {
  /** A list that counts how often it is read. */
  function countedList(items: JsonValue[]): { value: JsonValue[]; reads: () => number } {
    let reads = 0;
    const proxy = new Proxy(items, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    return { value: proxy, reads: () => reads };
  }

  const condition = {
    every: { in: "Items[]", where: { some: { in: "$root.Allowed[]", where: { equals: "yes" } } } },
  };

  it("are decided and explained once for the resource, not once per element", () => {
    const compiled = compileCondition(condition, new Set());
    const one = countedList(["no", "yes"]);
    const many = countedList(["no", "yes"]);
    const memo = new ResourceVerdicts();
    const single = judge(compiled, { Items: [1], Allowed: one.value }, memo);
    const several = judge(compiled, { Items: [1, 2, 3, 4], Allowed: many.value }, memo);
    expect(single.holds).toBe(true);
    expect(several.holds).toBe(true);
    expect(many.reads()).toBe(one.reads());
  });

  it("are decided again for the next resource", () => {
    const compiled = compileCondition(condition, new Set());
    const memo = new ResourceVerdicts();
    expect(judge(compiled, { Items: [1, 2], Allowed: ["yes"] }, memo).holds).toBe(true);
    const failing = judge(compiled, { Items: [1, 2], Allowed: ["no"] }, memo);
    expect(failing.holds).toBe(false);
    expect(failing.explained).toEqual({
      ok: false,
      evidence: [
        { path: "Items[0]", value: 1 },
        { path: "Items[1]", value: 2 },
      ],
    });
  });
});
