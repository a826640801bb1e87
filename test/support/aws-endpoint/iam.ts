import { FakeError, pageOf, queryList, type Request } from "./protocol.js";
import type { JsonObject } from "../../../src/model/resource.js";
import { escapeXml, leaf, node } from "./xml.js";

/**
 * IAM over the query protocol: the credential report (GenerateCredentialReport, GetCredentialReport),
 * and `GetAccountAuthorizationDetails`, paged over all requested
 * entities together (MaxItems counts users, groups, roles and policies alike), documents
 * URL-encoded as IAM sends them, lists as `<member>` elements.
 */
export function handleIam(request: Request): string {
  switch (request.operation) {
    case "GetAccountAuthorizationDetails":
      return authorizationDetails(request);
    case "GenerateCredentialReport":
      return generateCredentialReport(request);
    case "GetCredentialReport":
      return getCredentialReport(request);
    default:
      throw new FakeError("InvalidAction", `the loopback IAM does not implement ${request.operation}`, 400);
  }
}

const checksSoFar = new WeakMap<object, number>();

/** STARTED for the scripted number of checks, then COMPLETE, as IAM answers while it writes the report. */
function generateCredentialReport(request: Request): string {
  const { iam } = request.account;
  const checks = (checksSoFar.get(iam) ?? 0) + 1;
  checksSoFar.set(iam, checks);
  const pending = checks <= (iam.credentialReport?.checksBeforeComplete ?? 0);
  return (
    leaf("State", pending ? "STARTED" : "COMPLETE") +
    leaf("Description", "No report exists. Starting a new report generation task")
  );
}

function getCredentialReport(request: Request): string {
  const { iam } = request.account;
  const csv = iam.credentialReport?.csv ?? credentialReportOf(iam.users, iam.accessKeys ?? []);
  return (
    leaf("Content", Buffer.from(csv, "utf8").toString("base64")) +
    leaf("ReportFormat", "text/csv") +
    leaf("GeneratedTime", "2026-11-20T09:00:00Z")
  );
}

const REPORT_COLUMNS = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "password_last_used",
  "mfa_active",
  ...[1, 2].flatMap((n) =>
    ["active", "last_rotated", "last_used_date", "last_used_region", "last_used_service"].map(
      (field) => `access_key_${n}_${field}`,
    ),
  ),
  "cert_1_active",
  "cert_2_active",
];

/** The report IAM writes: a root row, then one row per user, `N/A` for what is not there. */
export function credentialReportOf(users: readonly JsonObject[], keys: readonly JsonObject[]): string {
  const row = (name: string, arn: string, userKeys: readonly JsonObject[]) => {
    const keyFields = [0, 1].flatMap((index) => {
      const key = userKeys[index];
      if (!key) return ["false", "N/A", "N/A", "N/A", "N/A"];
      const used = (key.AccessKeyLastUsed ?? {}) as Record<string, unknown>;
      const text = (value: unknown) => (typeof value === "string" ? value : "N/A");
      return [
        key.Status === "Active" ? "true" : "false",
        text(key.CreateDate),
        text(used.LastUsedDate),
        text(used.Region),
        text(used.ServiceName),
      ];
    });
    return [name, arn, "2025-01-01T00:00:00+00:00", "false", "N/A", "false", ...keyFields, "false", "false"];
  };
  const rows = [
    REPORT_COLUMNS,
    row("<root_account>", "arn:aws:iam::000000000000:root", []),
    ...users.map((user) =>
      row(
        typeof user.UserName === "string" ? user.UserName : "",
        typeof user.Arn === "string" ? user.Arn : "",
        keys.filter((key) => key.UserName === user.UserName),
      ),
    ),
  ];
  return rows.map((fields) => fields.join(",")).join("\n") + "\n";
}

function authorizationDetails(request: Request): string {
  const { iam } = request.account;
  const filters = queryList(request.query, "Filter.member");
  const wanted = (kind: string) => filters.length === 0 || filters.includes(kind);
  const awsManaged = (policy: Record<string, unknown>) =>
    typeof policy.Arn === "string" && policy.Arn.includes(":iam::aws:");
  const entities = [
    ...(wanted("User") ? iam.users.map((value) => ({ list: "UserDetailList", value })) : []),
    ...(wanted("Group") ? iam.groups.map((value) => ({ list: "GroupDetailList", value })) : []),
    ...(wanted("Role") ? iam.roles.map((value) => ({ list: "RoleDetailList", value })) : []),
    ...iam.policies
      .filter((policy) => (awsManaged(policy) ? wanted("AWSManagedPolicy") : wanted("LocalManagedPolicy")))
      .map((value) => ({ list: "Policies", value })),
  ];
  const page = pageOf(
    entities,
    "iam:GetAccountAuthorizationDetails",
    request,
    request.query.get("Marker"),
    request.query.get("MaxItems"),
    { min: 1, max: 1000, default: 100, invalidCode: "ValidationError" },
  );
  const lists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"].map((name) =>
    node(
      name,
      ...page.items
        .filter((entity) => entity.list === name)
        .map((entity) => `<member>${members(entity.value)}</member>`),
    ),
  );
  return lists.join("") + leaf("IsTruncated", page.next !== undefined) + leaf("Marker", page.next);
}

/** Fields that hold policy documents: objects are URL-encoded JSON on the wire, strings go as they are. */
const DOCUMENT_FIELDS = new Set(["PolicyDocument", "AssumeRolePolicyDocument", "Document"]);

function members(object: Record<string, unknown>): string {
  return Object.entries(object)
    .map(([name, value]) => field(name, value))
    .join("");
}

function field(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (DOCUMENT_FIELDS.has(name)) {
    const text = typeof value === "string" ? value : encodeURIComponent(JSON.stringify(value));
    return leaf(name, text);
  }
  if (Array.isArray(value)) {
    return node(
      name,
      ...value.map((item) =>
        typeof item === "object" && item !== null
          ? `<member>${members(item as Record<string, unknown>)}</member>`
          : `<member>${escapeXml(String(item))}</member>`,
      ),
    );
  }
  if (typeof value === "object") return node(name, members(value as Record<string, unknown>));
  return leaf(name, value);
}
