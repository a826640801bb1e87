/**
 * Whole policy documents: the stored shape, and whether a document as a whole grants an action.
 */

import type { JsonObject, JsonValue } from "../model/resource.js";
import { statementAppliesToAction } from "./actions.js";
import { deniesWheneverAsked } from "./deny.js";
import { statementAppliesToAllResources, statementAppliesToResource } from "./resources.js";
import { normalizedAnywhere, normalizeStatement, rawStatementsOf } from "./statements.js";
import type { PolicyStatement } from "./statements.js";

export type NormalizedPolicyDocument = JsonObject & { Statement: JsonValue[] };

/**
 * The document with `Statement` always a list (one object becomes a list of one; a missing or
 * `null` one, an empty list) and every other field untouched. The input is not modified. Values
 * that are not objects are returned as they are.
 */
export function normalizePolicyDocument(document: JsonObject): NormalizedPolicyDocument;
export function normalizePolicyDocument(document: unknown): unknown;
export function normalizePolicyDocument(document: unknown): unknown {
  if (typeof document !== "object" || document === null || Array.isArray(document)) return document;
  const statements = (document as { Statement?: unknown }).Statement;
  let list: unknown[];
  if (statements === undefined || statements === null) list = [];
  else if (Array.isArray(statements)) list = statements as unknown[];
  else list = [statements];
  return { ...document, Statement: list };
}

export interface ActionDecision {
  /** Some statement allows the action and no statement definitely denies it. */
  allowed: boolean;
  /** `Allow` statements for the action (and resource), conditional or not. */
  allowingStatements: PolicyStatement[];
  /** `Deny` statements that deny the action (and resource) whatever the request looks like. */
  denyingStatements: PolicyStatement[];
}

/**
 * A `Deny` counts only when it certainly applies, so that a checker never wrongly concludes that
 * a risky permission is neutralised: it applies to every request for the action (see
 * {@link deniesWheneverAsked}) and covers the resource asked about, or every resource when none
 * is given.
 */
function deniesDefinitely(statement: PolicyStatement, action: string, resource: string | undefined): boolean {
  if (!deniesWheneverAsked(statement, action)) return false;
  return resource === undefined
    ? statementAppliesToAllResources(statement)
    : statementAppliesToResource(statement, resource);
}

/**
 * Whether the document grants `action` (on `options.resource` when given, on some resource
 * otherwise). An explicit, unconditional `Deny` wins over any `Allow`. Conditions on `Allow`
 * statements are not evaluated: an allowed-under-conditions action still counts as allowed,
 * since the condition may hold for some caller.
 */
export function documentAllowsAction(
  document: unknown,
  action: string,
  options?: { resource?: string },
): ActionDecision {
  const resource = options?.resource;
  const allowingStatements: PolicyStatement[] = [];
  const denyingStatements: PolicyStatement[] = [];
  // The statements are read in place rather than listed first: every principal's documents are
  // asked this for every action a rule needs.
  const raws = rawStatementsOf(document);
  for (let index = 0; index < raws.length; index++) {
    const statement = normalizeStatement(raws[index], index);
    // A statement without an effect neither allows nor denies anything.
    if (statement?.Effect === "Allow") {
      if (
        statementAppliesToAction(statement, action) &&
        (resource === undefined || statementAppliesToResource(statement, resource))
      )
        allowingStatements.push(statement);
    } else if (statement?.Effect === "Deny" && deniesDefinitely(statement, action, resource)) {
      denyingStatements.push(statement);
    }
  }
  return {
    allowed: allowingStatements.length > 0 && denyingStatements.length === 0,
    allowingStatements,
    denyingStatements,
  };
}

/** A statement among `statements` allows the action (see {@link actionStance}). */
export const ALLOWS = 1;
/** A statement among `statements` definitely denies the action (see {@link actionStance}). */
export const DENIES = 2;

/**
 * What statements say about `action` (on `resource` when given), as the bits `ALLOWS` and
 * `DENIES`, judged as {@link documentAllowsAction} judges them. Documents read together allow the
 * action when one of them allows it and none denies it, so what each says can be found once and
 * combined for every list that holds it.
 */
export function actionStance(statements: readonly unknown[], action: string, resource?: string): number {
  let stance = 0;
  for (const raw of statements) {
    const statement = normalizedAnywhere(raw);
    if (statement?.Effect === "Allow") {
      if (
        statementAppliesToAction(statement, action) &&
        (resource === undefined || statementAppliesToResource(statement, resource))
      )
        stance |= ALLOWS;
    } else if (statement?.Effect === "Deny" && deniesDefinitely(statement, action, resource)) {
      stance |= DENIES;
    }
  }
  return stance;
}
