import { emptySourceData, type Source, type SourceData } from "../source.js";
import { collectLive, type LiveCollection, type LiveCollectionOptions } from "./collector.js";

/**
 * Live AWS accounts behind the `Source` interface: what `check --account` evaluates and `collect`
 * writes. What could not be read is in the data's collection errors, never missing silently.
 */
export function liveSource(options: LiveCollectionOptions): Source {
  return { read: async () => liveSourceData(await collectLive(options)) };
}

/** A finished collection as source data; each account is named `aws:<id>` in reports. */
export function liveSourceData(collection: LiveCollection): SourceData {
  return {
    ...emptySourceData(),
    resources: collection.resources,
    scopes: collection.scopes,
    collectionErrors: collection.collectionErrors,
    inputs: collection.accounts.map((account) => `aws:${account}`),
    apiCalls: collection.apiCalls,
  };
}
