import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findConfigFile } from "../../src/config/config-file.js";

/**
 * `.access-baseline.yml` is looked for from the working directory upward, but never above the
 * repository holding it: a file in a parent of the repository belongs to someone else.
 */

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "ab-discovery-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("configuration discovery", () => {
  it("does not use a configuration file above the repository root", async () => {
    await writeFile(join(root, ".access-baseline.yml"), "fail-on: never\n");
    const repo = join(root, "repo");
    await mkdir(join(repo, ".git"), { recursive: true });
    await mkdir(join(repo, "templates"));
    expect(await findConfigFile(join(repo, "templates"))).toBeUndefined();
    expect(await findConfigFile(repo)).toBeUndefined();
  });

  it("finds the file at the repository root from a subdirectory", async () => {
    const repo = join(root, "repo");
    await mkdir(join(repo, "templates", "network"), { recursive: true });
    await mkdir(join(repo, ".git"));
    await writeFile(join(repo, ".access-baseline.yml"), "fail-on: never\n");
    expect(await findConfigFile(join(repo, "templates", "network"))).toBe(join(repo, ".access-baseline.yml"));
  });

  it("refuses a configuration file it finds but cannot read rather than looking further up", async () => {
    const repo = join(root, "repo");
    await mkdir(join(repo, "templates"), { recursive: true });
    await mkdir(join(repo, ".git"));
    await writeFile(join(repo, ".access-baseline.yml"), "fail-on: never\n");
    // A directory where the file should be: what EACCES would be, without needing to be non-root.
    await mkdir(join(repo, "templates", ".access-baseline.yml"));
    await expect(findConfigFile(join(repo, "templates"))).rejects.toThrow(
      /^cannot read configuration file .*\.access-baseline\.yml: it is a directory$/,
    );
  });

  it("refuses two configuration files in one directory rather than choosing one", async () => {
    await mkdir(join(root, ".git"));
    await writeFile(join(root, ".access-baseline.yml"), "fail-on: error\n");
    await writeFile(join(root, ".access-baseline.yaml"), "fail-on: never\n");
    await expect(findConfigFile(root)).rejects.toThrow(
      /^two configuration files in one directory: .*\.access-baseline\.yml and .*\.access-baseline\.yaml; keep one$/,
    );
  });

  it("treats a .git file (a worktree or submodule) as the repository root too", async () => {
    await writeFile(join(root, ".access-baseline.yml"), "fail-on: never\n");
    const worktree = join(root, "worktree");
    await mkdir(worktree);
    await writeFile(join(worktree, ".git"), "gitdir: /elsewhere/.git/worktrees/worktree\n");
    expect(await findConfigFile(worktree)).toBeUndefined();
  });

  it("finds the nearest file first", async () => {
    const repo = join(root, "repo");
    await mkdir(join(repo, ".git"), { recursive: true });
    await mkdir(join(repo, "team"));
    await writeFile(join(repo, ".access-baseline.yml"), "fail-on: never\n");
    await writeFile(join(repo, "team", ".access-baseline.yaml"), "fail-on: note\n");
    expect(await findConfigFile(join(repo, "team"))).toBe(join(repo, "team", ".access-baseline.yaml"));
  });

  it("outside any repository, still looks upward", async () => {
    await writeFile(join(root, ".access-baseline.yml"), "fail-on: never\n");
    await mkdir(join(root, "a", "b"), { recursive: true });
    expect(await findConfigFile(join(root, "a", "b"))).toBe(join(root, ".access-baseline.yml"));
  });
});
