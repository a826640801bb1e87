import { arnOf } from "../../model/resource-types.js";
import { ResourceTypes, type JsonObject, type JsonValue, type Resource } from "../../model/resource.js";
import { unknownValue } from "../../model/unknown.js";
import { findDuplicateKey } from "../../util/json-duplicates.js";
import { toJson, type AccountScope } from "./normalize.js";

/**
 * From CloudTrail and EventBridge answers to canonical trails and event rules. Plain functions over
 * plain data, in the SDK's shape (`DescribeTrails`' trail, `GetTrailStatus`, `GetEventSelectors`;
 * `ListRules`' rule, `ListTargetsByRule`'s targets), so that the live readers and the Config item
 * normalizer share them.
 */

/** What the three CloudTrail calls say about one trail. */
export interface TrailAnswers {
  /** One entry of `DescribeTrails`' `trailList`. */
  trail: unknown;
  /** `GetTrailStatus`: only `IsLogging` is kept. */
  status?: { IsLogging?: unknown };
  /** `GetEventSelectors`: `EventSelectors` or `AdvancedEventSelectors`. */
  selectors?: { EventSelectors?: unknown; AdvancedEventSelectors?: unknown };
}

function record(value: unknown): JsonObject {
  const json = toJson(value);
  return json !== null && typeof json === "object" && !Array.isArray(json) ? json : {};
}

/**
 * A trail, in its home region: a multi-region trail is listed by every region, and is one trail.
 * `IsLogging` and the selectors join the trail's own fields; the selectors' `TrailARN` does not.
 */
export function trailResource(answers: TrailAnswers, scope: AccountScope, region: string): Resource {
  const properties = record(answers.trail);
  const status = answers.status?.IsLogging;
  if (typeof status === "boolean") properties.IsLogging = status;
  let answered = false;
  for (const field of ["EventSelectors", "AdvancedEventSelectors"] as const) {
    const selectors = toJson(answers.selectors?.[field]);
    // GetEventSelectors answers with the kind of selectors the trail uses; an empty list of the
    // other kind says nothing.
    if (Array.isArray(selectors) && selectors.length > 0) {
      properties[field] = selectors;
      answered = true;
    }
  }
  const name = typeof properties.Name === "string" ? properties.Name : "";
  // A trail nobody configured is answered with CloudTrail's default selector, never with none.
  // An answer with no selector at all could mean a trail that records nothing (an event that
  // matches no selector is not logged) as well as a partial answer: neither is a pass.
  if (answers.selectors !== undefined && !answered) {
    properties.EventSelectors = unknownValue(
      `GetEventSelectors answered no event selectors for trail ${name}, so what it records cannot be told`,
    );
  }
  const home =
    typeof properties.HomeRegion === "string" && properties.HomeRegion ? properties.HomeRegion : region;
  const arn =
    typeof properties.TrailARN === "string" && properties.TrailARN
      ? properties.TrailARN
      : arnOf(ResourceTypes.Trail, { ...scope, region: home }, name);
  return {
    type: ResourceTypes.Trail,
    id: name,
    arn,
    account: scope.account,
    region: home,
    source: { kind: "aws-live" },
    properties,
  };
}

/**
 * An event pattern as AWS stores it, JSON text, decoded; text that is not a JSON object, or that
 * writes a key twice (decoding would keep only the last), stays as it is, so that the rules that
 * read it report it as an invalid pattern instead of skipping it or reading one of the two.
 */
export function decodeEventPattern(pattern: JsonValue | undefined): JsonValue | undefined {
  if (typeof pattern !== "string") return pattern;
  let decoded: JsonValue;
  try {
    decoded = JSON.parse(pattern) as JsonValue;
  } catch {
    return pattern;
  }
  if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded)) return pattern;
  return findDuplicateKey(pattern, decoded) === undefined ? decoded : pattern;
}

/** An EventBridge rule with its targets and its pattern decoded. */
export function eventRuleResource(
  rule: unknown,
  targets: readonly unknown[],
  scope: AccountScope,
  region: string,
): Resource {
  const properties = record(rule);
  const pattern = decodeEventPattern(properties.EventPattern);
  if (pattern !== undefined) properties.EventPattern = pattern;
  properties.Targets = targets.map((target) => record(target));
  const name = typeof properties.Name === "string" ? properties.Name : "";
  const arn =
    typeof properties.Arn === "string" && properties.Arn
      ? properties.Arn
      : arnOf(ResourceTypes.EventRule, { ...scope, region }, name, properties);
  return {
    type: ResourceTypes.EventRule,
    id: name,
    arn,
    account: scope.account,
    region,
    source: { kind: "aws-live" },
    properties,
  };
}
