import { ResourceTypes, type JsonObject, type JsonValue } from "../../../model/resource.js";
import { isUnknown } from "../../../model/unknown.js";
import { decodeEventPattern } from "../../aws/normalize-alerting.js";
import { fieldPath, indexPath } from "../../iac.js";
import type { AttributeSchema } from "../attributes.js";
import type { PlanInstance } from "../reader.js";
import type { Normalization } from "./context.js";

/**
 * `aws_cloudtrail` as the CloudTrail describe APIs show a trail (with its logging status and event
 * selectors), and `aws_cloudwatch_event_rule` with the `aws_cloudwatch_event_target` resources that
 * name it, as `list-rules` and `list-targets-by-rule` show a rule and its targets.
 */

const FIELD_SELECTOR: AttributeSchema = {
  field: "string",
  equals: { list: "string" },
  starts_with: { list: "string" },
  ends_with: { list: "string" },
  not_equals: { list: "string" },
  not_starts_with: { list: "string" },
  not_ends_with: { list: "string" },
};

export const TRAIL_SCHEMA: AttributeSchema = {
  name: "string",
  arn: "string",
  home_region: "string",
  enable_logging: "bool",
  is_multi_region_trail: "bool",
  is_organization_trail: "bool",
  include_global_service_events: "bool",
  s3_bucket_name: "string",
  event_selector: {
    block: {
      read_write_type: "string",
      include_management_events: "bool",
      exclude_management_event_sources: { list: "string" },
    },
  },
  advanced_event_selector: { block: { name: "string", field_selector: { block: FIELD_SELECTOR } } },
  tags: { map: "string" },
};

const FIELD_SELECTOR_KEYS: readonly (readonly [string, string])[] = [
  ["equals", "Equals"],
  ["starts_with", "StartsWith"],
  ["ends_with", "EndsWith"],
  ["not_equals", "NotEquals"],
  ["not_starts_with", "NotStartsWith"],
  ["not_ends_with", "NotEndsWith"],
];

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function record(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !isUnknown(value)
    ? value
    : undefined;
}

/** A value the plan gives, or the provider's default when the configuration leaves it out. */
function orDefault(value: JsonValue | undefined, fallback: JsonValue): JsonValue {
  return value === undefined || value === null ? fallback : value;
}

export function trail(n: Normalization, instance: PlanInstance): void {
  const value = (name: string) => n.plan.value(instance, [name]);
  const name = value("name");
  const id = typeof name === "string" && name !== "" ? name : instance.address;
  const properties: JsonObject = {
    Name: name ?? id,
    // The provider's defaults.
    IsLogging: orDefault(value("enable_logging"), true),
    IsMultiRegionTrail: orDefault(value("is_multi_region_trail"), false),
    IsOrganizationTrail: orDefault(value("is_organization_trail"), false),
    IncludeGlobalServiceEvents: orDefault(value("include_global_service_events"), true),
  };
  const build = n.add(instance, ResourceTypes.Trail, id, properties);
  n.locate(build, "Name", instance, ["name"]);
  n.locate(build, "IsLogging", instance, ["enable_logging"]);
  n.locate(build, "IsMultiRegionTrail", instance, ["is_multi_region_trail"]);
  for (const [attribute, key] of [
    ["arn", "TrailARN"],
    ["home_region", "HomeRegion"],
    ["s3_bucket_name", "S3BucketName"],
  ] as const) {
    const known = value(attribute);
    if (known !== undefined && known !== null) properties[key] = known;
  }
  const basic = value("event_selector");
  if (isUnknown(basic)) properties.EventSelectors = basic;
  else if (list(basic).length > 0) {
    n.locate(build, "EventSelectors", instance, ["event_selector"]);
    properties.EventSelectors = list(basic).map((entry) => {
      const selector = record(entry) ?? {};
      return {
        ReadWriteType: orDefault(selector.read_write_type, "All"),
        IncludeManagementEvents: orDefault(selector.include_management_events, true),
        ...(selector.exclude_management_event_sources !== undefined &&
        selector.exclude_management_event_sources !== null
          ? { ExcludeManagementEventSources: selector.exclude_management_event_sources }
          : {}),
      };
    });
  }
  const advanced = value("advanced_event_selector");
  if (isUnknown(advanced)) properties.AdvancedEventSelectors = advanced;
  else if (list(advanced).length > 0) {
    n.locate(build, "AdvancedEventSelectors", instance, ["advanced_event_selector"]);
    properties.AdvancedEventSelectors = list(advanced).map((entry) => {
      const selector = record(entry) ?? {};
      const fields = isUnknown(selector.field_selector)
        ? selector.field_selector
        : list(selector.field_selector).map((fieldEntry) => {
            const field = record(fieldEntry) ?? {};
            const result: JsonObject = { Field: field.field ?? "" };
            for (const [attribute, key] of FIELD_SELECTOR_KEYS) {
              const operands = field[attribute];
              if (
                operands !== undefined &&
                operands !== null &&
                !(Array.isArray(operands) && operands.length === 0)
              )
                result[key] = operands;
            }
            return result;
          });
      return {
        ...(typeof selector.name === "string" ? { Name: selector.name } : {}),
        FieldSelectors: fields,
      };
    });
  }
  n.tags(instance, build);
}

export const EVENT_RULE_SCHEMA: AttributeSchema = {
  name: "string",
  arn: "string",
  event_pattern: "string",
  state: "string",
  is_enabled: "bool",
  event_bus_name: "string",
  schedule_expression: "string",
  description: "string",
  tags: { map: "string" },
};

export function eventRule(n: Normalization, instance: PlanInstance): void {
  const value = (name: string) => n.plan.value(instance, [name]);
  const name = value("name");
  // As the plan's references know the rule: by its name, else by its address.
  const id = typeof name === "string" && name !== "" ? name : instance.address;
  const properties: JsonObject = {
    Name: name ?? id,
    State: ruleState(value("state"), value("is_enabled")),
    Targets: [],
  };
  const build = n.add(instance, ResourceTypes.EventRule, id, properties);
  n.locate(build, "Name", instance, ["name"]);
  n.locate(build, "State", instance, value("state") !== undefined ? ["state"] : ["is_enabled"]);
  const pattern = value("event_pattern");
  if (pattern !== undefined && pattern !== null) {
    properties.EventPattern = decodeEventPattern(pattern) ?? pattern;
    n.locate(build, "EventPattern", instance, ["event_pattern"]);
  }
  for (const [attribute, key] of [
    ["arn", "Arn"],
    ["event_bus_name", "EventBusName"],
    ["schedule_expression", "ScheduleExpression"],
    ["description", "Description"],
  ] as const) {
    const known = value(attribute);
    if (known !== undefined && known !== null && known !== "") properties[key] = known;
  }
  n.tags(instance, build);
}

/** `state`, or the older `is_enabled`; a rule is enabled unless the configuration says otherwise. */
function ruleState(state: JsonValue | undefined, enabled: JsonValue | undefined): JsonValue {
  if (state !== undefined && state !== null && state !== "") return state;
  if (isUnknown(enabled)) return enabled;
  return enabled === false ? "DISABLED" : "ENABLED";
}

export const EVENT_TARGET_SCHEMA: AttributeSchema = {
  rule: "string",
  arn: "string",
  target_id: "string",
  event_bus_name: "string",
};

/** A target resource joins the rule it names; one whose rule is not in the plan is noted. */
export function eventTarget(n: Normalization, instance: PlanInstance): void {
  const ruleName = n.refs.reference(instance, "rule");
  const bus = n.plan.value(instance, ["event_bus_name"]);
  // A rule name is unique per region only: a target joins the rule of its own region, or a rule
  // without targets elsewhere would seem to have this one.
  const region = n.plan.regionOf(instance);
  const rule = n.builds.find(
    (build) =>
      build.type === ResourceTypes.EventRule &&
      build.id === ruleName &&
      (bus === undefined || bus === null || bus === (build.properties.EventBusName ?? "default")) &&
      n.plan.regionOf(build.instance) === region,
  );
  if (!rule) {
    const shown = typeof ruleName === "string" ? ruleName : "whose name is known only after apply";
    n.note(
      instance,
      `${instance.address} targets rule ${shown}, which is not in the plan; that rule is not checked`,
    );
    return;
  }
  const targets = rule.properties.Targets as JsonValue[];
  const itemPath = indexPath("Targets", targets.length);
  n.locate(rule, itemPath, instance, []);
  n.locate(rule, fieldPath(itemPath, "Arn"), instance, ["arn"]);
  const id = n.plan.value(instance, ["target_id"]);
  targets.push({
    Id: typeof id === "string" && id !== "" ? id : instance.address,
    Arn: n.refs.reference(instance, "arn") ?? "",
  });
}
