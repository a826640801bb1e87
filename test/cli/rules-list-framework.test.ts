import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/** `rules list --framework ID[:CONTROL]`: the rules that implement a compliance framework or control. */

interface ListedRule {
  id: string;
  frameworks?: Record<string, { version: string; controls: string[] }>;
}

let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "ab-rules-list-framework-"));
  await mkdir(join(repo, ".git"));
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

async function listed(framework: string): Promise<ListedRule[]> {
  const run = await runCli(["rules", "list", "--framework", framework, "--format", "json"], { cwd: repo });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ListedRule[];
}

describe("rules list --framework", () => {
  it("lists only the rules mapped to the framework, with their controls", async () => {
    const rules = await listed("cis-aws-foundations");
    expect(rules.map((rule) => rule.id).sort()).toEqual([
      "long-lived-access-keys",
      "rdp-from-internet",
      "ssh-from-internet",
    ]);
    for (const rule of rules) {
      expect(rule.frameworks?.["cis-aws-foundations"]).toEqual({
        version: "7.0.0",
        controls: rule.id === "long-lived-access-keys" ? ["2.12"] : ["6.3", "6.4"],
      });
    }
  });

  it("filters by one control, whatever its case", async () => {
    expect((await listed("aws-fsbp:EC2.13")).map((rule) => rule.id)).toEqual(["ssh-from-internet"]);
    expect((await listed("aws-fsbp:ssm.1")).map((rule) => rule.id)).toEqual(["instance-managed-by-ssm"]);
    expect((await listed("aws-fsbp:IAM.3")).map((rule) => rule.id)).toEqual(["long-lived-access-keys"]);
  });

  it("text: shows each rule's controls, and says so when no rule implements the control", async () => {
    const run = await runCli(["rules", "list", "--framework", "aws-fsbp"], { cwd: repo });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ssh-from-internet .*\{CIS 6\.3, 6\.4; FSBP EC2\.13, EC2\.53, EC2\.54\}$/m);
    expect(run.stdout).not.toMatch(/^session-timeouts /m);
    const none = await runCli(["rules", "list", "--framework", "aws-fsbp:IAM.1"], { cwd: repo });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("no rule is mapped to aws-fsbp:IAM.1");
  });

  it("an unknown framework is exit 2, listing the known ones", async () => {
    const run = await runCli(["rules", "list", "--framework", "cis-aws"], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      'access-baseline: --framework: unknown framework "cis-aws"; known frameworks: cis-aws-foundations, aws-fsbp\n',
    );
  });

  it("a control id that cannot exist in the framework is exit 2", async () => {
    const run = await runCli(["rules", "list", "--framework", "aws-fsbp:EC2-13"], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /"EC2-13" is not a control id of the AWS Foundational Security Best Practices/,
    );
  });
});
