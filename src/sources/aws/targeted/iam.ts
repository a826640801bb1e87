import {
  GetGroupPolicyCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListGroupPoliciesCommand,
  ListRolePoliciesCommand,
  type AttachedPolicy,
  type GroupDetail,
  type IAMClient,
  type InstanceProfile,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type RoleDetail,
} from "@aws-sdk/client-iam";
import type { CollectionError } from "../../../model/collection-error.js";
import { GLOBAL_REGION, ResourceTypes, type ResourceType } from "../../../model/resource.js";
import { mapLimit } from "../concurrency.js";
import { authorizationDetailsResources, type AccountScope, type AuthorizationDetails } from "../normalize.js";
import { nextIamMarker, paginate } from "../paginate.js";
import type { ReadResult } from "../types.js";
import { errorCode, readError } from "./errors.js";

/**
 * IAM data for one resource at a time, for the Config rule Lambda: a configuration item names an
 * instance profile, a policy ARN or a group, and these reads fetch exactly that, in the shapes
 * `GetAccountAuthorizationDetails` returns, so that the live normalizer makes them canonical
 * (URL-decoded documents included). Reading the whole account for one item would cost pages of
 * every AWS-managed policy.
 */

/** Calls in flight at once for one item's policies: few, since an item has few. */
const CONCURRENCY = 4;

const call = (operation: string) => ({ service: "iam", operation, iamAction: `iam:${operation}` });

/** The NoSuchEntity code: the entity is gone, which is a fact about the account, not a failure. */
const NO_SUCH_ENTITY = "NoSuchEntity";

function withProblems(details: AuthorizationDetails, scope: AccountScope, operation: string): ReadResult {
  const { resources, problems } = authorizationDetailsResources(details, scope);
  return {
    resources,
    errors: problems.map((problem) => ({
      account: scope.account,
      region: GLOBAL_REGION,
      service: "iam",
      operation,
      code: "MalformedPolicyDocument",
      message: `${problem.type} ${problem.id}: ${problem.detail}`,
      resourceTypes: [problem.type],
    })),
  };
}

/** The name an IAM ARN ends with (`…:instance-profile/path/name` → `name`). */
export function nameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/**
 * An instance profile by ARN, with its role and the role's inline and attached policies (the
 * attached policies' documents are read separately, by `readManagedPolicies`). A profile that no
 * longer exists yields nothing: the instance then has no role, which the rules judge.
 */
export async function readInstanceProfile(
  iam: IAMClient,
  scope: AccountScope,
  profileArn: string,
): Promise<ReadResult> {
  const where = { account: scope.account, region: GLOBAL_REGION };
  const affected: ResourceType[] = [
    ResourceTypes.InstanceProfile,
    ResourceTypes.Role,
    ResourceTypes.ManagedPolicy,
  ];
  let profile: InstanceProfile | undefined;
  try {
    const output = await iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: nameOfArn(profileArn) }),
    );
    profile = output.InstanceProfile;
  } catch (error) {
    if (errorCode(error) === NO_SUCH_ENTITY) return { resources: [], errors: [] };
    return { resources: [], errors: [readError(call("GetInstanceProfile"), where, error, affected)] };
  }
  if (!profile) return { resources: [], errors: [] };
  const errors: CollectionError[] = [];
  const roles: RoleDetail[] = [];
  for (const role of profile.Roles ?? []) {
    if (!role.RoleName) continue;
    const policies = await readRolePolicies(iam, scope, role.RoleName);
    errors.push(...policies.errors);
    if (policies.errors.length > 0) continue;
    roles.push({
      RoleName: role.RoleName,
      RoleId: role.RoleId,
      Arn: role.Arn,
      Path: role.Path,
      CreateDate: role.CreateDate,
      AssumeRolePolicyDocument: role.AssumeRolePolicyDocument,
      RolePolicyList: policies.inline,
      AttachedManagedPolicies: policies.attached,
      // The profile that led here, so that the normalizer yields it as a resource; the role's
      // other profiles, if any, are not read.
      InstanceProfileList: [profile],
    });
  }
  const normalized = withProblems({ RoleDetailList: roles }, scope, "GetRolePolicy");
  return { resources: normalized.resources, errors: [...errors, ...normalized.errors] };
}

interface PrincipalPolicies {
  inline: PolicyDetail[];
  attached: AttachedPolicy[];
  errors: CollectionError[];
}

async function readRolePolicies(
  iam: IAMClient,
  scope: AccountScope,
  roleName: string,
): Promise<PrincipalPolicies> {
  return readPrincipalPolicies(scope, [ResourceTypes.Role, ResourceTypes.ManagedPolicy], {
    listInline: (marker) => iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker })),
    getInline: async (policyName) =>
      (await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })))
        .PolicyDocument,
    listAttached: (marker) =>
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker })),
    operations: ["ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies"],
  });
}

interface PolicyCalls {
  listInline(
    marker: string | undefined,
  ): Promise<{ PolicyNames?: string[]; IsTruncated?: boolean; Marker?: string }>;
  getInline(policyName: string): Promise<string | undefined>;
  listAttached(
    marker: string | undefined,
  ): Promise<{ AttachedPolicies?: AttachedPolicy[]; IsTruncated?: boolean; Marker?: string }>;
  /** The list, get and list-attached operation names, for errors. */
  operations: [string, string, string];
}

async function readPrincipalPolicies(
  scope: AccountScope,
  affected: ResourceType[],
  calls: PolicyCalls,
): Promise<PrincipalPolicies> {
  const where = { account: scope.account, region: GLOBAL_REGION };
  const [listOperation, getOperation, attachedOperation] = calls.operations;
  const result: PrincipalPolicies = { inline: [], attached: [], errors: [] };
  const names: string[] = [];
  let step = listOperation;
  try {
    await paginate(
      (marker) => calls.listInline(marker),
      nextIamMarker,
      (page) => names.push(...(page.PolicyNames ?? [])),
    );
    step = getOperation;
    result.inline = await mapLimit(names, CONCURRENCY, async (name) => ({
      PolicyName: name,
      PolicyDocument: await calls.getInline(name),
    }));
    step = attachedOperation;
    await paginate(
      (marker) => calls.listAttached(marker),
      nextIamMarker,
      (page) => result.attached.push(...(page.AttachedPolicies ?? [])),
    );
  } catch (error) {
    result.errors.push(readError(call(step), where, error, affected));
  }
  return result;
}

/**
 * Groups by name, with their inline and attached policies: what a user's group membership adds
 * to its permissions. A group that no longer exists adds nothing.
 */
export async function readGroups(
  iam: IAMClient,
  scope: AccountScope,
  groupNames: readonly string[],
): Promise<ReadResult> {
  const errors: CollectionError[] = [];
  const groups: GroupDetail[] = [];
  const read = await mapLimit([...new Set(groupNames)], CONCURRENCY, async (groupName) => {
    const policies = await readPrincipalPolicies(scope, [ResourceTypes.Group, ResourceTypes.ManagedPolicy], {
      listInline: (marker) =>
        iam.send(new ListGroupPoliciesCommand({ GroupName: groupName, Marker: marker })),
      getInline: async (policyName) =>
        (await iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName })))
          .PolicyDocument,
      listAttached: (marker) =>
        iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName, Marker: marker })),
      operations: ["ListGroupPolicies", "GetGroupPolicy", "ListAttachedGroupPolicies"],
    });
    return { groupName, policies };
  });
  for (const { groupName, policies } of read) {
    const gone =
      policies.errors.length > 0 && policies.errors.every((error) => error.code === NO_SUCH_ENTITY);
    if (gone) continue;
    errors.push(...policies.errors);
    if (policies.errors.length > 0) continue;
    groups.push({
      GroupName: groupName,
      GroupPolicyList: policies.inline,
      AttachedManagedPolicies: policies.attached,
    });
  }
  const normalized = withProblems({ GroupDetailList: groups }, scope, "GetGroupPolicy");
  return { resources: normalized.resources, errors: [...errors, ...normalized.errors] };
}

/**
 * Managed policies by ARN, each with its default version's document, AWS-managed ones included.
 * A policy that cannot be read is a collection error: rules that need its document report an
 * error rather than judge the principal without it.
 */
export async function readManagedPolicies(
  iam: IAMClient,
  scope: AccountScope,
  policyArns: readonly string[],
): Promise<ReadResult> {
  const where = { account: scope.account, region: GLOBAL_REGION };
  const errors: CollectionError[] = [];
  const read = await mapLimit([...new Set(policyArns)].sort(), CONCURRENCY, async (arn) => {
    let operation = "GetPolicy";
    try {
      const { Policy: policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      if (!policy?.DefaultVersionId) throw new Error(`GetPolicy gave no default version for ${arn}`);
      operation = "GetPolicyVersion";
      const { PolicyVersion: version } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.DefaultVersionId }),
      );
      const detail: ManagedPolicyDetail = {
        PolicyName: policy.PolicyName,
        PolicyId: policy.PolicyId,
        Arn: policy.Arn ?? arn,
        Path: policy.Path,
        DefaultVersionId: policy.DefaultVersionId,
        AttachmentCount: policy.AttachmentCount,
        PermissionsBoundaryUsageCount: policy.PermissionsBoundaryUsageCount,
        IsAttachable: policy.IsAttachable,
        Description: policy.Description,
        CreateDate: policy.CreateDate,
        UpdateDate: policy.UpdateDate,
        PolicyVersionList: [
          {
            Document: version?.Document,
            VersionId: version?.VersionId ?? policy.DefaultVersionId,
            IsDefaultVersion: true,
            CreateDate: version?.CreateDate,
          },
        ],
      };
      return detail;
    } catch (error) {
      errors.push(readError(call(operation), where, error, [ResourceTypes.ManagedPolicy]));
      return undefined;
    }
  });
  const policies = read.filter((detail): detail is ManagedPolicyDetail => detail !== undefined);
  const normalized = withProblems({ Policies: policies }, scope, "GetPolicyVersion");
  return { resources: normalized.resources, errors: [...errors, ...normalized.errors] };
}
