import { describe, expect, it } from "vitest";
import { compileCondition } from "../../src/engine/condition/compile.js";
import { ResourceVerdicts } from "../../src/engine/condition/path.js";
import type { JsonObject, JsonValue } from "../../src/model/resource.js";

/** A part of a resource that counts how often its fields are read. */
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

const NO_PARAMS: Record<string, JsonValue> = {};

function stateOf(
  document: JsonObject,
  memo: ResourceVerdicts,
  params: Record<string, JsonValue> = NO_PARAMS,
  mayHoldUnknowns = false,
) {
  const root = { value: document, path: "" };
  return { current: root, scope: { root, params, bindings: null, memo, mayHoldUnknowns } };
}

describe("explaining a resource that the fast decision found failing", () => {
  it("does not decide again the parts of an `all` that held before the failing one", () => {
    const profile = counted({ Arn: "arn:aws:iam::1:instance-profile/web" });
    const condition = compileCondition(
      {
        all: [
          { path: "Profile.Arn", empty: false },
          { path: "KeyName", empty: true },
        ],
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    const state = stateOf({ Profile: profile.value, KeyName: "admin" }, memo);
    expect(condition.holds(state)).toBe(false);
    const decided = profile.reads();
    expect(condition.explain(state)).toEqual({
      ok: false,
      evidence: [{ path: "KeyName", value: "admin" }],
    });
    expect(profile.reads()).toBe(decided);
  });

  it("still reports every failing part of an `all`, those after the first included", () => {
    const condition = compileCondition(
      {
        all: [
          { path: "A", equals: 1 },
          { path: "B", equals: 2 },
          { path: "C", equals: 3 },
        ],
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    const state = stateOf({ A: 1, B: 0, C: 0 }, memo);
    expect(condition.holds(state)).toBe(false);
    expect(condition.explain(state)).toEqual({
      ok: false,
      evidence: [
        { path: "B", value: 0 },
        { path: "C", value: 0 },
      ],
    });
  });

  it("does not judge again the elements before the first one that settled a quantifier", () => {
    const closed = counted({ FromPort: 443 });
    const open = counted({ FromPort: 22 });
    const alsoOpen = { FromPort: 22 };
    const condition = compileCondition(
      // The port is the resource's, so that verdicts are not kept by element for the run.
      { none: { in: "IpPermissions[]", where: { path: "FromPort", equals: "$root.Port" } } },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    const state = stateOf({ Port: 22, IpPermissions: [closed.value, open.value, alsoOpen] }, memo);
    expect(condition.holds(state)).toBe(false);
    const decided = closed.reads();
    expect(condition.explain(state)).toEqual({
      ok: false,
      evidence: [
        { path: "IpPermissions[1]", value: open.value, focus: "IpPermissions[1].FromPort" },
        { path: "IpPermissions[2]", value: alsoOpen, focus: "IpPermissions[2].FromPort" },
      ],
    });
    expect(closed.reads()).toBe(decided);
  });

  it("explains from scratch a resource other than the one last decided", () => {
    const condition = compileCondition(
      {
        all: [{ path: "A", equals: 1 }, { none: { in: "L[]", where: { equals: 0 } } }],
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    expect(condition.holds(stateOf({ A: 2, L: [0] }, memo))).toBe(false);
    expect(condition.explain(stateOf({ A: 1, L: [1, 0] }, memo))).toEqual({
      ok: false,
      evidence: [{ path: "L[1]", value: 0 }],
    });
  });

  it("explains from scratch the same resource under other parameters", () => {
    const condition = compileCondition(
      {
        all: [
          { path: "A", equals: "$params.a" },
          { path: "B", equals: "$params.b" },
        ],
      },
      new Set(["a", "b"]),
    );
    const memo = new ResourceVerdicts();
    const document = { A: 1, B: 2 };
    expect(condition.holds(stateOf(document, memo, { a: 1, b: 0 }))).toBe(false);
    expect(condition.explain(stateOf(document, memo, { a: 0, b: 0 }))).toEqual({
      ok: false,
      evidence: [
        { path: "A", value: 1 },
        { path: "B", value: 2 },
      ],
    });
  });

  it("decides every part again when the data may hold unknown values", () => {
    const profile = counted({ Arn: "arn:aws:iam::1:instance-profile/web" });
    const condition = compileCondition(
      {
        all: [
          { path: "Profile.Arn", empty: false },
          { path: "KeyName", empty: true },
        ],
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    const state = stateOf({ Profile: profile.value, KeyName: "admin" }, memo, NO_PARAMS, true);
    expect(condition.holds(state)).toBe(false);
    const decided = profile.reads();
    expect(condition.explain(state).ok).toBe(false);
    expect(profile.reads()).toBeGreaterThan(decided);
  });

  it("explains the element that settled a quantifier without deciding its `where` again", () => {
    const statement = counted({ Effect: "Allow", Action: "ssm:StartSession" });
    const condition = compileCondition(
      {
        none: {
          in: "Statements[]",
          where: {
            all: [
              { path: "Effect", equals: "Allow" },
              { path: "Action", equals: "$root.Action" },
            ],
          },
        },
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    const state = stateOf({ Action: "ssm:StartSession", Statements: [statement.value] }, memo);
    expect(condition.holds(state)).toBe(false);
    const decided = statement.reads();
    expect(condition.explain(state, false).ok).toBe(false);
    const explaining = statement.reads() - decided;
    // What explaining the two tests reads, each on its own: all that explaining the element needs.
    const fresh = counted({ Effect: "Allow", Action: "ssm:StartSession" });
    const root = { value: { Action: "ssm:StartSession" }, path: "" };
    const scope = { root, params: NO_PARAMS, bindings: null, memo: new ResourceVerdicts() };
    const element = { current: { value: fresh.value, path: "Statements[0]" }, scope };
    compileCondition({ path: "Effect", equals: "Allow" }, new Set()).explain(element);
    compileCondition({ path: "Action", equals: "$root.Action" }, new Set()).explain(element);
    expect(explaining).toBe(fresh.reads());
  });

  it("says a failing `some` found no element without judging its elements again", () => {
    const item = counted({ Port: 443 });
    const condition = compileCondition(
      {
        all: [
          { path: "Name", equals: "web" },
          { some: { in: "Items[]", where: { path: "Port", equals: "$root.Port" } } },
        ],
      },
      new Set(),
    );
    const memo = new ResourceVerdicts();
    const state = stateOf({ Name: "web", Port: 22, Items: [item.value] }, memo);
    expect(condition.holds(state)).toBe(false);
    const decided = item.reads();
    expect(condition.explain(state, false)).toEqual({
      ok: false,
      evidence: [{ path: "Items", value: [item.value] }],
    });
    expect(item.reads()).toBe(decided);
  });

  it("explains a test the fast decision judged without judging its value again", () => {
    const expected = counted({ Action: "ssm:StartSession" });
    const condition = compileCondition({ path: "Action", equals: "$root.Expected.Action" }, new Set());
    const state = stateOf({ Action: "ssm:StartSession", Expected: expected.value }, new ResourceVerdicts());
    expect(condition.holds(state)).toBe(true);
    const decided = expected.reads();
    expect(condition.explain(state, true)).toEqual({
      ok: true,
      evidence: [{ path: "Action", value: "ssm:StartSession" }],
    });
    expect(expected.reads()).toBe(decided);
    // Without the fast decision's verdict, the test is judged.
    expect(condition.explain(state).ok).toBe(true);
    expect(expected.reads()).toBeGreaterThan(decided);
  });

  it("judges a test again when the data may hold unknown values", () => {
    const expected = counted({ Action: "ssm:StartSession" });
    const condition = compileCondition({ path: "Action", equals: "$root.Expected.Action" }, new Set());
    const state = stateOf(
      { Action: "ssm:StartSession", Expected: expected.value },
      new ResourceVerdicts(),
      NO_PARAMS,
      true,
    );
    expect(condition.holds(state)).toBe(true);
    const decided = expected.reads();
    expect(condition.explain(state, true).ok).toBe(true);
    expect(expected.reads()).toBeGreaterThan(decided);
  });
});
