import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/assets.js";
// @ts-expect-error: the lint configuration is JavaScript without type declarations
import { LAYERS, layering } from "../../eslint.config.js";

/**
 * The import layering that `npm test` enforces through ESLint: each stage of the pipeline may use
 * earlier ones only. Linted here on sample files, so that a configuration that stopped catching
 * wrong imports would fail.
 */
const eslint = new ESLint({
  cwd: PACKAGE_ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser } }, ...(layering as [])],
});

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${PACKAGE_ROOT}/${file}` });
  return result!.messages.map((message) => message.message);
}

describe("import layering", () => {
  it.each([
    [
      "src/engine/evaluate.ts",
      'import type { SourceData } from "../sources/source.js";',
      "src/engine/ must not import src/sources/",
    ],
    [
      "src/engine/condition/compile.ts",
      'import { x } from "../../config/config-file.js";',
      "src/engine/ must not import src/config/",
    ],
    [
      "src/report/json.ts",
      'import { x } from "../sources/files.js";',
      "src/report/ must not import src/sources/",
    ],
    [
      "src/model/inventory.ts",
      'import { x } from "../engine/evaluate.js";',
      "src/model/ must not import src/engine/",
    ],
    [
      "src/sources/aws/collector.ts",
      'import { x } from "../../pipeline/run.js";',
      "src/sources/ must not import src/pipeline/",
    ],
    ["src/pipeline/run.ts", 'import { x } from "../cli/main.js";', "src/pipeline/ must not import src/cli/"],
    ["src/lambda/handler.ts", 'import { x } from "../cli/io.js";', "src/lambda/ must not import src/cli/"],
    ["src/campaign/view.ts", 'import { x } from "../cli/main.js";', "src/campaign/ must not import src/cli/"],
    [
      "src/campaign/history.ts",
      'import { x } from "../sources/snapshot.js";',
      "src/campaign/ must not import src/sources/",
    ],
    [
      "src/report/json.ts",
      'import { x } from "../campaign/view.js";',
      "src/report/ must not import src/campaign/",
    ],
  ])("refuses a later stage imported by %s", async (file, code, expected) => {
    expect((await problems(file, `${code}\nexport const y = 1;\n`)).join("\n")).toContain(expected);
  });

  it.each([
    ["src/engine/evaluate.ts", 'import type { Resource } from "../model/resource.js";'],
    ["src/sources/aws/collector.ts", 'import { x } from "../normalize.js";'],
    ["src/sources/config-item/item.ts", 'import { x } from "../../model/input-problem.js";'],
    ["src/cli/main.ts", 'import { x } from "../pipeline/run.js";'],
    ["src/lambda/handler.ts", 'import { x } from "../pipeline/run.js";'],
    ["src/campaign/run-file.ts", 'import { x } from "../report/json.js";'],
    ["src/cli/commands/report.ts", 'import { x } from "../../campaign/index.js";'],
  ])("allows an earlier stage imported by %s", async (file, code) => {
    expect(await problems(file, `${code}\nexport const y = 1;\n`)).toEqual([]);
  });

  it("names every folder of src/ that holds code", async () => {
    const { readdir } = await import("node:fs/promises");
    const folders = (await readdir(`${PACKAGE_ROOT}/src`, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(Object.keys(LAYERS as Record<string, string[]>).sort()).toEqual(folders);
  });
});
