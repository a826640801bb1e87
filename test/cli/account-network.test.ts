import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { awsTestEnv } from "../support/aws-endpoint/env.js";
import { ACCOUNT, exampleWorld } from "../support/aws-endpoint/fixtures.js";
import {
  LOOPBACK_CERTIFICATE,
  startForwardProxy,
  startSilentEndpoint,
  startTlsFront,
  type ForwardProxy,
  type LoopbackServer,
} from "../support/aws-endpoint/network.js";
import { startAwsEndpoint, type AwsEndpoint } from "../support/aws-endpoint/server.js";
import { REPO, runCli } from "../support/cli.js";

/**
 * Live collection in the networks users work in: through the proxies of the environment, with
 * a certificate authority of their own, with timeouts that show a dead endpoint quickly, and
 * with progress a CI log can show. The real SDK talks to the loopback endpoint throughout.
 */

const servers: LoopbackServer[] = [];
let endpoint: AwsEndpoint;
let proxy: ForwardProxy;

beforeAll(async () => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
  endpoint = await startAwsEndpoint(exampleWorld());
  proxy = await startForwardProxy();
  servers.push(endpoint, proxy);
});
afterEach(() => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
  proxy.tunnels = 0;
  proxy.forwarded = 0;
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  vi.unstubAllEnvs();
});

function live(url: string, ...more: string[]): string[] {
  return ["check", "--account", "--quiet", "--endpoint-url", url, "--regions", "eu-west-1", ...more];
}

function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe("proxies from the environment", () => {
  it("sends every call through HTTP_PROXY", async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    const before = endpoint.calls.length;
    const run = await runCli(live(endpoint.url));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(endpoint.calls.length).toBeGreaterThan(before);
    expect(proxy.tunnels + proxy.forwarded).toBeGreaterThan(0);
  });

  it("reads the lower-case http_proxy too", async () => {
    vi.stubEnv("http_proxy", proxy.url);
    const run = await runCli(live(endpoint.url));
    expect(run.code).toBe(1);
    expect(proxy.tunnels + proxy.forwarded).toBeGreaterThan(0);
  });

  it("takes a proxy without a scheme as an http proxy", async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url.replace("http://", ""));
    const run = await runCli(live(endpoint.url));
    expect(run.code).toBe(1);
    expect(proxy.tunnels + proxy.forwarded).toBeGreaterThan(0);
  });

  it("goes straight to a host NO_PROXY names", async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    vi.stubEnv("NO_PROXY", "localhost,127.0.0.1");
    const run = await runCli(live(endpoint.url));
    expect(run.code).toBe(1);
    expect(proxy.tunnels + proxy.forwarded).toBe(0);
  });

  it("does not use HTTPS_PROXY for an http endpoint", async () => {
    vi.stubEnv("HTTPS_PROXY", proxy.url);
    const run = await runCli(live(endpoint.url));
    expect(run.code).toBe(1);
    expect(proxy.tunnels + proxy.forwarded).toBe(0);
  });

  it("rejects a proxy URL that does not parse, without printing it", async () => {
    vi.stubEnv("HTTPS_PROXY", "http://user:secret@[not-a-host");
    const run = await runCli(live(endpoint.url));
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/^access-baseline: HTTPS_PROXY is not a proxy URL/);
    expect(run.stderr).not.toContain("secret");
  });

  it("rejects a proxy of another kind", async () => {
    vi.stubEnv("https_proxy", "socks5://127.0.0.1:1080");
    const run = await runCli(live(endpoint.url));
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/https_proxy must be an http:\/\/ or https:\/\/ proxy, not socks5:/);
  });
});

describe("an https endpoint with its own certificate authority", () => {
  let front: LoopbackServer;
  beforeAll(async () => {
    front = await startTlsFront(endpoint.url);
    servers.push(front);
  });

  it("trusts AWS_CA_BUNDLE, through the CONNECT tunnel of HTTPS_PROXY", async () => {
    vi.stubEnv("HTTPS_PROXY", proxy.url);
    vi.stubEnv("AWS_CA_BUNDLE", LOOPBACK_CERTIFICATE);
    const run = await runCli(live(front.url));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(proxy.tunnels).toBeGreaterThan(0);
  });

  it("refuses the certificate without AWS_CA_BUNDLE", async () => {
    vi.stubEnv("AWS_MAX_ATTEMPTS", "1");
    const run = await runCli(live(front.url));
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/sts:GetCallerIdentity failed: .*certificate/i);
  });

  it("names an AWS_CA_BUNDLE that cannot be read", async () => {
    vi.stubEnv("AWS_CA_BUNDLE", "/nonexistent/access-baseline-tests/ca.pem");
    const run = await runCli(live(front.url));
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toBe(
      "access-baseline: AWS_CA_BUNDLE /nonexistent/access-baseline-tests/ca.pem: cannot read the certificate bundle (ENOENT)",
    );
  });

  it("names an AWS_CA_BUNDLE that holds no certificate", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-network-"));
    const bundle = join(dir, "ca.pem");
    await writeFile(bundle, "not a certificate\n");
    vi.stubEnv("AWS_CA_BUNDLE", bundle);
    const run = await runCli(live(front.url));
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/AWS_CA_BUNDLE .*ca\.pem: holds no PEM certificate/);
  });
});

describe("timeouts", () => {
  it("ends a run against an endpoint that never answers, naming the call", async () => {
    const silent = await startSilentEndpoint();
    servers.push(silent);
    const run = await runCli(live(silent.url, "--read-timeout", "1"));
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(
      /^access-baseline: cannot identify the account of the credentials: sts:GetCallerIdentity failed: TimeoutError: .*3 attempts/,
    );
  });

  it("turns a region that never answers into collection errors naming the API and region", async () => {
    const stalled = await startAwsEndpoint(
      exampleWorld({ faults: [{ service: "ec2", region: "eu-west-1", delayMs: 120_000 }] }),
    );
    servers.push(stalled);
    const run = await runCli(live(stalled.url, "--read-timeout", "1", "--format", "json"));
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as {
      collectionErrors: {
        account: string;
        region: string;
        service: string;
        operation: string;
        code: string;
      }[];
    };
    const failed = report.collectionErrors.map(
      (error) => `${error.account} ${error.region} ${error.service}:${error.operation} ${error.code}`,
    );
    expect(failed.sort()).toEqual([
      `${ACCOUNT} eu-west-1 ec2:DescribeInstances TimeoutError`,
      `${ACCOUNT} eu-west-1 ec2:DescribeSecurityGroups TimeoutError`,
    ]);
  });

  it("gives up on a connection that is never established, after --connect-timeout", async () => {
    // A proxy that takes the connection and never answers CONNECT: the tunnel, and so the
    // connection to the endpoint, is never established.
    const sockets = new Set<Socket>();
    const blackhole = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
    servers.push({
      url: "",
      close: () => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => blackhole.close(() => resolve()));
      },
    });
    vi.stubEnv("HTTP_PROXY", `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}`);
    vi.stubEnv("AWS_MAX_ATTEMPTS", "1");
    const run = await runCli(live(endpoint.url, "--connect-timeout", "0.5"));
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(
      /sts:GetCallerIdentity failed: TimeoutError: .*did not establish a connection/,
    );
  });

  it.each([["0"], ["-1"], ["soon"], ["1e3"], [""], ["7200"]])(
    "refuses %j seconds with one line",
    async (value) => {
      for (const flag of ["--connect-timeout", "--read-timeout"]) {
        const run = await runCli([...live(endpoint.url), `${flag}=${value}`]);
        expect(run.code).toBe(2);
        expect(oneLine(run.stderr)).toMatch(new RegExp(`^access-baseline: ${flag} "${value}" is `));
      }
    },
  );

  it("needs --account", async () => {
    const run = await runCli(["check", "--snapshot", "examples/snapshot.json", "--read-timeout", "5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--read-timeout");
  });
});

describe("--region", () => {
  it("is --regions under the AWS CLI's name, one or a list", async () => {
    for (const [given, expected] of [
      ["eu-west-1", ["eu-west-1"]],
      ["eu-west-1,us-east-1", ["eu-west-1", "us-east-1"]],
    ] as const) {
      const before = endpoint.calls.length;
      const run = await runCli([
        "check",
        "--account",
        "--quiet",
        "--endpoint-url",
        endpoint.url,
        "--region",
        given,
      ]);
      expect(run.code).toBe(1);
      const regional = endpoint.calls
        .slice(before)
        .filter((call) => call.service === "ssm")
        .map((call) => call.region);
      expect([...new Set(regional)].sort()).toEqual(expected);
    }
  });

  it("checks its regions as --regions does", async () => {
    const run = await runCli(["check", "--account", "--region", "nowhere"]);
    expect(run.code).toBe(2);
    expect(oneLine(run.stderr)).toMatch(/"nowhere" is not a region name/);
  });
});

describe("progress", () => {
  it("prints a line per service, account and region when standard error is not a terminal", async () => {
    const run = await runCli(["check", "--account", "--endpoint-url", endpoint.url, "--format", "json"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n").sort()).toEqual([
      `access-baseline: ${ACCOUNT} eu-west-1: cloudtrail done (1 call)`,
      `access-baseline: ${ACCOUNT} eu-west-1: ec2 done (2 calls)`,
      `access-baseline: ${ACCOUNT} eu-west-1: events done (1 call)`,
      `access-baseline: ${ACCOUNT} eu-west-1: ssm done (2 calls)`,
      `access-baseline: ${ACCOUNT} global: iam done (3 calls)`,
      `access-baseline: ${ACCOUNT} us-east-1: cloudtrail done (1 call)`,
      // DescribeRegions goes to the home region's EC2 endpoint.
      `access-baseline: ${ACCOUNT} us-east-1: ec2 done (3 calls)`,
      `access-baseline: ${ACCOUNT} us-east-1: events done (1 call)`,
      `access-baseline: ${ACCOUNT} us-east-1: ssm done (2 calls)`,
    ]);
  });

  it("counts the collection errors a service left", async () => {
    const denied = await startAwsEndpoint(
      exampleWorld({ faults: [{ service: "ssm", region: "eu-west-1", code: "AccessDeniedException" }] }),
    );
    servers.push(denied);
    const run = await runCli(["check", "--account", "--endpoint-url", denied.url, "--regions", "eu-west-1"]);
    expect(run.stderr).toContain(
      `access-baseline: ${ACCOUNT} eu-west-1: ssm done (2 calls, 2 collection errors)`,
    );
  });

  it("is silent with --quiet", async () => {
    const run = await runCli(live(endpoint.url, "--format", "json"));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
  });

  it("keeps to the redrawn line on a terminal, and --quiet silences it there too", async () => {
    for (const quiet of [false, true]) {
      let stderr = "";
      const code = await main(
        [
          "check",
          "--account",
          "--endpoint-url",
          endpoint.url,
          "--format",
          "json",
          ...(quiet ? ["--quiet"] : []),
        ],
        {
          stdout: { write: (_text: string, done?: () => void) => (done?.(), true) },
          stderr: { write: (text: string) => (stderr += text), isTTY: true },
          env: {},
          cwd: REPO,
        },
      );
      expect(code).toBe(1);
      if (quiet) {
        expect(stderr).toBe("");
      } else {
        expect(stderr).toContain("\r\u001b[Kaccess-baseline: collecting ");
        expect(stderr).not.toContain("done (");
      }
    }
  });
});
