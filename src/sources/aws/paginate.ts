import type { Resource } from "../../model/resource.js";
import { collectionError } from "./errors.js";
import type { OperationKey } from "./operations.js";
import type { PageListener, ReadResult } from "./types.js";

/**
 * Pages one listing may take. The listing with the smallest pages, DescribeInstanceInformation
 * at 50, would hold 500,000 managed nodes by then; an endpoint still handing out new tokens is
 * not paging through an account.
 */
export const MAX_PAGES = 10_000;

/**
 * Follows an API's pagination token until the last page, handing each page over as it arrives
 * so that what was read before a failure is kept. A token that comes back twice would loop
 * forever, and so would new tokens without end; either ends the listing with an error instead.
 */
export async function paginate<P>(
  fetchPage: (token: string | undefined) => Promise<P>,
  nextToken: (page: P) => string | undefined,
  onPage: (page: P) => void,
  maxPages: number = MAX_PAGES,
): Promise<void> {
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  do {
    if (pages === maxPages) throw new PaginationLimitError(maxPages);
    const page = await fetchPage(token);
    pages += 1;
    onPage(page);
    token = nextToken(page) || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new PaginationLoopError(token);
      seen.add(token);
    }
  } while (token !== undefined);
}

export class PaginationLimitError extends Error {
  constructor(pages: number) {
    super(`the API still gave a pagination token after ${pages} pages; the listing is incomplete`);
    this.name = "PaginationLimit";
  }
}

export class PaginationLoopError extends Error {
  constructor(token: string) {
    super(
      `the API returned the same pagination token twice (${token.slice(0, 40)}); the listing is incomplete`,
    );
    this.name = "PaginationLoop";
  }
}

/**
 * A page that says more follow but gives no token to ask for them: stopping there would read the
 * listing as complete, so it ends with an error instead.
 */
export class PaginationTokenMissingError extends Error {
  constructor(truncatedField: string, tokenField: string) {
    super(`the response had ${truncatedField} true but no ${tokenField}; the listing is incomplete`);
    this.name = "PaginationTokenMissing";
  }
}

/** The `Marker` of the next page of an IAM listing, which says more follow with `IsTruncated`. */
export function nextIamMarker(page: { IsTruncated?: boolean; Marker?: string }): string | undefined {
  if (!page.IsTruncated) return undefined;
  if (!page.Marker) throw new PaginationTokenMissingError("IsTruncated", "Marker");
  return page.Marker;
}

/** One resource listed twice, differently, in one listing. */
export class InconsistentListingError extends Error {
  constructor(resource: Resource) {
    super(
      `${resource.type} ${resource.id} is listed twice with different contents; the listing changed while it was read, or is not one listing`,
    );
    this.name = "InconsistentListing";
  }
}

/**
 * The resources of one listing by key. Two different listings of one resource (a node Online on
 * one page, ConnectionLost on the next) leave its state a guess: which of the two the rules would
 * read is an accident, so the second ends the listing with an error. Only a resource listed again
 * is compared, so a listing of thousands serializes nothing.
 */
export class ListedOnce {
  private readonly first = new Map<string, Resource>();

  add(key: string, resource: Resource): void {
    const before = this.first.get(key);
    if (before === undefined) this.first.set(key, resource);
    else if (JSON.stringify(before.properties) !== JSON.stringify(resource.properties))
      throw new InconsistentListingError(resource);
  }
}

/**
 * One regional listing, page by page, into canonical resources. A failure keeps what the pages
 * before it gave and becomes a collection error for `operation` in that account and region.
 */
export async function readPages<P>(
  operation: OperationKey,
  where: { account: string; region: string },
  fetchPage: (token: string | undefined) => Promise<P>,
  nextToken: (page: P) => string | undefined,
  resourcesOf: (page: P) => Resource[],
  onPage: PageListener,
): Promise<ReadResult> {
  const result: ReadResult = { resources: [], errors: [] };
  const listed = new ListedOnce();
  try {
    await paginate(fetchPage, nextToken, (page) => {
      const resources = resourcesOf(page);
      for (const resource of resources) {
        listed.add(resource.id, resource);
      }
      result.resources.push(...resources);
      onPage(resources.length);
    });
  } catch (error) {
    result.errors.push(collectionError(operation, where, error));
  }
  return result;
}
