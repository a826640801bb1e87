import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { INFORMATION_URI, PACKAGE } from "../../src/assets.js";
import { parseConfiguration } from "../../src/config/config-file.js";
import { applyWaivers } from "../../src/engine/waivers.js";
import type { JsonValue, Resource } from "../../src/model/resource.js";
import { REPO, runCli } from "../support/cli.js";

/**
 * The CI documentation cannot rot: the GitHub workflow keeps what makes annotations appear, every
 * option the CI examples pass to `check` exists, and the waiver examples are accepted by the
 * configuration schema and by the engine.
 */

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
}

const workflowText = await readFile(join(REPO, "docs/ci/github-actions.yml"), "utf8");
const workflow = parse(workflowText) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const page = await readFile(join(REPO, "docs/ci-gate.md"), "utf8");
const yamlBlocks = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);

const uses = (action: string) => steps.filter((step) => step.uses?.startsWith(`${action}@`));

describe("docs/ci/github-actions.yml", () => {
  it("runs on pull requests and on the default branch", () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["pull_request", "push"]));
  });

  it("may upload to code scanning, and no more", () => {
    expect(workflow.permissions).toEqual({
      contents: "read",
      "security-events": "write",
      actions: "read",
    });
  });

  it("checks out the repository and sets up a Node.js the package supports", () => {
    expect(uses("actions/checkout")).toHaveLength(1);
    const [setup] = uses("actions/setup-node");
    const major = Number(String(setup?.with?.["node-version"]));
    const minimum = Number(
      /(\d+)/.exec((PACKAGE as { engines?: { node?: string } }).engines?.node ?? "")?.[1],
    );
    expect(major).toBeGreaterThanOrEqual(minimum);
  });

  it("installs access-baseline from its repository, as the docs say (it is not on npm)", () => {
    expect(workflow.env.ACCESS_BASELINE_REPOSITORY).toBe(`${INFORMATION_URI}.git`);
    expect(steps.some((step) => step.run?.includes("npm ci"))).toBe(true);
    expect(workflowText).not.toMatch(/npx (--yes )?access-baseline/);
  });

  it("writes SARIF in the iac/ category and uploads that file, even when the check failed", () => {
    const check = steps.find((step) => step.name === "Check")!;
    expect(check.run).toMatch(/--format sarif --output results\.sarif/);
    expect(check.run).toContain("--category iac/");
    expect(check.run).toContain("--baseline");
    const [upload] = uses("github/codeql-action/upload-sarif");
    expect(upload).toBeDefined();
    expect(upload!.with).toMatchObject({ sarif_file: "results.sarif", category: "iac/" });
    expect(upload!.if).toContain("always()");
    expect(steps.indexOf(upload!)).toBeGreaterThan(steps.indexOf(check));
  });

  it("takes the baseline from the pull request's base, only on pull requests", () => {
    const base = steps.find(
      (step) => step.run?.includes("baseline.sarif") && step !== steps.find((s) => s.name === "Check"),
    )!;
    expect(base.if).toBe("github.event_name == 'pull_request'");
    expect(base.env?.BASE_SHA).toBe("${{ github.event.pull_request.base.sha }}");
  });
});

describe("access-baseline commands in the CI docs", () => {
  const commands = [workflowText, page]
    .flatMap((text) => text.split(/\n(?![ \t]+--)/))
    .filter((line) => / check /.test(line) && /access-baseline|\$ACCESS_BASELINE|args=\(check/.test(line));

  it("are there", () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
  });

  it("use only options that `check` has", async () => {
    const help = (await runCli(["check", "--help"])).stdout;
    const options = new Set([...help.matchAll(/(--[a-z][a-z-]*)/g)].map((match) => match[1]!));
    const used = new Set(
      commands.flatMap((line) => [...line.matchAll(/\s(--[a-z][a-z-]*)/g)].map((match) => match[1]!)),
    );
    expect([...used].filter((option) => !options.has(option))).toEqual([]);
    expect(used).toContain("--baseline");
  });
});

describe("the waiver examples in docs/ci-gate.md", () => {
  it("pass the configuration schema", () => {
    const configs = yamlBlocks.filter((block) => /^waivers:/m.test(block) && /^fail-on:/m.test(block));
    expect(configs).toHaveLength(1);
    const { waivers } = parseConfiguration(configs[0]!, ".access-baseline.yml");
    expect(waivers).toHaveLength(2);
  });

  it("in the README's configuration section pass the configuration schema too", async () => {
    const readme = await readFile(join(REPO, "README.md"), "utf8");
    const config = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1]!)
      .find((block) => block.includes("waivers:"))!;
    expect(parseConfiguration(config, ".access-baseline.yml").waivers).toHaveLength(1);
  });

  it("in template Metadata are what the engine reads from source.waivers", () => {
    const template = yamlBlocks.find((block) => block.includes("Metadata:"))!;
    const [logicalId, definition] = Object.entries(
      parse(template) as Record<string, Record<string, unknown>>,
    )[0]!;
    const metadata = (definition.Metadata as Record<string, { waivers: JsonValue[] }>)["access-baseline"]!;
    const resource: Resource = {
      type: "AWS::EC2::SecurityGroup",
      id: logicalId,
      account: "000000000000",
      region: "us-east-1",
      source: {
        kind: "cloudformation",
        file: "template.yaml",
        address: logicalId,
        waivers: metadata.waivers.map((entry) => ({ entry })),
      },
      properties: {},
    };
    const { problems, waivers } = applyWaivers({
      results: [],
      waivers: [],
      resources: [resource],
      ruleIds: ["ssh-from-internet"],
      today: "2026-11-22",
    });
    expect(problems).toEqual([]);
    expect(waivers).toHaveLength(1);
  });
});
