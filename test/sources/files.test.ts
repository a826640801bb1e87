import { mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyFile, discoverFiles, type Classified } from "../../src/sources/files.js";

/**
 * What a file found in a directory is: a template or plan (by its structure), someone else's file
 * that was read and understood (skipped), or a file that could not be read or understood (a
 * problem, wherever it was found: it might be the template the run was meant to check).
 */

const PLAN = join(import.meta.dirname, "..", "fixtures", "plans", "web", "plan.json");

async function classify(name: string, content: Buffer | string, explicit = false): Promise<Classified> {
  const dir = await mkdtemp(join(tmpdir(), "access-baseline-files-"));
  const path = join(dir, name);
  await writeFile(path, content);
  return classifyFile({ path, display: name, explicit, argument: "." });
}

function kindOf(classified: Classified): string {
  return classified.kind === "problem" ? `problem: ${classified.problem.message}` : classified.kind;
}

describe("recognising a template by its structure", () => {
  it.each([
    ["a module", "Resources:\n  Net:\n    Type: My::Org::Thing::MODULE\n"],
    ["a custom resource", "Resources:\n  Lookup:\n    Type: Custom::X\n"],
    ["a third-party type", '{"Resources": {"Thing": {"Type": "Acme::Foo::Bar"}}}'],
    [
      "a loop of the language extensions",
      "Resources:\n  Fn::ForEach::Topics:\n    - Name\n    - [a, b]\n    - Topic${Name}:\n        Type: AWS::SNS::Topic\n",
    ],
    ["only a format version", 'AWSTemplateFormatVersion: "2010-09-09"\nDescription: empty for now\n'],
    // Skipped as someone else's file, a template with this typo passed unread.
    [
      "a Resources section written in lower case",
      "resources:\n  Bastion:\n    Type: AWS::EC2::SecurityGroup\n",
    ],
    [
      "an AWS::Include at the top of its Resources",
      "Resources:\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters: { Location: s3://b/r.yaml }\n",
    ],
  ])("knows %s found in a directory", async (_name, text) => {
    const name = text.startsWith("{") ? "stack.json" : "stack.yaml";
    expect(kindOf(await classify(name, text))).toBe("cloudformation");
  });

  it("does not take a file for a template because it has a Resources key", async () => {
    expect(kindOf(await classify("data.yaml", "Resources:\n  - cpu\n  - memory\n"))).toBe("skip");
    expect(kindOf(await classify("data.json", '{"Resources": {"cpu": 2}}'))).toBe("skip");
  });
});

describe("files found in a directory", () => {
  it("reads a plan written as UTF-16 with a byte-order mark (PowerShell's >)", async () => {
    const plan = await readFile(PLAN, "utf8");
    expect(kindOf(await classify("plan.json", Buffer.from(`\uFEFF${plan}`, "utf16le")))).toBe(
      "terraform-plan",
    );
  });

  it.each([
    [
      "a plan in UTF-16 without a byte-order mark",
      "plan.json",
      async () => Buffer.from(await readFile(PLAN, "utf8"), "utf16le"),
      "not UTF-8 or UTF-16 text (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark)",
    ],
    [
      "binary data",
      "image.template",
      () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48]),
      "not UTF-8 or UTF-16 text (it holds NUL bytes: binary data, or UTF-16 without a byte-order mark)",
    ],
    [
      "text in Latin-1",
      "notes.yaml",
      () => Buffer.from("Description: Résumé\n", "latin1"),
      "not UTF-8 or UTF-16 text (invalid UTF-8)",
    ],
    [
      "a zip file",
      "plan.json",
      () => Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]),
      "this is a binary Terraform plan (or another zip file); give the JSON that `terraform show -json PLANFILE` prints instead",
    ],
    [
      "truncated JSON",
      "stack.json",
      () => '{"Description": "cut short", "Outputs": {',
      "not valid JSON: the file ends unexpectedly inside an object (is it truncated?)",
    ],
    ["YAML that does not parse", "stack.yaml", () => "Description: [unclosed\n", "not valid YAML: "],
    // Skipped as several documents, a template followed by a stray `---` passed unread.
    [
      "a template followed by a second YAML document",
      "stack.yaml",
      () => "Resources:\n  Bastion:\n    Type: AWS::EC2::SecurityGroup\n---\n",
      "not a single YAML document (a template is one document)",
    ],
    [
      "a plan cut down to its header",
      "plan.json",
      () => '{"format_version": "1.2", "terraform_version": "1.11.4"}',
      "a Terraform plan without planned_values or resource_changes; give the JSON that `terraform show -json PLANFILE` prints",
    ],
  ])("reports %s as a problem", async (_name, name, content, message) => {
    const classified = await classify(name, await content());
    expect(classified.kind).toBe("problem");
    if (classified.kind === "problem") {
      expect(classified.problem.file).toBe(name);
      expect(classified.problem.message.startsWith(message)).toBe(true);
    }
  });

  it.each([
    ["a package.json", "package.json", '{"name": "infrastructure", "private": true}'],
    ["a tsconfig.json with comments", "tsconfig.json", '{\n  // strict\n  "compilerOptions": {}\n}\n'],
    ["Kubernetes manifests", "deploy.yaml", "kind: Service\n---\nkind: Deployment\n"],
    ["a workflow", "ci.yml", "name: build\non: [push]\n"],
    ["Terraform state", "state.json", '{"format_version": "1.0", "values": {}}'],
  ])("skips %s", async (_name, name, text) => {
    expect(kindOf(await classify(name, text))).toBe("skip");
  });

  it("reports JSON with comments named on the command line, which cannot be a template", async () => {
    const classified = await classify("stack.json", '{\n  // note\n  "Resources": {}\n}\n', true);
    expect(kindOf(classified)).toBe(
      `problem: not valid JSON: expected a property name in double quotes, found "/"`,
    );
  });
});

describe("discoverFiles", () => {
  it("names a path it cannot read relative to the working directory, however it was given", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "access-baseline-discover-"));

    const { problems } = await discoverFiles(
      [join(cwd, "stacks", "missing.yaml"), "./other/../gone.json"],
      cwd,
    );

    expect(problems.map((problem) => problem.file)).toEqual([join("stacks", "missing.yaml"), "gone.json"]);
    expect(problems.every((problem) => problem.message.startsWith("cannot read it: "))).toBe(true);
  });
});

describe("discoverFiles walking a directory", () => {
  it("reports a link named as a template whose target cannot be read, rather than skip it", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "access-baseline-discover-"));
    await mkdir(join(cwd, "stacks"));
    // A template moved away, or one in a submodule this checkout does not have.
    await symlink(join("..", "shared", "network.yaml"), join(cwd, "stacks", "network.yaml"));
    await symlink("notes.txt", join(cwd, "stacks", "notes.md"));

    const { files, problems } = await discoverFiles(["stacks"], cwd);

    expect(files).toEqual([]);
    expect(problems).toEqual([
      { file: join("stacks", "network.yaml"), message: "cannot read it: no such file or directory" },
    ]);
  });
});
