import type { MiddlewareStack } from "./types.js";

/**
 * Live answers are checked, not trusted. A captive portal, a misconfigured proxy or an
 * AWS-compatible endpoint that misbehaves can answer HTTP 200 with an empty body, a login page or
 * another call's answer; the SDK's parsers turn all of these into an output with no fields, which
 * reads exactly like an account that has nothing. Two checks make them errors of the call:
 *
 * - before the SDK parses it, the body must be the protocol's envelope for the operation: the
 *   `<OperationResponse>` root element for EC2, that element holding `<OperationResult>` for IAM
 *   and STS, a JSON object for the JSON protocols;
 * - after, the output must hold the result fields the operation table declares for it, since a
 *   JSON `{}` or an empty envelope is well-formed but is not an answer.
 *
 * The error is not retryable (a retry would get the same answer), and its name becomes the
 * collection error's code.
 */

export type WireProtocol = "ec2" | "query" | "json";

const PROTOCOLS: Record<string, WireProtocol> = {
  ec2: "ec2",
  iam: "query",
  sts: "query",
  ssm: "json",
  organizations: "json",
  config: "json",
  cloudtrail: "json",
  events: "json",
};

export const UNEXPECTED_RESPONSE = "UnexpectedResponse";

/**
 * The kind of value an output field holds as the SDK parses the API's answer: a JSON protocol's
 * parser passes a field through as the body wrote it, so `"InstanceInformationList": "x"` arrives
 * as text where the collector reads a list.
 */
export type ResultKind = "list" | "text" | "boolean" | "object" | "bytes";

/** An operation's result fields, by name, with their kinds. */
export type ResultFields = Readonly<Record<string, ResultKind>>;

function isOfKind(value: unknown, kind: ResultKind): boolean {
  switch (kind) {
    case "list":
      return Array.isArray(value);
    case "text":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "object":
      return (
        typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
      );
    case "bytes":
      return value instanceof Uint8Array;
  }
}

const KIND_NAMES: Record<ResultKind, string> = {
  list: "a list",
  text: "text",
  boolean: "true or false",
  object: "a structure",
  bytes: "bytes",
};

/** What a value that is not of its field's kind is, for the message. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value instanceof Uint8Array) return "bytes";
  if (typeof value === "string") return "text";
  if (typeof value === "boolean") return "true or false";
  if (typeof value === "number") return "a number";
  return "a structure";
}

/** A 200 answer that does not hold what the operation returns. */
export class UnexpectedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = UNEXPECTED_RESPONSE;
  }
}

/** The raw HTTP response the SDK hands to its deserializer, as far as the check reads it. */
interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/**
 * Adds both checks to a client. `resultFieldsOf` gives the output fields an operation must
 * answer with; the operation guard has already refused any operation without a declaration.
 */
export function addResponseCheck(
  stack: MiddlewareStack,
  service: string,
  resultFieldsOf: (operation: string) => ResultFields | undefined,
): void {
  const protocol = PROTOCOLS[service];
  if (protocol === undefined) throw new Error(`no wire protocol is known for the service ${service}`);
  // Low priority puts this inside the SDK's deserializer: it sees the body before it is parsed.
  stack.add(
    (next, context) => async (args) => {
      const result = (await next(args)) as { response?: RawResponse };
      const response = result.response;
      if (response && isSuccess(response.statusCode)) {
        const bytes = await readBody(response.body);
        if (bytes !== undefined) {
          // The stream is consumed: the deserializer reads the same bytes from here on.
          response.body = bytes;
          const problem = envelopeProblem(protocol, operationOf(context), response, bytes);
          if (problem !== undefined) throw new UnexpectedResponseError(problem);
        }
      }
      return result;
    },
    { step: "deserialize", name: "accessBaselineResponseEnvelope", priority: "low" },
  );
  // High priority puts this outside the deserializer: it sees the parsed output.
  stack.add(
    (next, context) => async (args) => {
      const result = (await next(args)) as { output?: Record<string, unknown> };
      const fields = Object.entries(resultFieldsOf(operationOf(context)) ?? {});
      const output = result.output ?? {};
      const missing = fields
        .filter(([field]) => output[field] === undefined || output[field] === null)
        .map(([field]) => field);
      if (missing.length > 0) {
        throw new UnexpectedResponseError(
          `the response had no ${missing.join(" or ")}${describeOutput(protocol, output)}`,
        );
      }
      const wrong = fields.find(([field, kind]) => !isOfKind(output[field], kind));
      if (wrong !== undefined) {
        const [field, kind] = wrong;
        throw new UnexpectedResponseError(
          `the response's ${field} was ${kindOf(output[field])}, not ${KIND_NAMES[kind]}`,
        );
      }
      return result;
    },
    { step: "deserialize", name: "accessBaselineResultFields", priority: "high" },
  );
}

function operationOf(context: { commandName?: string }): string {
  return context.commandName?.replace(/Command$/, "") ?? "";
}

function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

/** The whole body as bytes; undefined for a body of a kind this check cannot read. */
async function readBody(body: unknown): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      chunks.push(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
    }
    return Buffer.concat(chunks);
  }
  return undefined;
}

/** What is wrong with the body as the operation's answer, or undefined when nothing is. */
function envelopeProblem(
  protocol: WireProtocol,
  operation: string,
  response: RawResponse,
  bytes: Uint8Array,
): string | undefined {
  const text = new TextDecoder().decode(bytes);
  const contentType = headerOf(response, "content-type");
  if (protocol === "json") {
    if (isJsonObject(text)) return undefined;
    return `the response was not a JSON object (${describeBody(text, contentType)})`;
  }
  const expected = `${operation}Response`;
  const root = rootElementOf(text);
  if (root === undefined || localName(root) !== expected) {
    return `the response had no ${expected} element (${describeBody(text, contentType)})`;
  }
  // IAM and STS wrap the result in a second element; an envelope without it holds no answer.
  if (protocol === "query" && !new RegExp(`<(?:[\\w.-]+:)?${operation}Result[\\s/>]`).test(text)) {
    return `the response had no ${operation}Result element`;
  }
  return undefined;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** The name of the first element, past the XML declaration, comments and a doctype. */
function rootElementOf(text: string): string | undefined {
  const prolog = /^(?:\uFEFF|\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/i;
  const rest = text.replace(prolog, "");
  return /^<([A-Za-z_][\w.:-]*)/.exec(rest)?.[1];
}

function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1);
}

/** What the body was instead, in a few words. */
function describeBody(text: string, contentType: string | undefined): string {
  if (text.trim() === "") return "an empty body";
  const root = rootElementOf(text);
  if (/html/i.test(contentType ?? "") || root?.toLowerCase() === "html") {
    return `an HTML page${contentType ? `, content-type ${contentType}` : ""}`;
  }
  if (root !== undefined) return `its root element is <${root}>`;
  const start = text.trim().slice(0, 40).replace(/\s+/g, " ");
  return `it begins ${JSON.stringify(start)}${contentType ? `, content-type ${contentType}` : ""}`;
}

/** Which fields the output had instead, for the message. */
function describeOutput(protocol: WireProtocol, output: Record<string, unknown>): string {
  const fields = Object.keys(output).filter((field) => field !== "$metadata");
  if (fields.length > 0) return ` (it had ${fields.join(", ")})`;
  return protocol === "json" ? " (an empty JSON object)" : "";
}

function headerOf(response: RawResponse, name: string): string | undefined {
  const headers = response.headers ?? {};
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
