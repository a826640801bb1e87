import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import { parseConfiguration } from "../../src/config/config-file.js";
import { REPO } from "../support/cli.js";

/** The configuration schema as editors and SchemaStore use it. */

const schema = loadSchema("config.schema.json") as Record<string, unknown>;

describe("schemas/config.schema.json for editors and SchemaStore", () => {
  it("identifies itself: $schema, $id, title and description", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toMatch(/^https:\/\/.+\/config\.schema\.json$/);
    expect(schema.title).toBeTruthy();
    expect(String(schema.description)).toContain(".access-baseline.yml");
  });

  it("accepts a file that starts with the modeline the README documents", async () => {
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(readme);
    expect(modeline).not.toBeNull();
    expect(modeline![1]).toMatch(/schemas\/config\.schema\.json$/);
    expect(() =>
      parseConfiguration(`${modeline![0]}\nfail-on: warning\n`, ".access-baseline.yml"),
    ).not.toThrow();
  });
});
