import { search } from "@jmespath-community/jmespath";
import { describe, expect, it, vi } from "vitest";
import { compilePath, LISTED, PathSyntaxError, type PathScope } from "../../src/engine/condition/path.js";
import type { JsonObject, JsonValue } from "../../src/model/resource.js";
import { unknownValue, UnknownValueError } from "../../src/model/unknown.js";

const group = {
  GroupId: "sg-1",
  IpPermissions: [
    {
      IpProtocol: "tcp",
      IpRanges: [{ CidrIp: "10.0.0.0/8" }, { CidrIp: "0.0.0.0/0" }],
      Ipv6Ranges: [{ CidrIpv6: "::/0" }],
    },
    { IpProtocol: "-1", IpRanges: [] },
  ],
} as const satisfies JsonObject;

const scope: PathScope = {
  root: { value: group, path: "" },
  params: { port: 22 },
  bindings: {
    name: "permission",
    element: { value: group.IpPermissions[0], path: "IpPermissions[0]" },
    outer: null,
  },
};

function select(text: string) {
  return compilePath(text).evaluate(scope.root, scope);
}

describe("compilePath", () => {
  it.each([
    ["GroupId", "sg-1", "GroupId"],
    ["IpPermissions[0].IpRanges[-1].CidrIp", "0.0.0.0/0", "IpPermissions[0].IpRanges[1].CidrIp"],
    ["Missing.Deeper", null, "Missing"],
    ["$params.port", 22, "$params.port"],
    ["$permission.IpProtocol", "tcp", "IpPermissions[0].IpProtocol"],
  ])("selects %s", (text, value, path) => {
    expect(select(text)).toMatchObject({ value, path });
  });

  it("keeps the path of every projected element", () => {
    const selection = select("IpPermissions[].IpRanges[].CidrIp");
    expect(selection.elements).toEqual([
      { value: "10.0.0.0/8", path: "IpPermissions[0].IpRanges[0].CidrIp" },
      { value: "0.0.0.0/0", path: "IpPermissions[0].IpRanges[1].CidrIp" },
    ]);
  });

  it("keeps paths through filters", () => {
    const selection = select("IpPermissions[?IpProtocol=='-1']");
    expect(selection.elements).toEqual([{ value: group.IpPermissions[1], path: "IpPermissions[1]" }]);
  });

  it("falls back to the interpreter for other expressions, with an opaque path", () => {
    const current = { value: group.IpPermissions[0], path: "IpPermissions[0]" };
    const selection = compilePath("[IpRanges[].CidrIp, Ipv6Ranges[].CidrIpv6][]").evaluate(current, scope);
    expect(selection.value).toEqual(["10.0.0.0/8", "0.0.0.0/0", "::/0"]);
    expect(selection.elements?.[2]?.path).toBe(
      "IpPermissions[0].([IpRanges[].CidrIp, Ipv6Ranges[].CidrIpv6][])[2]",
    );
    expect(select("length(IpPermissions)").value).toBe(2);
  });

  it("rejects invalid syntax with the expression in the message", () => {
    expect(() => compilePath("IpPermissions[?")).toThrow(PathSyntaxError);
    expect(() => compilePath("IpPermissions[?")).toThrow(/IpPermissions\[\?/);
  });

  it("reports an unbound reference when evaluated", () => {
    expect(() => select("$nothing.here")).toThrow(/"\$nothing" is not bound/);
  });
});

describe("the fast path, the traced path and the JMESPath interpreter agree", () => {
  const documents = [
    group,
    { A: [[1, 2], [3], 4, null], B: { C: [{ D: 1 }, { D: null }, {}] }, E: "text" },
    { Statement: [{ Effect: "Allow", Action: ["a", "b"] }, { Effect: "Deny" }] },
    { G: [{ H: [1, 2] }, { H: [] }, { H: "x" }, { H: [{ I: 3 }, { J: 4 }] }, {}] },
    {},
  ];
  const expressions = [
    "GroupId",
    "IpPermissions[]",
    "IpPermissions[].IpRanges[].CidrIp",
    "IpPermissions[0].IpRanges[-1].CidrIp",
    "IpPermissions[?IpProtocol=='-1'].IpProtocol",
    "A[]",
    "A[][]",
    "A[0][]",
    "B.C[]",
    "E[]",
    "B.C[].D",
    "B.C[*].D",
    "E.F",
    "Statement[?Effect=='Allow'].Action[]",
    "Statement[].Action",
    "Missing[].Thing",
    // A projection inside a projection keeps one list per element; only `[]` flattens.
    "G[*].H[*]",
    "G[*].H[*].I",
    "G[?H].H[*]",
    "G[].H[*]",
  ];
  it.each(expressions)("%s", async (expression) => {
    const { search } = await import("@jmespath-community/jmespath");
    for (const document of documents) {
      const root = { value: document as JsonObject, path: "" };
      const scope: PathScope = { root, params: {}, bindings: null };
      const path = compilePath(expression);
      const expected = search(document as JsonObject, expression);
      expect(path.valueOf(root, scope), `${expression} on ${JSON.stringify(document)}`).toEqual(expected);
      expect(path.evaluate(root, scope).value).toEqual(expected);
      const visited: JsonValue[] = [];
      const walked = path.each(root, scope, (element) => {
        visited.push(element);
        return false;
      });
      expect(walked === LISTED ? visited : walked).toEqual(expected);
    }
  });

  it.each([
    ...expressions,
    "related.Policies[].Document",
    "related.Roles[].related.Policies[]",
    "related.Policies[].Document.Statement",
    "A[*]",
    "A[].length(@)",
    "B.C[0].D",
  ])("%s is located where the traced path finds it, without its elements", (expression) => {
    const policy = { Document: { Statement: [{ Effect: "Allow" }] } };
    const located = [
      ...documents,
      { related: { Policies: [policy, { Document: null }, unknownValue("policy"), "text", policy] } },
      { related: { Roles: [{ related: { Policies: [policy] } }, unknownValue("role"), { related: {} }] } },
      { related: { Policies: unknownValue("policies") } },
      { related: unknownValue("relations") },
      { A: [[1], { B: 2 }, "x"] },
    ];
    for (const document of located) {
      for (const mayHoldUnknowns of [false, true]) {
        const root = { value: document as JsonObject, path: "X" };
        const scope: PathScope = { root, params: {}, bindings: null, mayHoldUnknowns };
        const path = compilePath(expression);
        let traced;
        try {
          traced = path.evaluate(root, scope);
        } catch (error) {
          expect(() => path.locate(root, scope)).toThrow((error as Error).message);
          continue;
        }
        expect(path.locate(root, scope), `${expression} on ${JSON.stringify(document)}`).toEqual({
          value: traced.value,
          path: traced.path,
        });
      }
    }
  });

  it.each([
    ["port_range(@)", { IpProtocol: "tcp", FromPort: 22, ToPort: 22 }],
    ["permission_sources(@)", { IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    ["statement_name(@)", { Sid: "Open", Effect: "Allow" }],
    ["statement_resources(@)", { Effect: "Allow", Resource: ["arn:aws:ec2:*:*:instance/*", "*"] }],
    ["statement_principals(@)", { Effect: "Allow", Principal: { AWS: "111122223333" } }],
    ["policy_name(@)", { PolicyName: "P", Kind: "group-inline", Group: "G" }],
    ["port_range(@)", null],
  ])(
    "a domain function called on the element, %s, gives what the interpreter gives",
    async (expression, value) => {
      const { search } = await import("@jmespath-community/jmespath");
      const root = { value: value as JsonValue, path: "X" };
      for (const mayHoldUnknowns of [false, true]) {
        const scope: PathScope = { root, params: {}, bindings: null, mayHoldUnknowns };
        const path = compilePath(expression);
        const expected = search(value, expression);
        expect(path.valueOf(root, scope)).toEqual(expected);
        expect(path.evaluate(root, scope)).toEqual({ value: expected, path: `X.(${expression})` });
      }
    },
  );

  it("a domain function of an element looks for unknown values where the data may hold them, and only there", () => {
    const pending = { $unknown: "known only after apply" };
    const cases: [string, JsonValue, string][] = [
      ["port_range(@)", { IpProtocol: "tcp", FromPort: pending, ToPort: 22 }, "tcp (unreadable port range)"],
      [
        "permission_sources(@)",
        { IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/8" }], UserIdGroupPairs: [{ GroupId: pending }] },
        "10.0.0.0/8",
      ],
      ["permission_sources(@)", { IpProtocol: "-1", IpRanges: pending }, "a source the data does not show"],
      [
        "statement_name(@)",
        { Sid: pending, Effect: "Allow" },
        'statement {"$unknown":"known only after apply"}',
      ],
      [
        "policy_name(@)",
        { PolicyName: "P", Group: pending },
        'policy P of group {"$unknown":"known only after apply"}',
      ],
      [
        "statement_resources(@)",
        { Effect: "Allow", Resource: [pending] },
        '{"$unknown":"known only after apply"}',
      ],
      [
        "statement_principals(@)",
        { Effect: "Allow", Principal: { AWS: pending } },
        '{"$unknown":"known only after apply"}',
      ],
    ];
    for (const [expression, value, known] of cases) {
      const root = { value, path: "X" };
      const path = compilePath(expression);
      expect(() => path.valueOf(root, { root, params: {}, bindings: null, mayHoldUnknowns: true })).toThrow(
        UnknownValueError,
      );
      // Data that holds no unknown values (a snapshot) is described as it is.
      expect(path.valueOf(root, { root, params: {}, bindings: null, mayHoldUnknowns: false })).toBe(known);
    }
  });

  const conditioned = {
    Effect: "Allow",
    Condition: {
      StringEquals: { "ssm:resourceTag/Team": ["a", "b"], "sts:RoleSessionName": "${aws:username}" },
      "ForAnyValue:StringLike": { "aws:ResourceTag/Env": "*" },
    },
  };
  it.each([
    ["condition_values(@, 'sts:RoleSessionName', ['StringEquals', 'StringLike'])", conditioned],
    ["condition_values(@, 'sts:rolesessionname', 'StringEquals')", conditioned],
    [
      "condition_entries(@, ['ssm:resourceTag/*', 'aws:ResourceTag/*'], ['StringEquals', 'ForAnyValue:StringLike'])",
      conditioned,
    ],
    ["condition_entries(@, 'ssm:resourceTag/*', 'StringEquals')", conditioned],
    ["condition_entries(@, ['ssm:resourceTag/*'], ['StringEquals'])", null],
    ["statement_name(@, 'trust statement')", { Sid: "Open", Effect: "Allow" }],
    ["statement_name(@, 'trust statement')", { Effect: "Allow" }],
  ])(
    "a domain function called on the element with literal arguments, %s, gives what the interpreter gives, without it",
    async (expression, value) => {
      const jmespath = await import("@jmespath-community/jmespath");
      const expected = jmespath.search(value, expression);
      const root = { value: value as JsonValue, path: "X" };
      const path = compilePath(expression);
      const interpreted = vi.spyOn(jmespath.TreeInterpreter, "search");
      try {
        const scope: PathScope = { root, params: {}, bindings: null };
        expect(path.valueOf(root, scope)).toEqual(expected);
        expect(path.evaluate(root, scope)).toMatchObject({ value: expected, path: `X.(${expression})` });
        expect(interpreted).not.toHaveBeenCalled();
        // Data that may hold unknowns goes to the interpreter that looks for them.
        const withUnknowns: PathScope = { ...scope, mayHoldUnknowns: true };
        expect(path.valueOf(root, withUnknowns)).toEqual(expected);
      } finally {
        interpreted.mockRestore();
      }
    },
  );

  it.each([
    ["replace(@, ':alias/', ':key/alias/')", "arn:aws:kms:eu-west-1:111122223333:alias/session"],
    ["replace(@, ':alias/', ':key/alias/')", "arn:aws:kms:eu-west-1:111122223333:key/1234"],
    ["replace(@, 'a', '')", "banana"],
    ["replace(@, '', '-')", "abc"],
  ])(
    "a string function called on a string with literal arguments, %s, gives what the interpreter gives, without it",
    async (expression, value) => {
      const jmespath = await import("@jmespath-community/jmespath");
      const expected = jmespath.search(value, expression);
      const root = { value: value as JsonValue, path: "X" };
      const path = compilePath(expression);
      const interpreted = vi.spyOn(jmespath.TreeInterpreter, "search");
      try {
        const scope: PathScope = { root, params: {}, bindings: null };
        expect(path.valueOf(root, scope)).toEqual(expected);
        expect(path.evaluate(root, scope)).toEqual({ value: expected, path: `X.(${expression})` });
        expect(interpreted).not.toHaveBeenCalled();
      } finally {
        interpreted.mockRestore();
      }
    },
  );

  it.each([null, 5, ["a"], { a: 1 }])(
    "a string function called on %j fails as the interpreter does",
    async (value) => {
      const jmespath = await import("@jmespath-community/jmespath");
      const expression = "replace(@, 'a', 'b')";
      const expected = (() => {
        try {
          return jmespath.search(value, expression);
        } catch (error) {
          return (error as Error).message;
        }
      })();
      const root = { value: value as JsonValue, path: "X" };
      const scope: PathScope = { root, params: {}, bindings: null };
      expect(() => compilePath(expression).valueOf(root, scope)).toThrow(expected);
    },
  );

  it.each([
    ["A.B.C", { A: { B: { C: 1 } } }, { value: 1, path: "X.A.B.C" }],
    ["A.B.C", { A: { B: null } }, { value: null, path: "X.A.B" }],
    ["A.B.C", { A: "text" }, { value: null, path: "X.A.B" }],
    ["A.B.C", { A: [{ B: 1 }] }, { value: null, path: "X.A.B" }],
    ["A.B.C", { A: unknownValue("computed") }, { value: unknownValue("computed"), path: "X.A" }],
    ["A.B.C", unknownValue("computed"), { value: unknownValue("computed"), path: "X" }],
    ["@.A", null, { value: null, path: "X" }],
    ['A."b-c".D', { A: { "b-c": { D: 2 } } }, { value: 2, path: 'X.A."b-c".D' }],
  ])("a chain of fields, %s, on %j is found where it stops", (expression, value, expected) => {
    const root = { value: value as JsonValue, path: "X" };
    const scope: PathScope = { root, params: {}, bindings: null, mayHoldUnknowns: true };
    expect(compilePath(expression).evaluate(root, scope)).toEqual(expected);
    expect(compilePath(expression).evaluate({ value: value, path: "" }, scope).path).toBe(
      expected.path.replace(/^X\.?/, ""),
    );
  });

  it("a walk started from inside a walk of the same path visits its own elements, and the outer walk goes on", () => {
    const documents = [
      { A: [{ B: [1, 2] }, { B: [3] }] },
      { A: [{ B: [10] }, { B: [20, 30] }] },
    ] as JsonObject[];
    for (const expression of ["A[].B[]", "A[].B"]) {
      const path = compilePath(expression);
      const scopeOf = (value: JsonObject): PathScope => ({
        root: { value, path: "" },
        params: {},
        bindings: null,
      });
      const outer: JsonValue[] = [];
      const inner: JsonValue[] = [];
      const [first, second] = documents.map(scopeOf) as [PathScope, PathScope];
      path.each(first.root, first, (element) => {
        outer.push(element);
        if (outer.length === 1) {
          path.each(second.root, second, (nested) => {
            inner.push(nested);
            return false;
          });
          expect(path.valueOf(second.root, second)).toEqual(search(documents[1]!, expression));
        }
        return false;
      });
      expect(outer).toEqual(search(documents[0]!, expression));
      expect(inner).toEqual(search(documents[1]!, expression));
    }
  });

  it.each([
    [{ A: [[1, null], 2, null, [3]] }, [1, 2, 3], ["A[0][0]", "A[1]", "A[3][0]"]],
    [{ A: [[1], 2, [3, 4]] }, [1, 2, 3, 4], ["A[0][0]", "A[1]", "A[2][0]", "A[2][1]"]],
  ])(
    "a flattened list traced in %j keeps each element's place, its nulls dropped",
    (document, values, paths) => {
      const root = { value: document as JsonObject, path: "" };
      const selection = compilePath("A[]").evaluate(root, { root, params: {}, bindings: null });
      expect(selection.value).toEqual(values);
      expect(selection.elements?.map((element) => element.value)).toEqual(values);
      expect(selection.elements?.map((element) => element.path)).toEqual(paths);
    },
  );

  // A list that holds no list is flattened without a copy; the places must still be each element's.
  it.each([
    ["A[]", { A: [1, 2, 3] }, [1, 2, 3], ["A[0]", "A[1]", "A[2]"]],
    ["A[]", { A: [1, null, 3] }, [1, 3], ["A[0]", "A[2]"]],
    ["A[].B", { A: [{ B: 1 }, { C: 2 }, { B: 3 }] }, [1, 3], ["A[0].B", "A[2].B"]],
    ["A[*].B[]", { A: [{ B: 1 }, { C: 2 }, { B: 3 }] }, [1, 3], ["A[0].B", "A[2].B"]],
    ["A[*].B[]", { A: [{ B: [1] }, { B: 2 }] }, [1, 2], ["A[0].B[0]", "A[1].B"]],
  ])("%s traced in %j keeps each element's place", (expression, document, values, paths) => {
    const root = { value: document as JsonObject, path: "" };
    const selection = compilePath(expression).evaluate(root, { root, params: {}, bindings: null });
    expect(selection.value).toEqual(values);
    expect(selection.value).toEqual(search(document as JsonObject, expression));
    expect(selection.elements?.map((element) => element.value)).toEqual(values);
    expect(selection.elements?.map((element) => element.path)).toEqual(paths);
  });

  it("walking a list stops at the element the visitor settles on", () => {
    const root = { value: group as JsonObject, path: "" };
    const scope: PathScope = { root, params: {}, bindings: null };
    const visited: JsonValue[] = [];
    const walked = compilePath("IpPermissions[].IpRanges[].CidrIp").each(root, scope, (element) => {
      visited.push(element);
      return true;
    });
    expect(walked).toBe(LISTED);
    expect(visited).toHaveLength(1);
  });

  it("walking a flattened list stops inside an inner list at the element the visitor settles on", () => {
    const root = { value: { A: [[1, 2], [3], 4] } as JsonObject, path: "" };
    const scope: PathScope = { root, params: {}, bindings: null };
    const visited: JsonValue[] = [];
    const walked = compilePath("A[]").each(root, scope, (element) => {
      visited.push(element);
      return element === 2;
    });
    expect(walked).toBe(LISTED);
    expect(visited).toEqual([1, 2]);
  });
});
