import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/** `rules list` shows what the configuration makes of the rules: on or off, severity, parameters. */

const CONFIG = `rules:
  rdp-from-internet: off
  ssh-from-any-source:
    severity: note
  ssm-agent-version:
    params:
      minimumVersion: 3.2.0.0
`;

interface ListedRule {
  id: string;
  severity: string;
  enabled: boolean;
  params: Record<string, unknown>;
}

let repo: string;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "ab-rules-list-"));
  await mkdir(join(repo, ".git"));
  await writeFile(join(repo, ".access-baseline.yml"), CONFIG);
  await writeFile(join(repo, "other.yml"), "rules:\n  ssh-from-internet: off\n");
});
afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("rules list", () => {
  it("text: names the configuration file and marks each rule on or off with its severity and parameters", async () => {
    const run = await runCli(["rules", "list"], { cwd: repo });
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("configuration: .access-baseline.yml");
    const line = (id: string) => lines.find((candidate) => candidate.startsWith(`${id} `)) ?? "";
    expect(line("rdp-from-internet")).toMatch(/^rdp-from-internet\s+off\s/);
    expect(line("ssh-from-any-source")).toMatch(/^ssh-from-any-source\s+on\s+note\s/);
    expect(line("ssh-from-internet")).toMatch(/^ssh-from-internet\s+on\s+error\s/);
    expect(line("ssm-agent-version")).toContain("minimumVersion=3.2.0.0");
  });

  it("json: each rule's effective state", async () => {
    const run = await runCli(["rules", "list", "--format", "json"], { cwd: repo });
    const rules = JSON.parse(run.stdout) as ListedRule[];
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    expect(byId.get("rdp-from-internet")?.enabled).toBe(false);
    expect(byId.get("ssh-from-any-source")).toMatchObject({ enabled: true, severity: "note" });
    expect(byId.get("ssm-agent-version")?.params).toMatchObject({ minimumVersion: "3.2.0.0" });
  });

  it("--config names another file", async () => {
    const run = await runCli(["rules", "list", "--config", "other.yml", "--format", "json"], { cwd: repo });
    const rules = JSON.parse(run.stdout) as ListedRule[];
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    expect(byId.get("ssh-from-internet")?.enabled).toBe(false);
    expect(byId.get("rdp-from-internet")?.enabled).toBe(true);
  });

  it("without a configuration file, says so", async () => {
    const empty = await mkdtemp(join(tmpdir(), "ab-rules-list-empty-"));
    await mkdir(join(empty, ".git"));
    const run = await runCli(["rules", "list"], { cwd: empty });
    await rm(empty, { recursive: true, force: true });
    expect(run.stdout.split("\n")[0]).toBe("configuration: none (built-in defaults)");
  });

  it("a configuration naming an unknown rule is exit 2", async () => {
    await writeFile(join(repo, "typo.yml"), "rules:\n  ssh-from-the-internet: off\n");
    const run = await runCli(["rules", "list", "--config", "typo.yml"], { cwd: repo });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/typo\.yml:2:\d+: unknown rule "ssh-from-the-internet"/);
  });
});
