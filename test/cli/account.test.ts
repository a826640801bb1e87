import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { awsTestEnv } from "../support/aws-endpoint/env.js";
import {
  ACCOUNT,
  MEMBER_DENIED,
  MEMBER_OK,
  exampleWorld,
  organizationWorld,
} from "../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint, type AwsEndpoint } from "../support/aws-endpoint/server.js";
import type { FakeWorld } from "../support/aws-endpoint/world.js";
import { REPO, runCli } from "../support/cli.js";
import { compileSchema, sarifSchemaValidator } from "../report/validators.js";

/**
 * `check --account` and `collect --account` end to end: the CLI in-process, the real SDK, and
 * the loopback endpoint answering as AWS. The SDK reads its settings from the process
 * environment, so each test gives it one that points at nothing on this machine.
 */

interface JsonResult {
  ruleId: string;
  status: string;
  message: string;
  resource: { type: string; id: string; account: string; region: string; sourceKind: string };
}

const endpoints: AwsEndpoint[] = [];

async function serve(world: FakeWorld): Promise<string> {
  const endpoint = await startAwsEndpoint(world);
  endpoints.push(endpoint);
  return endpoint.url;
}

beforeAll(() => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
});
afterEach(() => {
  vi.stubEnv("AWS_MAX_ATTEMPTS", undefined);
});
afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  vi.unstubAllEnvs();
});

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "access-baseline-account-"));
}

function parse(stdout: string): { results: JsonResult[]; [key: string]: unknown } {
  return JSON.parse(stdout) as { results: JsonResult[] };
}

describe("check --account against the loopback endpoint", () => {
  let url: string;
  beforeAll(async () => {
    url = await serve(exampleWorld());
  });

  it("prints the expected findings, and exits 1", async () => {
    // Act
    const run = await runCli(["check", "--account", "--quiet", "--endpoint-url", url]);
    // Assess
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    for (const expected of [
      /ssh-from-internet .*\n(?:.*\n)*? {2}sg-0017b3c9e5a1f4d01 +us-east-1\s+sg-0017b3c9e5a1f4d01 \(bastion-ssh\) allows tcp 22 from 0\.0\.0\.0\/0/,
      /rdp-from-internet[\s\S]*sg-0e00000000000e001 +eu-west-1/,
      /exposed-bastion[\s\S]*i-0b45e1a7c3d9f2001 has public IP 54\.210\.33\.17/,
      /instance-key-pair[\s\S]*launched with key pair ops-shared/,
      /ssm-agent-version[\s\S]*runs SSM Agent 2\.3\.50\.0/,
      /session-logging-enabled[\s\S]*SSM-SessionManagerRunShell +eu-west-1/,
      /session-termination-scoped[\s\S]*Group session-users/,
      /role-session-name-condition[\s\S]*Role session-operators/,
    ]) {
      expect(run.stdout).toMatch(expected);
    }
    expect(run.stdout).not.toContain("i-0dead00000000003");
    expect(run.stdout).not.toMatch(/could not evaluate/);
  });

  it("reports the API calls per service and operation in the JSON summary, valid against the schema", async () => {
    const run = await runCli(["check", "--account", "--endpoint-url", url, "--format", "json"]);
    const report = parse(run.stdout);
    const schema = JSON.parse(await readFile(join(REPO, "schemas/results.schema.json"), "utf8")) as object;
    const validate = compileSchema(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.inputs).toEqual([`aws:${ACCOUNT}`]);
    expect((report.summary as { apiCalls: unknown }).apiCalls).toEqual({
      cloudtrail: { DescribeTrails: 2 },
      events: { ListRules: 2 },
      ec2: { DescribeInstances: 2, DescribeRegions: 1, DescribeSecurityGroups: 2 },
      iam: { GenerateCredentialReport: 1, GetAccountAuthorizationDetails: 1, GetCredentialReport: 1 },
      ssm: { DescribeInstanceInformation: 2, GetDocument: 2 },
      sts: { GetCallerIdentity: 1 },
    });
    expect(new Set(report.results.map((result) => result.resource.sourceKind))).toEqual(
      new Set(["aws-live"]),
    );
  });

  it("files the SARIF under the account's category", async () => {
    const run = await runCli(["check", "--account", "--endpoint-url", url, "--format", "sarif"]);
    const sarif = JSON.parse(run.stdout) as { runs: { automationDetails: { id: string } }[] };
    expect(sarif.runs.map((entry) => entry.automationDetails.id)).toEqual([`aws/${ACCOUNT}/`]);
  });

  it("limits the scan to --regions", async () => {
    const run = await runCli([
      "check",
      "--account",
      "--endpoint-url",
      url,
      "--regions",
      "eu-west-1",
      "--format",
      "json",
    ]);
    const regions = new Set(parse(run.stdout).results.map((result) => result.resource.region));
    expect(regions).toEqual(new Set(["global", "eu-west-1"]));
  });

  it("shows progress on a terminal's standard error, and clears it", async () => {
    let stderr = "";
    const code = await main(["check", "--account", "--endpoint-url", url, "--format", "json"], {
      stdout: { write: (_text: string, done?: () => void) => (done?.(), true) },
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      env: {},
      cwd: REPO,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/access-baseline: collecting \d+\/\d+ regions, \d+ resources, \d+ API calls/);
    expect(stderr.endsWith("\r\u001b[K")).toBe(true);
  });
});

describe("partial failures", () => {
  it("give error results naming the API, region and IAM action, list them, and exit 2", async () => {
    // Prepare: SSM is denied in one region only.
    const url = await serve(
      exampleWorld({
        faults: [{ service: "ssm", region: "eu-west-1", code: "AccessDeniedException", message: "denied" }],
      }),
    );
    // Act
    const run = await runCli(["check", "--account", "--endpoint-url", url, "--format", "json"]);
    // Assess
    expect(run.code).toBe(2);
    const report = parse(run.stdout);
    expect(report.collectionErrors).toHaveLength(2);
    const errors = report.results.filter((result) => result.status === "error");
    expect(errors.length).toBeGreaterThan(0);
    const logging = report.results.filter(
      (result) => result.ruleId === "session-logging-enabled" && result.resource.region === "eu-west-1",
    );
    // Never a verdict on preferences that could not be read: no defaults stood in for them.
    expect(logging.map((result) => result.status)).toEqual(["error"]);
    expect(logging[0]!.message).toBe(
      "could not evaluate: ssm:GetDocument failed in 111122223333/eu-west-1 (AccessDeniedException: denied); the scanner needs ssm:GetDocument",
    );
    const managed = report.results.find(
      (result) => result.ruleId === "instance-managed-by-ssm" && result.resource.id === "i-0e00000000000e101",
    );
    expect(managed?.status).toBe("error");
    expect(managed?.message).toContain("the scanner needs ssm:DescribeInstanceInformation");
    // The other region is judged as usual.
    const east = report.results.filter(
      (result) => result.ruleId === "session-logging-enabled" && result.resource.region === "us-east-1",
    );
    expect(east.map((result) => result.status)).toEqual(["pass"]);
  });

  it("report throttling beyond the retries as an error for that API, without an IAM action", async () => {
    vi.stubEnv("AWS_MAX_ATTEMPTS", "2");
    const url = await serve(
      exampleWorld({
        faults: [{ operation: "DescribeSecurityGroups", region: "us-east-1", code: "RequestLimitExceeded" }],
      }),
    );
    const run = await runCli(["check", "--account", "--endpoint-url", url]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /ssh-from-internet[\s\S]*could not evaluate: ec2:DescribeSecurityGroups failed in 111122223333\/us-east-1\s+\(RequestLimitExceeded: .*after 2 attempts\)\)\n/,
    );
    expect(run.stdout).not.toMatch(/DescribeSecurityGroups[^\n]*the scanner needs/);
  });

  it("scan an organization, reporting the account whose role cannot be assumed", async () => {
    const url = await serve(organizationWorld());
    const run = await runCli(["check", "--account", "--org", "--endpoint-url", url, "--format", "json"]);
    expect(run.code).toBe(2);
    const report = parse(run.stdout);
    expect(report.inputs).toEqual([`aws:${ACCOUNT}`, `aws:${MEMBER_OK}`, `aws:${MEMBER_DENIED}`]);
    const denied = report.results.filter((result) => result.resource.account === MEMBER_DENIED);
    expect(denied.length).toBeGreaterThan(0);
    expect(
      denied.every((result) => result.status === "error" && result.resource.type === "AWS::::Account"),
    ).toBe(true);
    expect(denied[0]!.message).toContain("sts:AssumeRole failed in 777788889999/global (AccessDenied:");
    expect(denied[0]!.message).toContain("the scanner needs sts:AssumeRole");
    const member = report.results.filter(
      (result) => result.resource.account === MEMBER_OK && result.status === "fail",
    );
    expect(member.map((result) => result.ruleId)).toContain("ssh-from-internet");
    // One SARIF run for several accounts; docs/live-scanning.md shows a run per account instead.
    const sarif = await runCli(["check", "--account", "--org", "--endpoint-url", url, "--format", "sarif"]);
    const validate = sarifSchemaValidator();
    expect(validate(JSON.parse(sarif.stdout)), JSON.stringify(validate.errors)).toBe(true);
    expect(
      (JSON.parse(sarif.stdout) as { runs: { automationDetails: { id: string } }[] }).runs[0]!
        .automationDetails.id,
    ).toBe("aws/");
  });
});

describe("collect, then check --snapshot", () => {
  it("gives the same results as check --account", async () => {
    // Prepare: an organization with a denied account and a denied region, so errors travel too.
    const url = await serve(
      organizationWorld({
        faults: [{ service: "ssm", region: "eu-west-1", account: MEMBER_OK, code: "AccessDeniedException" }],
      }),
    );
    const dir = await tempDir();
    const snapshot = join(dir, "inventory.json");
    // Act
    const live = await runCli(["check", "--account", "--org", "--endpoint-url", url, "--format", "json"]);
    const collected = await runCli([
      "collect",
      "--account",
      "--org",
      "--quiet",
      "--endpoint-url",
      url,
      "--output",
      snapshot,
    ]);
    const offline = await runCli(["check", "--snapshot", snapshot, "--format", "json"]);
    // Assess
    expect(collected.code).toBe(2);
    expect(collected.stdout).toBe("");
    expect(collected.stderr).toMatch(
      /^access-baseline: collected \d+ resources from 3 accounts and 4 regions with \d+ API calls; 3 collection errors; wrote .*inventory\.json\n/,
    );
    expect(collected.stderr).toContain("777788889999 global  sts:AssumeRole  AccessDenied");
    expect(offline.code).toBe(live.code);
    const a = JSON.parse(live.stdout) as Record<string, unknown>;
    const b = JSON.parse(offline.stdout) as Record<string, unknown>;
    const { apiCalls, ...liveSummary } = a.summary as Record<string, unknown>;
    expect(apiCalls).toBeDefined();
    expect(b.summary).toEqual(liveSummary);
    for (const field of ["results", "collectionErrors", "rules", "inputProblems"]) {
      expect(b[field], field).toEqual(a[field]);
    }
    expect(b.inputs).toEqual([snapshot]);
  });

  it("exits 0 and writes a valid snapshot when everything was collected", async () => {
    const url = await serve(exampleWorld());
    const dir = await tempDir();
    const snapshot = join(dir, "clean.json");
    const run = await runCli(["collect", "--account", "--endpoint-url", url, "-o", snapshot], {
      env: { ACCESS_BASELINE_NOW: "2026-11-19T10:00:00Z" },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/0 collection errors; wrote /);
    const text = await readFile(snapshot, "utf8");
    expect(JSON.parse(text)).toMatchObject({
      format: "access-baseline/snapshot",
      version: 1,
      createdAt: "2026-11-19T10:00:00.000Z",
      scopes: [
        { account: ACCOUNT, region: "eu-west-1" },
        { account: ACCOUNT, region: "us-east-1" },
      ],
    });
  });
});

describe("collect -o -", () => {
  it("writes the snapshot to standard output", async () => {
    const url = await serve(exampleWorld());
    const run = await runCli([
      "collect",
      "--account",
      "--endpoint-url",
      url,
      "--regions",
      "us-east-1",
      "-o",
      "-",
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/wrote the snapshot to standard output\n$/);
    expect(JSON.parse(run.stdout)).toMatchObject({
      format: "access-baseline/snapshot",
      scopes: [{ region: "us-east-1" }],
    });
  });

  it("exits 2 when standard output does not take the snapshot (a reader that closed the pipe)", async () => {
    const url = await serve(exampleWorld());
    let stderr = "";
    const code = await main(
      ["collect", "--account", "--endpoint-url", url, "--regions", "us-east-1", "-o", "-"],
      {
        stdout: {
          write: (_text: string, done?: (error?: Error | null) => void) => {
            done?.(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
            return false;
          },
        },
        stderr: { write: (text: string) => (stderr += text) },
        env: {},
        cwd: REPO,
      },
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /\naccess-baseline: cannot write to standard output: the reader closed the pipe\n$/,
    );
    expect(stderr).not.toContain("wrote the snapshot");
  });
});

describe("bad input: one line, exit 2, no stack trace", () => {
  async function expectOneLine(args: string[], message: RegExp): Promise<void> {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }

  it("an unknown profile", async () => {
    const dir = await tempDir();
    const config = join(dir, "config");
    await writeFile(config, "[profile audit]\nregion = eu-west-1\n");
    vi.stubEnv("AWS_CONFIG_FILE", config);
    try {
      await expectOneLine(
        ["check", "--account", "--profile", "nosuch"],
        /^access-baseline: cannot get AWS credentials from profile nosuch: .*nosuch/,
      );
    } finally {
      vi.stubEnv("AWS_CONFIG_FILE", awsTestEnv(exampleWorld()).AWS_CONFIG_FILE);
    }
  });

  it("an endpoint that does not answer", async () => {
    vi.stubEnv("AWS_MAX_ATTEMPTS", "1");
    const endpoint = await startAwsEndpoint(exampleWorld());
    await endpoint.close();
    await expectOneLine(
      ["check", "--account", "--endpoint-url", endpoint.url],
      /^access-baseline: cannot identify the account of the credentials: sts:GetCallerIdentity failed: ECONNREFUSED/,
    );
  });

  it("a role ARN that is not one, or cannot be assumed", async () => {
    await expectOneLine(
      ["check", "--account", "--role-arn", "arn:aws:iam::12345:role/x"],
      /^access-baseline: --role-arn "arn:aws:iam::12345:role\/x" is not a role ARN/,
    );
    const url = await serve(exampleWorld());
    await expectOneLine(
      [
        "collect",
        "--account",
        "--role-arn",
        `arn:aws:iam::${ACCOUNT}:role/nope`,
        "--endpoint-url",
        url,
        "-o",
        "x.json",
      ],
      /^access-baseline: cannot assume arn:aws:iam::111122223333:role\/nope: sts:AssumeRole failed: AccessDenied: /,
    );
  });

  it.each([
    [
      ["check", "--snapshot", "x.json", "--regions", "eu-west-1"],
      /--regions only apply to live collection: add --account/,
    ],
    [
      ["check", "--snapshot", "x.json", "--account"],
      /give one kind of input per run, not --snapshot and --account/,
    ],
    [["check", "--account", "--regions", "eu-west-1,mars-1"], /--regions: "mars-1" is not a region name/],
    [["check", "--account", "--endpoint-url", "ftp://host"], /--endpoint-url must be an http or https URL/],
    [["check", "--account", "--endpoint-url", "not a url"], /--endpoint-url "not a url" is not a URL/],
    [["check", "--account", "--org-role", "Scanner"], /--org-role needs --org/],
    [["check", "--account", "--session-name", "a b"], /--session-name must be 2 to 64 characters/],
    [["collect", "--output", "x.json"], /collect needs --account/],
  ])("%j", async (args, message) => {
    await expectOneLine(args, new RegExp(`^access-baseline: .*${message.source}`));
  });

  it("collect without --output", async () => {
    const run = await runCli(["collect", "--account"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/required option '-o, --output <file>' not specified/);
  });
});
