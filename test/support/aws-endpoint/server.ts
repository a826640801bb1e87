import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleCloudTrail } from "./cloudtrail.js";
import { handleEc2 } from "./ec2.js";
import { handleEventBridge } from "./eventbridge.js";
import { handleIam } from "./iam.js";
import { handleOrganizations } from "./organizations.js";
import { FakeError, type Handler, type Request } from "./protocol.js";
import { regionNotEnabled } from "./regions.js";
import { handleSecurityHub } from "./security-hub.js";
import { handleSsm } from "./ssm.js";
import { handleSts } from "./sts.js";
import type { Fault, FakeAccount, FakeWorld } from "./world.js";
import { escapeXml } from "./xml.js";

/**
 * A loopback HTTP endpoint that answers the real AWS SDK as IAM, STS and EC2 (query protocol,
 * XML) and SSM and Organizations (JSON 1.1, `X-Amz-Target`) answer it, for the calls the
 * collector makes. The account of each call is the one whose access key signed it; base keys
 * belong to `world.base`, AssumeRole hands out keys of the target account. Every call is
 * recorded, so tests can count them; faults scripted in the world answer with errors, delays or
 * bodies that are not the API's answer.
 */

export interface RecordedCall {
  service: string;
  operation: string;
  account: string;
  region: string;
  accessKeyId: string;
  params: Record<string, unknown>;
}

export interface AwsEndpoint {
  url: string;
  calls: RecordedCall[];
  /** Calls per `service:Operation`. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

const QUERY_VERSIONS: Record<string, string> = { iam: "2010-05-08", sts: "2011-06-15", ec2: "2016-11-15" };
const JSON_TARGETS: Record<string, string> = {
  AmazonSSM: "ssm",
  AWSOrganizationsV20161128: "organizations",
  CloudTrail_20131101: "cloudtrail",
  AWSEvents: "events",
};
/** Services whose calls fail outside the account's enabled regions. */
const REGIONAL_SERVICES = new Set(["ec2", "ssm", "cloudtrail", "events"]);
const CONTENT_TYPES: Record<Request["protocol"], string> = {
  json: "application/x-amz-json-1.1",
  ec2: "text/xml;charset=UTF-8",
  query: "text/xml",
};
const HANDLERS: Record<string, Handler> = {
  iam: handleIam,
  sts: handleSts,
  ec2: handleEc2,
  ssm: handleSsm,
  organizations: handleOrganizations,
  securityhub: handleSecurityHub,
  cloudtrail: handleCloudTrail,
  events: handleEventBridge,
};

export async function startAwsEndpoint(world: FakeWorld): Promise<AwsEndpoint> {
  const calls: RecordedCall[] = [];
  const keys = new Map<string, string>([[world.base.accessKeyId, world.base.account]]);
  const faultsLeft = new Map<Fault, number>();
  let requestCounter = 0;

  const server = createServer((request, response) => {
    void respond(request, response);
  });

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    requestCounter += 1;
    const requestId = `00000000-0000-4000-8000-${String(requestCounter).padStart(12, "0")}`;
    const scope = credentialScope(request.headers.authorization);
    const target = request.headers["x-amz-target"];
    // Security Hub speaks REST-JSON: the operation is in the path, not in a target header.
    const restJson = scope?.service === "securityhub";
    const protocol: Request["protocol"] =
      typeof target === "string" || restJson ? "json" : scope?.service === "ec2" ? "ec2" : "query";
    let service = scope?.service ?? "unknown";
    let operation = "unknown";
    let params: Record<string, unknown>;
    let raw = new URLSearchParams();
    if (restJson) {
      operation =
        request.method === "POST" && request.url === "/findings/import" ? "BatchImportFindings" : "unknown";
      params = body === "" ? {} : (JSON.parse(body) as Record<string, unknown>);
    } else if (typeof target === "string") {
      // `Prefix.Operation`; CloudTrail's prefix may carry its Smithy namespace, dots included.
      const dot = target.lastIndexOf(".");
      const prefix = target.slice(0, dot).split(".").pop() ?? "";
      service = JSON_TARGETS[prefix] ?? service;
      operation = target.slice(dot + 1);
      params = body === "" ? {} : (JSON.parse(body) as Record<string, unknown>);
    } else {
      raw = new URLSearchParams(body);
      operation = raw.get("Action") ?? "unknown";
      params = Object.fromEntries(raw.entries());
    }
    const send = (status: number, text: string, contentType: string) => {
      response.writeHead(status, {
        "content-type": contentType,
        "x-amzn-requestid": requestId,
        "content-length": Buffer.byteLength(text),
      });
      response.end(text);
    };
    const fail = (error: FakeError) => {
      const [status, text, contentType] = renderError(protocol, service, error, requestId);
      send(status, text, contentType);
    };

    const accessKeyId = scope?.accessKeyId ?? "";
    const account = keys.get(accessKeyId);
    const region = scope?.region ?? "";
    if (account !== undefined) {
      calls.push({ service, operation, account, region, accessKeyId, params });
    }
    try {
      if (account === undefined) throw unknownKey(service);
      if (protocol !== "json" && QUERY_VERSIONS[service] !== raw.get("Version")) {
        throw new FakeError("InvalidAction", `unexpected Version ${raw.get("Version")} for ${service}`, 400);
      }
      const fault = (world.faults ?? []).find((candidate) =>
        matches(candidate, service, operation, account, region),
      );
      if (fault) {
        const left = faultsLeft.get(fault) ?? fault.times ?? Number.POSITIVE_INFINITY;
        if (left > 0) {
          faultsLeft.set(fault, left - 1);
          if (fault.delayMs !== undefined) await delay(fault.delayMs, response);
          if (fault.body !== undefined) {
            send(200, fault.body, fault.contentType ?? CONTENT_TYPES[protocol]);
            return;
          }
          if (fault.code !== undefined) {
            throw new FakeError(
              fault.code,
              fault.message ?? `${fault.code} (scripted)`,
              fault.status ?? defaultStatus(fault.code),
            );
          }
        }
      }
      const handler = HANDLERS[service];
      if (!handler) throw new FakeError("UnknownService", `no such service ${service}`, 400);
      const fakeAccount = world.accounts.find((candidate) => candidate.id === account);
      if (!fakeAccount) throw unknownKey(service);
      if (REGIONAL_SERVICES.has(service) && !fakeAccount.enabledRegions.includes(region)) {
        throw regionNotEnabled(service);
      }
      const result = handler({
        protocol,
        service,
        operation,
        params,
        query: raw,
        account: fakeAccount,
        region,
        world,
        issueKey: (targetAccount: FakeAccount) => {
          const issued = `ASIA${targetAccount.id}${String(keys.size).padStart(4, "0")}`;
          keys.set(issued, targetAccount.id);
          return issued;
        },
        callerArn: accessKeyId === world.base.accessKeyId ? world.base.arn : undefined,
      });
      if (response.destroyed) return;
      if (protocol === "json") {
        send(200, JSON.stringify(result), CONTENT_TYPES.json);
      } else if (protocol === "ec2") {
        send(
          200,
          `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
            `<requestId>${requestId}</requestId>${String(result)}</${operation}Response>`,
          CONTENT_TYPES.ec2,
        );
      } else {
        send(
          200,
          `<${operation}Response xmlns="${namespace(service)}"><${operation}Result>${String(result)}</${operation}Result>` +
            `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
          CONTENT_TYPES.query,
        );
      }
    } catch (error) {
      if (response.destroyed) return;
      if (error instanceof FakeError) fail(error);
      else
        fail(
          new FakeError("InternalFailure", `endpoint bug: ${(error as Error).stack ?? String(error)}`, 500),
        );
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    counts() {
      const counts: Record<string, number> = {};
      for (const call of calls)
        counts[`${call.service}:${call.operation}`] = (counts[`${call.service}:${call.operation}`] ?? 0) + 1;
      return counts;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function matches(fault: Fault, service: string, operation: string, account: string, region: string): boolean {
  return (
    (fault.service === undefined || fault.service === service) &&
    (fault.operation === undefined || fault.operation === operation) &&
    (fault.account === undefined || fault.account === account) &&
    (fault.region === undefined || fault.region === region)
  );
}

/** Waits, unless the client gives up first (then the answer is never written). */
function delay(ms: number, response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    response.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** `AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=…` */
function credentialScope(
  header: string | undefined,
): { accessKeyId: string; region: string; service: string } | undefined {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header ?? "");
  if (!match) return undefined;
  return { accessKeyId: match[1]!, region: match[2]!, service: match[3]! };
}

function namespace(service: string): string {
  return service === "sts"
    ? "https://sts.amazonaws.com/doc/2011-06-15/"
    : "https://iam.amazonaws.com/doc/2010-05-08/";
}

function defaultStatus(code: string): number {
  switch (code) {
    case "AccessDenied":
    case "UnauthorizedOperation":
    case "InvalidClientTokenId":
      return 403;
    case "AuthFailure":
      return 401;
    case "RequestLimitExceeded":
      return 503;
    default:
      return 400;
  }
}

function unknownKey(service: string): FakeError {
  if (service === "ec2")
    return new FakeError("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
  if (service === "ssm" || service === "organizations" || service === "cloudtrail" || service === "events") {
    return new FakeError(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
      400,
    );
  }
  return new FakeError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
}

function renderError(
  protocol: Request["protocol"],
  service: string,
  error: FakeError,
  requestId: string,
): [number, string, string] {
  if (protocol === "json") {
    return [
      error.status,
      JSON.stringify({ __type: error.code, message: error.message }),
      "application/x-amz-json-1.1",
    ];
  }
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  if (protocol === "ec2") {
    return [
      error.status,
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      "text/xml;charset=UTF-8",
    ];
  }
  return [
    error.status,
    `<ErrorResponse xmlns="${namespace(service)}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    "text/xml",
  ];
}
