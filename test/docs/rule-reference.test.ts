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
