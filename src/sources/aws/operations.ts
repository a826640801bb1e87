import { ALL_RESOURCE_TYPES, ResourceTypes, type ResourceType } from "../../model/resource.js";
import type { ResultFields } from "./response-check.js";

/**
 * Every AWS API operation the live collector can send, declared once: the IAM action it needs,
 * what it is used for, and the resource types whose data is missing when it fails. The client
 * factory refuses any operation that is not listed here, the policies in
 * `policies/scanner-policy.json` and `policies/organization-scanner-policy.json` are tested
 * against this table, and `docs/live-scanning.md` describes the same list, so the code, the
 * policies and the docs cannot drift apart.
 */

export type AwsService = "sts" | "organizations" | "iam" | "ec2" | "ssm" | "cloudtrail" | "events";

export interface OperationSpec {
  service: AwsService;
  /** The API operation name, as the SDK's command names it without `Command`. */
  operation: string;
  /** The IAM action that allows the call. */
  iamAction: string;
  /**
   * The resource the action is authorized on, with `${Partition}`, `${Region}`, `${Account}` and
   * `${RoleName}` placeholders; `*` for actions that support no resource-level permissions.
   */
  resource: string;
  /** The data that is missing or incomplete when the call fails. */
  resourceTypes: readonly ResourceType[];
  /** Whether the call is made once per region (else once per account or per run). */
  regional: boolean;
  /** Why the collector makes the call, for the documentation. */
  purpose: string;
  /**
   * The shipped policy that allows it: `scanner` (read-only, `policies/scanner-policy.json`, for
   * every identity that scans) or `organization` (`policies/organization-scanner-policy.json`, only
   * for the identity that lists the organization and assumes the scanner role in each account).
   */
  policy: "scanner" | "organization";
  /**
   * The output fields every successful answer holds, even when there is nothing to list (AWS
   * sends empty lists), with the kind of value each is. An answer without them, or with one of
   * another kind, did not come from the API, however it parsed: the response check
   * (`response-check.ts`) makes it an error of the call.
   */
  resultFields: ResultFields;
}

const IAM_TYPES: readonly ResourceType[] = [
  ResourceTypes.User,
  ResourceTypes.Group,
  ResourceTypes.Role,
  ResourceTypes.ManagedPolicy,
  ResourceTypes.InstanceProfile,
];

/** The types collected per region: what a region that cannot be listed leaves unjudged. */
export const REGIONAL_TYPES: readonly ResourceType[] = [
  ResourceTypes.SecurityGroup,
  ResourceTypes.Instance,
  ResourceTypes.ManagedInstance,
  ResourceTypes.SessionPreferences,
  ResourceTypes.Trail,
  ResourceTypes.EventRule,
];

export const OPERATIONS = {
  "sts:GetCallerIdentity": {
    service: "sts",
    operation: "GetCallerIdentity",
    iamAction: "sts:GetCallerIdentity",
    resource: "*",
    resourceTypes: ALL_RESOURCE_TYPES,
    regional: false,
    policy: "scanner",
    purpose: "the account id and partition of the credentials (needs no permission)",
    resultFields: { Account: "text" },
  },
  "sts:AssumeRole": {
    service: "sts",
    operation: "AssumeRole",
    iamAction: "sts:AssumeRole",
    resource: "arn:${Partition}:iam::${Account}:role/${RoleName}",
    resourceTypes: ALL_RESOURCE_TYPES,
    regional: false,
    policy: "organization",
    purpose: "--role-arn, and the --org-role in each account of the organization",
    resultFields: { Credentials: "object" },
  },
  "organizations:ListAccounts": {
    service: "organizations",
    operation: "ListAccounts",
    iamAction: "organizations:ListAccounts",
    resource: "*",
    resourceTypes: ALL_RESOURCE_TYPES,
    regional: false,
    policy: "organization",
    purpose: "--org: the organization's accounts (only active ones are scanned)",
    resultFields: { Accounts: "list" },
  },
  "ec2:DescribeRegions": {
    service: "ec2",
    operation: "DescribeRegions",
    iamAction: "ec2:DescribeRegions",
    resource: "*",
    resourceTypes: REGIONAL_TYPES,
    regional: false,
    policy: "scanner",
    purpose: "the regions enabled in the account, when --regions is not given",
    resultFields: { Regions: "list" },
  },
  "iam:GetAccountAuthorizationDetails": {
    service: "iam",
    operation: "GetAccountAuthorizationDetails",
    iamAction: "iam:GetAccountAuthorizationDetails",
    resource: "*",
    resourceTypes: IAM_TYPES,
    regional: false,
    policy: "scanner",
    purpose: "users, groups, roles, instance profiles and managed policies with their documents",
    resultFields: { IsTruncated: "boolean" },
  },
  "ec2:DescribeSecurityGroups": {
    service: "ec2",
    operation: "DescribeSecurityGroups",
    iamAction: "ec2:DescribeSecurityGroups",
    resource: "*",
    resourceTypes: [ResourceTypes.SecurityGroup],
    regional: true,
    policy: "scanner",
    purpose: "security groups and their ingress rules",
    resultFields: { SecurityGroups: "list" },
  },
  "ec2:DescribeInstances": {
    service: "ec2",
    operation: "DescribeInstances",
    iamAction: "ec2:DescribeInstances",
    resource: "*",
    resourceTypes: [ResourceTypes.Instance],
    regional: true,
    policy: "scanner",
    purpose: "instances that are not terminated: key pair, public address, profile, groups",
    resultFields: { Reservations: "list" },
  },
  "ssm:DescribeInstanceInformation": {
    service: "ssm",
    operation: "DescribeInstanceInformation",
    iamAction: "ssm:DescribeInstanceInformation",
    resource: "*",
    resourceTypes: [ResourceTypes.ManagedInstance],
    regional: true,
    policy: "scanner",
    purpose: "managed nodes: agent version, ping status, platform",
    resultFields: { InstanceInformationList: "list" },
  },
  "ssm:GetDocument": {
    service: "ssm",
    operation: "GetDocument",
    iamAction: "ssm:GetDocument",
    resource: "arn:${Partition}:ssm:${Region}:${Account}:document/SSM-SessionManagerRunShell",
    resourceTypes: [ResourceTypes.SessionPreferences],
    regional: true,
    policy: "scanner",
    purpose: "the region's Session Manager preferences (SSM-SessionManagerRunShell)",
    resultFields: { Content: "text" },
  },
  "iam:GenerateCredentialReport": {
    service: "iam",
    operation: "GenerateCredentialReport",
    iamAction: "iam:GenerateCredentialReport",
    resource: "*",
    resourceTypes: [ResourceTypes.AccessKey],
    regional: false,
    policy: "scanner",
    purpose: "asks IAM for a fresh credential report (polled, a bounded number of times, until it is ready)",
    resultFields: { State: "text" },
  },
  "iam:GetCredentialReport": {
    service: "iam",
    operation: "GetCredentialReport",
    iamAction: "iam:GetCredentialReport",
    resource: "*",
    resourceTypes: [ResourceTypes.AccessKey],
    regional: false,
    policy: "scanner",
    purpose:
      "the credential report: each user's access keys, whether active, created and last used when, where and by which service",
    resultFields: { Content: "bytes" },
  },
  "cloudtrail:DescribeTrails": {
    service: "cloudtrail",
    operation: "DescribeTrails",
    iamAction: "cloudtrail:DescribeTrails",
    resource: "*",
    resourceTypes: [ResourceTypes.Trail],
    regional: true,
    policy: "scanner",
    purpose: "the trails that record the region, organization trails included",
    resultFields: { trailList: "list" },
  },
  "cloudtrail:GetTrailStatus": {
    service: "cloudtrail",
    operation: "GetTrailStatus",
    iamAction: "cloudtrail:GetTrailStatus",
    // An organization trail belongs to the management account: no one ARN pattern covers it.
    resource: "*",
    resourceTypes: [ResourceTypes.Trail],
    regional: true,
    policy: "scanner",
    purpose: "whether each trail is logging",
    resultFields: { IsLogging: "boolean" },
  },
  "cloudtrail:GetEventSelectors": {
    service: "cloudtrail",
    operation: "GetEventSelectors",
    iamAction: "cloudtrail:GetEventSelectors",
    resource: "*",
    resourceTypes: [ResourceTypes.Trail],
    regional: true,
    policy: "scanner",
    purpose: "which management events each trail records (basic or advanced event selectors)",
    resultFields: { TrailARN: "text" },
  },
  "events:ListRules": {
    service: "events",
    operation: "ListRules",
    iamAction: "events:ListRules",
    resource: "*",
    resourceTypes: [ResourceTypes.EventRule],
    regional: true,
    policy: "scanner",
    purpose: "the EventBridge rules of the default event bus, which alone receives AWS API calls",
    resultFields: { Rules: "list" },
  },
  "events:ListTargetsByRule": {
    service: "events",
    operation: "ListTargetsByRule",
    iamAction: "events:ListTargetsByRule",
    resource: "arn:${Partition}:events:${Region}:${Account}:rule/*",
    resourceTypes: [ResourceTypes.EventRule],
    regional: true,
    policy: "scanner",
    purpose: "the targets of each rule",
    resultFields: { Targets: "list" },
  },
} as const satisfies Record<string, OperationSpec>;

export type OperationKey = keyof typeof OPERATIONS;

export const OPERATION_KEYS = Object.keys(OPERATIONS) as OperationKey[];

const BY_SERVICE_AND_NAME = new Map<string, OperationSpec>(
  Object.values(OPERATIONS).map((spec: OperationSpec) => [`${spec.service}:${spec.operation}`, spec]),
);

/** The declared operation, or undefined when the collector must not send it. */
export function findOperation(service: string, operation: string): OperationSpec | undefined {
  return BY_SERVICE_AND_NAME.get(`${service}:${operation}`);
}
