import type { JsonObject } from "../../../src/model/resource.js";
import { assertKnownFields, FakeError, scalarText, type Request } from "./protocol.js";

/**
 * CloudTrail over JSON 1.1: `DescribeTrails`, `GetTrailStatus` and `GetEventSelectors`. Each
 * region of the world holds the trails whose home it is; DescribeTrails lists those and, from
 * every other region, the account's multi-region trails (shadow trails). A trail whose ARN names
 * another account (an organization trail seen from a member account) is listed, but its status
 * and selectors are refused, as CloudTrail refuses them to member accounts.
 */
export function handleCloudTrail(request: Request): unknown {
  switch (request.operation) {
    case "DescribeTrails":
      return describeTrails(request);
    case "GetTrailStatus":
      return { IsLogging: ownTrail(request, request.params.Name).IsLogging === true };
    case "GetEventSelectors":
      return getEventSelectors(request);
    default:
      throw new FakeError(
        "InvalidAction",
        `the loopback CloudTrail does not implement ${request.operation}`,
        400,
      );
  }
}

const LISTED_FIELDS = [
  "Name",
  "TrailARN",
  "HomeRegion",
  "IsMultiRegionTrail",
  "IsOrganizationTrail",
  "IncludeGlobalServiceEvents",
  "S3BucketName",
  "LogFileValidationEnabled",
];
const READ_FIELDS = ["IsLogging", "EventSelectors", "AdvancedEventSelectors"];

function trailsOf(request: Request): { home: string; trail: JsonObject }[] {
  return Object.entries(request.account.regions).flatMap(([home, region]) =>
    (region.trails ?? []).map((trail) => {
      assertKnownFields(trail, [...LISTED_FIELDS, ...READ_FIELDS], "trail");
      return { home, trail };
    }),
  );
}

function describeTrails(request: Request): unknown {
  const listed = trailsOf(request).filter(
    ({ home, trail }) =>
      home === request.region ||
      (request.params.includeShadowTrails !== false && trail.IsMultiRegionTrail === true),
  );
  return {
    trailList: listed.map(({ home, trail }) => {
      const wire: Record<string, unknown> = { HomeRegion: home };
      for (const field of LISTED_FIELDS) if (trail[field] !== undefined) wire[field] = trail[field];
      wire.HasCustomEventSelectors =
        trail.EventSelectors !== undefined || trail.AdvancedEventSelectors !== undefined;
      return wire;
    }),
  };
}

/** The trail a status or selectors call names, by ARN from any region or by name in its home. */
function ownTrail(request: Request, name: unknown): JsonObject {
  const text = scalarText(name ?? "");
  const found = trailsOf(request).find(({ home, trail }) =>
    text.startsWith("arn:") ? trail.TrailARN === text : trail.Name === text && home === request.region,
  );
  const owner = found ? scalarText(found.trail.TrailARN ?? "").split(":")[4] : undefined;
  if (!found || (owner !== undefined && owner !== "" && owner !== request.account.id)) {
    throw new FakeError(
      "TrailNotFoundException",
      `Unknown trail: ${text} for the user: ${request.account.id}`,
      400,
    );
  }
  return found.trail;
}

function getEventSelectors(request: Request): unknown {
  const trail = ownTrail(request, request.params.TrailName);
  if (trail.AdvancedEventSelectors !== undefined)
    return { TrailARN: trail.TrailARN, AdvancedEventSelectors: trail.AdvancedEventSelectors };
  // CloudTrail's default: every management event, read and write.
  return {
    TrailARN: trail.TrailARN,
    EventSelectors: trail.EventSelectors ?? [
      {
        ReadWriteType: "All",
        IncludeManagementEvents: true,
        DataResources: [],
        ExcludeManagementEventSources: [],
      },
    ],
  };
}
