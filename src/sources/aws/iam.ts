import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  type EntityType,
  type GetAccountAuthorizationDetailsCommandOutput,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { GLOBAL_REGION, ResourceTypes } from "../../model/resource.js";
import { accessKeysFromReport, MalformedCredentialReport } from "./credential-report.js";
import { collectionError } from "./errors.js";
import { authorizationDetailsResources, type AccountScope } from "./normalize.js";
import { ListedOnce, nextIamMarker, paginate } from "./paginate.js";
import type { PageListener, ReadResult } from "./types.js";

/**
 * Everything IAM-side in one call family: users, groups, roles (with instance profiles and trust
 * policies) and managed policies, inline and managed documents included. Per-entity APIs
 * (GetRole, ListAttachedRolePolicies, GetPolicyVersion, …) would take several calls per role.
 */
const FILTERS: EntityType[] = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"];

/** The API's maximum. */
const PAGE = 1000;

export async function readAuthorizationDetails(
  iam: IAMClient,
  scope: AccountScope,
  onPage: PageListener,
): Promise<ReadResult> {
  const result: ReadResult = { resources: [], errors: [] };
  const where = { account: scope.account, region: GLOBAL_REGION };
  const seenProfiles = new Set<string>();
  // A role listed twice with two trust policies would be judged on whichever came last.
  const listed = new ListedOnce();
  try {
    await paginate(
      (marker) =>
        iam.send(
          new GetAccountAuthorizationDetailsCommand({ Filter: FILTERS, MaxItems: PAGE, Marker: marker }),
        ),
      (page: GetAccountAuthorizationDetailsCommandOutput) => nextIamMarker(page),
      (page) => {
        const { resources, problems } = authorizationDetailsResources(page, scope, seenProfiles);
        for (const resource of resources) listed.add(`${resource.type} ${resource.id}`, resource);
        result.resources.push(...resources);
        for (const problem of problems) {
          result.errors.push({
            ...where,
            service: "iam",
            operation: "GetAccountAuthorizationDetails",
            code: "MalformedPolicyDocument",
            message: `${problem.type} ${problem.id}: ${problem.detail}`,
            resourceTypes: [problem.type],
          });
        }
        onPage(resources.length);
      },
    );
  } catch (error) {
    result.errors.push(collectionError("iam:GetAccountAuthorizationDetails", where, error));
  }
  return result;
}

/** How long to wait for IAM to write the credential report, and how. */
export interface CredentialReportPolling {
  /** Checks of the report's state before giving up. */
  maxChecks: number;
  /** Milliseconds between two checks. */
  intervalMs: number;
  /** Waits (tests pass one that does not). */
  wait?: (ms: number) => Promise<void>;
}

/** IAM writes a report in seconds for most accounts: 15 checks 2 seconds apart is ample. */
export const DEFAULT_CREDENTIAL_REPORT_POLLING: CredentialReportPolling = { maxChecks: 15, intervalMs: 2000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Every user's access keys from the account's credential report: one report per account instead
 * of calls per user and per key. GenerateCredentialReport is asked until the report is COMPLETE
 * (a report less than four hours old is reused by IAM and is complete at once), then read. A
 * report not ready after the last check, a call that fails, or a report that does not parse is one
 * collection error for access keys in the account: the rules about keys report `error` there.
 */
export async function readCredentialReport(
  iam: IAMClient,
  scope: AccountScope,
  onPage: PageListener,
  polling: CredentialReportPolling = DEFAULT_CREDENTIAL_REPORT_POLLING,
): Promise<ReadResult> {
  const where = { account: scope.account, region: GLOBAL_REGION };
  const failure = (code: string, operation: string, message: string): ReadResult => ({
    resources: [],
    errors: [
      { ...where, service: "iam", operation, code, message, resourceTypes: [ResourceTypes.AccessKey] },
    ],
  });
  let state: string | undefined;
  for (let check = 1; check <= polling.maxChecks; check += 1) {
    try {
      state = (await iam.send(new GenerateCredentialReportCommand({}))).State;
    } catch (error) {
      return { resources: [], errors: [collectionError("iam:GenerateCredentialReport", where, error)] };
    }
    if (state === "COMPLETE") break;
    if (check < polling.maxChecks) await (polling.wait ?? sleep)(polling.intervalMs);
  }
  if (state !== "COMPLETE") {
    return failure(
      "CredentialReportNotReady",
      "GenerateCredentialReport",
      `the credential report was still ${state ?? "not started"} after ${polling.maxChecks} checks ` +
        `${polling.intervalMs / 1000} s apart`,
    );
  }
  let content: Uint8Array | undefined;
  try {
    const report = await iam.send(new GetCredentialReportCommand({}));
    // The only format IAM has; another would be a report this reader cannot know how to read.
    const format: string | undefined = report.ReportFormat;
    if (format !== undefined && format !== "text/csv") {
      return failure(
        "MalformedCredentialReport",
        "GetCredentialReport",
        `the credential report is in ${format}, not text/csv`,
      );
    }
    content = report.Content;
  } catch (error) {
    return { resources: [], errors: [collectionError("iam:GetCredentialReport", where, error)] };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(content ?? new Uint8Array());
    const resources = accessKeysFromReport(text, scope);
    onPage(resources.length);
    return { resources, errors: [] };
  } catch (error) {
    const message =
      error instanceof MalformedCredentialReport
        ? error.message
        : `the credential report is not UTF-8 text (${(error as Error).message})`;
    return failure("MalformedCredentialReport", "GetCredentialReport", message);
  }
}
