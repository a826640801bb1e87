import { execFileSync, spawn } from "node:child_process";
import { createReadStream, openSync, closeSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, REPO, runBinary, runCli } from "../support/cli.js";

/**
 * `--output` never destroys what it names, and a report that could not be written is never a run
 * that looks done. Devices are stand-ins the test makes itself (never the system's `/dev`), which
 * takes root, as CI and containers have.
 */

const CHECK = ["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"];
const IS_ROOT = process.getuid?.() === 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "access-baseline-output-"));
});

interface Finished {
  code: number | null;
  stderr: string;
}

/** Runs the built CLI with standard output on `stdout` (a file descriptor or "pipe"). */
function run(args: string[], stdout: number | "pipe", onStart?: (child: ReturnType<typeof spawn>) => void) {
  return new Promise<Finished>((resolve) => {
    const child = spawn(process.execPath, [`${REPO}dist/cli/bin.js`, ...args], {
      cwd: dir,
      stdio: ["ignore", stdout, "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    onStart?.(child);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("--output", () => {
  it("replaces a regular file atomically, keeping its permissions", async () => {
    const path = join(dir, "results.json");
    await writeFile(path, "old", { mode: 0o640 });
    const result = runBinary([...CHECK, "--output", path]);
    expect(result.code).toBe(1);
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({ format: "access-baseline/results" });
    expect((await lstat(path)).mode & 0o777).toBe(0o640);
  });

  it("follows a symbolic link and writes its target, leaving the link in place", async () => {
    await writeFile(join(dir, "target.json"), "old");
    await symlink("target.json", join(dir, "link.json"));
    expect(runBinary([...CHECK, "--output", join(dir, "link.json")]).code).toBe(1);
    expect((await lstat(join(dir, "link.json"))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, "link.json"))).toBe("target.json");
    expect(await readFile(join(dir, "target.json"), "utf8")).toContain('"format": "access-baseline/results"');

    await symlink("created.json", join(dir, "to-be-created.json"));
    expect(runBinary([...CHECK, "--output", join(dir, "to-be-created.json")]).code).toBe(1);
    expect((await lstat(join(dir, "to-be-created.json"))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, "created.json"), "utf8")).toContain(
      '"format": "access-baseline/results"',
    );
  });

  it("writes into a FIFO without replacing it", async () => {
    const fifo = join(dir, "report.fifo");
    execFileSync("mkfifo", [fifo]);
    let received = "";
    const reader = new Promise<void>((resolve) => {
      createReadStream(fifo)
        .on("data", (chunk) => (received += chunk.toString()))
        .on("end", resolve);
    });
    const finished = await run([...CHECK, "--output", fifo], "pipe");
    await reader;
    expect(finished.code).toBe(1);
    expect(received).toContain('"format": "access-baseline/results"');
    expect((await lstat(fifo)).isFIFO()).toBe(true);
  });

  it("refuses a directory in one line", async () => {
    await mkdir(join(dir, "out"));
    const result = runBinary([...CHECK, "--output", join(dir, "out")]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("cannot write output file");
  });

  describe.runIf(IS_ROOT)("on devices (stand-ins made with mknod)", () => {
    it("writes to a null device without replacing it", async () => {
      const device = join(dir, "null");
      execFileSync("mknod", [device, "c", "1", "3"]);
      const result = runBinary([...CHECK, "--output", device]);
      expect(result.code).toBe(1);
      expect((await lstat(device)).isCharacterDevice()).toBe(true);
    });

    it("reports a full device in one line and exits 2, leaving the device in place", async () => {
      const device = join(dir, "full");
      execFileSync("mknod", [device, "c", "1", "7"]);
      const result = runBinary([...CHECK, "--output", device]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^access-baseline: cannot write output file .*full: no space left on the device\n$/,
      );
      expect((await lstat(device)).isCharacterDevice()).toBe(true);
    });

    it("reports standard output on a full device in one line and exits 2", async () => {
      const device = join(dir, "full");
      execFileSync("mknod", [device, "c", "1", "7"]);
      const fd = openSync(device, "w");
      try {
        const finished = await run(CHECK, fd);
        expect(finished.code).toBe(2);
        expect(finished.stderr).toBe(
          "access-baseline: cannot write to standard output: no space left on the device\n",
        );
      } finally {
        closeSync(fd);
      }
    });
  });
});

describe("an output that is one of the run's inputs", () => {
  it.each([
    ["the snapshot", (copy: string) => ["check", "--snapshot", copy, "--format", `json=${copy}`]],
    ["a template in a directory", () => ["check", "infra", "--format", "sarif=infra/stack.yaml"]],
    ["the configuration", () => ["check", "infra", "--config", "lax.yml", "--output", "lax.yml"]],
    ["report: a run", (copy: string) => ["report", copy, "--format", `csv=${copy}`]],
  ])("is refused, and the input kept: %s", async (_name, args) => {
    const copy = join(dir, "snapshot.json");
    await writeFile(copy, await readFile(EXAMPLE_SNAPSHOT));
    await mkdir(join(dir, "infra"));
    const template = join(REPO, "test", "action", "fixtures", "failing.yaml");
    await writeFile(join(dir, "infra", "stack.yaml"), await readFile(template));
    await writeFile(join(dir, "lax.yml"), "fail-on: never\n");
    const before = await Promise.all(
      ["snapshot.json", "infra/stack.yaml", "lax.yml"].map((file) => readFile(join(dir, file), "utf8")),
    );

    const result = await runCli(args(copy), { cwd: dir });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^access-baseline: cannot write output file .*: it is an input of this run\n$/,
    );
    const after = await Promise.all(
      ["snapshot.json", "infra/stack.yaml", "lax.yml"].map((file) => readFile(join(dir, file), "utf8")),
    );
    expect(after).toEqual(before);
  });
});

describe("standard output", () => {
  it("reports a reader that closed the pipe in one line and exits 2", async () => {
    const finished = await run(CHECK, "pipe", (child) => child.stdout!.destroy());
    expect(finished.code).toBe(2);
    expect(finished.stderr).toBe(
      "access-baseline: cannot write to standard output: the reader closed the pipe\n",
    );
  });
});
