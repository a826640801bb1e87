import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type * as CheckThread from "../../src/sources/snapshot-check-thread.js";
import { EXAMPLE_SNAPSHOT, REPO, runBinary } from "../support/cli.js";

type CheckThreadModule = typeof CheckThread;

/**
 * A large snapshot is checked on a second thread while the main one parses and judges it
 * unchecked (`src/sources/snapshot-check-thread.ts`). `ACCESS_BASELINE_THREADS=2` asks for the
 * second thread however small the snapshot, so the built command is compared here with a run on
 * one thread: the same report for a good snapshot, the same error for a bad one.
 */

const exampleText = readFileSync(EXAMPLE_SNAPSHOT, "utf8");

async function snapshotFile(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "access-baseline-second-thread-")), "snapshot.json");
  await writeFile(file, text);
  return file;
}

function onThreads(threads: "1" | "2", file: string, format = "json") {
  return runBinary(["check", "--snapshot", file, "--format", format], {
    env: {
      PATH: process.env.PATH ?? "",
      ACCESS_BASELINE_NOW: "2026-12-07T00:00:00Z",
      ACCESS_BASELINE_THREADS: threads,
    },
  });
}

describe("check --snapshot on two threads", () => {
  it("reports what one thread reports", async () => {
    const file = await snapshotFile(exampleText);
    for (const format of ["json", "sarif", "text"]) {
      const one = onThreads("1", file, format);
      const two = onThreads("2", file, format);
      expect(two.code).toBe(1);
      expect(two).toEqual(one);
    }
  });

  it("fails a snapshot that fails a check, with the error one thread gives", async () => {
    const resourceKey = exampleText.indexOf('"type"', exampleText.indexOf('"resources"'));
    const broken = [
      exampleText.replace('"version": 1,', '"version": 1, "version": 1,'),
      `${exampleText.slice(0, resourceKey)}"type": "AWS::EC2::Instance", ${exampleText.slice(resourceKey)}`,
      exampleText.replace('"format": "access-baseline/snapshot"', '"format": "something-else"'),
      exampleText.replace(/"region": "[^"]+"/, '"region": 17'),
      exampleText.replace('"collectionErrors": []', '"collectionErrors": {}'),
      exampleText.slice(0, exampleText.length / 2),
      "[]",
    ];
    for (const text of broken) {
      const file = await snapshotFile(text);
      const one = onThreads("1", file);
      const two = onThreads("2", file);
      expect(one.code, one.stderr).toBe(2);
      expect(one.stderr).toMatch(/snapshot/);
      expect(two).toEqual(one);
    }
  });

  it("refuses a thread count it does not use", async () => {
    const file = await snapshotFile(exampleText);
    const run = runBinary(["check", "--snapshot", file], {
      env: { PATH: process.env.PATH ?? "", ACCESS_BASELINE_THREADS: "4" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'ACCESS_BASELINE_THREADS="4" is not a number of threads this tool uses (1 or 2)',
    );
  });
});

describe("the snapshot checker thread of the compiled library", () => {
  it("answers whether shared bytes pass every check", async () => {
    const { startSnapshotChecker } = (await import(
      join(REPO, "dist", "sources", "snapshot-check-thread.js")
    )) as CheckThreadModule;
    const shared = (text: string) => {
      const bytes = new TextEncoder().encode(text);
      const inShared = new Uint8Array(new SharedArrayBuffer(bytes.length));
      inShared.set(bytes);
      return inShared;
    };
    expect(await startSnapshotChecker(shared(exampleText))!.passed()).toBe(true);
    const doubled = exampleText.replace('"version": 1,', '"version": 1, "version": 1,');
    expect(await startSnapshotChecker(shared(doubled))!.passed()).toBe(false);
    // Bytes not in shared memory are not sent to a thread at all.
    expect(startSnapshotChecker(new TextEncoder().encode(exampleText))).toBeUndefined();
  });
});
