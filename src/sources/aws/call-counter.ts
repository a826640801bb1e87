/** API calls per service and operation (`{ ec2: { DescribeInstances: 4 } }`), keys sorted. */
export type ApiCallCounts = Record<string, Record<string, number>>;

export interface CallScope {
  identity: string;
  region: string;
}

function scopeKey(service: string, scope: CallScope): string {
  return `${service}\u0000${scope.identity}\u0000${scope.region}`;
}

/**
 * Counts the HTTP requests the collector sends, retries included, since each one is a call that
 * AWS logs and throttles. Filled by a middleware every client carries (`clients.ts`).
 */
export class ApiCallCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly perScope = new Map<string, number>();
  private sent = 0;

  /** `scope`: whose credentials (the clients' identity key) and which region the call went to. */
  record(service: string, operation: string, scope?: CallScope): void {
    let operations = this.counts.get(service);
    if (!operations) this.counts.set(service, (operations = new Map<string, number>()));
    operations.set(operation, (operations.get(operation) ?? 0) + 1);
    if (scope !== undefined) {
      const key = scopeKey(service, scope);
      this.perScope.set(key, (this.perScope.get(key) ?? 0) + 1);
    }
    this.sent += 1;
  }

  get total(): number {
    return this.sent;
  }

  /** Calls to one service sent with one identity's credentials to one region, retries included. */
  countFor(service: string, scope: CallScope): number {
    return this.perScope.get(scopeKey(service, scope)) ?? 0;
  }

  /** A plain, sorted copy, so that equal runs give byte-identical reports. */
  snapshot(): ApiCallCounts {
    const result: ApiCallCounts = {};
    for (const service of [...this.counts.keys()].sort()) {
      const operations = this.counts.get(service)!;
      result[service] = Object.fromEntries(
        [...operations.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return result;
  }
}
