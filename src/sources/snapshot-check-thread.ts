import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Checking a large snapshot on a second thread (`snapshot-checker.ts`), over bytes that both
 * threads share. It answers only whether they passed; undefined means it could not tell (it
 * failed, or the bytes were not shared memory), and the reader then checks them itself.
 */
export interface SnapshotChecker {
  passed(): Promise<boolean | undefined>;
  stop(): void;
}

/** Starts the check, or gives undefined when this build has no second thread to start. */
export function startSnapshotChecker(bytes: Uint8Array): SnapshotChecker | undefined {
  const entry = checkerEntry();
  if (entry === undefined || !(bytes.buffer instanceof SharedArrayBuffer)) return undefined;
  const worker = new Worker(entry);
  const passed = new Promise<boolean | undefined>((resolve) => {
    worker.once("message", (answer: boolean | null) => resolve(answer ?? undefined));
    worker.once("error", () => resolve(undefined));
    worker.once("exit", () => resolve(undefined));
  });
  worker.postMessage(bytes);
  return {
    passed: () => passed,
    stop() {
      void worker.terminate();
    },
  };
}

/**
 * The second thread's module: beside this one in the compiled library; in the bundled command, an
 * entry beside `bin.js`, one folder above the chunk that holds this code (its build checks that).
 * Sources run by the test runner have no compiled module beside them and check on one thread.
 */
function checkerEntry(): URL | undefined {
  if (!import.meta.url.endsWith(".js")) return undefined;
  for (const place of ["./snapshot-checker.js", "../snapshot-checker.js"]) {
    const entry = new URL(place, import.meta.url);
    if (existsSync(fileURLToPath(entry))) return entry;
  }
  return undefined;
}
