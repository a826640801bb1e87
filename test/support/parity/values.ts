import type { JsonValue } from "../../../src/model/resource.js";

/** Small readers of canonical values, shared by the parity converters. */

export type Obj = Record<string, JsonValue>;

/** The prefix of AWS-managed policy ARNs, which templates and plans attach by ARN. */
export const AWS_MANAGED = "arn:aws:iam::aws:policy/";

export function obj(value: JsonValue | undefined): Obj | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

/** A value as text: names and ids are strings; anything else is written as JSON. */
export function textOf(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
}

export function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}
