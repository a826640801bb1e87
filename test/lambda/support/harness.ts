import { createHandler, type Handler } from "../../../src/lambda/handler.js";
import { LambdaClients } from "../../../src/lambda/clients.js";
import { FakeAws, type FakeOptions } from "./fake-aws.js";

/**
 * A handler wired to a loopback endpoint through the SDK's own `AWS_ENDPOINT_URL` support, with
 * static test credentials, and its log lines captured.
 */
export class Harness {
  readonly fake = new FakeAws();
  readonly lines: Record<string, unknown>[] = [];
  private clients: LambdaClients | undefined;
  private saved: Record<string, string | undefined> = {};
  handler!: Handler;

  async start(): Promise<void> {
    const url = await this.fake.start();
    const env: Record<string, string> = {
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLELOCAL0001",
      AWS_SECRET_ACCESS_KEY: "local-test-secret",
      AWS_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
    };
    for (const [name, value] of Object.entries(env)) {
      this.saved[name] = process.env[name];
      process.env[name] = value;
    }
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  }

  /** A fresh handler (a cold start) over a fresh fake world. */
  reset(options: FakeOptions, env: Record<string, string> = {}, region = "us-east-1"): Handler {
    this.fake.reset(options);
    this.lines.length = 0;
    this.clients?.destroy();
    this.clients = new LambdaClients({ region });
    this.handler = createHandler({
      env: { AWS_REGION: region, ...env },
      clients: this.clients,
      sink: { write: (line) => void this.lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    return this.handler;
  }

  logs(event: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.event === event);
  }

  async stop(): Promise<void> {
    this.clients?.destroy();
    await this.fake.stop();
    for (const [name, value] of Object.entries(this.saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
