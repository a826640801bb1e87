import { isPlanned } from "./source-kinds.js";
import type { JsonObject, JsonValue, Resource } from "./resource.js";
import { isUnknown, unknownValue } from "./unknown.js";
import { daysBetween, isIsoDate } from "../util/date.js";

/**
 * What a rule about long-lived keys needs to know of one access key, computed once for the
 * relations of its user: its age in whole days on `today`, when and where it was last used, and
 * one line saying both. A date that cannot be read is an unknown value, never a young key, so
 * that a rule reading it cannot pass on it.
 */
export interface AccessKeyUse {
  /** Whole UTC days from the key's creation to today (0 for a key a template or plan would create). */
  AgeDays: JsonValue;
  /** A key a template or plan would create: a new long-lived key, whatever age is tolerated. */
  Planned: boolean;
  /** `2026-11-30 (s3, eu-west-1)`, `never used`, or `not created yet`. */
  LastUse: JsonValue;
  /** `alice/access_key_1 (412 days old, last used 2026-11-30 (s3, eu-west-1))`. */
  Summary: string;
}

/** A timestamp's UTC calendar date, or undefined when it is not an ISO 8601 date and time. */
export function utcDateOf(timestamp: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(
    timestamp,
  );
  if (!match || !isIsoDate(match[1]!)) return undefined;
  if (match[2] === undefined) return match[1];
  const [hours, minutes, seconds] = [Number(match[2]), Number(match[3]), Number(match[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  // A time without an offset is read as UTC, as the AWS APIs write theirs.
  const zone =
    match[5] === undefined || match[5] === "Z" ? "Z" : match[5].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  const time = Date.parse(`${match[1]}T${match[2]}:${match[3]}:${String(seconds).padStart(2, "0")}${zone}`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
}

export function accessKeyUse(key: Resource, today: string): AccessKeyUse {
  const { properties } = key;
  const name = typeof properties.Name === "string" ? properties.Name : key.id;
  if (isPlanned(key.source.kind) && properties.CreateDate === undefined) {
    return {
      AgeDays: 0,
      Planned: true,
      LastUse: "not created yet",
      Summary: `${name} (a new key, not created yet)`,
    };
  }
  const age = ageDays(properties.CreateDate, name, today);
  const lastUse = lastUseOf(properties.AccessKeyLastUsed, name);
  const ageText = typeof age === "number" ? `${age} day${age === 1 ? "" : "s"} old` : "age unknown";
  const useText =
    typeof lastUse === "string" ? (lastUse === NEVER ? NEVER : `last used ${lastUse}`) : "last use unknown";
  return { AgeDays: age, Planned: false, LastUse: lastUse, Summary: `${name} (${ageText}, ${useText})` };
}

const NEVER = "never used";

function ageDays(created: JsonValue | undefined, name: string, today: string): JsonValue {
  if (isUnknown(created)) return created;
  if (created === undefined || created === null) {
    return unknownValue(`the creation date of access key ${name} is not in the data`);
  }
  const date = typeof created === "string" ? utcDateOf(created) : undefined;
  if (date === undefined) {
    return unknownValue(`access key ${name} has CreateDate ${JSON.stringify(created)}, not an ISO 8601 date`);
  }
  const days = daysBetween(date, today);
  if (days < 0) return unknownValue(`access key ${name} was created on ${date}, after today (${today})`);
  return days;
}

/** The last use as one phrase, an unknown value when the data holds a date that does not read. */
function lastUseOf(lastUsed: JsonValue | undefined, name: string): JsonValue {
  if (isUnknown(lastUsed)) return lastUsed;
  const record: JsonObject =
    lastUsed !== null && typeof lastUsed === "object" && !Array.isArray(lastUsed) ? lastUsed : {};
  const used = record.LastUsedDate;
  if (isUnknown(used)) return used;
  // A key never used has no last-use date (the credential report writes N/A).
  if (used === undefined || used === null) return NEVER;
  const date = typeof used === "string" ? utcDateOf(used) : undefined;
  if (date === undefined) {
    return unknownValue(`access key ${name} has LastUsedDate ${JSON.stringify(used)}, not an ISO 8601 date`);
  }
  const where = [record.ServiceName, record.Region].filter(
    (part): part is string => typeof part === "string" && part !== "" && part !== "N/A",
  );
  return where.length > 0 ? `${date} (${where.join(", ")})` : date;
}
