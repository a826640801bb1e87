/**
 * Values by account, region and id. Nested maps rather than one map of joined keys: building
 * hundreds of thousands of composite strings cost more than the lookups themselves.
 *
 * The regions of the account asked for last, and the ids of the region asked for last, are kept
 * at hand: resources come grouped by account, and often by region, so most calls in a row ask for
 * the same ones. The account is compared, not looked up: JSON.parse gives each resource an account
 * string of its own, a lookup computes the hash of each, and an account's instances take turns in
 * its regions.
 */
export class ScopedIndex<T> {
  private readonly accounts = new Map<string, Map<string, Map<string, T>>>();
  private lastAccount: string | undefined;
  private lastRegions: Map<string, Map<string, T>> | undefined;
  private lastRegion: string | undefined;
  private lastIds: Map<string, T> | undefined;

  set(account: string, region: string, id: string, value: T): void {
    this.idsFor(account, region).set(id, value);
  }

  /** The value already under the key; or, when there is none, undefined once `value` is set there. */
  setIfAbsent(account: string, region: string, id: string, value: T): T | undefined {
    const ids = this.idsFor(account, region);
    const present = ids.get(id);
    if (present === undefined) ids.set(id, value);
    return present;
  }

  get(account: string, region: string, id: string | undefined): T | undefined {
    return id === undefined ? undefined : this.idsIn(account, region)?.get(id);
  }

  /** The values of one account and region, by id. */
  inScope(account: string, region: string): ReadonlyMap<string, T> | undefined {
    return this.idsIn(account, region);
  }

  private idsFor(account: string, region: string): Map<string, T> {
    let ids = this.idsIn(account, region);
    if (!ids) {
      let regions = this.lastRegions;
      if (!regions)
        this.accounts.set(account, (regions = this.lastRegions = new Map<string, Map<string, T>>()));
      regions.set(region, (ids = this.lastIds = new Map<string, T>()));
    }
    return ids;
  }

  private idsIn(account: string, region: string): Map<string, T> | undefined {
    if (account !== this.lastAccount) {
      this.lastAccount = account;
      this.lastRegions = this.accounts.get(account);
      this.lastRegion = region;
      this.lastIds = this.lastRegions?.get(region);
    } else if (region !== this.lastRegion) {
      this.lastRegion = region;
      this.lastIds = this.lastRegions?.get(region);
    }
    return this.lastIds;
  }
}
