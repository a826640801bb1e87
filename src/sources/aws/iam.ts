import {
  GetAccountAuthorizationDetailsCommand,
  type EntityType,
  type GetAccountAuthorizationDetailsCommandOutput,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { GLOBAL_REGION } from "../../model/resource.js";
import { collectionError } from "./errors.js";
import { authorizationDetailsResources, type AccountScope } from "./normalize.js";
import { paginate } from "./paginate.js";
import type { PageListener, ReadResult } from "./types.js";

/**
 * Everything IAM-side in one call family: users, groups, roles (with instance profiles and trust
 * policies) and managed policies, inline and managed documents included. Per-entity APIs
 * (GetRole, ListAttachedRolePolicies, GetPolicyVersion, …) would take several calls per role.
 */
const FILTERS: EntityType[] = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"];

/** The API's maximum. */
const PAGE = 1000;

export async function readAuthorizationDetails(
  iam: IAMClient,
  scope: AccountScope,
  onPage: PageListener,
): Promise<ReadResult> {
  const result: ReadResult = { resources: [], errors: [] };
  const where = { account: scope.account, region: GLOBAL_REGION };
  const seenProfiles = new Set<string>();
  try {
    await paginate(
      (marker) =>
        iam.send(
          new GetAccountAuthorizationDetailsCommand({ Filter: FILTERS, MaxItems: PAGE, Marker: marker }),
        ),
      (page: GetAccountAuthorizationDetailsCommandOutput) => (page.IsTruncated ? page.Marker : undefined),
      (page) => {
        const { resources, problems } = authorizationDetailsResources(page, scope, seenProfiles);
        result.resources.push(...resources);
        for (const problem of problems) {
          result.errors.push({
            ...where,
            service: "iam",
            operation: "GetAccountAuthorizationDetails",
            code: "MalformedPolicyDocument",
            message: `${problem.type} ${problem.id}: ${problem.detail}`,
            resourceTypes: [problem.type],
          });
        }
        onPage(resources.length);
      },
    );
  } catch (error) {
    result.errors.push(collectionError("iam:GetAccountAuthorizationDetails", where, error));
  }
  return result;
}
