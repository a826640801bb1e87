import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BUILTIN_RULES_DIR, PACKAGE_ROOT } from "../../src/assets.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import type { LiveCollectionOptions } from "../../src/sources/aws/collector.js";
import type * as LiveSource from "../../src/sources/aws/index.js";
import { OPERATIONS, REGIONAL_TYPES, type OperationKey } from "../../src/sources/aws/operations.js";
import { awsTestEnv } from "../support/aws-endpoint/env.js";
import {
  ACCOUNT,
  MEMBER_DENIED,
  MEMBER_OK,
  exampleWorld,
  organizationWorld,
  withSessionStartAlerts,
} from "../support/aws-endpoint/fixtures.js";
import { regionDisabled, regionNotEnabled } from "../support/aws-endpoint/regions.js";
import { startAwsEndpoint, type AwsEndpoint } from "../support/aws-endpoint/server.js";
import type { Fault, FakeWorld } from "../support/aws-endpoint/world.js";
import { runCli } from "../support/cli.js";

/**
 * The fault matrix of live collection: every API the scanner calls, answered with every kind of
 * failure AWS (or what stands between it and the scanner) can send, through the real SDK and
 * `check --account --endpoint-url`. Each cell checks that the data the fault hides — the
 * resource types the operation table declares for the call, in that account and region — gives
 * `error` and never `pass`, that nothing else changes, and that the run exits 2. A failure of a
 * call the run cannot go on without (the caller's identity, the organization's accounts) is one
 * line on standard error instead.
 */

// The collector's own timeout and retry settings, short so that the matrix stays quick: a hung
// call is abandoned after one request timeout per attempt, throttling gives up after 2 attempts.
// Only the cells of a hung connection need the short timeout. The others get a long one: the
// runs share this process with each other, and on a loaded machine an answered call can take
// longer than the short timeout, which would add a collection error the fault did not cause.
const HUNG_CALL_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_ATTEMPTS = 2;
/** The request timeout of each cell's run, by its endpoint's URL. */
const timeoutByEndpoint = new Map<string, number>();

vi.mock("../../src/sources/aws/index.js", async (importOriginal) => {
  const original = await importOriginal<typeof LiveSource>();
  return {
    ...original,
    collectLive: (options: LiveCollectionOptions) =>
      original.collectLive({
        ...options,
        requestTimeoutMs: timeoutByEndpoint.get(options.endpoint ?? "") ?? REQUEST_TIMEOUT_MS,
        maxAttempts: MAX_ATTEMPTS,
      }),
  };
});

interface JsonResult {
  ruleId: string;
  status: string;
  message: string;
  resource: { type: string; id: string; account: string; region: string };
}

interface JsonCollectionError {
  account: string;
  region: string;
  service: string;
  operation: string;
  code: string;
  resourceTypes: string[];
}

interface JsonReport {
  results: JsonResult[];
  collectionErrors: JsonCollectionError[];
}

/** How a test reaches the API: the world, the arguments, and where the call's data belongs. */
interface ApiUnderTest {
  key: OperationKey;
  world: "account" | "organization";
  args: string[];
  /** The account whose data the call reads. */
  account: string;
  /** The region the fault is scripted in (`undefined`: every region the call is made in). */
  faultRegion?: string;
  /** The region of the collection error (`global` for account-wide calls). */
  errorRegion: string;
  /** Regions whose data the fault hides (besides `global` for account-wide calls). */
  hiddenRegions: string[];
  /** The run cannot go on without the call: one line on standard error, no report. */
  ends?: boolean;
}

const ORG = ["--org"];
const APIS: ApiUnderTest[] = [
  {
    key: "sts:GetCallerIdentity",
    world: "account",
    args: [],
    account: ACCOUNT,
    errorRegion: "global",
    hiddenRegions: [],
    ends: true,
  },
  {
    key: "sts:AssumeRole",
    world: "organization",
    args: ORG,
    account: MEMBER_OK,
    errorRegion: "global",
    hiddenRegions: ["global", "us-east-1", "eu-west-1"],
  },
  {
    key: "organizations:ListAccounts",
    world: "organization",
    args: ORG,
    account: ACCOUNT,
    errorRegion: "global",
    hiddenRegions: [],
    ends: true,
  },
  // Without the region list, the home region (us-east-1) is still collected; the others are not.
  {
    key: "ec2:DescribeRegions",
    world: "account",
    args: [],
    account: ACCOUNT,
    errorRegion: "global",
    hiddenRegions: ["eu-west-1"],
  },
  {
    key: "iam:GetAccountAuthorizationDetails",
    world: "account",
    args: [],
    account: ACCOUNT,
    errorRegion: "global",
    hiddenRegions: ["global"],
  },
  // The credential report holds every user's access keys: the account's users are then unjudged.
  ...(["iam:GenerateCredentialReport", "iam:GetCredentialReport"] as const).map((key): ApiUnderTest => ({
    key,
    world: "account",
    args: [],
    account: ACCOUNT,
    errorRegion: "global",
    hiddenRegions: ["global"],
  })),
  ...(
    [
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeInstances",
      "ssm:DescribeInstanceInformation",
      "ssm:GetDocument",
      // Session-start alerting passes in both regions of the account world; trails and event
      // rules hidden in eu-west-1 leave that region's verdict an error.
      "cloudtrail:DescribeTrails",
      "cloudtrail:GetTrailStatus",
      "cloudtrail:GetEventSelectors",
      "events:ListRules",
      "events:ListTargetsByRule",
    ] as const
  ).map((key): ApiUnderTest => ({
    key,
    world: "account",
    args: [],
    account: ACCOUNT,
    faultRegion: "eu-west-1",
    errorRegion: "eu-west-1",
    hiddenRegions: ["eu-west-1"],
  })),
];

const THROTTLING: Record<string, { code: string; status: number }> = {
  ec2: { code: "RequestLimitExceeded", status: 503 },
  sts: { code: "Throttling", status: 400 },
  iam: { code: "Throttling", status: 400 },
  ssm: { code: "ThrottlingException", status: 400 },
  organizations: { code: "TooManyRequestsException", status: 400 },
  cloudtrail: { code: "ThrottlingException", status: 400 },
  events: { code: "ThrottlingException", status: 400 },
};
const ACCESS_DENIED: Record<string, { code: string; status: number }> = {
  ec2: { code: "UnauthorizedOperation", status: 403 },
  sts: { code: "AccessDenied", status: 403 },
  iam: { code: "AccessDenied", status: 403 },
  ssm: { code: "AccessDeniedException", status: 400 },
  organizations: { code: "AccessDeniedException", status: 400 },
  cloudtrail: { code: "AccessDeniedException", status: 400 },
  events: { code: "AccessDeniedException", status: 400 },
};
const JSON_SERVICES = new Set(["ssm", "organizations", "cloudtrail", "events"]);

/** One kind of failure, as the endpoint answers it for one operation. */
interface FaultKind {
  name: string;
  answer(service: string, operation: string, account: string): Omit<Fault, "service" | "operation">;
}

const FAULT_KINDS: FaultKind[] = [
  { name: "throttled until retries run out", answer: (service) => THROTTLING[service]! },
  { name: "access denied", answer: (service) => ACCESS_DENIED[service]! },
  { name: "HTTP 500", answer: () => ({ code: "InternalFailure", status: 500 }) },
  {
    name: "a malformed body",
    answer: (service, operation) => ({
      body: JSON_SERVICES.has(service)
        ? `{"${operation}Result": [{"cut off`
        : `<?xml version="1.0"?><${operation}Response><${operation}Result><Item>cut off`,
    }),
  },
  { name: "an empty 200", answer: () => ({ body: "" }) },
  { name: "a hung connection", answer: () => ({ delayMs: 60_000 }) },
  {
    name: "an opt-in region not enabled",
    answer: (service) => {
      const error = regionNotEnabled(service);
      return { code: error.code, message: error.message, status: error.status };
    },
  },
  {
    name: "a disabled region",
    answer: (service, _operation, account) => {
      const error = regionDisabled(service, account);
      return { code: error.code, message: error.message, status: error.status };
    },
  },
];

/** The organization without its member whose role cannot be assumed: one failure at a time. */
function organization(faults: Fault[] = []): FakeWorld {
  const world = organizationWorld({ faults });
  world.accounts = world.accounts.filter((account) => account.id !== MEMBER_DENIED);
  return world;
}

function worldOf(api: ApiUnderTest, faults: Fault[] = []): FakeWorld {
  return api.world === "organization" ? organization(faults) : accountWorld(faults);
}

function accountWorld(faults: Fault[] = []): FakeWorld {
  return withSessionStartAlerts(exampleWorld({ faults }));
}

const endpoints: AwsEndpoint[] = [];
const timings: { cell: string; ms: number }[] = [];
const dependsOn = new Map<string, string[]>();
const baselines = new Map<string, Map<string, string>>();

async function check(world: FakeWorld, args: string[], requestTimeoutMs = REQUEST_TIMEOUT_MS) {
  const endpoint = await startAwsEndpoint(world);
  endpoints.push(endpoint);
  timeoutByEndpoint.set(endpoint.url, requestTimeoutMs);
  const run = await runCli([
    "check",
    "--account",
    ...args,
    "--endpoint-url",
    endpoint.url,
    "--format",
    "json",
    // Standard error then holds nothing but what a fault makes the tool say.
    "--quiet",
  ]);
  return { run, endpoint };
}

function resultKey(result: JsonResult): string {
  const { type, id, account, region } = result.resource;
  return `${result.ruleId} ${type} ${id} ${account} ${region}`;
}

beforeAll(async () => {
  for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
  const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR], PACKAGE_ROOT);
  for (const rule of rules) dependsOn.set(rule.metadata.id, rule.dependsOn);
  // What each world gives without faults: every result outside the hidden data must stay as is.
  for (const kind of ["account", "organization"] as const) {
    const { run } = await check(
      kind === "organization" ? organization() : accountWorld(),
      kind === "organization" ? ORG : [],
    );
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.collectionErrors).toEqual([]);
    baselines.set(kind, new Map(report.results.map((result) => [resultKey(result), result.status])));
    if (kind === "account") {
      // So that the alerting rows show a pass turning into an error, not a failure staying one.
      const alerting = report.results.filter((result) => result.ruleId === "session-start-alerting");
      expect(alerting.map((result) => `${result.resource.region} ${result.status}`).sort()).toEqual([
        "eu-west-1 pass",
        "us-east-1 pass",
      ]);
    }
  }
});

afterAll(async () => {
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  vi.unstubAllEnvs();
  const width = Math.max(...timings.map((timing) => timing.cell.length));
  const table = [...timings]
    .sort((a, b) => b.ms - a.ms)
    .map((timing) => `${timing.cell.padEnd(width)}  ${String(timing.ms).padStart(6)} ms`);
  console.log(`fault matrix, ${timings.length} cells, slowest first:\n${table.join("\n")}`);
});

const CELLS = APIS.flatMap((api) => FAULT_KINDS.map((fault) => ({ api, fault })));

// Cells are independent (each has its own endpoint) and mostly wait on timeouts and backoff.
describe.concurrent("live collection under faults", () => {
  it.each(CELLS.map((cell) => [`${cell.api.key} × ${cell.fault.name}`, cell] as const))(
    "%s",
    async (name, { api, fault }) => {
      const spec = OPERATIONS[api.key];
      const faults: Fault[] = [
        {
          service: spec.service,
          operation: spec.operation,
          ...(api.faultRegion !== undefined ? { region: api.faultRegion } : {}),
          ...fault.answer(spec.service, spec.operation, api.account),
        },
      ];
      const started = performance.now();
      const hung = fault.name === "a hung connection";
      const { run, endpoint } = await check(
        worldOf(api, faults),
        api.args,
        hung ? HUNG_CALL_TIMEOUT_MS : REQUEST_TIMEOUT_MS,
      );
      timings.push({ cell: name, ms: Math.round(performance.now() - started) });

      expect(run.code).toBe(2);
      expect(endpoint.counts()[`${spec.service}:${spec.operation}`]).toBeGreaterThan(0);
      if (api.ends) {
        expect(run.stdout).toBe("");
        expect(run.stderr).toMatch(new RegExp(`^access-baseline: .*: ${api.key} failed: `));
        expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
        return;
      }
      const report = JSON.parse(run.stdout) as JsonReport;
      expectHiddenDataUnjudged(report, api, [...spec.resourceTypes]);
      if (spec.service === "cloudtrail" || spec.service === "events") {
        const alerting = report.results.filter(
          (result) => result.ruleId === "session-start-alerting" && result.resource.region === "eu-west-1",
        );
        expect(alerting.length).toBeGreaterThan(0);
        for (const result of alerting) expect(result.status).toBe("error");
      }
    },
  );
});

describe("a region the account has not enabled, named in --regions", () => {
  it("every regional listing there gives error; the other regions are judged as usual", async () => {
    const started = performance.now();
    const { run } = await check(accountWorld(), ["--regions", "us-east-1,eu-west-1,ap-east-1"]);
    timings.push({
      cell: "every regional API × --regions names a region not enabled",
      ms: Math.round(performance.now() - started),
    });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(
      report.collectionErrors
        .map((error) => `${error.service}:${error.operation} ${error.region} ${error.code}`)
        .sort(),
    ).toEqual([
      "cloudtrail:DescribeTrails ap-east-1 UnrecognizedClientException",
      "ec2:DescribeInstances ap-east-1 AuthFailure",
      "ec2:DescribeSecurityGroups ap-east-1 AuthFailure",
      "events:ListRules ap-east-1 UnrecognizedClientException",
      "ssm:DescribeInstanceInformation ap-east-1 UnrecognizedClientException",
      "ssm:GetDocument ap-east-1 UnrecognizedClientException",
    ]);
    const hidden = [...REGIONAL_TYPES];
    const baseline = baselines.get("account")!;
    for (const result of report.results) {
      const affected =
        result.resource.region === "ap-east-1" ||
        (result.resource.region === "global" && dependsOnAny(result.ruleId, hidden));
      if (!affected)
        expect(`${resultKey(result)} ${result.status}`).toBe(
          `${resultKey(result)} ${baseline.get(resultKey(result))}`,
        );
      if (result.resource.region === "ap-east-1") expect(result.status).toBe("error");
      if (result.status === "error") expect(result.message).toMatch(/failed in 111122223333\/ap-east-1 /);
    }
    expectScopeErrors(report, ACCOUNT, "ap-east-1", hidden);
  });
});

function dependsOnAny(ruleId: string, types: string[]): boolean {
  return (dependsOn.get(ruleId) ?? []).some((type) => types.includes(type));
}

/** Every rule that reads one of `types` reports the scope as unjudged. */
function expectScopeErrors(report: JsonReport, account: string, region: string, types: string[]): void {
  const expected = [...dependsOn.keys()].filter((ruleId) => dependsOnAny(ruleId, types)).sort();
  const reported = report.results
    .filter(
      (result) =>
        result.status === "error" &&
        result.resource.type === "AWS::::Account" &&
        result.resource.account === account &&
        result.resource.region === region,
    )
    .map((result) => result.ruleId);
  expect([...new Set(reported)].sort()).toEqual(expected);
}

function expectHiddenDataUnjudged(report: JsonReport, api: ApiUnderTest, types: string[]): void {
  const spec = OPERATIONS[api.key];
  // One collection error: the call, where it failed, and exactly the data the table says it reads.
  expect(report.collectionErrors).toHaveLength(1);
  const [error] = report.collectionErrors;
  expect(error).toMatchObject({
    service: spec.service,
    operation: spec.operation,
    account: api.account,
    region: api.errorRegion,
  });
  expect([...error!.resourceTypes].sort()).toEqual([...types].sort());
  expectScopeErrors(report, api.account, api.errorRegion, types);

  const baseline = baselines.get(api.world)!;
  const names = `${api.key} failed in ${api.account}/${api.errorRegion} `;
  for (const result of report.results) {
    const { account, region } = result.resource;
    const reads = dependsOnAny(result.ruleId, types);
    const inHiddenScope =
      account === api.account &&
      (api.errorRegion === "global" || region === api.errorRegion || region === "global");
    if (result.status === "error") {
      // Nothing else becomes error: every error is this fault's.
      expect(inHiddenScope && reads, resultKey(result)).toBe(true);
      expect(result.message).toContain(names);
    }
    // Never a pass on data the fault hid.
    if (reads && account === api.account && api.hiddenRegions.includes(region)) {
      expect(result.status, resultKey(result)).not.toBe("pass");
    }
    if (!(inHiddenScope && reads)) {
      expect(`${resultKey(result)} ${result.status}`).toBe(
        `${resultKey(result)} ${baseline.get(resultKey(result))}`,
      );
    }
  }
}
