import type { FakeAccount, FakeWorld } from "./world.js";

/** An error the endpoint answers with, in the protocol of the service that was called. */
export class FakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "FakeError";
  }
}

export interface Request {
  protocol: "query" | "ec2" | "json";
  service: string;
  operation: string;
  /** JSON body, or the query parameters as an object. */
  params: Record<string, unknown>;
  /** The query parameters (empty for JSON). */
  query: URLSearchParams;
  account: FakeAccount;
  region: string;
  world: FakeWorld;
  /** A new access key that belongs to `account` (AssumeRole). */
  issueKey(account: FakeAccount): string;
  /** The ARN of the caller when it signed with the base key. */
  callerArn: string | undefined;
}

/** The body inside the response envelope: XML text for query services, an object for JSON. */
export type Handler = (request: Request) => unknown;

/** Values of a query list (`Filter.member.1`, `Filter.member.2`, …) in index order. */
export function queryList(query: URLSearchParams, prefix: string): string[] {
  const pattern = new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.(\\d+)$`);
  return [...query.entries()]
    .map(([key, value]) => [pattern.exec(key)?.[1], value] as const)
    .filter((entry): entry is readonly [string, string] => entry[0] !== undefined)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, value]) => value);
}

export interface PageLimits {
  /** The smallest and largest page size the API accepts, and its default. */
  min: number;
  max: number;
  default: number;
  /** The error code the service answers a bad page size or token with. */
  invalidCode: string;
}

/**
 * One page of `items`, as the API pages them: the client's page size (checked against the
 * API's limits), capped by a scripted server-side size, and an opaque token for the next page.
 */
export function pageOf<T>(
  items: readonly T[],
  operationKey: string,
  request: Request,
  token: unknown,
  requested: unknown,
  limits: PageLimits,
): { items: T[]; next?: string } {
  let size = limits.default;
  if (requested !== undefined && requested !== null && requested !== "") {
    size = Number(requested);
    if (!Number.isInteger(size) || size < limits.min || size > limits.max) {
      throw new FakeError(
        limits.invalidCode,
        `Value (${scalarText(requested)}) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
        400,
      );
    }
  }
  size = Math.min(size, request.world.pageSizes?.[operationKey] ?? size);
  let offset = 0;
  if (token !== undefined && token !== null && token !== "") {
    const decoded = decodeToken(scalarText(token));
    if (decoded?.op !== operationKey)
      throw new FakeError(limits.invalidCode, "The pagination token is invalid.", 400);
    offset = decoded.offset;
  }
  const slice = items.slice(offset, offset + size);
  const nextOffset = offset + slice.length;
  return nextOffset < items.length
    ? { items: slice, next: encodeToken(operationKey, nextOffset) }
    : { items: slice };
}

function encodeToken(op: string, offset: number): string {
  return Buffer.from(JSON.stringify({ op, offset })).toString("base64");
}

function decodeToken(token: string): { op: string; offset: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as {
      op?: unknown;
      offset?: unknown;
    };
    return typeof value.op === "string" && typeof value.offset === "number"
      ? { op: value.op, offset: value.offset }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Fails loudly when a fixture holds a field the endpoint cannot send: no data is dropped silently. */
export function assertKnownFields(
  object: Record<string, unknown>,
  allowed: readonly string[],
  what: string,
): void {
  const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw new Error(`the loopback endpoint cannot send ${what} fields ${unknown.join(", ")}`);
}

/** Epoch seconds, as the JSON protocols send timestamps. */
export function epochSeconds(iso: unknown): number | undefined {
  return typeof iso === "string" ? Date.parse(iso) / 1000 : undefined;
}

/** A query or JSON parameter as text. */
export function scalarText(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : JSON.stringify(value);
}
