/**
 * Follows an API's pagination token until the last page, handing each page over as it arrives
 * so that what was read before a failure is kept. A token that comes back twice would loop
 * forever; it ends the listing with an error instead.
 */
export async function paginate<P>(
  fetchPage: (token: string | undefined) => Promise<P>,
  nextToken: (page: P) => string | undefined,
  onPage: (page: P) => void,
): Promise<void> {
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    onPage(page);
    token = nextToken(page) || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new PaginationLoopError(token);
      seen.add(token);
    }
  } while (token !== undefined);
}

export class PaginationLoopError extends Error {
  constructor(token: string) {
    super(
      `the API returned the same pagination token twice (${token.slice(0, 40)}); the listing is incomplete`,
    );
    this.name = "PaginationLoop";
  }
}
