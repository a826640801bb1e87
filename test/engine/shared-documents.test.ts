import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCondition } from "../../src/engine/condition/compile.js";
import { ResourceVerdicts } from "../../src/engine/condition/path.js";
import type { JsonObject, JsonValue } from "../../src/model/resource.js";

/** A policy document that counts how often its statements are read. */
function counted(document: JsonObject): { value: JsonObject; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(document, {
    get(target, key, receiver) {
      if (key === "Statement") reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { value: proxy, reads: () => reads };
}

const NO_PARAMS: Record<string, JsonValue> = {};

/** The fast decision for one resource, as the engine makes it (a memo that lasts the run). */
function decide(condition: unknown, document: JsonObject, memo?: ResourceVerdicts): boolean {
  memo?.clear();
  const root = { value: document, path: "" };
  const compiled = compileCondition(condition, new Set());
  return compiled.holds({
    current: root,
    scope: { root, params: NO_PARAMS, bindings: null, ...(memo ? { memo } : {}) },
  });
}

const startSession = { path: "Documents", "document-allows": "ssm:StartSession" };

/** A principal's own policy: one object per principal, never shared. */
function ownPolicy(action: string): JsonObject {
  return { Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] };
}

describe("document-allows on a list of documents some principals share (managed policies)", () => {
  it("reads a shared document once for the run, whatever new documents the lists hold beside it", () => {
    const managed = counted({ Statement: [{ Effect: "Allow", Action: "ssm:*", Resource: "*" }] });
    const memo = new ResourceVerdicts();
    expect(decide(startSession, { Documents: [ownPolicy("s3:GetObject"), managed.value] }, memo)).toBe(true);
    const afterFirst = managed.reads();
    expect(decide(startSession, { Documents: [ownPolicy("ec2:*"), managed.value] }, memo)).toBe(true);
    expect(decide(startSession, { Documents: [managed.value, ownPolicy("kms:Decrypt")] }, memo)).toBe(true);
    expect(managed.reads()).toBe(afterFirst);
  });

  it("reads a shared document once for an action on a resource too", () => {
    const condition = {
      path: "Documents",
      "document-allows": {
        action: "kms:GenerateDataKey",
        resource: "arn:aws:kms:eu-west-1:111122223333:key/k",
      },
    };
    const managed = counted({
      Statement: [{ Effect: "Allow", Action: "kms:GenerateDataKey", Resource: "arn:aws:kms:*:*:key/*" }],
    });
    const memo = new ResourceVerdicts();
    expect(decide(condition, { Documents: [ownPolicy("s3:GetObject"), managed.value] }, memo)).toBe(true);
    const afterFirst = managed.reads();
    expect(decide(condition, { Documents: [ownPolicy("ec2:*"), managed.value] }, memo)).toBe(true);
    expect(managed.reads()).toBe(afterFirst);
  });

  it("lets a shared document's Deny win in every list, and a new document's Deny win over a shared Allow", () => {
    const denying: JsonObject = {
      Statement: [{ Effect: "Deny", Action: "ssm:StartSession", Resource: "*" }],
    };
    const allowing = ownPolicy("ssm:StartSession");
    const memo = new ResourceVerdicts();
    expect(decide(startSession, { Documents: [allowing, denying] }, memo)).toBe(false);
    expect(decide(startSession, { Documents: [ownPolicy("ssm:*"), denying] }, memo)).toBe(false);
    expect(decide(startSession, { Documents: [allowing] }, memo)).toBe(true);
    const newDeny = { Statement: [{ Effect: "Deny", Action: "ssm:*", Resource: "*" }] };
    expect(decide(startSession, { Documents: [allowing, newDeny] }, memo)).toBe(false);
  });

  const statement = fc.record(
    {
      Effect: fc.constantFrom("Allow", "Deny", "Permit", "Other"),
      Action: fc.constantFrom("ssm:StartSession", "ssm:*", "s3:GetObject", ["ec2:*", "ssm:Start*"]),
      Resource: fc.constantFrom("*", "arn:aws:ec2:*:*:instance/*", "arn:aws:s3:::b/*"),
      Condition: fc.constant({ Bool: { "aws:SecureTransport": "true" } }),
    },
    { requiredKeys: ["Effect", "Action"] },
  );
  const document = fc.oneof(
    fc.record({ Statement: fc.oneof(fc.array(statement, { maxLength: 3 }), statement, fc.constant(null)) }),
    statement,
    fc.constantFrom(null, "text", 3),
  );

  it("decides any list as one document of all its statements would, kept or not", () => {
    fc.assert(
      fc.property(fc.array(fc.array(document, { maxLength: 4 }), { minLength: 1, maxLength: 4 }), (lists) => {
        // Lists that share documents, judged with one memo as in a run, and each without any.
        const shared = lists.flat();
        const memo = new ResourceVerdicts();
        for (const list of [...lists, shared]) {
          for (const condition of [
            startSession,
            {
              path: "Documents",
              "document-allows": { action: "ssm:StartSession", resource: "arn:aws:s3:::b/k" },
            },
          ]) {
            expect(decide(condition, { Documents: list }, memo)).toBe(decide(condition, { Documents: list }));
          }
        }
      }),
    );
  });
});

describe("resources-within confined by the Deny statements of a principal's policies", () => {
  const within = {
    path: "Documents[0].Statement[0]",
    "resources-within": {
      patterns: "arn:aws:ssm:*:*:session/${aws:username}-*",
      action: "ssm:TerminateSession",
      policies: "$root.Documents",
    },
  };
  const allowEverywhere = { Effect: "Allow", Action: "ssm:TerminateSession", Resource: "*" };
  const denyElsewhere = {
    Effect: "Deny",
    Action: "ssm:TerminateSession",
    NotResource: "arn:aws:ssm:*:*:session/${aws:username}-*",
  };

  it("decides a statement with the same policies once for the run, not once per rule or resource", () => {
    const own: JsonObject = { Statement: [allowEverywhere] };
    const guard = counted({ Statement: [denyElsewhere] });
    const memo = new ResourceVerdicts();
    expect(decide(within, { Name: "first", Documents: [own, guard.value] }, memo)).toBe(true);
    const afterFirst = guard.reads();
    expect(decide(within, { Name: "second", Documents: [own, guard.value] }, memo)).toBe(true);
    expect(guard.reads()).toBe(afterFirst);
  });

  it("decides again with other policies, other patterns or another action", () => {
    const own: JsonObject = { Statement: [allowEverywhere] };
    const guard: JsonObject = { Statement: [denyElsewhere] };
    const memo = new ResourceVerdicts();
    expect(decide(within, { Documents: [own, guard] }, memo)).toBe(true);
    expect(decide(within, { Documents: [own] }, memo)).toBe(false);
    expect(decide(within, { Documents: [own, { Statement: [] }, guard] }, memo)).toBe(true);
    const broader = {
      ...within,
      "resources-within": { ...within["resources-within"], patterns: "arn:aws:ec2:*" },
    };
    expect(decide(broader, { Documents: [own, guard] }, memo)).toBe(false);
    const resume = {
      ...within,
      "resources-within": { ...within["resources-within"], action: "ssm:ResumeSession" },
    };
    expect(decide(resume, { Documents: [own, guard] }, memo)).toBe(false);
  });
});

describe("resources-within with patterns from the rule's parameters", () => {
  it("decides with the patterns of the parameters each resource is judged under", () => {
    const condition = compileCondition(
      {
        path: "Documents[0].Statement[0]",
        "resources-within": {
          patterns: ["$params.ownSessions", "arn:aws:ec2:*"],
          action: "ssm:TerminateSession",
          policies: "$root.Documents",
        },
      },
      new Set(["ownSessions"]),
    );
    const documents = {
      Documents: [
        {
          Statement: [
            { Effect: "Allow", Action: "ssm:TerminateSession", Resource: "arn:aws:ssm:*:*:session/ops-*" },
          ],
        },
      ],
    };
    const memo = new ResourceVerdicts();
    const judged = (ownSessions: string) => {
      memo.clear();
      const root = { value: documents, path: "" };
      return condition.holds({
        current: root,
        scope: { root, params: { ownSessions }, bindings: null, memo },
      });
    };
    expect(judged("arn:aws:ssm:*:*:session/ops-*")).toBe(true);
    expect(judged("arn:aws:ssm:*:*:session/${aws:username}-*")).toBe(false);
    expect(judged("arn:aws:ssm:*:*:session/*")).toBe(true);
  });
});
