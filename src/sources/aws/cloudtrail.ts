import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type CloudTrailClient,
  type Trail,
} from "@aws-sdk/client-cloudtrail";
import type { CollectionError } from "../../model/collection-error.js";
import type { Resource } from "../../model/resource.js";
import { unknownValue } from "../../model/unknown.js";
import { collectionError, describeAwsError, isPermissionError } from "./errors.js";
import { trailResource } from "./normalize-alerting.js";
import type { AccountScope } from "./normalize.js";
import type { OperationKey } from "./operations.js";
import type { PageListener, ReadResult } from "./types.js";

/**
 * Which of the trails a region lists to read. A scan of several regions reads each trail once:
 * in its home region, or, when the scan leaves that region out, in the first region it scans
 * (`scanned`, sorted), since the trail still records the regions scanned. `recording` reads every
 * trail that records the region (its own, and the multi-region and organization trails of other
 * regions), for a reader that judges one region alone.
 */
export type TrailSelection = { scanned: readonly string[] } | "recording";

function keeps(selection: TrailSelection, region: string, home: string): boolean {
  if (selection === "recording" || home === region) return true;
  return !selection.scanned.includes(home) && selection.scanned[0] === region;
}

/**
 * The trails of a region. DescribeTrails is not paginated; each trail kept costs a
 * GetTrailStatus and a GetEventSelectors.
 */
export async function readTrails(
  cloudtrail: CloudTrailClient,
  scope: AccountScope,
  region: string,
  onPage: PageListener,
  selection: TrailSelection,
): Promise<ReadResult> {
  const where = { account: scope.account, region };
  let trails: Trail[];
  try {
    const output = await cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    trails = output.trailList ?? [];
  } catch (error) {
    return { resources: [], errors: [collectionError("cloudtrail:DescribeTrails", where, error)] };
  }
  const result: ReadResult = { resources: [], errors: [] };
  for (const trail of trails.filter((candidate) =>
    keeps(selection, region, candidate.HomeRegion || region),
  )) {
    const read = await readTrail(cloudtrail, trail, scope, region);
    if ("resource" in read) result.resources.push(read.resource);
    else result.errors.push(read.error);
  }
  onPage(result.resources.length);
  return result;
}

/** The trail with its status and selectors, or the error that leaves the region's trails unjudged. */
async function readTrail(
  cloudtrail: CloudTrailClient,
  trail: Trail,
  scope: AccountScope,
  region: string,
): Promise<{ resource: Resource } | { error: CollectionError }> {
  const where = { account: scope.account, region };
  // The ARN, not the name: an organization trail is known by its ARN in member accounts.
  const name = trail.TrailARN || trail.Name || "";
  const [status, selectors] = await Promise.all([
    settle(cloudtrail.send(new GetTrailStatusCommand({ Name: name }))),
    settle(cloudtrail.send(new GetEventSelectorsCommand({ TrailName: name }))),
  ]);
  const refused: { field: "IsLogging" | "EventSelectors"; reason: string }[] = [];
  for (const [key, answer, field] of [
    ["cloudtrail:GetTrailStatus", status, "IsLogging"],
    ["cloudtrail:GetEventSelectors", selectors, "EventSelectors"],
  ] as const) {
    if (!("error" in answer)) continue;
    const reason = refusedForeignTrail(trail, scope, key, answer.error);
    if (reason === undefined) {
      const failure = collectionError(key, where, answer.error);
      return { error: { ...failure, message: `trail ${trail.Name ?? name}: ${failure.message}` } };
    }
    refused.push({ field, reason });
  }
  const resource = trailResource(
    {
      trail,
      ...("value" in status ? { status: status.value } : {}),
      ...("value" in selectors ? { selectors: selectors.value } : {}),
    },
    scope,
    region,
  );
  // Never a pass on what could not be read: the rules that read these fields report `error`.
  for (const { field, reason } of refused) resource.properties[field] = unknownValue(reason);
  return { resource };
}

/**
 * Why a call about a trail owned by another account was refused, when it was refused the way
 * CloudTrail refuses a member account reading the organization trail (the management account
 * owns it); undefined for any other failure, which stays a collection error.
 */
function refusedForeignTrail(
  trail: Trail,
  scope: AccountScope,
  key: OperationKey,
  error: unknown,
): string | undefined {
  const owner = trail.TrailARN?.split(":")[4];
  if (owner === undefined || owner === "" || owner === scope.account) return undefined;
  const { code } = describeAwsError(error);
  if (!isPermissionError(code) && code !== "TrailNotFoundException") return undefined;
  return `${key} was refused (${code}) for trail ${trail.Name ?? trail.TrailARN}, which account ${owner} owns`;
}

type Settled<T> = { value: T } | { error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
