import { PREFERENCES_DOCUMENT } from "../model/inventory.js";
import { ResourceTypes } from "../model/resource.js";
import { arnOf } from "../model/resource-types.js";
import type { ResultFields } from "../sources/aws/response-check.js";

/**
 * Every AWS call the Config rule Lambda can make, declared once with the IAM action it needs and
 * the resource the action is granted on. The Lambda's clients refuse any operation not listed
 * here (`clients.ts`), and `policies/config-rule-lambda-policy.json` — the role the
 * CloudFormation template in `docs/deploy/config-rule.yaml` gives the function — is tested to
 * allow exactly these actions on exactly these resources, so the code, the policy and the
 * template cannot drift apart.
 */

export type LambdaService = "config" | "iam" | "ec2" | "ssm" | "cloudtrail" | "events";

export interface LambdaOperation {
  service: LambdaService;
  /** The API operation, as the SDK's command names it without `Command`. */
  operation: string;
  iamAction: string;
  /** The resource the action is granted on in the policy (`*` where the action has no resource type). */
  resource: string;
  /** When the handler makes the call. */
  purpose: string;
  /**
   * The output fields every successful answer holds, with the kind of value each is; an answer
   * without them did not come from the API, and the response check
   * (`src/sources/aws/response-check.ts`) makes it an error.
   */
  resultFields: ResultFields;
}

const ANY = "*";
/** Any account and region of the partition the function is deployed in (the policy says `aws`). */
const EVERYWHERE = { partition: "aws", region: ANY, account: ANY };
const ROLES = arnOf(ResourceTypes.Role, EVERYWHERE, ANY);
const GROUPS = arnOf(ResourceTypes.Group, EVERYWHERE, ANY);
const POLICIES = arnOf(ResourceTypes.ManagedPolicy, EVERYWHERE, ANY);
const INSTANCE_PROFILES = arnOf(ResourceTypes.InstanceProfile, EVERYWHERE, ANY);
const PREFERENCES = arnOf(ResourceTypes.SessionPreferences, EVERYWHERE, PREFERENCES_DOCUMENT);
const EVENT_RULES = arnOf(ResourceTypes.EventRule, EVERYWHERE, ANY);

export const LAMBDA_OPERATIONS: readonly LambdaOperation[] = [
  {
    service: "config",
    operation: "PutEvaluations",
    iamAction: "config:PutEvaluations",
    resource: ANY,
    purpose: "every invocation: the verdicts",
    // Config need not list FailedEvaluations when none failed: `{}` is an answer, an empty body is not.
    resultFields: {},
  },
  {
    service: "config",
    operation: "GetResourceConfigHistory",
    iamAction: "config:GetResourceConfigHistory",
    resource: ANY,
    purpose: "oversized change notifications: the item itself",
    resultFields: { configurationItems: "list" },
  },
  {
    service: "iam",
    operation: "GetInstanceProfile",
    iamAction: "iam:GetInstanceProfile",
    resource: INSTANCE_PROFILES,
    purpose: "instances: the role behind the instance profile",
    resultFields: { InstanceProfile: "object" },
  },
  {
    service: "iam",
    operation: "ListRolePolicies",
    iamAction: "iam:ListRolePolicies",
    resource: ROLES,
    purpose: "instances: the instance role's inline policies",
    resultFields: { IsTruncated: "boolean" },
  },
  {
    service: "iam",
    operation: "GetRolePolicy",
    iamAction: "iam:GetRolePolicy",
    resource: ROLES,
    purpose: "instances: the instance role's inline policy documents",
    resultFields: { PolicyDocument: "text" },
  },
  {
    service: "iam",
    operation: "ListAttachedRolePolicies",
    iamAction: "iam:ListAttachedRolePolicies",
    resource: ROLES,
    purpose: "instances: the instance role's managed policies",
    resultFields: { IsTruncated: "boolean" },
  },
  {
    service: "iam",
    operation: "ListGroupPolicies",
    iamAction: "iam:ListGroupPolicies",
    resource: GROUPS,
    purpose: "users: their groups' inline policies",
    resultFields: { IsTruncated: "boolean" },
  },
  {
    service: "iam",
    operation: "GetGroupPolicy",
    iamAction: "iam:GetGroupPolicy",
    resource: GROUPS,
    purpose: "users: their groups' inline policy documents",
    resultFields: { PolicyDocument: "text" },
  },
  {
    service: "iam",
    operation: "ListAttachedGroupPolicies",
    iamAction: "iam:ListAttachedGroupPolicies",
    resource: GROUPS,
    purpose: "users: their groups' managed policies",
    resultFields: { IsTruncated: "boolean" },
  },
  {
    service: "iam",
    operation: "GetPolicy",
    iamAction: "iam:GetPolicy",
    resource: POLICIES,
    purpose: "roles, users, groups and instance roles: each attached managed policy's default version",
    resultFields: { Policy: "object" },
  },
  {
    service: "iam",
    operation: "GetPolicyVersion",
    iamAction: "iam:GetPolicyVersion",
    resource: POLICIES,
    purpose: "roles, users, groups and instance roles: each attached managed policy's document",
    resultFields: { PolicyVersion: "object" },
  },
  {
    service: "iam",
    operation: "GetAccountAuthorizationDetails",
    iamAction: "iam:GetAccountAuthorizationDetails",
    resource: ANY,
    purpose: "periodic IAM evaluation: every role, user and group with its policies",
    resultFields: { IsTruncated: "boolean" },
  },
  {
    service: "ec2",
    operation: "DescribeSecurityGroups",
    iamAction: "ec2:DescribeSecurityGroups",
    resource: ANY,
    purpose: "instances with a public address: their security groups",
    resultFields: { SecurityGroups: "list" },
  },
  {
    service: "ec2",
    operation: "DescribeRegions",
    iamAction: "ec2:DescribeRegions",
    resource: ANY,
    purpose: "the regions whose Session Manager preferences name KMS keys (unless PREFERENCE_REGIONS is set)",
    resultFields: { Regions: "list" },
  },
  {
    service: "ssm",
    operation: "DescribeInstanceInformation",
    iamAction: "ssm:DescribeInstanceInformation",
    resource: ANY,
    purpose: "running instances: whether Systems Manager manages them",
    resultFields: { InstanceInformationList: "list" },
  },
  {
    service: "ssm",
    operation: "GetDocument",
    iamAction: "ssm:GetDocument",
    resource: PREFERENCES,
    purpose: "periodic preferences evaluation, and the session KMS keys IAM rules check",
    resultFields: { Content: "text" },
  },
  {
    service: "iam",
    operation: "GenerateCredentialReport",
    iamAction: "iam:GenerateCredentialReport",
    resource: ANY,
    purpose: "users: asks for the account's credential report, which holds their access keys",
    resultFields: { State: "text" },
  },
  {
    service: "iam",
    operation: "GetCredentialReport",
    iamAction: "iam:GetCredentialReport",
    resource: ANY,
    purpose: "users: their access keys, whether active, and when each was created and last used",
    resultFields: { Content: "bytes" },
  },
  {
    service: "cloudtrail",
    operation: "DescribeTrails",
    iamAction: "cloudtrail:DescribeTrails",
    resource: ANY,
    purpose:
      "periodic session-start alerting: the trails that record the region, organization trails included",
    resultFields: { trailList: "list" },
  },
  {
    service: "cloudtrail",
    operation: "GetTrailStatus",
    iamAction: "cloudtrail:GetTrailStatus",
    resource: ANY,
    purpose: "periodic session-start alerting: whether each trail is logging",
    resultFields: { IsLogging: "boolean" },
  },
  {
    service: "cloudtrail",
    operation: "GetEventSelectors",
    iamAction: "cloudtrail:GetEventSelectors",
    resource: ANY,
    purpose: "periodic session-start alerting: which management events each trail records",
    resultFields: { TrailARN: "text" },
  },
  {
    service: "events",
    operation: "ListRules",
    iamAction: "events:ListRules",
    resource: ANY,
    purpose: "periodic session-start alerting: the rules of the region's default event bus",
    resultFields: { Rules: "list" },
  },
  {
    service: "events",
    operation: "ListTargetsByRule",
    iamAction: "events:ListTargetsByRule",
    resource: EVENT_RULES,
    purpose: "periodic session-start alerting: the targets of each rule",
    resultFields: { Targets: "list" },
  },
];

/**
 * Actions the Lambda runtime uses on the function's behalf, not the handler: writing its logs to
 * the log group the template creates.
 */
export const RUNTIME_PERMISSIONS: readonly { iamAction: string; resource: string; purpose: string }[] = [
  {
    iamAction: "logs:CreateLogStream",
    resource: "arn:aws:logs:*:*:log-group:/aws/lambda/access-baseline-config-rule:*",
    purpose: "the runtime: a log stream per execution environment",
  },
  {
    iamAction: "logs:PutLogEvents",
    resource: "arn:aws:logs:*:*:log-group:/aws/lambda/access-baseline-config-rule:*",
    purpose: "the runtime: the handler's structured log lines",
  },
];

const DECLARED = new Map(LAMBDA_OPERATIONS.map((spec) => [`${spec.service}:${spec.operation}`, spec]));

export function isDeclaredOperation(service: LambdaService, operation: string): boolean {
  return DECLARED.has(`${service}:${operation}`);
}

/** The declared operation, or undefined when the handler must not send it. */
export function findLambdaOperation(service: LambdaService, operation: string): LambdaOperation | undefined {
  return DECLARED.get(`${service}:${operation}`);
}
