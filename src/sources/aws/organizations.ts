import {
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { paginate } from "./paginate.js";
import { UnexpectedResponseError } from "./response-check.js";

export interface OrganizationAccount {
  id: string;
  name?: string;
}

/** ListAccounts allows at most 20 per page. */
const PAGE = 20;

/** What `State` (or the deprecated `Status`) may say; only `ACTIVE` accounts can be scanned. */
const ACCOUNT_STATES = new Set(["ACTIVE", "PENDING_ACTIVATION", "SUSPENDED", "PENDING_CLOSURE", "CLOSED"]);

/**
 * The organization's active accounts, sorted by id (suspended and closing ones cannot be scanned).
 * An account listed without its id or with a state Organizations does not use, and a listing with
 * no active account (an organization always has its management account), are not skipped: the
 * accounts they leave out would go unscanned without a word.
 */
export async function listActiveAccounts(organizations: OrganizationsClient): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  await paginate(
    (token) => organizations.send(new ListAccountsCommand({ MaxResults: PAGE, NextToken: token })),
    (page: ListAccountsCommandOutput) => page.NextToken,
    (page) => {
      for (const account of page.Accounts ?? []) {
        if (!account.Id) throw new UnexpectedResponseError("the response listed an account without its Id");
        // `State` replaces the deprecated `Status`; either says whether the account is active.
        const state: string | undefined = account.State ?? account.Status;
        if (state === undefined || !ACCOUNT_STATES.has(state)) {
          throw new UnexpectedResponseError(
            `account ${account.Id} is listed with ${state === undefined ? "no State" : `the State ${JSON.stringify(state)}`}, which says neither that it is active nor that it is not`,
          );
        }
        if (state !== "ACTIVE") continue;
        accounts.push({ id: account.Id, ...(account.Name ? { name: account.Name } : {}) });
      }
    },
  );
  if (accounts.length === 0) {
    throw new UnexpectedResponseError(
      "the response listed no active account, not even the management account",
    );
  }
  return accounts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
