import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import {
  readBuiltinRulePack,
  ruleFilesDigest,
  type BuiltinRulePack,
} from "../../src/engine/builtin-rule-pack.js";
import { loadRuleDirectories, type PrebuiltRuleDirectory } from "../../src/engine/rule-directories.js";
import type { Rule } from "../../src/engine/rule.js";
import { REPO } from "../support/cli.js";

/**
 * The built-in rule pack the build stores in dist/: the rules compiled from it are the rules
 * compiled from rules/, and a pack that no longer describes rules/ is never used.
 */

const BUILT_PACK = join(REPO, "dist", "engine", "builtin-rules.json");
const GOOD = join(import.meta.dirname, "..", "fixtures", "rules", "good");

/** What a compiled rule is, without its compiled functions (which cannot be compared). */
function comparable(rule: Rule) {
  return {
    metadata: rule.metadata,
    path: rule.path,
    dependsOn: rule.dependsOn,
    params: rule.params,
    liveOnly: rule.liveOnly,
    definition: rule.definition,
    hasAppliesWhen: rule.appliesWhen !== undefined,
  };
}

async function packOf(dir: string): Promise<BuiltinRulePack> {
  const { rules, problems } = await loadRuleDirectories([dir], dir);
  expect(problems).toEqual([]);
  return {
    digest: ruleFilesDigest(dir),
    rules: rules.map((rule) => ({
      file: rule.metadata.file,
      definition: JSON.parse(JSON.stringify(rule.definition)),
    })),
  };
}

async function writePack(pack: BuiltinRulePack): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "access-baseline-pack-")), "builtin-rules.json");
  await writeFile(file, JSON.stringify(pack));
  return file;
}

describe("the built-in rule pack", () => {
  it("in dist/ is current: it holds what the loader reads from rules/ (run `npm run build` when this fails)", async () => {
    const built = JSON.parse(await readFile(BUILT_PACK, "utf8")) as BuiltinRulePack;
    expect(built).toEqual(await packOf(BUILTIN_RULES_DIR));
  });

  it("compiles to the same rules, in the same order, as the rule files", async () => {
    const pack = readBuiltinRulePack(BUILTIN_RULES_DIR, await writePack(await packOf(BUILTIN_RULES_DIR)));
    expect(pack).toBeDefined();
    const fromFiles = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO);
    const fromPack = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO, pack);
    expect(fromPack.problems).toEqual([]);
    expect(fromPack.rules.map(comparable)).toEqual(fromFiles.rules.map(comparable));
    expect(fromPack.rules.length).toBeGreaterThan(0);
  });

  it("reports a rule id defined again in another directory as the rule files do", async () => {
    const rules = join(await mkdtemp(join(tmpdir(), "access-baseline-pack-rules-")), "rules");
    await cp(GOOD, rules, { recursive: true });
    const prebuilt: PrebuiltRuleDirectory = { dir: rules, rules: (await packOf(rules)).rules };
    const fromFiles = await loadRuleDirectories([rules, GOOD], REPO);
    const fromPack = await loadRuleDirectories([rules, GOOD], REPO, prebuilt);
    expect(fromFiles.problems.length).toBeGreaterThan(0);
    expect(fromPack.problems).toEqual(fromFiles.problems);
    expect(fromPack.rules.map(comparable)).toEqual(fromFiles.rules.map(comparable));
  });

  it("is not used once a rule file was edited, added or removed after the build", async () => {
    const rules = join(await mkdtemp(join(tmpdir(), "access-baseline-pack-rules-")), "rules");
    await cp(GOOD, rules, { recursive: true });
    const packFile = await writePack(await packOf(rules));
    expect(readBuiltinRulePack(rules, packFile)).toBeDefined();

    const [first] = (await packOf(rules)).rules;
    const path = join(rules, first!.file);
    const original = await readFile(path, "utf8");
    await writeFile(path, original.replace(/^title: .*$/m, "title: Edited after the build"));
    expect(readBuiltinRulePack(rules, packFile)).toBeUndefined();

    await writeFile(path, original);
    expect(readBuiltinRulePack(rules, packFile)).toBeDefined();
    await writeFile(join(rules, "added.yaml"), original.replace(/^id: .*$/m, "id: added-after-the-build"));
    expect(readBuiltinRulePack(rules, packFile)).toBeUndefined();
  });

  it("is not used when it is missing or unreadable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-pack-"));
    expect(readBuiltinRulePack(BUILTIN_RULES_DIR, join(dir, "missing.json"))).toBeUndefined();
    await writeFile(join(dir, "broken.json"), "{ not json");
    expect(readBuiltinRulePack(BUILTIN_RULES_DIR, join(dir, "broken.json"))).toBeUndefined();
    await writeFile(join(dir, "other.json"), JSON.stringify({ rules: [] }));
    expect(readBuiltinRulePack(BUILTIN_RULES_DIR, join(dir, "other.json"))).toBeUndefined();
  });
});
