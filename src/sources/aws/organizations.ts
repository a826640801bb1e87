import {
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { paginate } from "./paginate.js";

export interface OrganizationAccount {
  id: string;
  name?: string;
}

/** ListAccounts allows at most 20 per page. */
const PAGE = 20;

/** The organization's active accounts, sorted by id (suspended and closing ones cannot be scanned). */
export async function listActiveAccounts(organizations: OrganizationsClient): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  await paginate(
    (token) => organizations.send(new ListAccountsCommand({ MaxResults: PAGE, NextToken: token })),
    (page: ListAccountsCommandOutput) => page.NextToken,
    (page) => {
      for (const account of page.Accounts ?? []) {
        // `State` replaces the deprecated `Status`; either says whether the account is active.
        const state = account.State ?? account.Status;
        if (!account.Id || state !== "ACTIVE") continue;
        accounts.push({ id: account.Id, ...(account.Name ? { name: account.Name } : {}) });
      }
    },
  );
  return accounts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
