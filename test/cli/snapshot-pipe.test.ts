import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, REPO } from "../support/cli.js";

/**
 * A snapshot file starts being read while the rules load. A named pipe (or a terminal) must not be:
 * a run whose rules fail to load would otherwise wait for a writer that never comes.
 */

const BIN = join(REPO, "dist", "cli", "bin.js");

async function namedPipe(): Promise<string> {
  const fifo = join(await mkdtemp(join(tmpdir(), "access-baseline-snapshot-pipe-")), "snapshot.fifo");
  execFileSync("mkfifo", [fifo]);
  return fifo;
}

describe.skipIf(process.platform === "win32")("check --snapshot from a named pipe", () => {
  it("reads the snapshot a writer sends through the pipe", async () => {
    const fifo = await namedPipe();
    const child = spawn(process.execPath, [BIN, "check", "--snapshot", fifo, "--format", "json"], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? "" },
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    createWriteStream(fifo).end(await readFile(EXAMPLE_SNAPSHOT));

    expect(await exited).toBe(1);
    const report = JSON.parse(stdout) as { summary: { resources: number } };
    expect(report.summary.resources).toBeGreaterThan(0);
  });

  it("ends a run whose rules cannot be loaded without waiting for a writer", async () => {
    const fifo = await namedPipe();
    const run = spawnSync(
      process.execPath,
      [BIN, "check", "--snapshot", fifo, "--no-builtin-rules", "--rules", "no-such-rules"],
      { cwd: await mkdtemp(join(tmpdir(), "access-baseline-no-rules-")), encoding: "utf8", timeout: 30_000 },
    );

    expect(run.signal).toBeNull();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("no-such-rules: cannot read rule directory");
  });
});
