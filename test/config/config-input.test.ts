import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfiguration, parseConfiguration } from "../../src/config/config-file.js";
import { ConfigError } from "../../src/errors.js";
import { MAX_ALIAS_NODES } from "../../src/util/yaml-position.js";

/** Reading `.access-baseline.yml`: encodings, keys written twice, and aliases, as for every input. */

const CONFIG = "fail-on: warning\nrules:\n  ssh-from-internet:\n    severity: error\n";

async function configFile(bytes: Buffer | string): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), "access-baseline-config-"));
  const path = join(dir, ".access-baseline.yml");
  await writeFile(path, bytes);
  return { dir, path };
}

async function loadProblem(bytes: Buffer | string): Promise<string> {
  const { dir, path } = await configFile(bytes);
  try {
    await loadConfiguration(path, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

function parseProblem(text: string): string {
  try {
    parseConfiguration(text, ".access-baseline.yml");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("reading the configuration file", () => {
  it("reads UTF-16 with a byte-order mark, as PowerShell writes it", async () => {
    const { dir, path } = await configFile(Buffer.from(`\uFEFF${CONFIG}`, "utf16le"));
    const configuration = await loadConfiguration(path, dir);
    expect(configuration.failOn).toBe("warning");
  });

  it("refuses UTF-16 without a byte-order mark, naming the file", async () => {
    expect(await loadProblem(Buffer.from(CONFIG, "utf16le"))).toBe(
      ".access-baseline.yml: not UTF-8 or UTF-16 text (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark)",
    );
  });

  it("refuses a key written twice, naming it and both lines", () => {
    expect(parseProblem("fail-on: warning\nrules: {}\nfail-on: never\n")).toBe(
      '.access-baseline.yml:3:1: invalid YAML: duplicate key "fail-on" (first written at line 1)',
    );
  });

  it("refuses an alias bomb with a clear message rather than failing", () => {
    const levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (const [index, name] of ["b", "c", "d", "e", "f", "g"].entries())
      levels.push(
        `${name}: &${name} [${Array.from({ length: 10 }, () => `*${"abcdef"[index]}`).join(", ")}]`,
      );
    expect(parseProblem(levels.join("\n"))).toMatch(
      new RegExp(
        `^\\.access-baseline\\.yml:\\d+:\\d+: invalid YAML: YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes; this looks like an alias bomb and is not read$`,
      ),
    );
  });
});
