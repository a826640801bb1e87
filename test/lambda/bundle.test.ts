import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "./support/harness.js";
import { REGIONS, fixture, fixtureWorld, loadEvent } from "./support/world.js";

/**
 * The deployable artifact: `scripts/build-lambda.mjs` builds it here (so `npm test` builds the
 * Lambda bundle on every run, CI included), twice, to show the build is reproducible; then the
 * bundle runs in a separate Node process, as the Lambda runtime would load it, and must send
 * exactly the requests the handler sends when run from the sources.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAX_BUNDLE_BYTES = 3 * 1024 * 1024;

interface Manifest {
  runtime: string;
  handler: string;
  bundle: { file: string; bytes: number; sha256: string };
  modules: { file: string; bytes: number; sha256: string }[];
  totalBytes: number;
  zip: { file: string; bytes: number; sha256: string };
  rules: string[];
  awsSdk: Record<string, string>;
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

async function build(outdir: string): Promise<Manifest> {
  const result = await run(process.execPath, ["scripts/build-lambda.mjs", "--outdir", outdir]);
  expect(result.stderr).not.toMatch(/build-lambda:/);
  expect(result.code).toBe(0);
  return JSON.parse(await readFile(join(outdir, "manifest.json"), "utf8")) as Manifest;
}

/** What the bundle's process gets: the loopback endpoint the harness set up, and nothing else. */
function bundleEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
    AWS_REGION: "us-east-1",
    AWS_MAX_ATTEMPTS: "1",
  };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** Invokes the bundle's handler in a fresh process with one event; prints its summary or error. */
const DRIVER = `
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const event = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const { handler } = await import(process.argv[1]);
try {
  const summary = await handler(event, { awsRequestId: "bundle-test" });
  process.stderr.write(JSON.stringify({ ok: true, results: summary.results }) + "\\n");
} catch (error) {
  process.stderr.write(JSON.stringify({ ok: false, name: error.name, message: error.message }) + "\\n");
}
`;

describe("the Lambda bundle", () => {
  const harness = new Harness();
  let dir = "";
  let manifest: Manifest;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "access-baseline-lambda-"));
    manifest = await build(join(dir, "a"));
    await harness.start();
  }, 120_000);

  afterAll(async () => {
    await harness.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("is two modules within the size budget, zipped for deployment, with a manifest", async () => {
    const bundle = await readFile(join(dir, "a", manifest.bundle.file));
    expect(bundle.length).toBe(manifest.bundle.bytes);
    expect(sha256(bundle)).toBe(manifest.bundle.sha256);
    expect(manifest.modules.map((module) => module.file)).toEqual(["index.mjs", "readers.mjs"]);
    let total = 0;
    for (const module of manifest.modules) {
      const data = await readFile(join(dir, "a", module.file));
      expect(sha256(data)).toBe(module.sha256);
      total += data.length;
    }
    expect(total).toBe(manifest.totalBytes);
    expect(total).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    const zip = await readFile(join(dir, "a", manifest.zip.file));
    expect(zip.subarray(0, 4).toString("hex")).toBe("504b0304");
    // Both modules are in the zip, under the names index.mjs imports them by.
    for (const module of manifest.modules) expect(zip.includes(Buffer.from(module.file))).toBe(true);
    expect(sha256(zip)).toBe(manifest.zip.sha256);
    expect(manifest.zip.file).toMatch(/^access-baseline-config-rule-\d+\.\d+\.\d+\.zip$/);
    expect(manifest).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler" });
    expect(manifest.rules).toHaveLength(21);
    // The SDK clients are bundled at the versions the lockfile pins.
    expect(Object.keys(manifest.awsSdk).sort()).toEqual([
      "@aws-sdk/client-cloudtrail",
      "@aws-sdk/client-config-service",
      "@aws-sdk/client-ec2",
      "@aws-sdk/client-eventbridge",
      "@aws-sdk/client-iam",
      "@aws-sdk/client-ssm",
    ]);
    const template = await readFile(join(ROOT, "docs/deploy/config-rule.yaml"), "utf8");
    expect(template).toContain(`Runtime: ${manifest.runtime}`);
    expect(template).toContain(`Handler: ${manifest.handler}`);
    expect(template).toContain(`Default: ${manifest.zip.file}`);
  });

  it("compiles no code from text at run time, and loads the readers only for events that need them", async () => {
    for (const module of manifest.modules) {
      const text = await readFile(join(dir, "a", module.file), "utf8");
      expect(text).not.toMatch(/\bnew Function\s*\(/);
    }
    const index = await readFile(join(dir, "a", "index.mjs"), "utf8");
    expect(index).toMatch(/import\(["']\.\/readers\.mjs["']\)/);
    // Node refuses to compile strings here; the security-group and the instance event still run.
    const env = bundleEnvironment();
    for (const name of ["sg-world-open.json", "instance.json"]) {
      harness.reset({ resources: fixtureWorld(), regions: REGIONS });
      const result = await run(
        process.execPath,
        [
          "--disallow-code-generation-from-strings",
          "--input-type=module",
          "-e",
          DRIVER,
          join(dir, "a", "index.mjs"),
        ],
        { env, input: JSON.stringify(loadEvent(name)) },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stderr.trim().split("\n").pop() ?? "{}")).toMatchObject({ ok: true });
    }
    // Without readers.mjs beside it, a security-group event still runs: it never imports them.
    const alone = join(dir, "alone");
    await mkdir(alone);
    await copyFile(join(dir, "a", "index.mjs"), join(alone, "index.mjs"));
    harness.reset({ resources: fixtureWorld(), regions: REGIONS });
    const securityGroup = await run(
      process.execPath,
      ["--input-type=module", "-e", DRIVER, join(alone, "index.mjs")],
      {
        env,
        input: JSON.stringify(loadEvent("sg-world-open.json")),
      },
    );
    expect(JSON.parse(securityGroup.stderr.trim().split("\n").pop() ?? "{}")).toMatchObject({ ok: true });
  });

  it("is reproducible: a second build is byte-identical", async () => {
    const second = await build(join(dir, "b"));
    expect(second.bundle.sha256).toBe(manifest.bundle.sha256);
    expect(second.zip.sha256).toBe(manifest.zip.sha256);
  }, 120_000);

  it("sends what the handler sends from the sources, for every kind of event", async () => {
    const history = { "AWS::EC2::SecurityGroup/sg-0a1b2c3d4e5f60005": fixture("sg-oversized.history.json") };
    const env = bundleEnvironment();
    for (const name of [
      "sg-world-open.json",
      "sg-oversized.json",
      "instance.json",
      "role-compliant.json",
      "user-start-session.json",
      "inventory-old-agent.json",
      "scheduled-preferences.json",
    ]) {
      const event = loadEvent(name);
      const handler = harness.reset({ resources: fixtureWorld(), regions: REGIONS, history });
      const expected = await handler(event);
      const fromSources = structuredClone(harness.fake.requests).sort(byCall);

      harness.reset({ resources: fixtureWorld(), regions: REGIONS, history });
      const child = await run(
        process.execPath,
        ["--input-type=module", "-e", DRIVER, join(dir, "a", manifest.bundle.file)],
        {
          env,
          input: JSON.stringify(event),
        },
      );
      const outcome = JSON.parse(child.stderr.trim().split("\n").at(-1)!) as {
        ok: boolean;
        results?: unknown;
      };
      expect(outcome, name).toEqual({ ok: true, results: expected.results });
      expect([...harness.fake.requests].sort(byCall), name).toEqual(fromSources);
      // The bundle logs JSON lines on standard output, one per evaluation at least.
      const lines = child.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { event: string });
      expect(
        lines.some((line) => line.event === "evaluation"),
        name,
      ).toBe(true);
    }
  }, 120_000);
});

function byCall(
  a: { service: string; operation: string; region: string; params: unknown },
  b: typeof a,
): number {
  const key = (call: typeof a) =>
    `${call.service}:${call.operation}:${call.region}:${JSON.stringify(call.params)}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
