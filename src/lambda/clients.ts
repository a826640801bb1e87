import type { ConfigServiceClient } from "@aws-sdk/client-config-service";
import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { ApiCallCounter } from "../sources/aws/call-counter.js";
import type { MiddlewareStack } from "../sources/aws/types.js";
import { addResponseCheck } from "../sources/aws/response-check.js";
import { loadReaders } from "./load-readers.js";
import { findLambdaOperation, isDeclaredOperation, type LambdaService } from "./operations.js";

/**
 * The Lambda's AWS clients. The IAM, EC2, SSM, CloudTrail and EventBridge clients are loaded the first time a call needs
 * them (`load-readers.ts`): a security-group event needs only Config, and loading the others as
 * well would more than double the cold start. Clients live as long as the execution environment, so warm invocations
 * reuse their connections; the call counter is replaced for each invocation.
 *
 * Credentials, region and endpoint come from the SDK's own resolution: the Lambda runtime's
 * environment, and `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_<SERVICE>`), which SDK v3 honours
 * natively and which the tests point at a loopback endpoint.
 */

export interface ClientSettings {
  /** The function's region (`AWS_REGION`): Config and IAM calls go there. */
  region: string;
  /** An endpoint for every service, overriding the environment. */
  endpoint?: string;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  userAgent?: string;
}

type AnyClient =
  ConfigServiceClient | IAMClient | EC2Client | SSMClient | CloudTrailClient | EventBridgeClient;

/** An operation the handler tried to send although `operations.ts` does not declare it. */
export class UndeclaredOperationError extends Error {
  constructor(service: string, operation: string) {
    super(
      `${service}:${operation} is not declared in src/lambda/operations.ts; declare it there and allow it in ` +
        `policies/config-rule-lambda-policy.json`,
    );
    this.name = "UndeclaredOperationError";
  }
}

export class LambdaClients {
  /** Calls sent during the current invocation, retries included. */
  counter = new ApiCallCounter();
  private readonly clients = new Map<string, Promise<AnyClient>>();

  constructor(private readonly settings: ClientSettings) {}

  get region(): string {
    return this.settings.region;
  }

  config(): Promise<ConfigServiceClient> {
    return this.client("config", this.settings.region, async (config) => {
      const { ConfigServiceClient } = await import("@aws-sdk/client-config-service");
      return new ConfigServiceClient(config);
    });
  }

  iam(): Promise<IAMClient> {
    return this.client("iam", this.settings.region, async (config) => {
      const { IAMClient } = await loadReaders();
      return new IAMClient(config);
    });
  }

  ec2(region: string): Promise<EC2Client> {
    return this.client("ec2", region, async (config) => {
      const { EC2Client } = await loadReaders();
      return new EC2Client(config);
    });
  }

  ssm(region: string): Promise<SSMClient> {
    return this.client("ssm", region, async (config) => {
      const { SSMClient } = await loadReaders();
      return new SSMClient(config);
    });
  }

  cloudtrail(region: string): Promise<CloudTrailClient> {
    return this.client("cloudtrail", region, async (config) => {
      const { CloudTrailClient } = await loadReaders();
      return new CloudTrailClient(config);
    });
  }

  events(region: string): Promise<EventBridgeClient> {
    return this.client("events", region, async (config) => {
      const { EventBridgeClient } = await loadReaders();
      return new EventBridgeClient(config);
    });
  }

  destroy(): void {
    for (const client of this.clients.values())
      void client.then(
        (created) => created.destroy(),
        () => undefined,
      );
    this.clients.clear();
  }

  private client<T extends AnyClient>(
    service: LambdaService,
    region: string,
    create: (config: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    const key = `${service}\u0000${region}`;
    let client = this.clients.get(key) as Promise<T> | undefined;
    if (!client) {
      const { settings } = this;
      client = create({
        region,
        ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
        ...(settings.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
        ...(settings.userAgent !== undefined ? { customUserAgent: settings.userAgent } : {}),
        requestHandler: {
          connectionTimeout: settings.connectTimeoutMs ?? 3_000,
          requestTimeout: settings.requestTimeoutMs ?? 20_000,
          throwOnRequestTimeout: true,
        },
      }).then((created) => {
        this.guard(created, service);
        return created;
      });
      // A failed import or construction is not cached: the next invocation tries again.
      void client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * Refuses undeclared operations before anything is sent, counts every request sent, and checks
   * that each answer is the API's (a 200 without its result must not read as "nothing there").
   */
  private guard(client: AnyClient, service: LambdaService): void {
    const stack = client.middlewareStack as unknown as MiddlewareStack;
    stack.add(
      (next, context) => async (args) => {
        const operation = operationOf(context);
        if (!isDeclaredOperation(service, operation)) throw new UndeclaredOperationError(service, operation);
        return next(args);
      },
      { step: "initialize", name: "accessBaselineDeclaredOperation" },
    );
    // The deserialize step runs inside the retry loop: once for every request actually sent.
    stack.add(
      (next, context) => async (args) => {
        this.counter.record(service, operationOf(context));
        return next(args);
      },
      { step: "deserialize", name: "accessBaselineCallCounter" },
    );
    addResponseCheck(stack, service, (operation) => findLambdaOperation(service, operation)?.resultFields);
  }
}

function operationOf(context: { commandName?: string }): string {
  return context.commandName?.replace(/Command$/, "") ?? "unknown";
}
