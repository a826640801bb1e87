import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../support/cli.js";

/**
 * The pre-commit hook, run as pre-commit runs it: the entry from `.pre-commit-hooks.yaml`, with
 * the staged files that match `files` appended, in the repository's root. pre-commit installs
 * the package, so `access-baseline` is the package's bin, `dist/cli/bin.js`.
 */

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames?: boolean;
}

const hooks = parse(await readFile(join(REPO, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
const hook = hooks.find((candidate) => candidate.id === "access-baseline")!;
const FIXTURES = join(REPO, "test", "action", "fixtures");

let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "ab-pre-commit-"));
  await mkdir(join(repo, ".git"));
  await mkdir(join(repo, "templates"));
  await copyFile(join(FIXTURES, "passing.yaml"), join(repo, "templates", "web.yaml"));
  await copyFile(join(FIXTURES, "failing.yaml"), join(repo, "templates", "bastion.template"));
  await writeFile(join(repo, "README.md"), "# infrastructure\n");
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

/** pre-commit splits the entry like a shell would, then appends the file names. */
function runHook(staged: string[]) {
  const files = new RegExp(hook.files);
  const passed = staged.filter((file) => files.test(file));
  const [command, ...args] = hook.entry.split(/\s+/);
  expect(command).toBe("access-baseline");
  const result = spawnSync(process.execPath, [join(REPO, "dist", "cli", "bin.js"), ...args, ...passed], {
    cwd: repo,
    env: { PATH: process.env.PATH },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, passed };
}

describe(".pre-commit-hooks.yaml", () => {
  it("declares a node hook that receives the staged templates and plans", () => {
    expect(hook).toMatchObject({ name: "access-baseline", language: "node", pass_filenames: true });
    const files = new RegExp(hook.files);
    // Whatever the case of the extension, as the check itself reads a directory.
    for (const name of [
      "a.json",
      "b.yaml",
      "c.yml",
      "d.template",
      "stacks/e.yaml",
      "F.YAML",
      "g.Json",
      "h.YML",
      "i.Template",
    ])
      expect(files.test(name), name).toBe(true);
    for (const name of ["README.md", "main.tf", "yaml.txt"]) expect(files.test(name)).toBe(false);
  });

  it("exit 1 when a staged template fails, naming it", () => {
    const run = runHook(["templates/bastion.template", "templates/web.yaml", "README.md"]);
    expect(run.passed).toEqual(["templates/bastion.template", "templates/web.yaml"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("templates/bastion.template:12:11");
  });

  it("a staged file whose name reads as an option is checked as a file, not obeyed", async () => {
    // A configuration that fails nothing, and a file at the root named as the option that loads it.
    await writeFile(join(repo, "lax.yaml"), "fail-on: never\n");
    await writeFile(join(repo, "--config=lax.yaml"), "");
    const run = runHook(["templates/bastion.template", "--config=lax.yaml"]);
    expect(run.passed).toEqual(["templates/bastion.template", "--config=lax.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("templates/bastion.template:12:11");
    expect(run.stdout).toMatch(/--config=lax\.yaml: /);
  });

  it("exit 0 when the staged templates pass", () => {
    const run = runHook(["templates/web.yaml"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});
