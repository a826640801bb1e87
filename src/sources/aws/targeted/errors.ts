import type { CollectionError } from "../../../model/collection-error.js";
import type { ResourceType } from "../../../model/resource.js";
import { describeAwsError, isNetworkError, isPermissionError } from "../errors.js";

/**
 * The collection error for a failed targeted read. The live collector's table of operations
 * (`operations.ts`) describes the scanner's calls; these reads belong to the Config rule Lambda,
 * whose calls are declared in `src/lambda/operations.ts`, so the action is named here.
 */
export function readError(
  call: { service: string; operation: string; iamAction: string },
  where: { account: string; region: string },
  error: unknown,
  resourceTypes: ResourceType[],
): CollectionError {
  const { code, message } = describeAwsError(error);
  return {
    account: where.account,
    region: where.region,
    service: call.service,
    operation: call.operation,
    code,
    message: isNetworkError(code)
      ? `${message} (the endpoint could not be reached or did not answer in time)`
      : message,
    ...(isPermissionError(code) ? { iamAction: call.iamAction } : {}),
    resourceTypes,
  };
}

/** The error code of whatever an SDK call threw (`NoSuchEntity`, `AccessDenied`, …). */
export function errorCode(error: unknown): string {
  return describeAwsError(error).code;
}
