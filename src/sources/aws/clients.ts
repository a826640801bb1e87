import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import type { MiddlewareStack } from "./types.js";
import type { ApiCallCounter } from "./call-counter.js";
import { UndeclaredOperationError } from "./errors.js";
import { readNetworkEnvironment, type NetworkEnvironment } from "./network-environment.js";
import { findOperation, type AwsService } from "./operations.js";
import { ProxyRoutingHandler } from "./request-handler.js";
import { addResponseCheck } from "./response-check.js";

export { UndeclaredOperationError };

/**
 * One place that makes SDK clients, so that every call the collector sends carries the same
 * settings: the account's credentials, the SDK's adaptive retry mode (client-side rate limiting
 * on top of exponential backoff, which is what keeps a large scan polite when AWS throttles),
 * timeouts, the proxies and certificate authorities of the environment (`request-handler.ts`),
 * an optional endpoint, and the middleware that counts calls, refuses any
 * operation the scanner policy does not cover, and checks that each answer is the API's.
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** What SDK clients accept as `credentials`: called whenever they need (fresh) credentials. */
export type CredentialProvider = () => Promise<AwsCredentials>;

export interface ClientSettings {
  counter: ApiCallCounter;
  /** An AWS-compatible endpoint for every service (`--endpoint-url`). */
  endpoint?: string;
  /** The profile whose settings (`max_attempts`, …) apply, when `--profile` was given. */
  profile?: string;
  /** Attempts per call, retries included; the SDK's own setting (`AWS_MAX_ATTEMPTS`) otherwise. */
  maxAttempts?: number;
  /**
   * Milliseconds one attempt may take, from sending to the end of the answer, before it fails
   * with a timeout (and is retried): `--read-timeout`.
   */
  requestTimeoutMs: number;
  /** Milliseconds to establish a connection: `--connect-timeout`. */
  connectTimeoutMs: number;
  /** Proxies and extra certificate authorities; read from the process environment when absent. */
  network?: NetworkEnvironment;
  userAgent?: string;
}

/**
 * Short enough that an endpoint which accepts connections but never answers shows within a
 * minute or two of retries, long enough for the largest page AWS sends.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Where calls go when neither the environment nor the profile names a region. */
export const FALLBACK_REGION = "us-east-1";

type AnyClient =
  STSClient | OrganizationsClient | IAMClient | EC2Client | SSMClient | CloudTrailClient | EventBridgeClient;

export class AwsClients {
  private readonly clients = new Map<string, AnyClient>();
  /** Shared by every client, so that calls to one endpoint share connections. */
  private readonly requestHandler: ProxyRoutingHandler;

  constructor(private readonly settings: ClientSettings) {
    this.requestHandler = new ProxyRoutingHandler({
      network: settings.network ?? readNetworkEnvironment(),
      connectTimeoutMs: settings.connectTimeoutMs,
      readTimeoutMs: settings.requestTimeoutMs,
    });
  }

  sts(identity: ClientIdentity, region: string): STSClient {
    return this.client("sts", identity, region, (config) => new STSClient(config));
  }

  organizations(identity: ClientIdentity, region: string): OrganizationsClient {
    return this.client("organizations", identity, region, (config) => new OrganizationsClient(config));
  }

  iam(identity: ClientIdentity, region: string): IAMClient {
    return this.client("iam", identity, region, (config) => new IAMClient(config));
  }

  ec2(identity: ClientIdentity, region: string): EC2Client {
    return this.client("ec2", identity, region, (config) => new EC2Client(config));
  }

  ssm(identity: ClientIdentity, region: string): SSMClient {
    return this.client("ssm", identity, region, (config) => new SSMClient(config));
  }

  cloudtrail(identity: ClientIdentity, region: string): CloudTrailClient {
    return this.client("cloudtrail", identity, region, (config) => new CloudTrailClient(config));
  }

  events(identity: ClientIdentity, region: string): EventBridgeClient {
    return this.client("events", identity, region, (config) => new EventBridgeClient(config));
  }

  /** Closes every connection, so that the process can end as soon as the work is done. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    this.requestHandler.destroy();
  }

  private client<T extends AnyClient>(
    service: AwsService,
    identity: ClientIdentity,
    region: string,
    create: (config: ClientConfig) => T,
  ): T {
    const key = `${service}\u0000${identity.key}\u0000${region}`;
    const existing = this.clients.get(key);
    if (existing) return existing as T;
    const { settings } = this;
    const client = create({
      region,
      credentials: identity.credentials,
      retryMode: "adaptive",
      ...(settings.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
      ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(settings.userAgent !== undefined ? { customUserAgent: settings.userAgent } : {}),
      requestHandler: this.requestHandler,
    });
    addCallMiddleware(client, service, region, identity.key, settings.counter);
    this.clients.set(key, client);
    return client;
  }
}

/** Whose credentials a client uses; `key` tells clients of different accounts apart. */
export interface ClientIdentity {
  key: string;
  credentials: CredentialProvider;
}

interface ClientConfig {
  region: string;
  credentials: CredentialProvider;
  retryMode: string;
  maxAttempts?: number;
  endpoint?: string;
  profile?: string;
  customUserAgent?: string;
  requestHandler: ProxyRoutingHandler;
}

function addCallMiddleware(
  client: AnyClient,
  service: AwsService,
  region: string,
  identityKey: string,
  counter: ApiCallCounter,
): void {
  const stack = client.middlewareStack as unknown as MiddlewareStack;
  // Refused before anything is sent: an undeclared operation is a programming error.
  stack.add(
    (next, context) => async (args) => {
      const operation = context.commandName?.replace(/Command$/, "") ?? "";
      if (!findOperation(service, operation)) throw new UndeclaredOperationError(service, operation);
      return next(args);
    },
    { step: "initialize", name: "accessBaselineDeclaredOperation" },
  );
  // The deserialize step runs inside the retry loop, once for every request actually sent.
  stack.add(
    (next, context) => async (args) => {
      counter.record(service, context.commandName?.replace(/Command$/, "") ?? "unknown", {
        identity: identityKey,
        region,
      });
      return next(args);
    },
    { step: "deserialize", name: "accessBaselineCallCounter" },
  );
  addResponseCheck(stack, service, (operation) => findOperation(service, operation)?.resultFields);
}

/**
 * The region for account-wide calls (STS, IAM, Organizations, DescribeRegions): the one the
 * SDK resolves from `AWS_REGION` or the profile, else us-east-1.
 */
export async function resolveHomeRegion(profile: string | undefined): Promise<string> {
  const probe = new STSClient(profile !== undefined ? { profile } : {});
  try {
    const region = await probe.config.region();
    return region || FALLBACK_REGION;
  } catch {
    return FALLBACK_REGION;
  } finally {
    probe.destroy();
  }
}
