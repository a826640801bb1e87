import { mkdtemp, readdir, readFile, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SNAPSHOT, FIXTURES, REPO, runBinary, runCli } from "../support/cli.js";

const ANSI = new RegExp(String.fromCharCode(27) + "\\[");

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "access-baseline-cli-"));
}

describe("check --snapshot on the example", () => {
  it("prints findings grouped by rule and exits 1", async () => {
    const run = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("ssh-from-internet");
    expect(run.stdout).toContain("allows tcp 22 from 0.0.0.0/0");
    expect(run.stdout).toContain("eu-west-1");
    expect(run.stdout).not.toMatch(ANSI);
    expect(run.stderr).toBe("");
  });

  it("uses colour on a TTY unless NO_COLOR is set", async () => {
    const coloured = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT], { tty: true });
    expect(coloured.stdout).toMatch(ANSI);
    const plain = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT], {
      tty: true,
      env: { NO_COLOR: "1" },
    });
    expect(plain.stdout).not.toMatch(ANSI);
  });

  it("exits 0 when the threshold is above every finding", async () => {
    const run = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--fail-on", "never"]);
    expect(run.code).toBe(0);
  });

  it("writes JSON to a file atomically and says so on stderr", async () => {
    const dir = await tempDir();
    const output = join(dir, "results.json");
    const run = await runCli([
      "check",
      "--snapshot",
      EXAMPLE_SNAPSHOT,
      "--format",
      "json",
      "--output",
      output,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/wrote .*results\.json/);
    const report = JSON.parse(await readFile(output, "utf8"));
    expect(report.format).toBe("access-baseline/results");
    expect(await readdir(dir)).toEqual(["results.json"]);
  });

  it("applies --param overrides to rule parameters", async () => {
    const strict = await runCli([
      "check",
      "--snapshot",
      EXAMPLE_SNAPSHOT,
      "--format",
      "json",
      "--param",
      "ssm-agent-version.minimumVersion=9.0.0.0",
    ]);
    const failing = JSON.parse(strict.stdout).results.filter(
      (r: { ruleId: string; status: string }) => r.ruleId === "ssm-agent-version" && r.status === "fail",
    );
    const lenient = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"]);
    const failingByDefault = JSON.parse(lenient.stdout).results.filter(
      (r: { ruleId: string; status: string }) => r.ruleId === "ssm-agent-version" && r.status === "fail",
    );
    expect(failing.length).toBeGreaterThan(failingByDefault.length);
  });

  it("takes parameters, severities and switched-off rules from the configuration file", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, ".access-baseline.yml"),
      [
        "fail-on: warning",
        "rules:",
        "  ssh-from-internet: off",
        "  ssm-agent-version:",
        "    severity: note",
        "    params: { minimumVersion: 9.0.0.0 }",
      ].join("\n"),
    );
    const run = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"], { cwd: dir });
    const report = JSON.parse(run.stdout);
    expect(report.results.some((r: { ruleId: string }) => r.ruleId === "ssh-from-internet")).toBe(false);
    const agent = report.results.filter(
      (r: { ruleId: string; status: string }) => r.ruleId === "ssm-agent-version",
    );
    expect(agent.every((r: { severity: string }) => r.severity === "note")).toBe(true);
    // The command line wins over the configuration file.
    const overridden = await runCli(
      [
        "check",
        "--snapshot",
        EXAMPLE_SNAPSHOT,
        "--format",
        "json",
        "--param",
        "ssm-agent-version.minimumVersion=1.0.0.0",
      ],
      { cwd: dir },
    );
    const agentOverridden = JSON.parse(overridden.stdout).results.filter(
      (r: { ruleId: string; status: string }) => r.ruleId === "ssm-agent-version" && r.status === "fail",
    );
    expect(agentOverridden).toHaveLength(0);
  });

  it("loads extra rule directories, and only those with --no-builtin-rules", async () => {
    const run = await runCli([
      "check",
      "--snapshot",
      EXAMPLE_SNAPSHOT,
      "--format",
      "json",
      "--no-builtin-rules",
      "--rules",
      join(FIXTURES, "rules/good"),
    ]);
    const ids = new Set(JSON.parse(run.stdout).rules.map((r: { id: string }) => r.id));
    expect([...ids]).toEqual(["group-has-description"]);
  });
});

describe("bad input: one clear line, exit 2, no stack trace, no partial output", () => {
  const badRules = (name: string) => [
    "check",
    "--snapshot",
    EXAMPLE_SNAPSHOT,
    "--rules",
    join(FIXTURES, "rules", name),
  ];

  it.each([
    ["malformed-yaml", /rules\/malformed-yaml\/broken\.yaml:7:1: invalid YAML: Flow sequence/],
    [
      "schema-failure",
      /bad-severity\.yaml:3:11: severity: "critical" is not allowed; expected one of: "error", "warning", "note"/,
    ],
    [
      "unknown-operator",
      /frobnicate\.yaml:15:7: condition\.all\.1: unknown operator "frobnicate"; expected one of: all, any/,
    ],
    ["duplicate-id", /b\.yaml:1:5: duplicate rule id "same-id" \(also defined in .*a\.yaml\)/],
    ["jmespath-error", /bad-path\.yaml:12:9: invalid JMESPath expression "IpPermissions\[\?IpProtocol=="/],
    [
      "unknown-param",
      /undeclared\.yaml:15:27: "\$params\.prot" refers to a parameter the rule does not declare \(declared: port\)/,
    ],
  ])("a rule directory with %s", async (name, expected) => {
    const run = await runCli(badRules(name));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      "a missing snapshot",
      ["--snapshot", "no/such/file.json"],
      /cannot read snapshot .*no\/such\/file\.json/,
    ],
    ["a truncated snapshot", ["--snapshot", join(FIXTURES, "cli/truncated.json")], /truncated\.json:\d+:\d+/],
    [
      "a snapshot that fails its schema",
      ["--snapshot", join(FIXTURES, "cli/schema-failure.json")],
      /schema-failure\.json/,
    ],
    [
      "an unknown --param rule",
      ["--snapshot", EXAMPLE_SNAPSHOT, "--param", "no-such-rule.x=1"],
      /unknown rule "no-such-rule"/,
    ],
    [
      "an unknown --param name",
      ["--snapshot", EXAMPLE_SNAPSHOT, "--param", "ssm-agent-version.minimum=1"],
      /rule ssm-agent-version has no parameter "minimum" \(it has: minimumVersion\)/,
    ],
    [
      "a --param value of the wrong type",
      ["--snapshot", EXAMPLE_SNAPSHOT, "--param", "ssm-agent-version.minimumVersion=new"],
      /must be a dotted version/,
    ],
    [
      "a --param given twice with two values",
      [
        "--snapshot",
        EXAMPLE_SNAPSHOT,
        "--param",
        "ssm-agent-version.minimumVersion=9.0.0.0",
        "--param",
        "ssm-agent-version.minimumVersion=1.0.0.0",
      ],
      /^access-baseline: --param ssm-agent-version\.minimumVersion given twice, as "9\.0\.0\.0" and as "1\.0\.0\.0"\n$/,
    ],
    [
      "a --param for a name every object has, which no rule declares",
      ["--snapshot", EXAMPLE_SNAPSHOT, "--param", "ssm-agent-version.constructor=1"],
      /rule ssm-agent-version has no parameter "constructor" \(it has: minimumVersion\)/,
    ],
    ["no input", [], /check needs an input/],
    [
      // Only one would be checked: a failing snapshot must not be dropped for the one after it.
      "two snapshots",
      ["--snapshot", EXAMPLE_SNAPSHOT, "--snapshot", join(FIXTURES, "cli/truncated.json")],
      /^access-baseline: --snapshot given twice \(.*snapshot\.json, .*truncated\.json\): check one snapshot per run\n$/,
    ],
  ])("%s", async (_name, args, expected) => {
    const run = await runCli(["check", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a configuration file with an unknown rule names its line", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "config.yml"), "rules:\n  ssh-from-the-internet: off\n");
    const run = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--config", join(dir, "config.yml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/config\.yml:2:\d+: unknown rule "ssh-from-the-internet"/);
  });

  it("a configuration file that fails its schema names its line", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "config.yml"), "fail-on: sometimes\n");
    const run = await runCli(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--config", join(dir, "config.yml")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/config\.yml:1:10: fail-on: "sometimes" is not allowed/);
  });

  it("an unwritable output path leaves nothing behind", async () => {
    const dir = await tempDir();
    const locked = join(dir, "locked");
    await import("node:fs/promises").then((fs) => fs.mkdir(locked));
    await chmod(locked, 0o500);
    const run = await runCli([
      "check",
      "--snapshot",
      EXAMPLE_SNAPSHOT,
      "--output",
      join(locked, "out.sarif"),
    ]);
    await chmod(locked, 0o700);
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; a path under a file fails for everyone.
      const underFile = await runCli([
        "check",
        "--snapshot",
        EXAMPLE_SNAPSHOT,
        "--output",
        join(REPO, "package.json", "out"),
      ]);
      expect(underFile.code).toBe(2);
      expect(underFile.stderr).toMatch(/cannot write output file .*package\.json\/out: not a directory/);
      return;
    }
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write output file/);
    expect(await readdir(locked)).toEqual([]);
  });

  it("a bad snapshot leaves an existing output file untouched", async () => {
    const dir = await tempDir();
    const output = join(dir, "results.json");
    await writeFile(output, "previous results\n");
    const run = await runCli([
      "check",
      "--snapshot",
      join(FIXTURES, "cli/truncated.json"),
      "--output",
      output,
    ]);
    expect(run.code).toBe(2);
    expect(await readFile(output, "utf8")).toBe("previous results\n");
    expect(await readdir(dir)).toEqual(["results.json"]);
  });
});

describe("the built binary", () => {
  it("prints its version and help", () => {
    const version = runBinary(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = runBinary(["check", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--snapshot");
    expect(help.stdout).toContain("Exit codes");
  });

  it("exits 2 on an unknown option without a stack trace", () => {
    const run = runBinary(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on an unknown format", () => {
    const run = runBinary(["check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "xml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown output format "xml": expected one of text, json, sarif/);
  });

  it("prints findings and exits 1 on the example, as `npm start` does", () => {
    const run = runBinary(["check", "--snapshot", "examples/snapshot.json"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("ssh-from-internet");
  });

  it("stops quietly when the reader closes the pipe early", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(
      process.execPath,
      [`${REPO}dist/cli/bin.js`, "check", "--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).not.toBe(null);
  });

  it("shows the stack trace only with --debug", () => {
    const plain = runBinary(["check", "--snapshot", "missing.json"]);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = runBinary(["--debug", "check", "--snapshot", "missing.json"]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
