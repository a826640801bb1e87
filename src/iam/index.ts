/**
 * IAM policy semantics the rules need: which statements allow or deny an action, on which
 * resources, under which conditions, for which principals. Policies are judged as written, for
 * every caller at once; nothing here evaluates a request.
 */

export type { PolicyCondition, PolicyEffect, PolicyPrincipal, PolicyStatement } from "./statements.js";
export { isConditional, normalizeStatement, statementsOf } from "./statements.js";
export {
  actionMatches,
  statementAllowsAction,
  statementAppliesToAction,
  statementDeniesAction,
} from "./actions.js";
export {
  resourceMatches,
  resourcePatternWithin,
  statementAppliesToAllResources,
  statementAppliesToResource,
  statementMayReach,
  statementResourcesWithin,
} from "./resources.js";
export type { ReachOptions } from "./resources.js";
export type { ConditionTest, ParsedConditionOperator, SetQualifier } from "./conditions.js";
export { hasCondition, parseConditionOperator } from "./conditions.js";
export type { StatementPrincipals } from "./principals.js";
export { principalsOf, trustsAwsPrincipals } from "./principals.js";
export type { ActionDecision, NormalizedPolicyDocument } from "./document.js";
export { actionStance, ALLOWS, DENIES, documentAllowsAction, normalizePolicyDocument } from "./document.js";
export { wildcardPatternCovers } from "./glob-inclusion.js";
export { denyEnforcesCondition, deniesWheneverAsked, effectiveResourcesWithin } from "./deny.js";
