import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a build script written in JavaScript, without type declarations
import { REQUIRE_BANNER, withRequireWhereNamed } from "../../scripts/bundle-cli.mjs";
import { REPO } from "../support/cli.js";

/**
 * The bundled command gives `require` (scripts/bundle-cli.mjs) only to the files that name it. A
 * file that needs it and lacks it fails with a ReferenceError, and perhaps only on a path that
 * is seldom taken (an AWS SDK client reading its configuration), so both the rule and the built
 * files are checked.
 */
describe("the require line of the bundled command", () => {
  it("is dropped from a file that does not name require", () => {
    const text = `${REQUIRE_BANNER}\nvar message="a value is required";export{message};`;
    expect(withRequireWhereNamed(text)).toBe('var message="a value is required";export{message};');
  });

  it("stays, after the hashbang, in a file that names require in any way", () => {
    for (const body of [
      'var fs=require("node:fs");',
      'var __require=(x=>typeof require<"u"?require:x);',
      "var resolve=module.require;",
      "var $=require;",
    ]) {
      const text = `#!/usr/bin/env node\n${REQUIRE_BANNER}\n${body}`;
      expect(withRequireWhereNamed(text)).toBe(text);
    }
  });

  it("is in every built file that names require, and in the one that holds __require", () => {
    const dir = join(REPO, "dist", "cli");
    const files = [
      join(dir, "bin.js"),
      ...readdirSync(join(dir, "chunks"))
        .filter((name) => name.endsWith(".mjs"))
        .map((name) => join(dir, "chunks", name)),
    ];
    const holdsRequireHelper = files.filter((file) => readFileSync(file, "utf8").includes("__require="));
    expect(holdsRequireHelper).toHaveLength(1);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const body = text.replace(REQUIRE_BANNER, "");
      if (/(?<![\w$])require(?![\w$])/u.test(body)) expect(text, file).toContain(REQUIRE_BANNER);
    }
  });
});

describe("the bundled command's files", () => {
  it("are the entry bin.js and chunks named .mjs, which Node loads as ES modules without a package.json lookup", () => {
    const dir = join(REPO, "dist", "cli");
    const bundle = JSON.parse(readFileSync(join(dir, "bundle.json"), "utf8")) as {
      outputs: Record<string, string[]>;
    };
    const outputs = Object.keys(bundle.outputs);
    expect(outputs).toContain("bin.js");
    expect(outputs.filter((output) => output !== "bin.js" && !/^chunks\/[^/]+\.mjs$/u.test(output))).toEqual(
      [],
    );
    expect(readdirSync(join(dir, "chunks")).sort()).toEqual(
      outputs
        .filter((output) => output.startsWith("chunks/"))
        .map((output) => output.slice("chunks/".length))
        .sort(),
    );
    expect(readFileSync(join(dir, "bin.js"), "utf8")).toMatch(/from"\.\/chunks\/[^"]+\.mjs"/u);
  });
});
