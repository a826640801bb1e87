import type { JsonValue } from "../model/resource.js";
import { assertKnown } from "../model/unknown.js";

/**
 * How a finding names the IAM things it is about, so that rule messages say "policy Ops of group
 * admins" or "a statement without a Sid" without spelling the cases out in their templates.
 *
 * Each function throws on an unknown value where it reads one, unless `mayHoldUnknowns` is false:
 * data that holds none (a snapshot, an account) is read as known, as the engine reads it
 * everywhere else.
 */

function field(value: JsonValue | undefined, key: string, mayHoldUnknowns: boolean): JsonValue | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const found = value[key];
  if (mayHoldUnknowns) assertKnown(found);
  return found;
}

function text(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function list(value: JsonValue | undefined): string | undefined {
  if (Array.isArray(value))
    return value.length ? value.map((item) => text(item) ?? "").join(", ") : undefined;
  return text(value);
}

/** "statement AllowSessions", or "a statement without a Sid"; `noun` replaces "statement". */
export function describeStatement(statement: JsonValue, noun = "statement", mayHoldUnknowns = true): string {
  if (mayHoldUnknowns) assertKnown(statement);
  const sid = text(field(statement, "Sid", mayHoldUnknowns));
  return sid === undefined ? `a ${noun} without a Sid` : `${noun} ${sid}`;
}

/**
 * An entry of a principal's `related.Policies`: "policy Ops", or "policy Ops of group admins" for
 * one that reaches a user through a group; a policy without a name is named by its ARN.
 */
export function describePolicyEntry(entry: JsonValue, mayHoldUnknowns = true): string {
  if (mayHoldUnknowns) assertKnown(entry);
  const name =
    text(field(entry, "PolicyName", mayHoldUnknowns)) ??
    text(field(entry, "PolicyArn", mayHoldUnknowns)) ??
    "(unnamed)";
  const group = text(field(entry, "Group", mayHoldUnknowns));
  return group === undefined ? `policy ${name}` : `policy ${name} of group ${group}`;
}

/** What a statement's `Resource` (or `NotResource`) covers, as written. */
export function describeStatementResources(statement: JsonValue, mayHoldUnknowns = true): string {
  if (mayHoldUnknowns) assertKnown(statement);
  const resources = list(field(statement, "Resource", mayHoldUnknowns));
  if (resources !== undefined) return resources;
  // NotResource is shown as written, brackets included, so it is not read as a Resource list.
  const excluded = text(field(statement, "NotResource", mayHoldUnknowns));
  return excluded === undefined ? "no resource" : `NotResource ${excluded}`;
}

/** The AWS principals a trust statement names (else its whole `Principal`), as written. */
export function describeStatementPrincipals(statement: JsonValue, mayHoldUnknowns = true): string {
  if (mayHoldUnknowns) assertKnown(statement);
  const principal = field(statement, "Principal", mayHoldUnknowns);
  const aws = list(field(principal, "AWS", mayHoldUnknowns));
  if (aws !== undefined) return aws;
  return text(principal) ?? "every principal but its NotPrincipal";
}
