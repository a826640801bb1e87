import { UserError } from "../../errors.js";
import type { CollectionError } from "../../model/collection-error.js";
import { singleSpaced } from "../../util/one-line.js";
import { OPERATIONS, type OperationKey } from "./operations.js";
import { UNEXPECTED_RESPONSE } from "./response-check.js";

/**
 * Turning SDK failures into what the rest of the pipeline understands: a `CollectionError` for
 * data that could not be read (the run goes on), or an `AwsSetupError` when nothing can be
 * collected at all (no credentials, an endpoint that does not answer, a role that cannot be
 * assumed for the only account).
 */

/** Live collection cannot start: one line for the user, exit code 2. */
export class AwsSetupError extends UserError {}

/**
 * An operation the collector tried to send although its table (and so the scanner policy) does
 * not list it: a programming error, never turned into a collection error.
 */
export class UndeclaredOperationError extends Error {
  constructor(service: string, operation: string) {
    super(
      `${service}:${operation} is not in the collector's operation table (src/sources/aws/operations.ts); ` +
        `declare it there and allow it in policies/scanner-policy.json`,
    );
    this.name = "UndeclaredOperationError";
  }
}

/** Codes that mean the caller lacks a permission: the collection error then names the action. */
const PERMISSION_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedAccess",
  "AuthorizationError",
  "AuthorizationErrorException",
]);

/** Codes AWS answers with in a region that is not enabled for the account. */
const REGION_NOT_ENABLED_CODES = new Set([
  "AuthFailure",
  "OptInRequired",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
]);

/** Node's codes for an endpoint that cannot be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
]);

export interface DescribedError {
  /** The service's error code, Node's network error code, or `TimeoutError`. */
  code: string;
  /** One line. */
  message: string;
}

/** The code and a one-line message of whatever an SDK call threw. */
export function describeAwsError(error: unknown): DescribedError {
  if (!(error instanceof Error)) return { code: "UnknownError", message: singleSpaced(String(error)) };
  const nodeCode = (error as NodeJS.ErrnoException).code;
  // Service errors carry their code as the name; network errors are plain Errors with a code.
  const code =
    error.name && error.name !== "Error"
      ? error.name
      : typeof nodeCode === "string" && nodeCode !== ""
        ? nodeCode
        : "UnknownError";
  const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  const message = singleSpaced(error.message || code);
  return { code, message: attempts && attempts > 1 ? `${message} (after ${attempts} attempts)` : message };
}

export function isPermissionError(code: string): boolean {
  return PERMISSION_CODES.has(code);
}

export function isNetworkError(code: string): boolean {
  return NETWORK_CODES.has(code) || code === "TimeoutError";
}

/** The collection error for a failed call; `resourceTypes` defaults to what the operation reads. */
export function collectionError(
  key: OperationKey,
  scope: { account: string; region: string },
  error: unknown,
  resourceTypes: CollectionError["resourceTypes"] = [...OPERATIONS[key].resourceTypes],
): CollectionError {
  if (error instanceof UndeclaredOperationError) throw error;
  const spec = OPERATIONS[key];
  const { code, message } = describeAwsError(error);
  const hint =
    spec.regional && REGION_NOT_ENABLED_CODES.has(code)
      ? " (is the region enabled for this account?)"
      : isNetworkError(code)
        ? " (the endpoint could not be reached or did not answer in time)"
        : "";
  return {
    account: scope.account,
    region: scope.region,
    service: spec.service,
    operation: spec.operation,
    code,
    message: `${message}${hint}`,
    ...(isPermissionError(code) ? { iamAction: spec.iamAction } : {}),
    resourceTypes,
  };
}

/** A failed call that stops the whole run, as one line naming the call. */
export function setupError(key: OperationKey, error: unknown, context: string): AwsSetupError {
  const spec = OPERATIONS[key];
  const { code, message } = describeAwsError(error);
  const advice = isNetworkError(code)
    ? " (check --endpoint-url, the network and proxies)"
    : isPermissionError(code)
      ? ` (the credentials need ${spec.iamAction})`
      : code === UNEXPECTED_RESPONSE
        ? " (is the endpoint an AWS API? a proxy or captive portal may have answered instead)"
        : "";
  return new AwsSetupError(
    `${context}: ${spec.service}:${spec.operation} failed: ${code}: ${message}${advice}`,
    { cause: error },
  );
}
