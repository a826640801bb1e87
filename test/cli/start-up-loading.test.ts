import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, REPO } from "../support/cli.js";
import { modulesLoadedBy } from "../support/module-log.js";

/**
 * A command loads what it uses and nothing else: the built command runs under a module-resolution
 * hook, and the chunks it loaded are expanded into the sources they hold (test/support/module-log.ts).
 * Checking a template loads no schema compiler, no snapshot reader, no plan reader and no renderer
 * beyond the one it writes; checking a snapshot loads the snapshot reader, which proves the hook
 * sees it.
 */

let dir: string;
let template: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-start-up-"));
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

async function modulesLoaded(args: string[], log: string): Promise<string[]> {
  const result = await modulesLoadedBy(args, { log });
  expect(result.stderr).not.toMatch(/internal error/);
  return result.modules;
}

describe("start-up", () => {
  it("checking a template loads neither ajv, the snapshot and plan readers, nor other renderers", async () => {
    const loaded = await modulesLoaded(["check", template, "--fail-on", "never"], join(dir, "template.log"));
    expect(loaded).toContain("src/sources/cloudformation/file.ts");
    expect(loaded).toContain("src/report/text.ts");
    for (const unused of [
      "node_modules/ajv/",
      "src/sources/snapshot.ts",
      "src/sources/terraform/plan.ts",
      "src/report/sarif.ts",
      "src/report/asff.ts",
      "src/report/junit.ts",
      "src/engine/rule-tester.ts",
      "src/docs/rule-reference.ts",
    ]) {
      expect(loaded.filter((url) => url.startsWith(unused))).toEqual([]);
    }
  });

  it("a command loads no other command's modules", async () => {
    const loaded = await modulesLoaded(["check", template, "--fail-on", "never"], join(dir, "commands.log"));
    expect(loaded).toContain("src/cli/commands/check.ts");
    for (const unused of [
      "src/cli/commands/collect.ts",
      "src/cli/commands/rules.ts",
      "src/cli/commands/report.ts",
      "src/campaign/",
    ]) {
      expect(loaded.filter((url) => url.startsWith(unused))).toEqual([]);
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
    const loaded = await modulesLoaded(["check", json, "--fail-on", "never"], join(dir, "json.log"));
    expect(loaded).toContain("src/engine/rule-directories.ts");
    for (const unused of [
      "src/engine/rule-loader.ts",
      "src/engine/rule-validator.generated.ts",
      "src/config/config-file.ts",
      "src/sources/cloudformation/yaml.ts",
    ]) {
      expect(loaded.filter((url) => url.startsWith(unused))).toEqual([]);
    }
  });

  it("checking a JSON template without SSM documents loads no YAML parser; one with a document loads it", async () => {
    const groups = join(dir, "groups.json");
    await writeFile(
      groups,
      JSON.stringify({
        Resources: {
          Web: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "web" } },
        },
      }),
    );
    const yamlParser = (loaded: string[]): string[] =>
      loaded.filter(
        (module) =>
          module.includes("node_modules/yaml/") ||
          module === "src/util/yaml-position.ts" ||
          module === "src/sources/aws/normalize.ts" ||
          module === "src/sources/cloudformation/normalize/ssm-document.ts",
      );
    const withoutDocuments = await modulesLoaded(
      ["check", groups, "--fail-on", "never"],
      join(dir, "groups.log"),
    );
    expect(withoutDocuments).toContain("src/sources/cloudformation/normalize/security-group.ts");
    expect(yamlParser(withoutDocuments)).toEqual([]);

    const preferences = join(dir, "preferences.json");
    await writeFile(
      preferences,
      JSON.stringify({
        Resources: {
          Preferences: {
            Type: "AWS::SSM::Document",
            Properties: {
              Name: "SSM-SessionManagerRunShell",
              DocumentType: "Session",
              DocumentFormat: "YAML",
              Content: "schemaVersion: '1.0'\nsessionType: Standard_Stream\ninputs: {}\n",
            },
          },
        },
      }),
    );
    const withDocument = await modulesLoaded(
      ["check", preferences, "--fail-on", "never"],
      join(dir, "preferences.log"),
    );
    expect(withDocument).toContain("src/sources/cloudformation/normalize/ssm-document.ts");
    expect(withDocument).toContain("src/util/yaml-position.ts");
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
    const loaded = await modulesLoaded(
      ["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "sarif", "--fail-on", "never"],
      join(dir, "snapshot.log"),
    );
    expect(loaded).toContain("src/sources/snapshot.ts");
    expect(loaded).toContain("src/report/sarif.ts");
    expect(loaded.filter((url) => url.startsWith("node_modules/ajv/"))).toEqual([]);
    expect(loaded).not.toContain("src/report/text.ts");
  });
});
