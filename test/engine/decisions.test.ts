import { describe, expect, it, vi } from "vitest";
import { DocumentDecisions, ElementVerdicts, Question } from "../../src/engine/condition/decisions.js";
import type { JsonObject } from "../../src/model/resource.js";

describe("answers about policy documents, kept for a run", () => {
  const allows = new Question("allows");
  const denies = new Question("denies");
  const first: JsonObject = { Statement: [{ Effect: "Allow", Action: "ssm:StartSession", Resource: "*" }] };
  const second: JsonObject = { Statement: [] };

  it("decides a question about the same documents once, whatever list holds them", () => {
    const decisions = new DocumentDecisions();
    let decided = 0;
    const decide = () => {
      decided++;
      return true;
    };
    expect(decisions.decide([first, second], allows, "ssm:StartSession", decide)).toBe(true);
    expect(decisions.decide([first, second], allows, "ssm:StartSession", decide)).toBe(true);
    expect(decided).toBe(1);
  });

  it("gives the deciding function the documents and the subject, kept or not", () => {
    const decisions = new DocumentDecisions();
    const asked: unknown[] = [];
    const decide = (documents: unknown, subject: string) => {
      asked.push([documents, subject]);
      return subject === "ssm:StartSession";
    };
    const documents = [first, second];
    expect(decisions.decide(documents, allows, "ssm:StartSession", decide)).toBe(true);
    expect(decisions.decide(documents, allows, "ssm:TerminateSession", decide)).toBe(false);
    expect(decisions.decide(["text"], allows, "ssm:StartSession", decide)).toBe(true);
    expect(asked).toEqual([
      [documents, "ssm:StartSession"],
      [documents, "ssm:TerminateSession"],
      [["text"], "ssm:StartSession"],
    ]);
  });

  it("keeps apart other questions, other documents, their order, and a document from a list of it", () => {
    const decisions = new DocumentDecisions();
    const answers = [
      decisions.decide([first, second], allows, "a", () => true),
      decisions.decide([first, second], allows, "b", () => false),
      decisions.decide([first, second], denies, "a", () => false),
      decisions.decide([second, first], allows, "a", () => false),
      decisions.decide([first], allows, "a", () => false),
      decisions.decide(first, allows, "a", () => true),
      decisions.decide([], allows, "a", () => false),
    ];
    expect(answers).toEqual([true, false, false, false, false, true, false]);
  });

  it("finds a document asked about several subjects in a row once, and still tells documents apart", () => {
    const decisions = new DocumentDecisions();
    const statement = first.Statement as JsonObject[];
    const lookups = vi.spyOn(WeakMap.prototype, "get");
    try {
      for (const action of ["a", "b", "c", "d", "e"]) {
        decisions.decide(statement[0]!, denies, action, (_, subject) => subject === "c");
      }
      expect(lookups.mock.calls.filter(([key]) => key === statement[0]).length).toBe(1);
    } finally {
      lookups.mockRestore();
    }
    expect(decisions.decide(statement[0]!, denies, "c", () => false)).toBe(true);
    expect(decisions.decide(second, denies, "c", () => false)).toBe(false);
    expect(decisions.decide(statement[0]!, denies, "c", () => false)).toBe(true);
    expect(decisions.decide([statement[0]!], denies, "c", () => false)).toBe(false);
  });

  it("decides every time when an item is not an object it can recognise", () => {
    const decisions = new DocumentDecisions();
    let decided = 0;
    const decide = () => ++decided > 0;
    decisions.decide(["text"], allows, "a", decide);
    decisions.decide("text", allows, "a", decide);
    decisions.decide("text", allows, "a", decide);
    expect(decided).toBe(3);
  });

  it("stops keeping the answers of a question whose documents never recur, and still answers it", () => {
    const decisions = new DocumentDecisions();
    const documents = Array.from({ length: 3000 }, (_, index) => ({ Statement: [{ Sid: `s${index}` }] }));
    let decided = 0;
    const decide = () => ++decided % 2 === 0;
    for (const document of documents) decisions.decide(document, allows, "a", decide);
    const again = decisions.decide(documents[0]!, allows, "a", () => {
      decided++;
      return false;
    });
    expect(again).toBe(false);
    expect(decided).toBe(3001);
    // Other questions keep theirs.
    let other = 0;
    decisions.decide(first, denies, "a", () => ++other > 0);
    decisions.decide(first, denies, "a", () => ++other > 0);
    expect(other).toBe(1);
  });
});

describe("explanations of elements, kept for a run", () => {
  const params = {};

  it("keeps the explanation of an element that recurs", () => {
    const explanations = new ElementVerdicts().explanationsOf(0, params);
    const shared = { PolicyName: "ssm" };
    explanations.set(shared, "explained");
    for (let index = 0; index < 3000; index++) expect(explanations.get(shared)).toBe("explained");
    expect(explanations.pays()).toBe(true);
  });

  it("stops keeping explanations once elements are seen to be each resource's own", () => {
    const verdicts = new ElementVerdicts();
    const explanations = verdicts.explanationsOf(0, params);
    expect(explanations.pays()).toBe(true);
    const kept = { PolicyName: "kept" };
    explanations.set(kept, "explained");
    for (let index = 0; index < 3000; index++) {
      const own = { FromPort: index };
      expect(explanations.get(own)).toBeUndefined();
      explanations.set(own, "explained");
    }
    expect(explanations.pays()).toBe(false);
    // Given up, the table holds nothing, and the same part and parameters stay given up.
    expect(explanations.get(kept)).toBeUndefined();
    expect(verdicts.explanationsOf(0, params).pays()).toBe(false);
    // Nor does it keep anything again, however much it is asked.
    explanations.set(kept, "explained");
    for (let index = 0; index < 1000; index++) expect(explanations.get(kept)).toBeUndefined();
    expect(explanations.pays()).toBe(false);
  });

  it("starts again for other parameters", () => {
    const verdicts = new ElementVerdicts();
    const explanations = verdicts.explanationsOf(0, params);
    for (let index = 0; index < 3000; index++) explanations.get({ FromPort: index });
    expect(explanations.pays()).toBe(false);
    expect(verdicts.explanationsOf(0, {}).pays()).toBe(true);
  });
});
