import { describe, expect, it } from "vitest";
import {
  MAX_PAGES,
  nextIamMarker,
  paginate,
  PaginationLimitError,
  PaginationLoopError,
  PaginationTokenMissingError,
} from "../../../src/sources/aws/paginate.js";

/**
 * Pagination that would never end, or would end early, ends the listing with an error instead:
 * the collector turns it into a collection error for the call, never a complete listing.
 */

interface Page {
  items: number[];
  next?: string;
}

function listing(pages: (token: string | undefined, index: number) => Page) {
  let index = 0;
  const seen: number[] = [];
  return {
    seen,
    // A listing that asks for more than a test ever gives did not stop where it should have.
    fetchPage: (token: string | undefined) =>
      index > 100 ? Promise.reject(new Error("asked for page 101")) : Promise.resolve(pages(token, index++)),
    onPage: (page: Page) => seen.push(...page.items),
  };
}

describe("paginate", () => {
  it("follows the tokens to the last page", async () => {
    const { seen, fetchPage, onPage } = listing((_, index) =>
      index < 2 ? { items: [index], next: `t${index}` } : { items: [index] },
    );
    await paginate(fetchPage, (page) => page.next, onPage);
    expect(seen).toEqual([0, 1, 2]);
  });

  it("a token that comes back ends the listing with an error", async () => {
    const { fetchPage, onPage } = listing((_, index) => ({ items: [index], next: index % 2 ? "a" : "b" }));
    await expect(paginate(fetchPage, (page) => page.next, onPage)).rejects.toBeInstanceOf(
      PaginationLoopError,
    );
  });

  it("new tokens without end stop at the page limit, keeping what was read", async () => {
    const { seen, fetchPage, onPage } = listing((_, index) => ({ items: [index], next: `t${index}` }));
    const failure = await paginate(fetchPage, (page) => page.next, onPage, 5).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PaginationLimitError);
    expect((failure as Error).name).toBe("PaginationLimit");
    expect((failure as Error).message).toBe(
      "the API still gave a pagination token after 5 pages; the listing is incomplete",
    );
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it("the limit is far beyond any account's listing", () => {
    expect(MAX_PAGES * 50).toBeGreaterThanOrEqual(500_000);
  });

  it("an IAM page that is truncated without a Marker is an error, not the last page", () => {
    expect(nextIamMarker({ IsTruncated: false })).toBeUndefined();
    expect(nextIamMarker({ IsTruncated: true, Marker: "m" })).toBe("m");
    expect(() => nextIamMarker({ IsTruncated: true })).toThrow(PaginationTokenMissingError);
    expect(() => nextIamMarker({ IsTruncated: true, Marker: "" })).toThrow(
      "the response had IsTruncated true but no Marker; the listing is incomplete",
    );
  });
});
