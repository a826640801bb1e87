import { parentPort } from "node:worker_threads";
import { snapshotBytesPass } from "./snapshot.js";

/**
 * The second thread of a large snapshot's reading (`snapshot-check-thread.ts`): it makes every
 * check on the shared bytes and answers whether they passed (null when it could not tell).
 */
parentPort?.once("message", (bytes: Uint8Array) => {
  let passed: boolean | undefined;
  try {
    passed = snapshotBytesPass(bytes);
  } catch {
    passed = undefined;
  }
  parentPort!.postMessage(passed ?? null);
});
