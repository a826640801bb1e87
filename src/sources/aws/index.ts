/**
 * The live AWS source. Everything under this folder imports the AWS SDK; the CLI loads it with a
 * dynamic `import()` only when `--account` is given, so that other inputs never pay for it.
 */
export { liveSource, liveSourceData } from "./live-source.js";
export { collectLive, DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_REGION_CONCURRENCY } from "./collector.js";
export type { CollectionProgress, FamilyDone, LiveCollection, LiveCollectionOptions } from "./collector.js";
export { readNetworkEnvironment, type NetworkEnvironment } from "./network-environment.js";
export type { ApiCallCounts } from "./call-counter.js";
export { AwsSetupError } from "./errors.js";
export { OPERATIONS, type OperationKey, type OperationSpec } from "./operations.js";
