import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileCondition, ConditionError } from "../../src/engine/condition/compile.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { testRule } from "../../src/engine/rule-tester.js";
import type { JsonObject } from "../../src/model/resource.js";

/**
 * `matches` runs patterns written in rules against names and values from the data, which anyone
 * who can create a resource chooses: matching must take linear time whatever the pattern.
 */

function judge(condition: unknown, document: JsonObject): boolean {
  const compiled = compileCondition(condition, new Set());
  const root = { value: document, path: "" };
  const state = { current: root, scope: { root, params: {}, bindings: null } };
  const explained = compiled.explain(state);
  expect(compiled.holds(state)).toBe(explained.ok);
  return explained.ok;
}

describe("matches", () => {
  it("finishes on a pattern that backtracks exponentially in a backtracking engine", () => {
    const name = `${"a".repeat(33)}!`;
    expect(judge({ path: "Name", matches: "^(a+)+$" }, { Name: name })).toBe(false);
    expect(judge({ path: "Name", matches: "^(a+)+$" }, { Name: "a".repeat(33) })).toBe(true);
  });

  it.each([
    ["^SSM-", "SSM-SessionManagerRunShell", true],
    ["\\S", "   ", false],
    ["\\S", " x ", true],
    ["^\\p{L}+$", "Ünïcödé", true],
    ["^.$", "😀", true],
  ])("%s on %j → %s", (pattern, name, ok) => {
    expect(judge({ path: "Name", matches: pattern }, { Name: name })).toBe(ok);
  });

  it("does not match what is not a string", () => {
    expect(judge({ path: "Port", matches: "^22$" }, { Port: 22 })).toBe(false);
  });

  it("cannot decide a value that is not a string in applies-when, where not matching is not applicable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "matches-applies-when-"));
    await writeFile(
      join(dir, "open-groups.yaml"),
      `id: open-groups
title: t
severity: error
security-severity: 5
description: d
rationale: r
remediation: m
tags: [test]
resource: AWS::EC2::SecurityGroup
applies-when: { path: Description, matches: "^web" }
condition: { path: GroupName, exists: true }
message: "{id}"
`,
    );
    await writeFile(
      join(dir, "open-groups.test.yaml"),
      `pass:
  - name: a web group with a name
    resource: { GroupId: sg-1, Description: web, GroupName: w }
fail:
  - name: a web group without one
    resource: { GroupId: sg-2, Description: web }
not_applicable:
  - name: another group
    resource: { GroupId: sg-3, Description: db }
error:
  - name: a list of descriptions is not one
    resource: { GroupId: sg-4, Description: [db, web] }
    message: "Description is a list, not a string"
`,
    );
    const { rules, problems } = await loadRuleDirectories([dir], dir);
    expect(problems).toEqual([]);
    const report = await testRule(rules[0]!, dir);
    expect(report.problems).toEqual([]);
    expect(report.cases.map((outcome) => outcome.failure)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("cannot decide a value that is not a string where not matching would pass", () => {
    const group: JsonObject = { Cidrs: ["0.0.0.0/0"], Port: 22 };
    const world = "^0\\.0\\.0\\.0/0$";
    expect(() => judge({ not: { path: "Cidrs", matches: world } }, group)).toThrow(
      "cannot decide: Cidrs is a list, not a string",
    );
    expect(() => judge({ not: { path: "Port", "starts-with": "2" } }, group)).toThrow(
      "cannot decide: Port is the number 22, not a string",
    );
    expect(() => judge({ none: { in: "[Port]", where: { matches: "^22$" } } }, group)).toThrow(
      "not a string",
    );
    // A missing value is no text: it does not match, wherever the test stands.
    expect(judge({ not: { path: "Name", matches: "^x" } }, group)).toBe(true);
  });

  it.each([
    ["(a)\\1", "backreference"],
    ["a(?=b)", "lookahead"],
    ["a(?!b)", "negative lookahead"],
    ["(?<=a)b", "lookbehind"],
  ])("refuses %s (a %s) when the condition is compiled, naming the pattern", (pattern) => {
    try {
      compileCondition({ path: "Name", matches: pattern }, new Set());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConditionError);
      expect((error as Error).message).toContain(JSON.stringify(pattern));
      expect((error as Error).message).toMatch(/linear time/);
      expect((error as ConditionError).pointer).toEqual(["matches"]);
    }
  });

  it("refuses a rule file with such a pattern, naming the file, the line and the pattern", async () => {
    const good = join(import.meta.dirname, "..", "fixtures", "rules", "good", "group-has-description.yaml");
    const text = (await readFile(good, "utf8")).replace("  empty: false\n", '  matches: "^(sg)-\\\\1$"\n');
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-matches-"));
    await writeFile(join(dir, "group-has-description.yaml"), text);
    const { rules, problems } = await loadRuleDirectories([dir], dir);
    expect(rules).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "group-has-description.yaml", line: 13 });
    expect(problems[0]!.message).toContain('"^(sg)-\\\\1$"');
    expect(problems[0]!.message).toMatch(/backreferences|lookaround/);
  });
});
