import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { renderRulePage } from "../../src/docs/rule-reference.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";

describe("renderRulePage", () => {
  it("takes its examples from a rule test file written as UTF-16, as the rule tester reads it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-rule-docs-"));
    await mkdir(join(dir, "network"));
    await copyFile(
      join(BUILTIN_RULES_DIR, "network", "instance-key-pair.yaml"),
      join(dir, "network", "instance-key-pair.yaml"),
    );
    const tests = await readFile(join(BUILTIN_RULES_DIR, "network", "instance-key-pair.test.yaml"), "utf8");
    await writeFile(
      join(dir, "network", "instance-key-pair.test.yaml"),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tests, "utf16le")]),
    );
    const [builtin] = (await loadRuleDirectories([BUILTIN_RULES_DIR])).rules.filter(
      (rule) => rule.metadata.id === "instance-key-pair",
    );
    const [copied] = (await loadRuleDirectories([dir])).rules;

    expect(await renderRulePage(copied!)).toBe(await renderRulePage(builtin!));
  });
});

const { rules: builtinRules } = await loadRuleDirectories([BUILTIN_RULES_DIR]);

describe("the Compliance section of a rule page", () => {
  const rules = builtinRules;
  const page = (id: string) => renderRulePage(rules.find((rule) => rule.metadata.id === id)!);

  it("lists each framework with its version and the controls, linking Security Hub's", async () => {
    const text = await page("ssh-from-internet");
    expect(text).toContain("| Compliance controls | CIS 6.3, 6.4; FSBP EC2.13, EC2.53, EC2.54 |");
    expect(text).toMatch(
      /\| \[CIS Amazon Web Services Foundations Benchmark\]\([^)]+\) \(`cis-aws-foundations`\) \| 7\.0\.0 \| 6\.3, 6\.4 \|/,
    );
    expect(text).toContain(
      "| 1.0.0 | [EC2.13](https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-13), ",
    );
  });

  it("says, with the framework's version, that no public control matches", async () => {
    const partly = await page("instance-managed-by-ssm");
    expect(partly).toMatch(/\(`cis-aws-foundations`\) \| 7\.0\.0 \| no public control \|/);
    const none = await page("instance-key-pair");
    expect(none).toContain("| Compliance controls | none |");
    expect(none).toMatch(/\(`aws-fsbp`\) \| 1\.0\.0 \| no public control \|/);
  });

  it("says so when a rule has not been mapped", async () => {
    const [rule] = rules;
    const unmapped = { ...rule!, metadata: { ...rule!.metadata, frameworks: undefined } };
    const text = await renderRulePage(unmapped);
    expect(text).toContain("| Compliance controls | not mapped |");
    expect(text).toContain("This rule is not mapped to compliance frameworks yet");
  });
});

describe("the condition section of a rule page", () => {
  it("shows the messages by id of a rule that has them", async () => {
    const [rule] = (await loadRuleDirectories([BUILTIN_RULES_DIR])).rules.filter(
      (candidate) => candidate.metadata.id === "instance-managed-by-ssm",
    );
    const page = await renderRulePage(rule!);
    expect(page).toContain("messages:\n  not-registered: ");
    expect(page).toContain("message: not-registered");
  });
});
