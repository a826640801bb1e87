/**
 * What `Deny` statements take away from an `Allow`. A policy can confine a grant without
 * touching the `Allow`: a Deny of the same action for the same principals whenever a condition
 * does not hold leaves the Allow in force only when it holds, and a Deny with `NotResource`
 * leaves it in force only on the resources it lists. Each Deny counts only when it certainly
 * applies as read: anything the checker cannot be sure of leaves the Allow as broad as written.
 */

import { statementDeniesAction } from "./actions.js";
import { parseConditionOperator, sameOperator, type ConditionTest } from "./conditions.js";
import { principalsOf } from "./principals.js";
import {
  resourcePatternWithin,
  statementAppliesToAllResources,
  statementResourcesWithin,
} from "./resources.js";
import { isConditional, normalizedAnywhere, rawStatementsOf, type PolicyStatement } from "./statements.js";

/**
 * A `Deny` of `action` that applies to every request for it: no `Condition` (which might not
 * hold), and no `NotPrincipal` or `Principal` other than everyone (it would spare someone).
 * Resources aside.
 */
export function deniesWheneverAsked(statement: PolicyStatement, action: string): boolean {
  if (!statementDeniesAction(statement, action) || isConditional(statement)) return false;
  if (statement.NotPrincipal !== undefined) return false;
  return statement.Principal === undefined || principalsOf(statement).wildcard;
}

/**
 * Whether the statement's `Resource` entries all lie within the `allowed` patterns once the
 * `Deny` statements of `policies` have taken their share for `action`: a Deny that applies to
 * every request for the action and has `NotResource` leaves the action only on the resources its
 * `NotResource` lists, so when those all lie within `allowed` so does whatever the statement
 * still grants. A Deny with `Resource` takes away a part that a pattern cannot describe, and one
 * with a condition may not apply, so neither narrows anything.
 */
export function effectiveResourcesWithin(
  statement: unknown,
  allowed: string[],
  options: { action: string; policies: unknown },
): boolean {
  if (statementResourcesWithin(statement, allowed)) return true;
  // Read in place, not listed first: the policies are a principal's every statement, asked
  // about again for each of its statements.
  for (const raw of rawStatementsOf(options.policies)) {
    const deny = normalizedAnywhere(raw);
    if (deny === undefined || deny.Effect !== "Deny" || !deniesWheneverAsked(deny, options.action)) continue;
    const kept = deny.NotResource;
    if (deny.Resource !== undefined || kept === undefined || kept.length === 0) continue;
    if (kept.every((pattern) => allowed.some((within) => resourcePatternWithin(pattern, within))))
      return true;
  }
  return false;
}

/**
 * The operator a `Deny` uses to refuse requests in which the `Allow` operator's test fails:
 * `StringNotLike` for `StringLike`, `ArnNotEquals` for `ArnEquals`, `NotIpAddress` for
 * `IpAddress`. `undefined` for operators without a negated form (`Bool`, `Null`, the ordering
 * comparisons).
 */
function negatedBase(base: string): string | undefined {
  const lower = base.toLowerCase();
  for (const family of ["string", "arn", "numeric", "date"]) {
    if (!lower.startsWith(family)) continue;
    const rest = base.slice(family.length);
    if (/^Not/i.test(rest)) return undefined;
    if (!/^(Equals|Like|EqualsIgnoreCase)$/i.test(rest)) return undefined;
    return `${base.slice(0, family.length)}Not${rest}`;
  }
  return lower === "ipaddress" ? "NotIpAddress" : undefined;
}

/**
 * Whether the `Deny`'s condition is exactly the negation of `test`: one operator, the negated
 * form of one of `test.operator` (set qualifier and IfExists as written there), on `test.key`
 * alone, with values all among `test.values`. Any other condition next to it makes the Deny
 * apply only when that one holds too, and another value listed lets requests carrying it through.
 */
function conditionNegates(deny: PolicyStatement, test: ConditionTest): boolean {
  const blocks = Object.entries(deny.Condition ?? {}).filter(([, keys]) => Object.keys(keys).length > 0);
  if (blocks.length !== 1) return false;
  const [operatorName, keys] = blocks[0]!;
  const entries = Object.entries(keys);
  if (entries.length !== 1) return false;
  const [key, values] = entries[0]!;
  if (key.toLowerCase() !== test.key.toLowerCase()) return false;
  const wantedValues = test.values;
  if (wantedValues === undefined || values.length === 0) return false;
  if (!values.every((value) => wantedValues.includes(value))) return false;

  const operator = parseConditionOperator(operatorName);
  if (operator === undefined) return false;
  const wanted = Array.isArray(test.operator) ? test.operator : [test.operator];
  return wanted.some((name) => {
    const allowOperator = parseConditionOperator(name);
    if (allowOperator === undefined) return false;
    const negated = negatedBase(allowOperator.base);
    return negated !== undefined && sameOperator(operator, { ...allowOperator, base: negated });
  });
}

/** The 12-digit account an AWS principal entry belongs to: an account id, or the account field of an ARN. */
function accountOf(entry: string): string | undefined {
  const trimmed = entry.trim();
  if (/^\d{12}$/.test(trimmed)) return trimmed;
  const account = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(trimmed)?.[1];
  return account;
}

/** Whether the entry names a whole account: its id, or its root ARN. */
function isAccountEntry(entry: string): boolean {
  const trimmed = entry.trim();
  return /^\d{12}$/.test(trimmed) || /^arn:[^:]+:iam::\d{12}:root$/.test(trimmed);
}

/**
 * Whether a Deny naming `denied` refuses the AWS principal `allowed`: the same entry, or the
 * account it belongs to (in a resource policy an account stands for every identity in it).
 */
function principalEntryCovers(denied: string, allowed: string): boolean {
  if (denied.trim() === allowed.trim()) return true;
  if (!isAccountEntry(denied)) return false;
  const account = accountOf(denied);
  return account !== undefined && accountOf(allowed) === account;
}

/**
 * Whether the `Deny` refuses every AWS principal the `Allow` lets in (an Allow for everyone, or
 * with `NotPrincipal`, needs a Deny for everyone). A Deny with `NotPrincipal` spares principals
 * that cannot be told apart from the Allow's by their written form alone, so it never counts.
 */
function principalsCovered(deny: PolicyStatement, allow: PolicyStatement): boolean {
  if (deny.NotPrincipal !== undefined || deny.Principal === undefined) return false;
  const denied = principalsOf(deny);
  if (denied.wildcard) return true;
  const allowed = principalsOf(allow);
  if (allowed.wildcard || allowed.aws.length === 0) return false;
  return allowed.aws.every((entry) =>
    denied.aws.some((deniedEntry) => principalEntryCovers(deniedEntry, entry)),
  );
}

/**
 * Whether a `Deny` statement of `policies` refuses `action` to every AWS principal the `Allow`
 * statement lets in whenever the condition `test` does not hold — which confines the Allow as
 * much as carrying the condition itself would. `test.operator` lists the operators the Allow
 * would use (`StringLike`); the Deny must use their negation (`StringNotLike`). The Deny must have
 * no other condition and apply to every resource.
 */
export function denyEnforcesCondition(
  allow: unknown,
  policies: unknown,
  options: { action: string; test: ConditionTest },
): boolean {
  const allowStatement = normalizedAnywhere(allow);
  if (allowStatement === undefined) return false;
  for (const raw of rawStatementsOf(policies)) {
    const deny = normalizedAnywhere(raw);
    if (
      deny !== undefined &&
      deny.Effect === "Deny" &&
      statementDeniesAction(deny, options.action) &&
      statementAppliesToAllResources(deny) &&
      principalsCovered(deny, allowStatement) &&
      conditionNegates(deny, options.test)
    )
      return true;
  }
  return false;
}
