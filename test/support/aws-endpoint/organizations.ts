import { FakeError, pageOf, type Request } from "./protocol.js";

/** Organizations over JSON 1.1: `ListAccounts`, only in the management account. */
export function handleOrganizations(request: Request): unknown {
  if (request.operation !== "ListAccounts") {
    throw new FakeError(
      "InvalidAction",
      `the loopback Organizations does not implement ${request.operation}`,
      400,
    );
  }
  const organization = request.world.organization;
  if (!organization) {
    throw new FakeError(
      "AWSOrganizationsNotInUseException",
      "Your account is not a member of an organization.",
      400,
    );
  }
  if (organization.managementAccount !== request.account.id) {
    throw new FakeError("AccessDeniedException", "You don't have permissions to access this resource.", 400);
  }
  const page = pageOf(
    request.world.accounts,
    "organizations:ListAccounts",
    request,
    request.params.NextToken,
    request.params.MaxResults,
    { min: 1, max: 20, default: 20, invalidCode: "InvalidInputException" },
  );
  return {
    Accounts: page.items.map((account) => {
      const state = account.state ?? "ACTIVE";
      return {
        Id: account.id,
        Arn: `arn:aws:organizations::${organization.managementAccount}:account/${organization.id}/${account.id}`,
        Email: `aws+${account.id}@example.com`,
        Name: account.name ?? account.id,
        State: state,
        Status: state === "ACTIVE" ? "ACTIVE" : "SUSPENDED",
        JoinedMethod: "CREATED",
        JoinedTimestamp: Date.parse("2024-01-01T00:00:00Z") / 1000,
      };
    }),
    ...(page.next ? { NextToken: page.next } : {}),
  };
}
