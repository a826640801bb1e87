import type { CollectionError, Scope } from "../../model/collection-error.js";
import { arnOf } from "../../model/resource-types.js";
import { ALL_RESOURCE_TYPES, GLOBAL_REGION, ResourceTypes, type Resource } from "../../model/resource.js";
import { ApiCallCounter, type ApiCallCounts } from "./call-counter.js";
import {
  AwsClients,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  resolveHomeRegion,
  type ClientIdentity,
  type CredentialProvider,
} from "./clients.js";
import { mapLimit } from "./concurrency.js";
import { baseCredentials, checkCredentials } from "./credentials.js";
import { readTrails } from "./cloudtrail.js";
import { readEnabledRegions, readInstances, readSecurityGroups } from "./ec2.js";
import { collectionError, setupError } from "./errors.js";
import { readEventRules } from "./eventbridge.js";
import { readAuthorizationDetails, readCredentialReport, type CredentialReportPolling } from "./iam.js";
import type { NetworkEnvironment } from "./network-environment.js";
import type { AccountScope } from "./normalize.js";
import { listActiveAccounts } from "./organizations.js";
import { readManagedInstances, readPreferences } from "./ssm.js";
import { assumedRoleCredentials, partitionOf, readCallerIdentity } from "./sts.js";
import type { ReadResult } from "./types.js";

/**
 * Live collection: from credentials to canonical resources for one account or every active
 * account of an organization. Account-wide data (IAM) is read once per account; regional data
 * (security groups, instances, managed nodes, preferences, trails, event rules) once per region,
 * regions in parallel within a bound, and the regional listings of a region in parallel with each
 * other. What
 * fails becomes a collection error for the account and region it leaves unjudged; the run goes on.
 */

export interface LiveCollectionOptions {
  /** `--profile`: a named profile instead of the default credential chain. */
  profile?: string;
  /** `--role-arn`: a role to assume first; with `--org`, the role that may list the organization. */
  roleArn?: string;
  /** `--external-id`, sent with every AssumeRole. */
  externalId?: string;
  /** `--session-name`: the role session name of every AssumeRole. */
  sessionName: string;
  /** `--regions`; the account's enabled regions when absent. */
  regions?: readonly string[];
  /** `--endpoint-url`: an AWS-compatible endpoint for every service. */
  endpoint?: string;
  /** `--org` with `--org-role`: every active account of the organization, through this role. */
  organization?: { roleName: string };
  /** Accounts collected at the same time. */
  accountConcurrency?: number;
  /** Regions collected at the same time within one account. */
  regionConcurrency?: number;
  /** Attempts per call, retries included (the SDK's own setting when absent). */
  maxAttempts?: number;
  /** `--read-timeout`: milliseconds one attempt may take, from sending to the end of the answer. */
  requestTimeoutMs?: number;
  /** `--connect-timeout`: milliseconds to establish a connection. */
  connectTimeoutMs?: number;
  /** Proxies and extra certificate authorities; read from the process environment when absent. */
  network?: NetworkEnvironment;
  userAgent?: string;
  /** Credentials to start from instead of the profile or default chain (tests, embedders). */
  credentials?: CredentialProvider;
  onProgress?: (progress: CollectionProgress) => void;
  /** How long to wait for each account's credential report (the default when absent). */
  credentialReportPolling?: CredentialReportPolling;
  /** Called as each API family (service) of an account and region is done. */
  onFamilyDone?: (done: FamilyDone) => void;
}

/** The calls of one service for one account and region are all done (some may have failed). */
export interface FamilyDone {
  account: string;
  /** `global` for IAM. */
  region: string;
  service: "iam" | "ec2" | "ssm" | "cloudtrail" | "events";
  /** Requests sent, retries included. */
  calls: number;
  /** Collection errors these calls left. */
  errors: number;
}

export interface CollectionProgress {
  accountsDone: number;
  accountsTotal: number;
  regionsDone: number;
  regionsTotal: number;
  resources: number;
  apiCalls: number;
}

export interface LiveCollection {
  /** The accounts that were scanned (or tried), in order. */
  accounts: string[];
  scopes: Scope[];
  resources: Resource[];
  collectionErrors: CollectionError[];
  apiCalls: ApiCallCounts;
}

export const DEFAULT_ACCOUNT_CONCURRENCY = 4;
export const DEFAULT_REGION_CONCURRENCY = 4;

/** An account to scan: its credentials, or the role to assume for them. */
interface AccountTarget {
  account: string;
  partition: string;
  credentials?: CredentialProvider;
  roleArn?: string;
}

interface AccountResult {
  scopes: Scope[];
  resources: Resource[];
  errors: CollectionError[];
}

export async function collectLive(options: LiveCollectionOptions): Promise<LiveCollection> {
  const counter = new ApiCallCounter();
  const clients = new AwsClients({
    counter,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
    ...(options.network !== undefined ? { network: options.network } : {}),
  });
  const progress: CollectionProgress = {
    accountsDone: 0,
    accountsTotal: 0,
    regionsDone: 0,
    regionsTotal: 0,
    resources: 0,
    apiCalls: 0,
  };
  const report = () => {
    progress.apiCalls = counter.total;
    options.onProgress?.({ ...progress });
  };

  try {
    const base = options.credentials ?? baseCredentials(options.profile);
    await checkCredentials(base, options.profile);
    const home = await resolveHomeRegion(options.profile);
    const entry = await entryAccount(options, clients, { key: "\u0000base", credentials: base }, home);
    const targets = options.organization
      ? await organizationTargets(options.organization.roleName, entry, clients, home)
      : [entry];
    progress.accountsTotal = targets.length;
    report();

    const collector = new AccountCollector(options, clients, counter, home, progress, report);
    const sourceIdentity: ClientIdentity = { key: entry.account, credentials: entry.credentials };
    const results = await mapLimit(
      targets,
      options.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY,
      async (target) => {
        const result = await collector.collect(target, sourceIdentity);
        progress.accountsDone += 1;
        report();
        return result;
      },
    );
    return {
      accounts: targets.map((target) => target.account),
      scopes: results.flatMap((result) => result.scopes),
      resources: results.flatMap((result) => result.resources),
      collectionErrors: results.flatMap((result) => result.errors),
      apiCalls: counter.snapshot(),
    };
  } finally {
    clients.destroy();
  }
}

/** The account the credentials (or `--role-arn`) lead to; failing here ends the run. */
async function entryAccount(
  options: LiveCollectionOptions,
  clients: AwsClients,
  base: ClientIdentity,
  home: string,
): Promise<AccountTarget & { credentials: CredentialProvider }> {
  if (options.roleArn !== undefined) {
    const credentials = assumedRoleCredentials(clients.sts(base, home), {
      roleArn: options.roleArn,
      sessionName: options.sessionName,
      ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
    });
    try {
      await credentials();
    } catch (error) {
      throw setupError("sts:AssumeRole", error, `cannot assume ${options.roleArn}`);
    }
    return { account: accountOfArn(options.roleArn), partition: partitionOf(options.roleArn), credentials };
  }
  try {
    const identity = await readCallerIdentity(clients.sts(base, home));
    return { account: identity.account, partition: identity.partition, credentials: base.credentials };
  } catch (error) {
    throw setupError("sts:GetCallerIdentity", error, "cannot identify the account of the credentials");
  }
}

/**
 * Every active account of the organization. The entry account is scanned with its own
 * credentials (the organization's role usually does not exist in the management account);
 * the others through `roleName`, assumed when their turn comes.
 */
async function organizationTargets(
  roleName: string,
  entry: AccountTarget & { credentials: CredentialProvider },
  clients: AwsClients,
  home: string,
): Promise<AccountTarget[]> {
  let accounts;
  try {
    accounts = await listActiveAccounts(
      clients.organizations({ key: entry.account, credentials: entry.credentials }, home),
    );
  } catch (error) {
    throw setupError("organizations:ListAccounts", error, "cannot list the organization's accounts");
  }
  return accounts.map(({ id }) =>
    id === entry.account
      ? entry
      : {
          account: id,
          partition: entry.partition,
          roleArn: arnOf(
            ResourceTypes.Role,
            { partition: entry.partition, region: GLOBAL_REGION, account: id },
            roleName,
          ),
        },
  );
}

function accountOfArn(arn: string): string {
  return arn.split(":")[4] ?? "";
}

class AccountCollector {
  constructor(
    private readonly options: LiveCollectionOptions,
    private readonly clients: AwsClients,
    private readonly counter: ApiCallCounter,
    private readonly home: string,
    private readonly progress: CollectionProgress,
    private readonly report: () => void,
  ) {}

  async collect(target: AccountTarget, source: ClientIdentity): Promise<AccountResult> {
    const scope: AccountScope = { account: target.account, partition: target.partition };
    let credentials = target.credentials;
    if (credentials === undefined) {
      const roleArn = target.roleArn!;
      const assumed = assumedRoleCredentials(this.clients.sts(source, this.home), {
        roleArn,
        sessionName: this.options.sessionName,
        ...(this.options.externalId !== undefined ? { externalId: this.options.externalId } : {}),
      });
      try {
        await assumed();
      } catch (error) {
        // Nothing of this account can be read: every rule reports an error for it.
        const failure = collectionError(
          "sts:AssumeRole",
          { account: target.account, region: GLOBAL_REGION },
          error,
          [...ALL_RESOURCE_TYPES],
        );
        return {
          scopes: [],
          resources: [],
          errors: [{ ...failure, message: `${roleArn}: ${failure.message}` }],
        };
      }
      credentials = assumed;
    }
    const identity: ClientIdentity = { key: target.account, credentials };

    const errors: CollectionError[] = [];
    const regions = await this.regionsOf(identity, scope, errors);
    this.progress.regionsTotal += regions.length;
    this.report();

    const [iam, regional] = await Promise.all([
      this.collectIam(identity, scope),
      mapLimit(regions, this.options.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY, async (region) => {
        const result = await this.collectRegion(identity, scope, region, regions);
        this.progress.regionsDone += 1;
        this.report();
        return result;
      }),
    ]);
    return {
      scopes: regions.map((region) => ({ account: target.account, region, partition: target.partition })),
      resources: [...iam.resources, ...regional.flatMap((result) => result.resources)],
      errors: [...errors, ...iam.errors, ...regional.flatMap((result) => result.errors)],
    };
  }

  /**
   * `--regions`, or the regions enabled for the account. When they cannot be listed, the home
   * region is still collected, and the error (region `global`) marks every other region's data
   * as missing.
   */
  private async regionsOf(
    identity: ClientIdentity,
    scope: AccountScope,
    errors: CollectionError[],
  ): Promise<string[]> {
    if (this.options.regions !== undefined) return [...new Set(this.options.regions)].sort();
    try {
      const regions = await readEnabledRegions(this.clients.ec2(identity, this.home));
      return [...new Set(regions)].sort();
    } catch (error) {
      errors.push(
        collectionError("ec2:DescribeRegions", { account: scope.account, region: GLOBAL_REGION }, error),
      );
      return [this.home];
    }
  }

  /** One region's listings; `scanned`, every region of the account being collected, sorted. */
  private async collectRegion(
    identity: ClientIdentity,
    scope: AccountScope,
    region: string,
    scanned: readonly string[],
  ): Promise<ReadResult> {
    const ec2 = this.clients.ec2(identity, region);
    const ssm = this.clients.ssm(identity, region);
    const families = await Promise.all([
      Promise.all([
        readSecurityGroups(ec2, scope, region, this.onPage),
        readInstances(ec2, scope, region, this.onPage),
      ]).then((parts) => this.familyDone(identity, region, region, "ec2", parts)),
      Promise.all([
        readManagedInstances(ssm, scope, region, this.onPage),
        readPreferences(ssm, scope, region).then((result) => {
          this.onPage(result.resources.length);
          return result;
        }),
      ]).then((parts) => this.familyDone(identity, region, region, "ssm", parts)),
      readTrails(this.clients.cloudtrail(identity, region), scope, region, this.onPage, { scanned }).then(
        (part) => this.familyDone(identity, region, region, "cloudtrail", [part]),
      ),
      readEventRules(this.clients.events(identity, region), scope, region, this.onPage).then((part) =>
        this.familyDone(identity, region, region, "events", [part]),
      ),
    ]);
    return {
      resources: families.flatMap((family) => family.resources),
      errors: families.flatMap((family) => family.errors),
    };
  }

  /** Users, groups, roles and policies, and the users' access keys from the credential report. */
  private async collectIam(identity: ClientIdentity, scope: AccountScope): Promise<ReadResult> {
    const iam = this.clients.iam(identity, this.home);
    // One after the other: IAM throttles an account's calls together, and the regions are being
    // read meanwhile.
    const details = await readAuthorizationDetails(iam, scope, this.onPage);
    const keys = await readCredentialReport(iam, scope, this.onPage, this.options.credentialReportPolling);
    return this.familyDone(identity, this.home, GLOBAL_REGION, "iam", [details, keys]);
  }

  /** Merges a service's results for one region and tells the caller that service is done. */
  private familyDone(
    identity: ClientIdentity,
    callRegion: string,
    region: string,
    service: FamilyDone["service"],
    parts: readonly ReadResult[],
  ): ReadResult {
    const result = {
      resources: parts.flatMap((part) => part.resources),
      errors: parts.flatMap((part) => part.errors),
    };
    this.options.onFamilyDone?.({
      account: identity.key,
      region,
      service,
      calls: this.counter.countFor(service, { identity: identity.key, region: callRegion }),
      errors: result.errors.length,
    });
    return result;
  }

  private readonly onPage = (resources: number): void => {
    this.progress.resources += resources;
    this.report();
  };
}
