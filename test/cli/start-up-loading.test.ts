import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, REPO } from "../support/cli.js";

/**
 * A command loads what it uses and nothing else: the built CLI runs under a module-resolution hook
 * that logs every module the program resolves. Checking a template loads no schema compiler, no
 * snapshot reader, no plan reader and no renderer beyond the one it writes; checking a snapshot
 * loads the snapshot reader, which proves the hook sees it.
 */

let dir: string;
let hook: string;
let template: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-start-up-"));
  await writeFile(
    join(dir, "hooks.mjs"),
    [
      'import { appendFileSync } from "node:fs";',
      "export async function resolve(specifier, context, next) {",
      "  const resolved = await next(specifier, context);",
      '  appendFileSync(process.env.MODULE_LOG, resolved.url + "\\n");',
      "  return resolved;",
      "}",
      "",
    ].join("\n"),
  );
  hook = join(dir, "register.mjs");
  await writeFile(
    hook,
    'import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n',
  );
  template = join(dir, "template.yaml");
  await writeFile(
    template,
    [
      "Resources:",
      "  Web:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Properties:",
      "      GroupDescription: web",
      "      SecurityGroupIngress:",
      "        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8 }",
      "",
    ].join("\n"),
  );
});

async function modulesLoadedBy(args: string[], log: string): Promise<string[]> {
  const result = spawnSync(process.execPath, ["--import", hook, join(REPO, "dist/cli/bin.js"), ...args], {
    cwd: REPO,
    encoding: "utf8",
    env: { PATH: process.env.PATH, MODULE_LOG: log },
  });
  expect(result.stderr).not.toMatch(/internal error/);
  return (await readFile(log, "utf8")).split("\n").filter(Boolean);
}

describe("start-up", () => {
  it("checking a template loads neither ajv, the snapshot and plan readers, nor other renderers", async () => {
    const loaded = await modulesLoadedBy(
      ["check", template, "--fail-on", "never"],
      join(dir, "template.log"),
    );
    expect(loaded.some((url) => url.endsWith("/dist/sources/cloudformation/file.js"))).toBe(true);
    expect(loaded.some((url) => url.endsWith("/dist/report/text.js"))).toBe(true);
    for (const unused of [
      "/node_modules/ajv/",
      "/dist/sources/snapshot.js",
      "/dist/sources/terraform/plan.js",
      "/dist/report/sarif.js",
      "/dist/report/asff.js",
      "/dist/report/junit.js",
      "/dist/engine/rule-tester.js",
      "/dist/docs/rule-reference.js",
    ]) {
      expect(loaded.filter((url) => url.includes(unused))).toEqual([]);
    }
  });

  it("a command loads no other command's modules", async () => {
    const loaded = await modulesLoadedBy(
      ["check", template, "--fail-on", "never"],
      join(dir, "commands.log"),
    );
    expect(loaded.some((url) => url.endsWith("/dist/cli/commands/check.js"))).toBe(true);
    for (const unused of [
      "/dist/cli/commands/collect.js",
      "/dist/cli/commands/rules.js",
      "/dist/cli/commands/report.js",
      "/dist/campaign/",
    ]) {
      expect(loaded.filter((url) => url.includes(unused))).toEqual([]);
    }
  });

  it("checking a JSON template without a configuration file reads no YAML: no rule files, configuration or YAML template reader", async () => {
    const json = join(dir, "template.json");
    await writeFile(
      json,
      JSON.stringify({
        Resources: {
          Web: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "web" } },
        },
      }),
    );
    const loaded = await modulesLoadedBy(["check", json, "--fail-on", "never"], join(dir, "json.log"));
    expect(loaded.some((url) => url.endsWith("/dist/engine/rule-directories.js"))).toBe(true);
    for (const unused of [
      "/dist/engine/rule-loader.js",
      "/dist/engine/rule-validator.generated.js",
      "/dist/config/config-file.js",
      "/dist/sources/cloudformation/yaml.js",
    ]) {
      expect(loaded.filter((url) => url.includes(unused))).toEqual([]);
    }
  });

  it("the program's help still lists every command", () => {
    const result = spawnSync(process.execPath, [join(REPO, "dist/cli/bin.js"), "--debug", "--help"], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    for (const command of ["check", "collect", "rules", "report"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    }
  });

  it("checking a snapshot loads its reader, and no ajv", async () => {
    const loaded = await modulesLoadedBy(
      ["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "sarif", "--fail-on", "never"],
      join(dir, "snapshot.log"),
    );
    expect(loaded.some((url) => url.endsWith("/dist/sources/snapshot.js"))).toBe(true);
    expect(loaded.some((url) => url.endsWith("/dist/report/sarif.js"))).toBe(true);
    expect(loaded.filter((url) => url.includes("/node_modules/ajv/"))).toEqual([]);
    expect(loaded.filter((url) => url.endsWith("/dist/report/text.js"))).toEqual([]);
  });
});
