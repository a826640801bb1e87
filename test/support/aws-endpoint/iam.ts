import { FakeError, pageOf, queryList, type Request } from "./protocol.js";
import { escapeXml, leaf, node } from "./xml.js";

/**
 * IAM over the query protocol: `GetAccountAuthorizationDetails`, paged over all requested
 * entities together (MaxItems counts users, groups, roles and policies alike), documents
 * URL-encoded as IAM sends them, lists as `<member>` elements.
 */
export function handleIam(request: Request): string {
  if (request.operation !== "GetAccountAuthorizationDetails") {
    throw new FakeError("InvalidAction", `the loopback IAM does not implement ${request.operation}`, 400);
  }
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
