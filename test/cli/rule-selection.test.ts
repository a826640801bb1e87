import { describe, expect, it } from "vitest";
import { parseConfiguration } from "../../src/config/config-file.js";
import { prepareRuleSet } from "../../src/engine/rule-set.js";
import { ConfigError } from "../../src/errors.js";
import { EXAMPLE_SNAPSHOT, runCli } from "../support/cli.js";
import { ruleFrom } from "../support/rules.js";

/** `check --rule ID` and `--skip-rule ID`: choosing the rules of one run, by id or glob. */

const rules = ["ssh-from-internet", "ssh-from-any-source", "rdp-from-internet", "ssm-agent-version"].map(
  (id) =>
    ruleFrom(
      `id: ${id}\nresource: AWS::EC2::SecurityGroup\ncondition: { path: GroupId, exists: true }\nmessage: m\n`,
    ),
);

function selected(config: string, selection: { only?: string[]; skip?: string[] }): string[] {
  const configuration = { ...parseConfiguration(config, ".access-baseline.yml"), selection };
  return prepareRuleSet(rules, configuration, new Map()).rules.map((rule) => rule.metadata.id);
}

describe("rule selection", () => {
  it("--rule keeps only the rules matching one of its ids or globs", () => {
    expect(selected("", { only: ["ssh-*"] })).toEqual(["ssh-from-internet", "ssh-from-any-source"]);
    expect(selected("", { only: ["rdp-from-internet", "ssm-agent-version"] })).toEqual([
      "rdp-from-internet",
      "ssm-agent-version",
    ]);
  });

  it("--skip-rule removes matching rules, after --rule", () => {
    expect(selected("", { skip: ["ssh-*"] })).toEqual(["rdp-from-internet", "ssm-agent-version"]);
    expect(selected("", { only: ["ssh-*"], skip: ["*-any-*"] })).toEqual(["ssh-from-internet"]);
  });

  it("--rule names a rule the configuration switched off: the command line wins", () => {
    expect(selected("rules:\n  rdp-from-internet: off\n", {})).not.toContain("rdp-from-internet");
    expect(selected("rules:\n  rdp-from-internet: off\n", { only: ["rdp-from-internet"] })).toEqual([
      "rdp-from-internet",
    ]);
  });

  it.each([
    [{ only: ["ssh-from-the-internet"] }, /^--rule: unknown rule "ssh-from-the-internet"/],
    [{ skip: ["tls-*"] }, /^--skip-rule: "tls-\*" matches no rule$/],
    [{ only: ["ssh-*"], skip: ["ssh-*"] }, /no rule left to run/],
  ])("a selection that selects nothing it names is an error: %j", (selection, message) => {
    expect(() => selected("", selection)).toThrow(ConfigError);
    expect(() => selected("", selection)).toThrow(message);
  });
});

describe("check --rule and --skip-rule", () => {
  it("runs only the chosen rules", async () => {
    const run = await runCli([
      "check",
      "--snapshot",
      EXAMPLE_SNAPSHOT,
      "--format",
      "json",
      "--rule",
      "ssh-*",
      "--skip-rule",
      "ssh-from-any-source",
    ]);
    const report = JSON.parse(run.stdout) as { results: { ruleId: string }[] };
    expect(new Set(report.results.map((result) => result.ruleId))).toEqual(new Set(["ssh-from-internet"]));
  });

  it("an unknown rule is exit 2 with one line", async () => {
    const run = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--rule", "no-such-rule"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain('--rule: unknown rule "no-such-rule"');
  });
});
