/**
 * Which actions a statement is about. IAM action names are case-insensitive (`SSM:startsession`
 * is `ssm:StartSession`) and may use `*` and `?`.
 */

import { globMatches, tokenizeGlob, type GlobToken } from "./glob.js";
import { normalizedAnywhere } from "./statements.js";

/** Whether the action pattern written in a policy matches the concrete action name. */
export function actionMatches(pattern: string, action: string): boolean {
  if (typeof pattern !== "string" || typeof action !== "string") return false;
  if (pattern === action) return true;
  // Most patterns are plain action names; rules ask about the same few actions for every
  // statement of every principal, so those compare directly and the rest tokenize once.
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return pattern.length === action.length && pattern.toLowerCase() === action.toLowerCase();
  }
  // A wildcard such as `ssm:*` is asked about the same few actions by every rule and principal:
  // its tokens and its answers are kept, all together bounded so that odd policies cannot grow them.
  let compiled = actionPatterns.get(pattern);
  if (compiled === undefined) {
    compiled = { tokens: tokenizeGlob(pattern.toLowerCase(), { escapes: false }), answers: new Map() };
    keepActionAnswer();
    actionPatterns.set(pattern, compiled);
  }
  let matches = compiled.answers.get(action);
  if (matches === undefined) {
    matches = globMatches(compiled.tokens, action.toLowerCase());
    if (keepActionAnswer()) {
      compiled.answers.clear();
      actionPatterns.set(pattern, compiled);
    }
    compiled.answers.set(action, matches);
  }
  return matches;
}

/**
 * Counts one more pattern or answer kept, first forgetting them all when the bound is reached;
 * whether it did.
 */
function keepActionAnswer(): boolean {
  if (++actionEntriesKept <= ACTION_CACHE_LIMIT) return false;
  actionPatterns.clear();
  actionEntriesKept = 1;
  return true;
}

const ACTION_CACHE_LIMIT = 10_000;
let actionEntriesKept = 0;
/** A wildcard action pattern's tokens, and its answers by action as asked. */
const actionPatterns = new Map<string, { tokens: GlobToken[]; answers: Map<string, boolean> }>();

/**
 * Whether the statement speaks about `action`: one of its `Action` patterns matches, or it has
 * `NotAction` and none of those patterns match (NotAction covers everything it does not list).
 * `statement` may be normalized or as written. A statement with neither element is about nothing.
 */
export function statementAppliesToAction(statement: unknown, action: string): boolean {
  const normalized = normalizedAnywhere(statement);
  if (normalized === undefined) return false;
  if (normalized.Action !== undefined) return anyActionMatches(normalized.Action, action);
  if (normalized.NotAction !== undefined) return !anyActionMatches(normalized.NotAction, action);
  return false;
}

function anyActionMatches(patterns: readonly string[], action: string): boolean {
  for (const pattern of patterns) if (actionMatches(pattern, action)) return true;
  return false;
}

/** An `Allow` statement about `action`, conditions and resources aside. */
export function statementAllowsAction(statement: unknown, action: string): boolean {
  const normalized = normalizedAnywhere(statement);
  return normalized?.Effect === "Allow" && statementAppliesToAction(normalized, action);
}

/** A `Deny` statement about `action`, conditions and resources aside. */
export function statementDeniesAction(statement: unknown, action: string): boolean {
  const normalized = normalizedAnywhere(statement);
  return normalized?.Effect === "Deny" && statementAppliesToAction(normalized, action);
}
