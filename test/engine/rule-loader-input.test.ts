import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { testRule } from "../../src/engine/rule-tester.js";
import { MAX_ALIAS_NODES } from "../../src/util/yaml-position.js";

/** Reading rule files and rule tests: encodings, keys written twice, and aliases, as for every input. */

const GOOD = join(import.meta.dirname, "..", "fixtures", "rules", "good");
const RULE = "group-has-description.yaml";

async function ruleDirectory(bytes: Buffer | string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "access-baseline-rules-"));
  await writeFile(join(dir, RULE), bytes);
  return dir;
}

async function goodRuleText(): Promise<string> {
  return readFile(join(GOOD, RULE), "utf8");
}

describe("reading rule files", () => {
  it("reads UTF-16 LE and BE with a byte-order mark", async () => {
    const text = `\uFEFF${await goodRuleText()}`;
    for (const bytes of [Buffer.from(text, "utf16le"), Buffer.from(text, "utf16le").swap16()]) {
      const dir = await ruleDirectory(bytes);
      const { rules, problems } = await loadRuleDirectories([dir], dir);
      expect(problems).toEqual([]);
      expect(rules.map((rule) => rule.metadata.id)).toEqual(["group-has-description"]);
    }
  });

  it("reports a rule file that is not text, naming it, and loads nothing from it", async () => {
    const dir = await ruleDirectory(Buffer.from(await goodRuleText(), "utf16le"));
    const { rules, problems } = await loadRuleDirectories([dir], dir);
    expect(rules).toEqual([]);
    expect(problems).toEqual([
      {
        file: RULE,
        message:
          "not UTF-8 or UTF-16 text (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark)",
      },
    ]);
  });

  it("reports a key written twice, naming it and both lines", async () => {
    const text = (await goodRuleText()).replace("severity: note\n", "severity: note\nseverity: error\n");
    const dir = await ruleDirectory(text);
    const { problems } = await loadRuleDirectories([dir], dir);
    expect(problems).toEqual([
      {
        file: RULE,
        line: 5,
        column: 1,
        message: 'invalid YAML: duplicate key "severity" (first written at line 4)',
      },
    ]);
  });

  it("reports an alias bomb with a clear message", async () => {
    const levels = ['x-a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (const [index, name] of ["b", "c", "d", "e", "f", "g"].entries())
      levels.push(
        `x-${name}: &${name} [${Array.from({ length: 10 }, () => `*${"abcdef"[index]}`).join(", ")}]`,
      );
    const dir = await ruleDirectory(`${await goodRuleText()}${levels.join("\n")}\n`);
    const { problems } = await loadRuleDirectories([dir], dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe(
      `invalid YAML: YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes; this looks like an alias bomb and is not read`,
    );
    expect(problems[0]?.line).toBeGreaterThan(1);
  });
});

describe("reading rule tests", () => {
  it("reads a UTF-16 test file and reports one written twice over a key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-rule-tests-"));
    await mkdir(dir, { recursive: true });
    await copyFile(join(GOOD, RULE), join(dir, RULE));
    const tests = await readFile(join(GOOD, "group-has-description.test.yaml"), "utf8");
    const testFile = join(dir, "group-has-description.test.yaml");
    const { rules } = await loadRuleDirectories([dir], dir);
    const rule = rules[0]!;

    await writeFile(testFile, Buffer.from(`\uFEFF${tests}`, "utf16le"));
    const read = await testRule(rule, dir);
    expect(read.problems).toEqual([]);
    expect(read.cases.length).toBeGreaterThan(0);

    await writeFile(testFile, tests.replace("pass:\n", "pass: []\npass:\n"));
    const duplicate = await testRule(rule, dir);
    expect(duplicate.problems).toEqual([
      {
        file: "group-has-description.test.yaml",
        line: 2,
        column: 1,
        message: 'invalid YAML: duplicate key "pass" (first written at line 1)',
      },
    ]);
  });

  it("fails a case whose resource holds a field its type cannot have", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-rule-tests-"));
    await copyFile(join(GOOD, RULE), join(dir, RULE));
    const { rules } = await loadRuleDirectories([dir], dir);
    await writeFile(
      join(dir, "group-has-description.test.yaml"),
      `pass:
  - name: misspelt
    resource: { GroupId: sg-1, Descripton: web servers, Description: web }
  - name: misspelt inside a permission
    resource: { GroupId: sg-1, Description: web, IpPermissions: [{ IpRanges: [{ CidrIP: 0.0.0.0/0 }] }] }
  - name: an unknown and a field of an open object are fine
    resource: { GroupId: sg-1, Description: web, VpcId: { $unknown: "known after apply" } }
fail:
  - name: no description
    resource: { GroupId: sg-2 }
`,
    );
    const report = await testRule(rules[0]!, dir);
    expect(report.cases.map((outcome) => outcome.failure)).toEqual([
      expect.stringMatching(/^the case's resource holds Descripton: no field "Descripton" can exist there/),
      expect.stringMatching(/holds IpPermissions\[0\]\.IpRanges\[0\]\.CidrIP: .*did you mean CidrIp\?/),
      undefined,
      undefined,
    ]);
  });
});
