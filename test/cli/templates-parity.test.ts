import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/**
 * The same resources written three ways — a CloudFormation template, a Terraform plan and a
 * snapshot of what AWS would report once deployed — must give the same rule results: the
 * template and plan readers produce the canonical shapes the live collector does.
 */

interface JsonReport {
  results: {
    ruleId: string;
    status: string;
    resource: { id: string; type: string };
    evidence: { path: string; focus?: string }[];
  }[];
}

const TEMPLATE = "test/fixtures/templates/parity/stack.yaml";
const PLAN = "test/fixtures/plans/parity/plan.json";
const SNAPSHOT = "test/fixtures/templates/parity/snapshot.json";

/**
 * Whether an instance's SSM Agent registers (and which version it runs) is known only once it
 * runs: templates and plans report that they cannot decide, where the snapshot has the answer.
 */
const RUNTIME_ONLY = new Set(["instance-managed-by-ssm", "ssm-agent-version"]);

/** Each source's ids for the resources whose ids are assigned at deployment. */
const NAMES: Record<string, Record<string, string>> = {
  template: {
    BastionSecurityGroup: "group bastion",
    AppSecurityGroup: "group app",
    InternalSecurityGroup: "group internal",
    BastionHost: "instance bastion",
    AppServer: "instance app",
  },
  plan: {
    "aws_security_group.bastion": "group bastion",
    "aws_security_group.app": "group app",
    "aws_security_group.internal": "group internal",
    "aws_instance.bastion": "instance bastion",
    "aws_instance.app": "instance app",
  },
  snapshot: {
    "sg-0b1a5e0000000b001": "group bastion",
    "sg-0b1a5e0000000a002": "group app",
    "sg-0b1a5e0000000c003": "group internal",
    "i-0b1a5e00000000001": "instance bastion",
    "i-0b1a5e00000000002": "instance app",
  },
};

async function results(source: keyof typeof NAMES, args: string[]): Promise<string[]> {
  const run = await runCli(["check", ...args, "--format", "json", "--verbose-passes"]);
  const report = JSON.parse(run.stdout) as JsonReport;
  return report.results
    .filter((result) => !RUNTIME_ONLY.has(result.ruleId) && result.resource.type !== "AWS::IAM::Policy")
    .map((result) => {
      const name = NAMES[source]![result.resource.id] ?? result.resource.id;
      const evidence = result.evidence.map((item) => item.focus ?? item.path).join(" ");
      return `${result.ruleId} ${result.resource.type} ${name} ${result.status} ${evidence}`.trimEnd();
    })
    .sort();
}

describe("parity between a template, a plan and a snapshot", () => {
  it("gives the same result for every rule and resource, with the same evidence", async () => {
    const fromSnapshot = await results("snapshot", ["--snapshot", SNAPSHOT]);
    const fromTemplate = await results("template", [TEMPLATE]);
    const fromPlan = await results("plan", [PLAN]);
    expect(fromTemplate).toEqual(fromSnapshot);
    expect(fromPlan).toEqual(fromSnapshot);
    // Not vacuous: the stack has findings of every kind.
    const failing = fromSnapshot.filter((line) => line.includes(" fail "));
    expect(failing.map((line) => line.split(" ")[0])).toEqual(
      expect.arrayContaining([
        "ssh-from-internet",
        "ssh-from-any-source",
        "rdp-from-internet",
        "exposed-bastion",
        "instance-key-pair",
        "role-session-name-condition",
        "session-termination-scoped",
        "session-kms-encryption",
        "session-run-as",
      ]),
    );
    expect(fromSnapshot.filter((line) => line.includes(" pass")).length).toBeGreaterThan(10);
  });

  it("leaves live-only rules to live data for templates and plans, never passing them", async () => {
    for (const args of [[TEMPLATE], [PLAN]]) {
      const run = await runCli(["check", ...args, "--format", "json"]);
      const report = JSON.parse(run.stdout) as JsonReport;
      const registered = report.results.filter((result) => result.ruleId === "instance-managed-by-ssm");
      expect(registered.map((result) => result.status)).toEqual(["not_applicable", "not_applicable"]);
    }
  });
});
