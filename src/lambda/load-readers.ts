import type * as ReadersModule from "./readers.js";

/** The IAM, EC2, SSM, CloudTrail and EventBridge clients and readers, loaded on first use (see `readers.ts`). */
export type Readers = typeof ReadersModule;

let loading: Promise<Readers> | undefined;

export function loadReaders(): Promise<Readers> {
  // A failed load is not kept: the next invocation tries again.
  loading ??= import("./readers.js").catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
