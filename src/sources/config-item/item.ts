import type { JsonObject, JsonValue } from "../../model/resource.js";
import { defineField } from "../../util/own-field.js";
import { duplicateKeyState, readJsonText } from "../../util/json-duplicates.js";

/**
 * AWS Config configuration items, in the shape change notifications carry them (the "event
 * model"). Items also reach us in two other shapes, and both are brought to this one here:
 *
 * - the API model (`GetResourceConfigHistory`, and several published samples): `accountId`,
 *   `arn`, `version`, `configurationItemMD5Hash`, `relationships[].relationshipName`, with
 *   `configuration` and each `supplementaryConfiguration` value as JSON text and dates as `Date`;
 * - hand-written or sample items that mix the two.
 *
 * Nothing here reads `configuration` beyond parsing it when it arrives as text: a deleted item
 * has a null `configuration`, and callers must decide applicability from the status first.
 */

export interface ConfigurationItemRelationship {
  resourceType?: string;
  resourceId?: string;
  resourceName?: string;
  /** `relationshipName` in the API model. */
  name?: string;
}

export interface ConfigurationItem {
  configurationItemVersion?: string;
  /** RFC 3339. */
  configurationItemCaptureTime: string;
  /** `OK`, `ResourceDiscovered`, `ResourceNotRecorded`, `ResourceDeleted`, `ResourceDeletedNotRecorded`. */
  configurationItemStatus: string;
  configurationStateId?: string;
  awsAccountId: string;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  ARN?: string;
  /** An AWS region, or `global` for IAM. */
  awsRegion: string;
  availabilityZone?: string;
  configurationStateMd5Hash?: string;
  resourceCreationTime?: string;
  tags?: Record<string, string>;
  relatedEvents?: string[];
  relationships?: ConfigurationItemRelationship[];
  /** The resource's configuration (camelCase); null for deleted resources. */
  configuration: JsonValue;
  supplementaryConfiguration?: JsonObject;
}

/** The statuses of an item that describes a resource that exists and is recorded. */
export const EVALUABLE_STATUSES: ReadonlySet<string> = new Set(["OK", "ResourceDiscovered"]);

/**
 * Every status AWS Config writes. Any other text is refused rather than read as "not evaluable":
 * a status the handler took for a deleted resource would report an open group as not applicable.
 */
const KNOWN_STATUSES: ReadonlySet<string> = new Set([
  ...EVALUABLE_STATUSES,
  "ResourceNotRecorded",
  "ResourceDeleted",
  "ResourceDeletedNotRecorded",
]);

/** An item that cannot be used: a required field is missing, or its configuration is not JSON. */
export class ConfigurationItemError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigurationItemError";
  }
}

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The first of several names a field may have, as a non-empty string. */
function text(raw: Raw, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = raw[name];
    if (typeof value === "string" && value !== "") return value;
    if (value instanceof Date) return timestamp(value);
  }
  return undefined;
}

function timestamp(value: Date): string | undefined {
  return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
}

function itemStatus(raw: Raw): string {
  const status = required(raw, "status", "configurationItemStatus");
  if (!KNOWN_STATUSES.has(status)) {
    const kind = text(raw, "resourceType") ?? "configuration item";
    throw new ConfigurationItemError(
      `${kind} has configurationItemStatus ${JSON.stringify(status)}, which is not one AWS Config writes (${[...KNOWN_STATUSES].join(", ")})`,
    );
  }
  return status;
}

function required(raw: Raw, field: string, ...names: string[]): string {
  const value = text(raw, ...names);
  if (value === undefined) {
    const kind = text(raw, "resourceType") ?? "configuration item";
    throw new ConfigurationItemError(`${kind} has no ${field} (expected ${names.join(" or ")})`);
  }
  return value;
}

/** JSON text parsed, or the value as it is; text that is not JSON is an error naming `what`. */
function parsed(value: unknown, what: string): JsonValue {
  if (typeof value !== "string") return toPlainJson(value);
  const read = readJsonText(value);
  if ("syntax" in read) throw new ConfigurationItemError(`${what} is not valid JSON: ${read.syntax}`);
  // JSON.parse keeps the last of two equal keys, another reader the first: neither is taken.
  if ("duplicate" in read) throw new ConfigurationItemError(`${what} ${duplicateKeyState(read.duplicate)}`);
  return read.value as JsonValue;
}

/** Dates as RFC 3339 strings, undefined members dropped: what JSON would have carried. */
function toPlainJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return timestamp(value) ?? null;
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (isObject(value)) {
    const result: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) defineField(result, key, toPlainJson(member));
    }
    return result;
  }
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  return null;
}

/**
 * A configuration item in either field-name model (or the API's own objects, dates included),
 * as the event model. Throws `ConfigurationItemError` when it cannot identify the resource.
 */
export function readConfigurationItem(input: unknown): ConfigurationItem {
  if (!isObject(input)) throw new ConfigurationItemError("the configuration item is not an object");
  const raw = input;
  const status = itemStatus(raw);
  const resourceType = required(raw, "resource type", "resourceType");
  const item: ConfigurationItem = {
    configurationItemCaptureTime: required(raw, "capture time", "configurationItemCaptureTime"),
    configurationItemStatus: status,
    awsAccountId: required(raw, "account id", "awsAccountId", "accountId"),
    resourceType,
    resourceId: required(raw, "resource id", "resourceId"),
    awsRegion: required(raw, "region", "awsRegion"),
    // A deleted or unrecorded item's configuration (null, or whatever it holds) is never read: the
    // status alone decides that the item is not applicable.
    configuration:
      raw.configuration === undefined || !EVALUABLE_STATUSES.has(status)
        ? null
        : parsed(raw.configuration, `${resourceType} configuration`),
  };
  const optional: [keyof ConfigurationItem, string | undefined][] = [
    ["configurationItemVersion", text(raw, "configurationItemVersion", "version")],
    ["configurationStateId", text(raw, "configurationStateId")],
    ["resourceName", text(raw, "resourceName")],
    ["ARN", text(raw, "ARN", "arn")],
    ["availabilityZone", text(raw, "availabilityZone")],
    ["configurationStateMd5Hash", text(raw, "configurationStateMd5Hash", "configurationItemMD5Hash")],
    ["resourceCreationTime", text(raw, "resourceCreationTime")],
  ];
  for (const [field, value] of optional) {
    if (value !== undefined) (item as unknown as Record<string, string>)[field] = value;
  }
  if (isObject(raw.tags)) {
    item.tags = Object.fromEntries(
      Object.entries(raw.tags).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    );
  }
  if (Array.isArray(raw.relatedEvents)) {
    item.relatedEvents = raw.relatedEvents.filter((event): event is string => typeof event === "string");
  }
  if (Array.isArray(raw.relationships)) {
    item.relationships = raw.relationships.filter(isObject).map((relationship) => {
      const result: ConfigurationItemRelationship = {};
      const type = text(relationship, "resourceType");
      const id = text(relationship, "resourceId");
      const name = text(relationship, "resourceName");
      const relation = text(relationship, "name", "relationshipName");
      if (type !== undefined) result.resourceType = type;
      if (id !== undefined) result.resourceId = id;
      if (name !== undefined) result.resourceName = name;
      if (relation !== undefined) result.name = relation;
      return result;
    });
  }
  if (isObject(raw.supplementaryConfiguration)) {
    const supplementary: JsonObject = {};
    for (const [key, value] of Object.entries(raw.supplementaryConfiguration)) {
      supplementary[key] = parsed(value, `supplementary configuration ${key}`);
    }
    item.supplementaryConfiguration = supplementary;
  }
  return item;
}

/** The identity an evaluation is reported on, readable even when the rest of the item is not. */
export interface ItemIdentity {
  resourceType: string;
  resourceId: string;
  captureTime: string;
  status: string;
}

/**
 * The few fields an oversized notification's `configurationItemSummary` carries, in either model.
 * Throws `ConfigurationItemError` when one is missing.
 */
export function readItemSummary(input: unknown): ItemIdentity & { account: string; region: string } {
  if (!isObject(input)) throw new ConfigurationItemError("the configuration item summary is not an object");
  return {
    resourceType: required(input, "resource type", "resourceType"),
    resourceId: required(input, "resource id", "resourceId"),
    captureTime: required(input, "capture time", "configurationItemCaptureTime"),
    status: itemStatus(input),
    account: required(input, "account id", "awsAccountId", "accountId"),
    region: required(input, "region", "awsRegion"),
  };
}
