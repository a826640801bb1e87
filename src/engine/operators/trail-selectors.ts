/**
 * Whether a CloudTrail trail's event selectors record a management event: basic selectors
 * (`ReadWriteType`, `IncludeManagementEvents`, `ExcludeManagementEventSources`) or advanced ones
 * (field selectors on `eventCategory`, `readOnly`, `eventSource`, `eventName`), as CloudTrail
 * applies them. A trail with neither records every management event: that is CloudTrail's default,
 * and what `GetEventSelectors` answers for a trail nobody configured.
 *
 * A selector that does not have the shape CloudTrail gives (an unknown `ReadWriteType`, a field
 * selector without its field) is an `InvalidValueError`, never "not recorded".
 */

import type { JsonValue } from "../../model/resource.js";
import { assertWhollyKnown } from "../../model/unknown.js";
import { InvalidValueError } from "./invalid-value.js";

/** The management event to look for, as CloudTrail's advanced selectors name its fields. */
export interface ManagementEvent {
  eventSource: string;
  eventName: string;
  /** Whether the call only reads: StartSession is a write (`readOnly: false`). */
  readOnly: boolean;
}

type JsonRecord = { [key: string]: JsonValue };

function isRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function trailRecordsEvent(trail: JsonValue, event: ManagementEvent): boolean {
  if (!isRecord(trail)) throw new InvalidValueError(trail, "a CloudTrail trail");
  const advanced = trail.AdvancedEventSelectors;
  const basic = trail.EventSelectors;
  // Selectors a source could not know (a Config item's, a value known only after apply) cannot
  // say what the trail records.
  assertWhollyKnown(advanced);
  assertWhollyKnown(basic);
  if (Array.isArray(advanced) && advanced.length > 0) {
    return advanced.some((selector, index) => advancedSelectorMatches(selector, event, index));
  }
  if (Array.isArray(basic) && basic.length > 0) {
    return basic.some((selector, index) => basicSelectorRecords(selector, event, index));
  }
  for (const [name, value] of [
    ["AdvancedEventSelectors", advanced],
    ["EventSelectors", basic],
  ] as const) {
    if (value !== undefined && value !== null && !Array.isArray(value))
      throw new InvalidValueError(value, "a list of event selectors", name);
  }
  return true;
}

const READ_WRITE_TYPES = new Set(["All", "ReadOnly", "WriteOnly"]);

function basicSelectorRecords(selector: JsonValue, event: ManagementEvent, index: number): boolean {
  const field = `EventSelectors[${index}]`;
  if (!isRecord(selector)) throw new InvalidValueError(selector, "an event selector", field);
  // CloudTrail's defaults for a selector that leaves them out.
  const readWriteType = selector.ReadWriteType ?? "All";
  const includeManagement = selector.IncludeManagementEvents ?? true;
  if (typeof readWriteType !== "string" || !READ_WRITE_TYPES.has(readWriteType))
    throw new InvalidValueError(readWriteType, "All, ReadOnly or WriteOnly", `${field}.ReadWriteType`);
  if (typeof includeManagement !== "boolean")
    throw new InvalidValueError(includeManagement, "true or false", `${field}.IncludeManagementEvents`);
  if (!includeManagement) return false;
  if (readWriteType === "ReadOnly" && !event.readOnly) return false;
  if (readWriteType === "WriteOnly" && event.readOnly) return false;
  const excluded = selector.ExcludeManagementEventSources ?? [];
  if (!Array.isArray(excluded))
    throw new InvalidValueError(
      excluded,
      "a list of event sources",
      `${field}.ExcludeManagementEventSources`,
    );
  return !excluded.includes(event.eventSource);
}

/** The values of a management event that advanced field selectors can filter on. */
function fieldValue(field: string, event: ManagementEvent): string | undefined {
  switch (field) {
    case "eventCategory":
      return "Management";
    case "readOnly":
      return String(event.readOnly);
    case "eventSource":
      return event.eventSource;
    case "eventName":
      return event.eventName;
    default:
      // Data-event fields (resources.type, resources.ARN, …): a management event has none.
      return undefined;
  }
}

const CONDITIONS: Record<string, (value: string, operand: string) => boolean> = {
  Equals: (value, operand) => value === operand,
  StartsWith: (value, operand) => value.startsWith(operand),
  EndsWith: (value, operand) => value.endsWith(operand),
  NotEquals: (value, operand) => value !== operand,
  NotStartsWith: (value, operand) => !value.startsWith(operand),
  NotEndsWith: (value, operand) => !value.endsWith(operand),
};

/** An advanced selector records the event when every one of its field selectors holds. */
function advancedSelectorMatches(selector: JsonValue, event: ManagementEvent, index: number): boolean {
  const at = `AdvancedEventSelectors[${index}]`;
  if (!isRecord(selector) || !Array.isArray(selector.FieldSelectors))
    throw new InvalidValueError(selector, "an advanced event selector with FieldSelectors", at);
  return selector.FieldSelectors.every((fieldSelector, position) => {
    const where = `${at}.FieldSelectors[${position}]`;
    if (!isRecord(fieldSelector) || typeof fieldSelector.Field !== "string")
      throw new InvalidValueError(fieldSelector, "a field selector naming its Field", where);
    const value = fieldValue(fieldSelector.Field, event);
    return Object.entries(fieldSelector).every(([name, operands]) => {
      if (name === "Field") return true;
      // Own entries only: `toString` or `constructor` must be refused, not found on the prototype.
      const condition = Object.hasOwn(CONDITIONS, name) ? CONDITIONS[name] : undefined;
      if (
        condition === undefined ||
        !Array.isArray(operands) ||
        !operands.every((o) => typeof o === "string")
      )
        throw new InvalidValueError(operands, "a list of text under a known condition", `${where}.${name}`);
      if (value === undefined) return false;
      // Equals, StartsWith and EndsWith hold when one operand does; the Not… forms when all do.
      const results = operands.map((operand) => condition(value, operand));
      return name.startsWith("Not") ? results.every(Boolean) : results.some(Boolean);
    });
  });
}
