import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown } from "../../../model/unknown.js";
import { decodeEventPattern } from "../../aws/normalize-alerting.js";
import type { TemplateResource } from "../template.js";
import type { Build, NormalizeContext } from "./context.js";

/**
 * `AWS::CloudTrail::Trail` as `aws cloudtrail describe-trails`, `get-trail-status` and
 * `get-event-selectors` show it together, and `AWS::Events::Rule` as `aws events list-rules` and
 * `list-targets-by-rule` do: what decides whether starting a session raises an alert.
 */

const TRAIL_PROPERTIES = new Set([
  "TrailName",
  "IsLogging",
  "IsMultiRegionTrail",
  "IsOrganizationTrail",
  "IncludeGlobalServiceEvents",
  "S3BucketName",
  "EventSelectors",
  "AdvancedEventSelectors",
  // Where the trail delivers and how it protects its files: nothing a rule reads, and in the
  // describe shape under the same names.
  "S3KeyPrefix",
  "SnsTopicName",
  "KMSKeyId",
  "EnableLogFileValidation",
  "CloudWatchLogsLogGroupArn",
  "CloudWatchLogsRoleArn",
  "Tags",
]);

/** Booleans that templates may write as text. */
function flag(value: JsonValue | undefined): JsonValue | undefined {
  if (value === "true") return true;
  if (value === "false") return false;
  return value;
}

/** `IncludeManagementEvents`, which templates may write as text, inside each basic selector. */
function basicSelectors(value: JsonValue): JsonValue {
  if (!Array.isArray(value)) return value;
  return value.map((selector) => {
    if (selector === null || typeof selector !== "object" || Array.isArray(selector) || isUnknown(selector))
      return selector;
    const include = flag(selector.IncludeManagementEvents);
    return include === undefined ? selector : { ...selector, IncludeManagementEvents: include };
  });
}

export function trail(context: NormalizeContext, resource: TemplateResource): void {
  const name = context.text(resource, "TrailName");
  const id = typeof name === "string" && name !== "" ? name : resource.logicalId;
  const properties: JsonObject = {
    Name: id,
    // CloudFormation's defaults, which the describe API shows.
    IsMultiRegionTrail: false,
    IsOrganizationTrail: false,
  };
  const build = context.add(resource, ResourceTypes.Trail, id, properties);
  build.recorder.set("Name", context.propPosition(resource, "TrailName"));
  for (const field of [
    "IsLogging",
    "IsMultiRegionTrail",
    "IsOrganizationTrail",
    "IncludeGlobalServiceEvents",
  ]) {
    const value = flag(context.value(resource, field, build));
    if (value !== undefined) properties[field] = value;
  }
  // A trail that may not be created is evidence of an alert only if it is: judged as created, a
  // stack whose parameter turns it off would pass.
  const uncertain = context.r.excluded(resource, "IsLogging");
  if (uncertain !== undefined) properties.IsLogging = uncertain;
  const basic = context.value(resource, "EventSelectors", build);
  if (basic !== undefined) properties.EventSelectors = basicSelectors(basic);
  copyAll(context, resource, build, [
    "AdvancedEventSelectors",
    "S3BucketName",
    "S3KeyPrefix",
    "SnsTopicName",
  ]);
  copyAll(context, resource, build, ["KMSKeyId", "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn"]);
  const validation = flag(
    context.value(resource, "EnableLogFileValidation", build, "LogFileValidationEnabled"),
  );
  if (validation !== undefined) properties.LogFileValidationEnabled = validation;
  context.tags(resource, build);
  context.keepUnmapped(resource, build, TRAIL_PROPERTIES);
}

function copyAll(context: NormalizeContext, resource: TemplateResource, build: Build, names: string[]): void {
  for (const name of names) context.copy(resource, build, name);
}

const RULE_PROPERTIES = new Set([
  "Name",
  "State",
  "EventPattern",
  "EventBusName",
  "Targets",
  "Description",
  "ScheduleExpression",
  "RoleArn",
]);

export function eventRule(context: NormalizeContext, resource: TemplateResource): void {
  const name = context.text(resource, "Name");
  const id = typeof name === "string" && name !== "" ? name : resource.logicalId;
  // A rule is enabled unless the template says otherwise, and has no target until it lists one.
  const properties: JsonObject = { Name: id, State: "ENABLED", Targets: [] };
  const build = context.add(resource, ResourceTypes.EventRule, id, properties);
  build.recorder.set("Name", context.propPosition(resource, "Name"));
  // Written as an object or as JSON text; either way the canonical pattern is the object.
  const pattern = context.value(resource, "EventPattern", build);
  if (pattern !== undefined) properties.EventPattern = decodeEventPattern(pattern) ?? pattern;
  copyAll(context, resource, build, ["State", "EventBusName", "Targets"]);
  // As for trails: a rule that may not be created cannot be counted on to raise the alert.
  const uncertain = context.r.excluded(resource, "State");
  if (uncertain !== undefined) properties.State = uncertain;
  copyAll(context, resource, build, ["Description", "ScheduleExpression", "RoleArn"]);
  context.keepUnmapped(resource, build, RULE_PROPERTIES);
}
