import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { FRAMEWORKS, frameworkEntries } from "../../src/engine/frameworks.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { REPO } from "../support/cli.js";

/**
 * Every built-in rule says which public controls it implements, or that none does, in the
 * framework versions the project maps; and docs/compliance-frameworks.md, where the mapping is
 * explained and sourced, says the same.
 */
const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO);
const guide = await readFile(join(REPO, "docs", "compliance-frameworks.md"), "utf8");

/** Rows of the guide's mapping tables: rule id → [CIS controls, FSBP controls]. */
function guideRows(): Map<string, [string, string]> {
  const rows = new Map<string, [string, string]>();
  for (const line of guide.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const id = /^`([a-z0-9-]+)`$/.exec(cells[1] ?? "")?.[1];
    if (id !== undefined && cells.length > 4) rows.set(id, [cells[2]!, cells[3]!]);
  }
  return rows;
}

function cell(controls: string[] | undefined): string {
  return controls?.join(", ") ?? "—";
}

describe("the built-in rules' compliance mapping", () => {
  for (const rule of rules) {
    describe(rule.metadata.id, () => {
      it("names its controls, or says that no public control matches", () => {
        expect(rule.metadata.frameworks).toBeDefined();
      });

      it("uses the framework versions the project maps", () => {
        for (const [id, entry] of frameworkEntries(rule.metadata.frameworks)) {
          expect(entry.version, id).toBe(FRAMEWORKS[id].version);
        }
      });

      it("agrees with docs/compliance-frameworks.md", () => {
        const row = guideRows().get(rule.metadata.id);
        expect(row, "no row in docs/compliance-frameworks.md").toBeDefined();
        const frameworks = rule.metadata.frameworks ?? {};
        expect(row).toEqual([
          cell(frameworks["cis-aws-foundations"]?.controls),
          cell(frameworks["aws-fsbp"]?.controls),
        ]);
      });
    });
  }
});
