import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAMBDA_OPERATIONS } from "../../src/lambda/operations.js";
import type { Resource } from "../../src/model/resource.js";
import { regionDisabled, regionNotEnabled } from "../support/aws-endpoint/regions.js";
import { createHandler } from "../../src/lambda/handler.js";
import { LambdaClients } from "../../src/lambda/clients.js";
import { FakeAws, type FakeOptions } from "../lambda/support/fake-aws.js";
import { Harness } from "../lambda/support/harness.js";
import { ACCOUNT, REGIONS, fixture, fixtureWorld, loadEvent } from "../lambda/support/world.js";

/**
 * The fault matrix of the Config rule Lambda: every AWS call it makes, answered with every kind
 * of failure, through the real SDK and the Lambda's loopback endpoint. The Lambda cannot report
 * an `error` to Config, so each cell checks that the invocation fails (Config then shows the rule
 * as not evaluated) and that no COMPLIANT verdict is sent for the resource whose data the fault
 * hid.
 */

// The handler's clients with a short request timeout, and 2 attempts per call (the SDK reads
// AWS_MAX_ATTEMPTS), so that throttled and hung cells end quickly.
const REQUEST_TIMEOUT_MS = 500;

// The harness gives the SDK its test credentials; each cell has its own endpoint and handler.
const harness = new Harness();
beforeAll(async () => {
  await harness.start();
  process.env.AWS_MAX_ATTEMPTS = "2";
});
afterAll(async () => {
  await harness.stop();
  const width = Math.max(...timings.map((timing) => timing.cell.length));
  const table = [...timings]
    .sort((a, b) => b.ms - a.ms)
    .map((timing) => `${timing.cell.padEnd(width)}  ${String(timing.ms).padStart(6)} ms`);
  console.log(`Lambda fault matrix, ${timings.length} cells, slowest first:\n${table.join("\n")}`);
});

const timings: { cell: string; ms: number }[] = [];

/** The account behind the fixtures, with an inline policy on the instance role and on carol's group, so that those documents are read too. */
function world(): Resource[] {
  const inline = {
    PolicyName: "read-reports",
    PolicyDocument: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::example-reports/*" }],
    },
  };
  return [...fixtureWorld(), ...sessionStartAlerts()].map((resource) =>
    (resource.type === "AWS::IAM::Role" && resource.id === "ec2-ssm-instance-role") ||
    (resource.type === "AWS::IAM::Group" && resource.id === "operators")
      ? {
          ...resource,
          properties: {
            ...resource.properties,
            [resource.type === "AWS::IAM::Role" ? "RolePolicyList" : "GroupPolicyList"]: [inline],
          },
        }
      : resource,
  );
}

/** A logging multi-region trail and a rule that alerts on StartSession: us-east-1 passes with them. */
function sessionStartAlerts(): Resource[] {
  const region = "us-east-1";
  return [
    {
      type: "AWS::CloudTrail::Trail",
      id: "management-events",
      arn: `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/management-events`,
      account: ACCOUNT,
      region,
      source: { kind: "aws-live" },
      properties: { Name: "management-events", IsMultiRegionTrail: true, IsLogging: true },
    },
    {
      type: "AWS::Events::Rule",
      id: "session-start-alert",
      arn: `arn:aws:events:${region}:${ACCOUNT}:rule/session-start-alert`,
      account: ACCOUNT,
      region,
      source: { kind: "aws-live" },
      properties: {
        Name: "session-start-alert",
        State: "ENABLED",
        EventPattern: {
          source: ["aws.ssm"],
          "detail-type": ["AWS API Call via CloudTrail"],
          detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession"] },
        },
        Targets: [{ Id: "notify", Arn: `arn:aws:sns:${region}:${ACCOUNT}:session-alerts` }],
      },
    },
  ];
}

/** The event that makes the handler call the operation, and the resource the call reads for. */
interface Trigger {
  event: () => Record<string, unknown>;
  /** The resource whose verdict depends on the call; `undefined`: every resource of the event. */
  resourceId?: string;
}

const INSTANCE: Trigger = { event: () => loadEvent("instance.json"), resourceId: "i-0b45e1a7c3d9f2001" };
const USER: Trigger = {
  event: () => loadEvent("user-start-session.json"),
  resourceId: "AIDAEXAMPLECAROL0001",
};
const ROLE: Trigger = { event: () => loadEvent("role-compliant.json"), resourceId: "AROAEXAMPLESESSIONOP1" };
/** Every user's access keys, from the credential report. */
const KEYS_ON_SCHEDULE: Trigger = {
  event: () => ({
    ...loadEvent("scheduled-preferences.json"),
    ruleParameters: JSON.stringify({ rules: "long-lived-access-keys" }),
  }),
};
/** The region's session-start alerting, from its trails and event rules. */
const ALERTING_ON_SCHEDULE: Trigger = {
  event: () => ({
    ...loadEvent("scheduled-preferences.json"),
    ruleParameters: JSON.stringify({ rules: "session-start-alerting" }),
  }),
};
const TRIGGERS: Record<string, Trigger> = {
  "config:PutEvaluations": {
    event: () => loadEvent("sg-compliant.json"),
    resourceId: "sg-0a1b2c3d4e5f60002",
  },
  "config:GetResourceConfigHistory": { event: () => loadEvent("sg-oversized.json") },
  "iam:GetInstanceProfile": INSTANCE,
  "iam:ListRolePolicies": INSTANCE,
  "iam:GetRolePolicy": INSTANCE,
  "iam:ListAttachedRolePolicies": INSTANCE,
  "iam:ListGroupPolicies": USER,
  "iam:GetGroupPolicy": USER,
  "iam:ListAttachedGroupPolicies": USER,
  "iam:GetPolicy": ROLE,
  "iam:GetPolicyVersion": ROLE,
  "iam:GetAccountAuthorizationDetails": {
    event: () => ({
      ...loadEvent("scheduled-preferences.json"),
      ruleParameters: JSON.stringify({ rules: "role-session-name-condition" }),
    }),
  },
  "ec2:DescribeSecurityGroups": INSTANCE,
  "ec2:DescribeRegions": ROLE,
  "ssm:DescribeInstanceInformation": INSTANCE,
  "ssm:GetDocument": ROLE,
  "iam:GenerateCredentialReport": KEYS_ON_SCHEDULE,
  "iam:GetCredentialReport": KEYS_ON_SCHEDULE,
  "cloudtrail:DescribeTrails": ALERTING_ON_SCHEDULE,
  "cloudtrail:GetTrailStatus": ALERTING_ON_SCHEDULE,
  "cloudtrail:GetEventSelectors": ALERTING_ON_SCHEDULE,
  "events:ListRules": ALERTING_ON_SCHEDULE,
  "events:ListTargetsByRule": ALERTING_ON_SCHEDULE,
};

const THROTTLING: Record<string, string> = {
  config: "ThrottlingException",
  iam: "Throttling",
  ec2: "RequestLimitExceeded",
  ssm: "ThrottlingException",
  cloudtrail: "ThrottlingException",
  events: "ThrottlingException",
};
const ACCESS_DENIED: Record<string, { code: string; status: number }> = {
  config: { code: "AccessDeniedException", status: 400 },
  iam: { code: "AccessDenied", status: 403 },
  ec2: { code: "UnauthorizedOperation", status: 403 },
  ssm: { code: "AccessDeniedException", status: 400 },
  cloudtrail: { code: "AccessDeniedException", status: 400 },
  events: { code: "AccessDeniedException", status: 400 },
};
const JSON_SERVICES = new Set(["config", "ssm", "cloudtrail", "events"]);

interface FaultKind {
  name: string;
  script(service: string, operation: string): Partial<FakeOptions>;
}

const asFailure = (key: string, error: { code: string; message: string; status: number }) => ({
  failures: { [key]: { code: error.code, message: error.message, status: error.status } },
});

const FAULT_KINDS: FaultKind[] = [
  {
    name: "throttled until retries run out",
    script: (service, operation) => ({
      failures: {
        [`${service}:${operation}`]: { code: THROTTLING[service]!, status: service === "ec2" ? 503 : 400 },
      },
    }),
  },
  {
    name: "access denied",
    script: (service, operation) => ({ failures: { [`${service}:${operation}`]: ACCESS_DENIED[service]! } }),
  },
  {
    name: "HTTP 500",
    script: (service, operation) => ({
      failures: { [`${service}:${operation}`]: { code: "InternalFailure", status: 500 } },
    }),
  },
  {
    name: "a malformed body",
    script: (service, operation) => ({
      answers: {
        [`${service}:${operation}`]: {
          body: JSON_SERVICES.has(service)
            ? `{"${operation}Result": [{"cut off`
            : `<?xml version="1.0"?><${operation}Response><${operation}Result><Item>cut off`,
        },
      },
    }),
  },
  {
    name: "an empty 200",
    script: (service, operation) => ({ answers: { [`${service}:${operation}`]: { body: "" } } }),
  },
  { name: "a hung connection", script: (service, operation) => ({ hangs: [`${service}:${operation}`] }) },
  {
    name: "an opt-in region not enabled",
    script: (service, operation) => asFailure(`${service}:${operation}`, regionNotEnabled(service)),
  },
  {
    name: "a disabled region",
    script: (service, operation) => asFailure(`${service}:${operation}`, regionDisabled(service, ACCOUNT)),
  },
];

const CELLS = LAMBDA_OPERATIONS.flatMap((spec) =>
  FAULT_KINDS.map((fault) => [`${spec.service}:${spec.operation} × ${fault.name}`, spec, fault] as const),
);

/** A handler (a cold start) over its own loopback endpoint, scripted with `faults`. */
async function invoke(faults: Partial<FakeOptions>, event: Record<string, unknown>) {
  const fake = new FakeAws({
    resources: world(),
    regions: REGIONS,
    history: { "AWS::EC2::SecurityGroup/sg-0a1b2c3d4e5f60005": fixture("sg-oversized.history.json") },
    ...faults,
  });
  const clients = new LambdaClients({
    region: "us-east-1",
    endpoint: await fake.start(),
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  const lines: Record<string, unknown>[] = [];
  const handler = createHandler({
    env: { AWS_REGION: "us-east-1" },
    clients,
    sink: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  try {
    const outcome = await handler(event).then(
      () => "completed",
      () => "failed",
    );
    return { outcome, fake, failures: lines.filter((line) => line.event === "invocation-failed") };
  } finally {
    clients.destroy();
    await fake.stop();
  }
}

describe.concurrent("the Config rule Lambda under faults", () => {
  it("covers every operation it declares", () => {
    expect(Object.keys(TRIGGERS).sort()).toEqual(
      LAMBDA_OPERATIONS.map((spec) => `${spec.service}:${spec.operation}`).sort(),
    );
  });

  it.each(Object.entries(TRIGGERS))(
    "without a fault, the event that reaches %s completes and makes the call",
    async (key, trigger) => {
      const { outcome, fake } = await invoke({}, trigger.event());
      expect(outcome).toBe("completed");
      expect(fake.requests.map((request) => `${request.service}:${request.operation}`)).toContain(key);
    },
  );

  it.each(CELLS)("%s", async (name, spec, fault) => {
    const key = `${spec.service}:${spec.operation}`;
    const trigger = TRIGGERS[key]!;
    const started = performance.now();
    const { outcome, fake, failures } = await invoke(
      fault.script(spec.service, spec.operation),
      trigger.event(),
    );
    timings.push({ cell: name, ms: Math.round(performance.now() - started) });

    expect(outcome).toBe("failed");
    expect(fake.requests.some((request) => `${request.service}:${request.operation}` === key)).toBe(true);
    expect(failures).toHaveLength(1);
    if (key === "config:PutEvaluations") return;
    // Never a COMPLIANT verdict on data the fault hid.
    const sent = fake.putEvaluations.flatMap((call) => call.Evaluations);
    const hidden = sent.filter(
      (entry) => trigger.resourceId === undefined || entry.ComplianceResourceId === trigger.resourceId,
    );
    expect(hidden.filter((entry) => entry.ComplianceType === "COMPLIANT")).toEqual([]);
    if (key === "config:GetResourceConfigHistory") expect(sent).toEqual([]);
  });
});
