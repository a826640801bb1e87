/**
 * Who a resource-based statement (a role's trust policy, chiefly) speaks about.
 */

import { statementAllowsAction } from "./actions.js";
import { normalizedAnywhere } from "./statements.js";
import type { PolicyPrincipal } from "./statements.js";

export interface StatementPrincipals {
  /** Anyone at all: `"*"`, `{"AWS": "*"}`, or a `NotPrincipal` (see {@link principalsOf}). */
  wildcard: boolean;
  /** Account ids, root ARNs, user and role ARNs, as written (including `*` when listed). */
  aws: string[];
  service: string[];
  federated: string[];
  canonicalUser: string[];
}

/** Principal types are read case-insensitively so that a slip in spelling cannot hide a principal. */
function entriesOfType(principal: PolicyPrincipal | undefined, type: string): string[] {
  if (principal === undefined || principal === "*") return [];
  return Object.entries(principal)
    .filter(([name]) => name.toLowerCase() === type)
    .flatMap(([, values]) => values);
}

/**
 * The statement's principals by type.
 *
 * `NotPrincipal` names who the statement does not apply to, so it applies to an open-ended set
 * of everyone else that cannot be listed. It is read as a wildcard with empty lists: for an
 * `Allow` that is the safe reading (anyone but a few may act), and callers that weigh a `Deny`
 * must not treat it as denying anyone in particular.
 */
export function principalsOf(statement: unknown): StatementPrincipals {
  const normalized = normalizedAnywhere(statement);
  const principals: StatementPrincipals = {
    wildcard: false,
    aws: [],
    service: [],
    federated: [],
    canonicalUser: [],
  };
  if (normalized === undefined) return principals;
  if (normalized.NotPrincipal !== undefined) return { ...principals, wildcard: true };
  const principal = normalized.Principal;
  if (principal === "*") return { ...principals, wildcard: true };
  principals.aws = entriesOfType(principal, "aws");
  principals.service = entriesOfType(principal, "service");
  principals.federated = entriesOfType(principal, "federated");
  principals.canonicalUser = entriesOfType(principal, "canonicaluser");
  principals.wildcard = principals.aws.some((entry) => entry.trim() === "*");
  return principals;
}

/**
 * Whether an `Allow` statement lets AWS identities (accounts, users, roles, or anyone) call
 * `sts:AssumeRole`, as opposed to only AWS services or federated identity providers, which
 * assume roles through their own actions and cannot be asked for a session name.
 */
export function trustsAwsPrincipals(statement: unknown): boolean {
  const normalized = normalizedAnywhere(statement);
  if (normalized === undefined || !statementAllowsAction(normalized, "sts:AssumeRole")) return false;
  // What `principalsOf` reads as anyone or as AWS entries, without listing every type: every
  // role's trust policy is asked this.
  if (normalized.NotPrincipal !== undefined) return true;
  const principal = normalized.Principal;
  if (principal === "*") return true;
  return principal !== undefined && hasEntriesOfType(principal, "aws");
}

function hasEntriesOfType(principal: Record<string, string[]>, type: string): boolean {
  for (const name of Object.keys(principal)) {
    if (name.toLowerCase() === type && principal[name]!.length > 0) return true;
  }
  return false;
}
