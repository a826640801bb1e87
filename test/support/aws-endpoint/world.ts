import type { JsonObject } from "../../../src/model/resource.js";

/**
 * The fake AWS the loopback endpoint serves: accounts with their IAM entities and regional
 * resources in the canonical (describe-API) shape, IAM documents as objects (the endpoint
 * URL-encodes them on the wire, as IAM does) or as raw strings sent exactly as given, plus the
 * behaviour a test scripts: page sizes, faults and who may assume which role.
 */

export interface FakeRegion {
  securityGroups: JsonObject[];
  instances: JsonObject[];
  managedInstances: JsonObject[];
  /** The SSM-SessionManagerRunShell document, absent when the region has none. */
  preferences?: FakePreferences;
  /**
   * The trails whose home region this is, with what GetTrailStatus (`IsLogging`) and
   * GetEventSelectors (`EventSelectors` or `AdvancedEventSelectors`, every management event when
   * neither) answer; a `TrailARN` of another account makes it an organization trail seen from a
   * member account.
   */
  trails?: JsonObject[];
  /** EventBridge rules, with their `Targets`; on the default bus unless `EventBusName` says otherwise. */
  eventRules?: JsonObject[];
}

export interface FakePreferences {
  /** The document text, sent as stored. */
  Content: string;
  DocumentFormat: "JSON" | "YAML";
  DocumentVersion?: string;
  CreatedDate?: string;
}

export interface FakeIam {
  users: JsonObject[];
  groups: JsonObject[];
  roles: JsonObject[];
  policies: JsonObject[];
  /**
   * Users' access keys (`UserName`, `Status`, `CreateDate`, `AccessKeyLastUsed`), in each user's
   * order: the credential report lists a user's first two as access_key_1 and access_key_2.
   */
  accessKeys?: JsonObject[];
  /** The credential report: its text instead of one made from the keys, and how many checks answer STARTED first. */
  credentialReport?: { csv?: string; checksBeforeComplete?: number };
}

export interface FakeAccount {
  id: string;
  name?: string;
  /** Organizations state; `ACTIVE` unless said otherwise. */
  state?: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE";
  /** What DescribeRegions lists; calls to EC2 or SSM in any other region fail as AWS fails them. */
  enabledRegions: string[];
  /** Role names AssumeRole succeeds for; any other is AccessDenied. */
  assumableRoles: string[];
  iam: FakeIam;
  regions: Record<string, FakeRegion>;
}

/** A scripted failure or delay for the calls it matches. */
export interface Fault {
  service?: string;
  operation?: string;
  account?: string;
  region?: string;
  /** The error to answer with; absent with `delayMs` to only delay. */
  code?: string;
  message?: string;
  status?: number;
  /** How many matching calls fail; every one when absent. */
  times?: number;
  /** Milliseconds to wait before answering (past the client's timeout, the call times out). */
  delayMs?: number;
  /**
   * A 200 answer with exactly this body instead of the service's: what a captive portal, a
   * misconfigured proxy or a misbehaving AWS-compatible endpoint sends.
   */
  body?: string;
  /** The content type of `body`; the service's own when absent. */
  contentType?: string;
}

export interface FakeWorld {
  accounts: FakeAccount[];
  /** The long-term key the tests give the SDK, and the identity it belongs to. */
  base: { accessKeyId: string; secretAccessKey: string; account: string; arn: string };
  organization?: { id: string; managementAccount: string };
  /**
   * A server-side page size per operation (`ec2:DescribeSecurityGroups`), below the MaxResults
   * the client asks for, as AWS may return; forces several pages with small fixtures.
   */
  pageSizes?: Record<string, number>;
  faults?: Fault[];
  /** Security Hub: the findings imported so far, and the Ids to refuse (FailedFindings). */
  securityHub?: { imported: Record<string, unknown>[]; refuse?: string[] };
}

export const BASE_KEY = {
  accessKeyId: "AKIAACCESSBASELINE01",
  secretAccessKey: "loopback-secret-key-for-tests-only",
};

export function emptyRegion(): FakeRegion {
  return { securityGroups: [], instances: [], managedInstances: [] };
}

export function emptyIam(): FakeIam {
  return { users: [], groups: [], roles: [], policies: [] };
}
