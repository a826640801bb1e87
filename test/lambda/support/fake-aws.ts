import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { JsonObject, JsonValue, Resource } from "../../../src/model/resource.js";
import { credentialReportOf } from "../../support/aws-endpoint/iam.js";

/**
 * A loopback AWS endpoint for the Config rule Lambda's tests: AWS Config and SSM over JSON 1.1,
 * IAM over the query protocol, EC2 over the EC2 query protocol, each answering in the wire shape
 * the SDK parses. It serves a world of canonical resources (the shape of a snapshot), so a test
 * states the account once and the fake answers every read from it: IAM documents go out
 * URL-encoded, as IAM sends them. It records every request, and PutEvaluations bodies verbatim.
 *
 * The SDK reaches it through `AWS_ENDPOINT_URL`; the service and region come from the request's
 * signature scope.
 */

export interface RecordedRequest {
  service: string;
  region: string;
  operation: string;
  /** JSON body, or the query parameters as an object. */
  params: Record<string, unknown>;
}

/** A PutEvaluations request body. */
export interface PutEvaluationsBody {
  Evaluations: Record<string, unknown>[];
  ResultToken: string;
  TestMode?: boolean;
}

export interface FakeOptions {
  resources?: Resource[];
  /** Regions DescribeRegions lists. */
  regions?: string[];
  /** Items GetResourceConfigHistory returns, by `type/id`. */
  history?: Record<string, Record<string, unknown>>;
  /** `service:Operation` → the error every such call answers with. */
  failures?: Record<string, { code: string; message?: string; status?: number }>;
  /**
   * `service:Operation` → a 200 answer with exactly this body, as a proxy, a captive portal or a
   * misbehaving endpoint may send instead of the API's answer.
   */
  answers?: Record<string, { body: string; contentType?: string }>;
  /**
   * The most items a page of ListRules or ListTargetsByRule holds, below the caller's `Limit`, so
   * that a few rules take several pages.
   */
  pageSize?: number;
  /** `service:Operation` of calls never answered: the client gives up at its request timeout. */
  hangs?: string[];
  /** Decides which evaluations of a PutEvaluations call Config "fails". */
  failEvaluations?: (evaluations: JsonObject[]) => JsonObject[];
}

class FakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class FakeAws {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private counter = 0;
  url = "";

  constructor(public options: FakeOptions = {}) {}

  get resources(): Resource[] {
    return this.options.resources ?? [];
  }

  /** PutEvaluations request bodies, in order. */
  get putEvaluations(): PutEvaluationsBody[] {
    return this.requests
      .filter((request) => request.operation === "PutEvaluations")
      .map((request) => request.params as unknown as PutEvaluationsBody);
  }

  /** `service:Operation` of every request but PutEvaluations, in order. */
  get reads(): string[] {
    return this.requests
      .filter((request) => request.operation !== "PutEvaluations")
      .map((request) => `${request.service}:${request.operation}`);
  }

  reset(options: FakeOptions = {}): void {
    this.options = options;
    this.requests.length = 0;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.respond(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const scope = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? "");
    const region = scope?.[1] ?? "us-east-1";
    const service = scope?.[2] ?? "unknown";
    const target = request.headers["x-amz-target"];
    const json = typeof target === "string";
    // `Prefix.Operation`, where the prefix may hold dots of its own.
    const operation = json
      ? target.slice(target.lastIndexOf(".") + 1)
      : (new URLSearchParams(body).get("Action") ?? "");
    const params: Record<string, unknown> = json
      ? (JSON.parse(body || "{}") as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(body));
    this.requests.push({ service, region, operation, params });
    const requestId = `00000000-0000-4000-8000-${String((this.counter += 1)).padStart(12, "0")}`;
    if (this.options.hangs?.includes(`${service}:${operation}`)) {
      await new Promise((resolve) => response.once("close", resolve));
      return;
    }
    try {
      const failure = this.options.failures?.[`${service}:${operation}`];
      if (failure)
        throw new FakeError(
          failure.code,
          failure.message ?? `${failure.code} (scripted)`,
          failure.status ?? 400,
        );
      const answer = this.options.answers?.[`${service}:${operation}`];
      if (answer) {
        response.writeHead(200, {
          "content-type": answer.contentType ?? (json ? "application/x-amz-json-1.1" : "text/xml"),
          "x-amzn-requestid": requestId,
        });
        response.end(answer.body);
        return;
      }
      const result = this.dispatch(service, region, operation, params);
      const [contentType, text] = json
        ? ["application/x-amz-json-1.1", JSON.stringify(result)]
        : ["text/xml", envelope(service, operation, String(result), requestId)];
      response.writeHead(200, { "content-type": contentType, "x-amzn-requestid": requestId });
      response.end(text);
    } catch (error) {
      const fake = error instanceof FakeError ? error : new FakeError("InternalFailure", String(error), 500);
      response.writeHead(fake.status, {
        "content-type": json ? "application/x-amz-json-1.1" : "text/xml",
        "x-amzn-requestid": requestId,
      });
      response.end(
        json
          ? JSON.stringify({ __type: fake.code, message: fake.message })
          : xmlError(service, fake, requestId),
      );
    }
  }

  private dispatch(
    service: string,
    region: string,
    operation: string,
    params: Record<string, unknown>,
  ): unknown {
    switch (`${service}:${operation}`) {
      case "config:PutEvaluations": {
        const evaluations = (params.Evaluations ?? []) as JsonObject[];
        return { FailedEvaluations: this.options.failEvaluations?.(evaluations) ?? [] };
      }
      case "config:GetResourceConfigHistory": {
        const item = this.options.history?.[`${String(params.resourceType)}/${String(params.resourceId)}`];
        if (!item) throw new FakeError("ResourceNotDiscoveredException", "no such resource");
        return { configurationItems: [item] };
      }
      case "ssm:DescribeInstanceInformation":
        return this.describeInstanceInformation(region, params);
      case "ssm:GetDocument":
        return this.getDocument(region, params);
      case "ec2:DescribeSecurityGroups":
        return this.describeSecurityGroups(region, params);
      case "cloudtrail:DescribeTrails":
        return this.describeTrails(region);
      case "cloudtrail:GetTrailStatus":
        return { IsLogging: this.trail(params.Name).IsLogging === true };
      case "cloudtrail:GetEventSelectors":
        return this.eventSelectors(params.TrailName);
      case "events:ListRules":
        return this.listRules(region, params);
      case "events:ListTargetsByRule":
        return this.listTargets(region, params);
      case "ec2:DescribeRegions":
        return node(
          "regionInfo",
          ...(this.options.regions ?? []).map((name) =>
            item(leaf("regionName", name) + leaf("optInStatus", "opt-in-not-required")),
          ),
        );
      default:
        if (service === "iam") return this.iam(operation, params);
        throw new FakeError("InvalidAction", `the fake does not implement ${service}:${operation}`);
    }
  }

  private ofType(type: string, region?: string): Resource[] {
    return this.resources.filter(
      (resource) => resource.type === type && (region === undefined || resource.region === region),
    );
  }

  // ------------------------------------------------------------------------------------------
  // SSM

  private describeInstanceInformation(region: string, params: Record<string, unknown>): unknown {
    const filters = (params.Filters ?? []) as { Key: string; Values: string[] }[];
    const ids = filters.find((filter) => filter.Key === "InstanceIds")?.Values;
    const records = this.ofType("AWS::SSM::ManagedInstanceInventory", region)
      .filter((resource) => ids === undefined || ids.includes(resource.id))
      .map((resource) =>
        withEpochDates(resource.properties, [
          "LastPingDateTime",
          "RegistrationDate",
          "LastAssociationExecutionDate",
        ]),
      );
    return { InstanceInformationList: records };
  }

  private getDocument(region: string, params: Record<string, unknown>): unknown {
    const document = this.ofType("AWS::SSM::Document", region).find(
      (resource) => resource.id === params.Name,
    );
    if (!document) throw new FakeError("InvalidDocument", "The specified document does not exist.");
    const { Content, CreatedDate: _created, ...rest } = document.properties;
    return { ...rest, Content: typeof Content === "string" ? Content : JSON.stringify(Content) };
  }

  // ------------------------------------------------------------------------------------------
  // CloudTrail and EventBridge

  /** The region's own trails and every multi-region trail of another region (shadow trails). */
  private describeTrails(region: string): unknown {
    const trails = this.ofType("AWS::CloudTrail::Trail").filter(
      (resource) => resource.region === region || resource.properties.IsMultiRegionTrail === true,
    );
    return {
      trailList: trails.map((resource) => {
        const {
          IsLogging: _logging,
          EventSelectors,
          AdvancedEventSelectors,
          ...listed
        } = resource.properties;
        return {
          HomeRegion: resource.region,
          TrailARN: resource.arn,
          ...listed,
          HasCustomEventSelectors: EventSelectors !== undefined || AdvancedEventSelectors !== undefined,
        };
      }),
    };
  }

  private trail(name: unknown): JsonObject {
    const found = this.ofType("AWS::CloudTrail::Trail").find(
      (resource) => resource.arn === name || resource.id === name,
    );
    if (!found) throw new FakeError("TrailNotFoundException", `Unknown trail: ${String(name)}`);
    return { ...found.properties, TrailARN: found.arn ?? found.properties.TrailARN ?? null };
  }

  private eventSelectors(name: unknown): unknown {
    const trail = this.trail(name);
    if (trail.AdvancedEventSelectors !== undefined)
      return { TrailARN: trail.TrailARN, AdvancedEventSelectors: trail.AdvancedEventSelectors };
    return {
      TrailARN: trail.TrailARN,
      EventSelectors: trail.EventSelectors ?? [
        { ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [] },
      ],
    };
  }

  private rulesOf(region: string): Resource[] {
    return this.ofType("AWS::Events::Rule", region).filter(
      (resource) => (resource.properties.EventBusName ?? "default") === "default",
    );
  }

  /** One page of `items`, from the NextToken the caller sent, as EventBridge pages its lists. */
  private page<T>(items: T[], params: Record<string, unknown>): { items: T[]; next?: string } {
    const start = params.NextToken === undefined ? 0 : Number(params.NextToken);
    if (!Number.isInteger(start) || start < 0 || start > items.length)
      throw new FakeError("ValidationException", `invalid NextToken ${String(params.NextToken)}`);
    const size = Math.min(Number(params.Limit ?? 100), this.options.pageSize ?? 100);
    const next = start + size < items.length ? String(start + size) : undefined;
    return { items: items.slice(start, start + size), ...(next !== undefined ? { next } : {}) };
  }

  private listRules(region: string, params: Record<string, unknown>): unknown {
    const page = this.page(this.rulesOf(region), params);
    return {
      ...(page.next !== undefined ? { NextToken: page.next } : {}),
      Rules: page.items.map((resource) => {
        const { Targets: _targets, EventPattern, ...rule } = resource.properties;
        return {
          ...rule,
          Arn: resource.arn,
          ...(EventPattern === undefined
            ? {}
            : {
                EventPattern: typeof EventPattern === "string" ? EventPattern : JSON.stringify(EventPattern),
              }),
        };
      }),
    };
  }

  private listTargets(region: string, params: Record<string, unknown>): unknown {
    const rule = this.rulesOf(region).find((resource) => resource.id === params.Rule);
    if (!rule)
      throw new FakeError("ResourceNotFoundException", `Rule ${String(params.Rule)} does not exist.`);
    const page = this.page(list(rule.properties.Targets), params);
    return { Targets: page.items, ...(page.next !== undefined ? { NextToken: page.next } : {}) };
  }

  // ------------------------------------------------------------------------------------------
  // EC2

  private describeSecurityGroups(region: string, params: Record<string, unknown>): string {
    const ids = Object.entries(params)
      .filter(([key]) => /^GroupId\.\d+$/.test(key))
      .map(([, value]) => String(value));
    const groups = this.ofType("AWS::EC2::SecurityGroup", region);
    for (const id of ids) {
      if (!groups.some((group) => group.id === id)) {
        throw new FakeError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
      }
    }
    const chosen = ids.length === 0 ? groups : groups.filter((group) => ids.includes(group.id));
    return node("securityGroupInfo", ...chosen.map((group) => item(securityGroupXml(group.properties))));
  }

  // ------------------------------------------------------------------------------------------
  // IAM

  private iam(operation: string, params: Record<string, unknown>): string {
    const role = () => this.named("AWS::IAM::Role", "RoleName", params.RoleName);
    const group = () => this.named("AWS::IAM::Group", "GroupName", params.GroupName);
    switch (operation) {
      case "GetInstanceProfile": {
        const name = String(params.InstanceProfileName);
        const profile =
          this.ofType("AWS::IAM::InstanceProfile").find(
            (resource) => resource.properties.InstanceProfileName === name,
          )?.properties ??
          this.ofType("AWS::IAM::Role")
            .flatMap((resource) => list(resource.properties.InstanceProfileList))
            .find((candidate) => object(candidate)?.InstanceProfileName === name);
        if (!profile) throw new FakeError("NoSuchEntity", `Instance Profile ${name} cannot be found.`, 404);
        const roles = list(object(profile)!.Roles).map((entry) => {
          const name = object(entry)?.RoleName;
          const full = this.ofType("AWS::IAM::Role").find((resource) => resource.id === name)?.properties;
          return {
            ...object(entry),
            ...(full ? { AssumeRolePolicyDocument: full.AssumeRolePolicyDocument } : {}),
          };
        });
        return node("InstanceProfile", members({ ...object(profile), Roles: roles }));
      }
      case "ListRolePolicies":
        return names(list(role().RolePolicyList));
      case "GetRolePolicy":
        return inlinePolicy(list(role().RolePolicyList), params);
      case "ListAttachedRolePolicies":
        return attached(list(role().AttachedManagedPolicies));
      case "ListGroupPolicies":
        return names(list(group().GroupPolicyList));
      case "GetGroupPolicy":
        return inlinePolicy(list(group().GroupPolicyList), params);
      case "ListAttachedGroupPolicies":
        return attached(list(group().AttachedManagedPolicies));
      case "GetPolicy": {
        const { PolicyVersionList: _versions, ...policy } = this.policy(params.PolicyArn);
        return node("Policy", members(policy));
      }
      case "GetPolicyVersion": {
        const version = list(this.policy(params.PolicyArn).PolicyVersionList)
          .map(object)
          .find((candidate) => candidate?.VersionId === params.VersionId);
        if (!version)
          throw new FakeError(
            "NoSuchEntity",
            `Policy version ${String(params.VersionId)} does not exist.`,
            404,
          );
        return node("PolicyVersion", members(version));
      }
      case "GetAccountAuthorizationDetails":
        return this.authorizationDetails(params);
      // The report is ready at once, as when IAM holds one less than four hours old.
      case "GenerateCredentialReport":
        return leaf("State", "COMPLETE");
      case "GetCredentialReport": {
        const csv = credentialReportOf(
          this.ofType("AWS::IAM::User").map((user) => user.properties),
          this.ofType("AWS::IAM::AccessKey").map((key) => key.properties),
        );
        return (
          leaf("Content", Buffer.from(csv, "utf8").toString("base64")) + leaf("ReportFormat", "text/csv")
        );
      }
      default:
        throw new FakeError("InvalidAction", `the fake does not implement iam:${operation}`);
    }
  }

  private named(type: string, field: string, name: unknown): JsonObject {
    const found = this.ofType(type).find((resource) => resource.properties[field] === name);
    if (!found) throw new FakeError("NoSuchEntity", `${type} ${String(name)} cannot be found.`, 404);
    return found.properties;
  }

  private policy(arn: unknown): JsonObject {
    const found = this.ofType("AWS::IAM::Policy").find((resource) => resource.id === arn);
    if (!found)
      throw new FakeError("NoSuchEntity", `Policy ${String(arn)} does not exist or is not attachable.`, 404);
    return found.properties;
  }

  private authorizationDetails(params: Record<string, unknown>): string {
    const filters = Object.entries(params)
      .filter(([key]) => key.startsWith("Filter.member."))
      .map(([, value]) => String(value));
    const wanted = (kind: string) => filters.length === 0 || filters.includes(kind);
    const entities: { list: string; value: JsonObject }[] = [
      ...(wanted("User")
        ? this.ofType("AWS::IAM::User").map((r) => ({ list: "UserDetailList", value: r.properties }))
        : []),
      ...(wanted("Group")
        ? this.ofType("AWS::IAM::Group").map((r) => ({ list: "GroupDetailList", value: r.properties }))
        : []),
      ...(wanted("Role")
        ? this.ofType("AWS::IAM::Role").map((r) => ({ list: "RoleDetailList", value: r.properties }))
        : []),
      ...this.ofType("AWS::IAM::Policy")
        .filter((r) => wanted(r.id.includes(":iam::aws:") ? "AWSManagedPolicy" : "LocalManagedPolicy"))
        .map((r) => ({ list: "Policies", value: r.properties })),
    ];
    const start = Number(params.Marker ?? 0);
    const size = Number(params.MaxItems ?? 100);
    const page = entities.slice(start, start + size);
    const next = start + size < entities.length ? String(start + size) : undefined;
    const lists = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"].map((name) =>
      node(
        name,
        ...page
          .filter((entity) => entity.list === name)
          .map((entity) => `<member>${members(entity.value)}</member>`),
      ),
    );
    return lists.join("") + leaf("IsTruncated", next !== undefined) + (next ? leaf("Marker", next) : "");
  }
}

// ---------------------------------------------------------------------------------------------
// Wire formats

function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A value as XML text: scalars as they print, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : JSON.stringify(value);
}

function leaf(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  return `<${name}>${escapeXml(text(value))}</${name}>`;
}

function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join("")}</${name}>`;
}

function item(inner: string): string {
  return `<item>${inner}</item>`;
}

function envelope(service: string, operation: string, result: string, requestId: string): string {
  if (service === "ec2") {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${requestId}</requestId>${result}</${operation}Response>`;
  }
  return (
    `<${operation}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><${operation}Result>${result}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

function xmlError(service: string, error: FakeError, requestId: string): string {
  if (service === "ec2") {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  }
  return `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** IAM documents travel URL-encoded; objects in the world are encoded on the way out. */
const DOCUMENT_FIELDS = new Set(["PolicyDocument", "AssumeRolePolicyDocument", "Document"]);

function members(object: JsonObject): string {
  return Object.entries(object)
    .map(([name, value]) => field(name, value))
    .join("");
}

function field(name: string, value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (DOCUMENT_FIELDS.has(name)) {
    return leaf(name, typeof value === "string" ? value : encodeURIComponent(JSON.stringify(value)));
  }
  if (Array.isArray(value)) {
    return node(
      name,
      ...value.map((entry) =>
        entry !== null && typeof entry === "object" && !Array.isArray(entry)
          ? `<member>${members(entry)}</member>`
          : `<member>${escapeXml(text(entry))}</member>`,
      ),
    );
  }
  if (typeof value === "object") return node(name, members(value));
  return leaf(name, value);
}

function names(policies: JsonValue[]): string {
  return (
    node(
      "PolicyNames",
      ...policies.map((policy) => `<member>${escapeXml(text(object(policy)?.PolicyName))}</member>`),
    ) + leaf("IsTruncated", false)
  );
}

function attached(policies: JsonValue[]): string {
  return field("AttachedPolicies", policies) + leaf("IsTruncated", false);
}

function inlinePolicy(policies: JsonValue[], params: Record<string, unknown>): string {
  const policy = policies.map(object).find((candidate) => candidate?.PolicyName === params.PolicyName);
  if (!policy)
    throw new FakeError("NoSuchEntity", `The policy ${String(params.PolicyName)} cannot be found.`, 404);
  return members({ PolicyName: policy.PolicyName ?? null, PolicyDocument: policy.PolicyDocument ?? null });
}

/** A security group in EC2's XML names (`groupDescription`, `groups`, `tagSet`). */
function securityGroupXml(group: JsonObject): string {
  const permission = (entry: JsonValue) => {
    const p = object(entry) ?? {};
    return item(
      leaf("ipProtocol", p.IpProtocol) +
        leaf("fromPort", p.FromPort) +
        leaf("toPort", p.ToPort) +
        node(
          "groups",
          ...list(p.UserIdGroupPairs).map((pair) =>
            item(leaf("groupId", object(pair)?.GroupId) + leaf("userId", object(pair)?.UserId)),
          ),
        ) +
        node(
          "ipRanges",
          ...list(p.IpRanges).map((range) =>
            item(leaf("cidrIp", object(range)?.CidrIp) + leaf("description", object(range)?.Description)),
          ),
        ) +
        node(
          "ipv6Ranges",
          ...list(p.Ipv6Ranges).map((range) => item(leaf("cidrIpv6", object(range)?.CidrIpv6))),
        ) +
        node(
          "prefixListIds",
          ...list(p.PrefixListIds).map((range) => item(leaf("prefixListId", object(range)?.PrefixListId))),
        ),
    );
  };
  return (
    leaf("groupId", group.GroupId) +
    leaf("groupName", group.GroupName) +
    leaf("groupDescription", group.Description) +
    leaf("ownerId", group.OwnerId) +
    leaf("vpcId", group.VpcId) +
    node("ipPermissions", ...list(group.IpPermissions).map(permission)) +
    node("ipPermissionsEgress", ...list(group.IpPermissionsEgress).map(permission)) +
    node(
      "tagSet",
      ...list(group.Tags).map((tag) =>
        item(leaf("key", object(tag)?.Key) + leaf("value", object(tag)?.Value)),
      ),
    )
  );
}

function withEpochDates(object: JsonObject, fields: string[]): JsonObject {
  const result: JsonObject = { ...object };
  for (const name of fields) {
    const value = result[name];
    if (typeof value === "string") result[name] = Date.parse(value) / 1000;
  }
  return result;
}

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

function object(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}
