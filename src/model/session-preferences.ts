import type { JsonObject, JsonValue, Resource } from "./resource.js";
import { ResourceTypes } from "./resource.js";
import { isUnknown } from "./unknown.js";

/**
 * Session Manager's preferences live in the `SSM-SessionManagerRunShell` Session document of each
 * region. An input the document leaves out (or sets to null or "") takes Session Manager's
 * default, as AWS documents them for the Session document schema:
 *
 * - `idleSessionTimeout`: 20 minutes;
 * - `maxSessionDuration`: none ("" — a session ends only when it goes idle);
 * - `runAsEnabled`: false (Linux and macOS sessions start as the shared ssm-user), with no
 *   `runAsDefaultUser`;
 * - `kmsKeyId`: none (session data is not encrypted with a customer key);
 * - `s3BucketName`, `cloudWatchLogGroupName`: none (sessions are not logged).
 *
 * Rules read the preferences with these defaults filled in, so that none of them restates a
 * default in its condition or its message. The encryption flags of the log destinations are
 * required inputs of the schema and get no default: a missing flag stays missing.
 */

export const PREFERENCES_DOCUMENT = "SSM-SessionManagerRunShell";

export const SESSION_MANAGER_DEFAULTS: Readonly<Record<string, JsonValue>> = Object.freeze({
  idleSessionTimeout: "20",
  maxSessionDuration: "",
  runAsEnabled: false,
  runAsDefaultUser: "",
  kmsKeyId: "",
  s3BucketName: "",
  cloudWatchLogGroupName: "",
});

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isPreferences(resource: Resource): boolean {
  return resource.type === ResourceTypes.SessionPreferences && resource.id === PREFERENCES_DOCUMENT;
}

/**
 * The preferences document's properties with every unset input at its default; other resources'
 * properties as they are. Values a template leaves unknown stay unknown.
 */
export function withPreferenceDefaults(
  resource: Resource,
  properties: JsonObject = resource.properties,
): JsonObject {
  if (!isPreferences(resource)) return properties;
  const content = properties["Content"];
  if (!isObject(content) || isUnknown(content)) return properties;
  const written = content["inputs"];
  if (isUnknown(written)) return properties;
  const inputs: JsonObject = isObject(written) ? { ...written } : {};
  for (const [key, value] of Object.entries(SESSION_MANAGER_DEFAULTS)) {
    const current = inputs[key];
    if (current === undefined || current === null || current === "") inputs[key] = value;
  }
  return { ...properties, Content: { ...content, inputs } };
}
