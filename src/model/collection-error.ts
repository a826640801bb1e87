import type { ResourceType } from "./resource.js";

/**
 * Data that could not be collected. Every rule that depends on one of `resourceTypes` in this
 * account and region gets an `error` result instead of a verdict: never a pass on missing data.
 */
export interface CollectionError {
  account: string;
  /** An AWS region, or `global` for IAM. */
  region: string;
  service: string;
  operation: string;
  /** The service's error code (`AccessDenied`, `ThrottlingException`, …) or a local code. */
  code: string;
  message: string;
  /** The IAM action that would let the collector make the call, when the cause is permissions. */
  iamAction?: string;
  /** The resource types whose data is missing or incomplete because of this error. */
  resourceTypes: ResourceType[];
}

/** One account and region that was collected; regions without a preferences document get defaults. */
export interface Scope {
  account: string;
  region: string;
  /** The account's partition (`aws`, `aws-cn`, `aws-us-gov`), when the source knows it. */
  partition?: string;
}
