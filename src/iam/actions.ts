/**
 * Which actions a statement is about. IAM action names are case-insensitive (`SSM:startsession`
 * is `ssm:StartSession`) and may use `*` and `?`.
 */

import { globMatches, tokenizeGlob } from "./glob.js";
import { normalizeStatement } from "./statements.js";

/** Whether the action pattern written in a policy matches the concrete action name. */
export function actionMatches(pattern: string, action: string): boolean {
  if (typeof pattern !== "string" || typeof action !== "string") return false;
  return globMatches(tokenizeGlob(pattern.toLowerCase(), { escapes: false }), action.toLowerCase());
}

/**
 * Whether the statement speaks about `action`: one of its `Action` patterns matches, or it has
 * `NotAction` and none of those patterns match (NotAction covers everything it does not list).
 * `statement` may be normalized or as written. A statement with neither element is about nothing.
 */
export function statementAppliesToAction(statement: unknown, action: string): boolean {
  const normalized = normalizeStatement(statement);
  if (normalized === undefined) return false;
  if (normalized.Action !== undefined)
    return normalized.Action.some((pattern) => actionMatches(pattern, action));
  if (normalized.NotAction !== undefined) {
    return !normalized.NotAction.some((pattern) => actionMatches(pattern, action));
  }
  return false;
}

/** An `Allow` statement about `action`, conditions and resources aside. */
export function statementAllowsAction(statement: unknown, action: string): boolean {
  const normalized = normalizeStatement(statement);
  return normalized?.Effect === "Allow" && statementAppliesToAction(normalized, action);
}

/** A `Deny` statement about `action`, conditions and resources aside. */
export function statementDeniesAction(statement: unknown, action: string): boolean {
  const normalized = normalizeStatement(statement);
  return normalized?.Effect === "Deny" && statementAppliesToAction(normalized, action);
}
