import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile, mkdir, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, REPO, runCli } from "../support/cli.js";
import { sarifSchemaValidator } from "../report/validators.js";

/**
 * `check PATH…` on CloudFormation templates and Terraform plans, end to end: every result that is
 * not a pass is listed with its exact file, line and column, so that a change in how templates
 * are read, resolved or located shows up here.
 */

interface JsonResult {
  ruleId: string;
  status: string;
  message: string;
  resource: {
    id: string;
    type: string;
    address?: string;
    sourceKind: string;
    account: string;
    region: string;
  };
  location: { uri: string; file?: string; line?: number; column?: number };
}

interface JsonReport {
  inputs: string[];
  results: JsonResult[];
  inputProblems: { file: string; line?: number; column?: number; message: string }[];
}

async function check(args: string[], options: { cwd?: string } = {}) {
  const run = await runCli(["check", ...args, "--format", "json", "--verbose-passes"], options);
  const report = JSON.parse(run.stdout) as JsonReport;
  return { ...run, report };
}

/** Every result that is not a pass or not applicable, as `rule resource status file:line:column`. */
function findings(report: JsonReport): string[] {
  return report.results
    .filter((result) => result.status === "fail" || result.status === "error")
    .map((result) => {
      const { file, line, column } = result.location;
      return `${result.ruleId} ${result.resource.id} ${result.status} ${file}:${line}:${column}`;
    })
    .sort();
}

function result(report: JsonReport, ruleId: string, id: string): JsonResult {
  const found = report.results.find((item) => item.ruleId === ruleId && item.resource.id === id);
  if (!found) throw new Error(`no result for ${ruleId} on ${id}`);
  return found;
}

const NETWORK = "test/fixtures/templates/network.yaml";
const ACCESS = "test/fixtures/templates/access.json";
const WEB_PLAN = "test/fixtures/plans/web/plan.json";
const STANDALONE_PLAN = "test/fixtures/plans/standalone/plan.json";

describe("check on a CloudFormation YAML template", () => {
  it("points every finding at the line of the offending property", async () => {
    const { code, report } = await check([NETWORK]);
    expect(code).toBe(2);
    const n = NETWORK;
    expect(findings(report)).toEqual(
      [
        `rdp-from-internet LegacySecurityGroup fail ${n}:64:11`,
        `rdp-from-internet RangeSecurityGroup fail ${n}:81:11`,
        `rdp-from-internet Ipv6SecurityGroup error ${n}:123:3`,
        `ssh-from-any-source BastionSecurityGroup fail ${n}:46:11`,
        `ssh-from-any-source LegacySecurityGroup fail ${n}:63:11`,
        `ssh-from-any-source RangeSecurityGroup fail ${n}:74:11`,
        `ssh-from-any-source AdminSecurityGroup fail ${n}:89:11`,
        // The SSH rule is a separate AWS::EC2::SecurityGroupIngress joined to its group by !Ref.
        `ssh-from-any-source AppSecurityGroup fail ${n}:105:3`,
        `ssh-from-any-source Ipv6SecurityGroup error ${n}:123:3`,
        `ssh-from-any-source SharedGroupSsh fail ${n}:137:3`,
        `ssh-from-internet BastionSecurityGroup fail ${n}:49:11`,
        `ssh-from-internet LegacySecurityGroup fail ${n}:64:11`,
        `ssh-from-internet RangeSecurityGroup fail ${n}:77:11`,
        `ssh-from-internet AdminSecurityGroup error ${n}:83:3`,
        `ssh-from-internet Ipv6SecurityGroup error ${n}:123:3`,
        // An ingress resource whose group comes from another stack is judged on its own.
        `ssh-from-internet SharedGroupSsh fail ${n}:144:7`,
      ].sort(),
    );
  });

  it("resolves parameters with defaults, mappings, !Select/!Split and !Sub", async () => {
    const { report } = await check([NETWORK]);
    expect(result(report, "ssh-from-internet", "BastionSecurityGroup").message).toBe(
      "BastionSecurityGroup (prod-bastion) allows tcp 22 from 0.0.0.0/0, which includes port 22",
    );
    expect(result(report, "ssh-from-internet", "RangeSecurityGroup").message).toBe(
      "RangeSecurityGroup allows tcp 0-1024 from 198.51.100.0/24, which includes port 22",
    );
    expect(result(report, "ssh-from-internet", "AppSecurityGroup").status).toBe("pass");
    expect(result(report, "ssh-from-any-source", "AppSecurityGroup").message).toBe(
      "AppSecurityGroup allows tcp 22 from BastionSecurityGroup, which includes port 22",
    );
    expect(report.results.some((item) => item.resource.id === "DevOnlyGroup")).toBe(false);
  });

  it("never passes an unknown value: the result is an error that says why", async () => {
    const { report } = await check([NETWORK]);
    expect(result(report, "ssh-from-internet", "AdminSecurityGroup").message).toBe(
      "cannot decide: CidrIp comes from parameter AllowedCidr, which has no default",
    );
    expect(result(report, "ssh-from-internet", "Ipv6SecurityGroup").message).toBe(
      "cannot decide: SecurityGroupIngress depends on condition NeedsIpv6, which cannot be evaluated before deployment (AWS::Region is known only at deployment)",
    );
    // The port is known (22, from a list parameter's default), so the SSH-from-anywhere rule does
    // fail, whatever the CIDR; its message shows the unknown CIDR's reason in its place.
    const anySource = result(report, "ssh-from-any-source", "AdminSecurityGroup");
    expect([anySource.status, anySource.message]).toEqual([
      "fail",
      "AdminSecurityGroup allows tcp 22 from (unknown: CidrIp comes from parameter AllowedCidr, which has no default), which includes port 22",
    ]);
  });

  it("identifies template resources by file and logical id, with placeholder account and region", async () => {
    const { report } = await check([NETWORK]);
    const bastion = result(report, "ssh-from-internet", "BastionSecurityGroup");
    expect(bastion.resource).toMatchObject({
      sourceKind: "cloudformation",
      address: "BastionSecurityGroup",
      region: "unknown",
    });
    expect(bastion.resource.account).toMatch(/^0000\d{8}$/);
    expect(bastion.location.uri).toBe(NETWORK);
  });
});

describe("check on a CloudFormation JSON template", () => {
  it("points at properties, trust statements and policy statements", async () => {
    const { code, report } = await check([ACCESS]);
    expect(code).toBe(2);
    const a = ACCESS;
    expect(findings(report)).toEqual(
      [
        `role-session-name-condition session-operator fail ${a}:109:13`,
        `session-termination-scoped alice fail ${a}:172:13`,
        `session-termination-scoped session-operators fail ${a}:172:13`,
        `start-session-document-access-check session-operator fail ${a}:123:17`,
        `start-session-source-condition session-operator fail ${a}:123:17`,
        `instance-role-ssm-permissions BastionHost fail ${a}:30:5`,
        `exposed-bastion BastionHost fail ${a}:30:5`,
        `instance-key-pair BastionHost error ${a}:30:5`,
        `instance-key-pair AppServer fail ${a}:51:9`,
        `ssh-from-any-source BastionSecurityGroup fail ${a}:21:11`,
        `ssh-from-internet BastionSecurityGroup fail ${a}:25:13`,
        `session-run-as SSM-SessionManagerRunShell fail ${a}:213:13`,
        // The template holds no trail and no EventBridge rule.
        `session-start-alerting SSM-SessionManagerRunShell fail ${a}:198:5`,
        `session-timeouts SSM-SessionManagerRunShell fail ${a}:215:13`,
        `port-forwarding-documents-limited session-operator fail ${a}:123:17`,
        `port-forwarding-documents-limited alice fail ${a}:162:13`,
        `port-forwarding-documents-limited session-operators fail ${a}:162:13`,
      ].sort(),
    );
  });

  it("relates instances, profiles, roles, managed policies and the session key", async () => {
    const { report } = await check([ACCESS]);
    expect(result(report, "instance-role-ssm-permissions", "AppServer").status).toBe("pass");
    expect(result(report, "session-kms-permission", "session-operator").status).toBe("pass");
    expect(result(report, "session-kms-permission", "alice").status).toBe("pass");
    expect(result(report, "session-kms-encryption", "SSM-SessionManagerRunShell").status).toBe("pass");
    expect(result(report, "exposed-bastion", "BastionHost").message).toBe(
      "BastionHost has public IP (assigned at launch), and security group BastionSecurityGroup (bastion) allows tcp 22 from 198.51.100.0/24, which covers port 22",
    );
    expect(result(report, "exposed-bastion", "AppServer").status).toBe("not_applicable");
    expect(result(report, "instance-key-pair", "BastionHost").message).toBe(
      "cannot decide: KeyName comes from parameter KeyName, which has no default",
    );
    // Registration with Systems Manager shows only once an instance runs: not judged here.
    expect(result(report, "instance-managed-by-ssm", "AppServer")).toMatchObject({
      status: "not_applicable",
      message: "judged on live data only",
    });
  });
});

describe("check on a Terraform plan", () => {
  it("points at the .tf file and line when the configuration sits beside the plan", async () => {
    const { code, report } = await check([WEB_PLAN]);
    expect(code).toBe(2);
    const dir = "test/fixtures/plans/web";
    expect(findings(report)).toEqual(
      [
        `role-session-name-condition session-operator fail ${dir}/iam.tf:40:3`,
        `session-termination-scoped alice fail ${dir}/iam.tf:71:3`,
        `session-termination-scoped session-operators fail ${dir}/iam.tf:71:3`,
        `start-session-document-access-check session-operator fail ${dir}/iam.tf:54:3`,
        `start-session-source-condition session-operator fail ${dir}/iam.tf:54:3`,
        `port-forwarding-documents-limited session-operator fail ${dir}/iam.tf:54:3`,
        `instance-role-ssm-permissions aws_instance.bastion fail ${dir}/instances.tf:1:1`,
        `exposed-bastion aws_instance.bastion fail ${dir}/instances.tf:1:1`,
        `instance-key-pair aws_instance.bastion fail ${dir}/instances.tf:7:3`,
        // The group's own ingress is computed (not set); its rules are separate resources.
        `rdp-from-internet aws_security_group.app fail ${dir}/main.tf:70:3`,
        `ssh-from-any-source aws_security_group.app fail ${dir}/main.tf:58:1`,
        `ssh-from-any-source aws_security_group.bastion fail ${dir}/main.tf:43:3`,
        `ssh-from-any-source aws_security_group.ci fail ${dir}/main.tf:83:1`,
        `ssh-from-internet aws_security_group.app fail ${dir}/main.tf:70:3`,
        // ingress is a set: the plan's order is not the file's, so blocks are matched by value.
        `ssh-from-internet aws_security_group.bastion fail ${dir}/main.tf:48:5`,
        `ssh-from-internet aws_security_group.ci error ${dir}/main.tf:77:1`,
        `session-kms-encryption SSM-SessionManagerRunShell error ${dir}/ssm.tf:6:1`,
        // The session key is known only after apply: whether the operator may use it cannot be told.
        `session-kms-permission session-operator error ${dir}/iam.tf:38:1`,
        `session-logging-enabled SSM-SessionManagerRunShell error ${dir}/ssm.tf:6:1`,
        `session-logs-encrypted SSM-SessionManagerRunShell error ${dir}/ssm.tf:6:1`,
        `session-run-as SSM-SessionManagerRunShell error ${dir}/ssm.tf:6:1`,
        `session-start-alerting SSM-SessionManagerRunShell fail ${dir}/ssm.tf:6:1`,
        `session-timeouts SSM-SessionManagerRunShell error ${dir}/ssm.tf:6:1`,
      ].sort(),
    );
  });

  it("turns values known only after apply into errors naming the attribute and the address", async () => {
    const { report } = await check([WEB_PLAN]);
    // Only where the value matters: the unknown address is on a port-22 rule, not an RDP one.
    expect(result(report, "rdp-from-internet", "aws_security_group.ci").status).toBe("pass");
    expect(result(report, "ssh-from-internet", "aws_security_group.ci").message).toBe(
      "cannot decide: cidr_ipv4 of aws_vpc_security_group_ingress_rule.ci_ssh is known only after apply",
    );
    expect(result(report, "session-logging-enabled", "SSM-SessionManagerRunShell").message).toBe(
      "cannot decide: content of aws_ssm_document.session_preferences is known only after apply",
    );
  });

  it("follows references through the configuration, modules included", async () => {
    const { report } = await check([WEB_PLAN]);
    // security_group_id = aws_security_group.app.id joins the rule to its group.
    expect(result(report, "ssh-from-any-source", "aws_security_group.app").message).toBe(
      "aws_security_group.app allows tcp 22 from aws_security_group.bastion, which includes port 22 (and 1 more)",
    );
    // iam_instance_profile → role → policy_arn = aws_iam_policy.instance_core.arn
    expect(result(report, "instance-role-ssm-permissions", "aws_instance.app[0]").status).toBe("pass");
    // subnet_id = module.network.private_subnet_id: a subnet without public IPs
    expect(result(report, "exposed-bastion", "aws_instance.app[1]").status).toBe("not_applicable");
    expect(result(report, "ssh-from-internet", "aws_security_group.bastion").resource).toMatchObject({
      sourceKind: "terraform-plan",
      address: "aws_security_group.bastion",
      region: "eu-west-1",
    });
  });

  it("points at the plan file and the resource when the configuration is not beside it", async () => {
    const { report } = await check([STANDALONE_PLAN]);
    const p = STANDALONE_PLAN;
    expect(findings(report)).toEqual(
      [
        `start-session-source-condition deploy fail ${p}:514:11`,
        `port-forwarding-documents-limited deploy fail ${p}:514:11`,
        `instance-role-ssm-permissions module.app["production"].aws_instance.web fail ${p}:757:5`,
        `instance-role-ssm-permissions module.app["staging"].aws_instance.web fail ${p}:1040:5`,
        // The key pair comes from the launch template, and is located there.
        `instance-key-pair module.app["production"].aws_instance.web fail ${p}:901:11`,
        `instance-key-pair module.app["staging"].aws_instance.web fail ${p}:1184:11`,
        `rdp-from-internet aws_security_group.shared fail ${p}:620:17`,
        `rdp-from-internet module.app["production"].aws_security_group.web fail ${p}:987:17`,
        `rdp-from-internet module.app["staging"].aws_security_group.web fail ${p}:1270:17`,
        `ssh-from-any-source aws_security_group.shared fail ${p}:618:13`,
        `ssh-from-internet aws_security_group.shared fail ${p}:620:17`,
        `session-kms-encryption SSM-SessionManagerRunShell fail ${p}:721:11`,
        `session-logging-enabled SSM-SessionManagerRunShell fail ${p}:721:11`,
        `session-start-alerting SSM-SessionManagerRunShell fail ${p}:708:5`,
        `session-timeouts SSM-SessionManagerRunShell fail ${p}:721:11`,
      ].sort(),
    );
    const plan = (await readFile(join(REPO, p), "utf8")).split("\n");
    // The resource's own line is where its entry in resource_changes opens, just above its address.
    expect(plan[757 - 1]).toBe("    {");
    expect(plan[758 - 1]).toContain('"address": "module.app[\\"production\\"].aws_instance.web"');
    expect(plan[620 - 1]).toBe(`                "0.0.0.0/0"`);
  });
});

describe("check on directories", () => {
  it("finds templates, skips other files, and says so with --verbose", async () => {
    const dir = "test/fixtures/templates/mixed";
    const quiet = await check([dir]);
    expect(quiet.stderr).toBe("");
    expect(findings(quiet.report)).toEqual([`rdp-from-internet AppSecurityGroup fail ${dir}/app.yaml:11:11`]);
    expect(quiet.code).toBe(1);
    expect(quiet.report.inputs).toEqual([dir]);

    const verbose = await check([dir, "--verbose"]);
    const lines = verbose.stderr.trim().split("\n");
    expect(lines).toEqual([
      `access-baseline: read ${dir}/app.yaml (CloudFormation): 1 resource to check`,
      `access-baseline: skipped ${dir}/ci/workflow.yml: neither a CloudFormation template nor a Terraform plan`,
      `access-baseline: ${dir}/nested.yaml:3: nested stack Network is not checked; check its template directly`,
      `access-baseline: read ${dir}/nested.yaml (CloudFormation): 0 resources to check, 1 not checked`,
      `access-baseline: skipped ${dir}/package.json: neither a CloudFormation template nor a Terraform plan`,
      `access-baseline: skipped ${dir}/tsconfig.json: JSON with comments, which no template or plan is`,
    ]);
  });

  it("notes what it cannot check in a template", async () => {
    const { stderr } = await check([NETWORK, "--verbose"]);
    expect(stderr).toContain(
      `${NETWORK}:153: DevOnlyGroup is not created (condition IsDev is false) and is not checked`,
    );
    expect(stderr).toContain(
      `${NETWORK}:164: nested stack Network is not checked; check its template directly`,
    );
    expect(stderr).toContain(
      `${NETWORK}:137: SharedGroupSsh adds a rule to a security group that is not in the template (GroupId comes from Fn::ImportValue shared-services-security-group, which is another stack's export, known only at deployment); the rule is checked as a group of its own`,
    );
  });

  it("reports a path with nothing to check, rather than passing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-templates-"));
    await mkdir(join(dir, "infra"));
    await writeFile(join(dir, "infra", "README.md"), "Templates go here.\n");
    await writeFile(join(dir, "infra", "workflow.yml"), "name: build\non: [push]\n");
    const { code, report } = await check(["infra"], { cwd: dir });
    expect(code).toBe(2);
    expect(report.inputProblems).toEqual([
      { file: "infra", message: "no CloudFormation template or Terraform plan found here" },
    ]);
    const missing = await check(["no/such/dir"]);
    expect(missing.report.inputProblems).toEqual([
      { file: "no/such/dir", message: "cannot read it: no such file or directory" },
    ]);
  });
});

describe("waivers in a template's Metadata", () => {
  it("waive the finding on their resource, and a malformed one is reported at its line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-templates-"));
    const template = [
      "Resources:",
      "  BreakGlass:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Metadata:",
      "      access-baseline:",
      "        waivers:",
      "          - rule: ssh-from-internet",
      "            reason: Break-glass access for the on-call team",
      "            owner: sre",
      "            expires: 2026-12-31",
      "    Properties:",
      "      GroupDescription: Break glass",
      "      SecurityGroupIngress:",
      "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
      "  Other:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Metadata:",
      "      access-baseline:",
      "        waivers: not-a-list",
      "    Properties:",
      "      GroupDescription: Other",
      "  Misspelt:",
      "    Type: AWS::EC2::SecurityGroup",
      "    Metadata:",
      "      access-baseline:",
      "        waiver:",
      "          - rule: ssh-from-internet",
      "            reason: Jump host",
      "            owner: sre",
      "            expires: 2026-12-31",
      "    Properties:",
      "      GroupDescription: Misspelt",
      "      SecurityGroupIngress:",
      "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
      "",
    ].join("\n");
    await writeFile(join(dir, "stack.yaml"), template);
    const run = await runCli(["check", "stack.yaml", "--format", "json"], {
      cwd: dir,
      env: { ACCESS_BASELINE_TODAY: "2026-11-20" },
    });
    const report = JSON.parse(run.stdout) as JsonReport & { waivers: { state: string }[] };
    expect(result(report, "ssh-from-internet", "BreakGlass").status).toBe("waived");
    expect(result(report, "ssh-from-any-source", "BreakGlass").status).toBe("fail");
    expect(report.waivers.map((waiver) => waiver.state)).toEqual(["active"]);
    expect(report.inputProblems).toEqual([
      {
        file: "stack.yaml",
        line: 19,
        column: 9,
        message: expect.stringMatching(/^invalid waiver on Other: /),
      },
      {
        file: "stack.yaml",
        line: 26,
        column: 9,
        message:
          'invalid waiver on Misspelt: Metadata.access-baseline: unexpected key "waiver"; expected "waivers"',
      },
    ]);
    // The waiver the author meant is not read, so the failure stays.
    expect(result(report, "ssh-from-internet", "Misspelt").status).toBe("fail");
  });
});

describe("bad input", () => {
  it("reports each bad file with its line and column, and still checks the others", async () => {
    const { code, report } = await check([
      "test/fixtures/templates/bad",
      "test/fixtures/plans/bad",
      "test/fixtures/templates/mixed/app.yaml",
    ]);
    expect(code).toBe(2);
    expect(report.inputProblems).toEqual([
      {
        file: "test/fixtures/templates/bad/alias-bomb.yaml",
        line: 8,
        column: 10,
        message:
          "YAML aliases expand to more than 100000 nodes; this looks like an alias bomb and is not read",
      },
      {
        file: "test/fixtures/templates/bad/malformed.json",
        line: 10,
        column: 11,
        message: `not valid JSON: expected ',' or ']' after an array element, found "{"`,
      },
      {
        file: "test/fixtures/templates/bad/malformed.yaml",
        line: 10,
        column: 1,
        message: "not valid YAML: Sequence item without - indicator",
      },
      {
        file: "test/fixtures/templates/bad/no-type.yaml",
        line: 7,
        column: 3,
        message: "not a valid CloudFormation template: resource Orphan has no Type",
      },
      {
        file: "test/fixtures/plans/bad/future-format.json",
        line: 2,
        column: 3,
        message:
          'Terraform plan format version "2.0" is not supported (this tool reads format versions 0.x and 1.x)',
      },
    ]);
    expect(findings(report)).toEqual([
      "rdp-from-internet AppSecurityGroup fail test/fixtures/templates/mixed/app.yaml:11:11",
    ]);
  });

  it("names input problems in the text report too", async () => {
    const run = await runCli(["check", "test/fixtures/templates/bad/malformed.json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      `test/fixtures/templates/bad/malformed.json:10:11: not valid JSON: expected ',' or ']' after an array element, found "{"`,
    );
  });

  it("refuses a binary plan named on the command line, saying how to convert it", async () => {
    const { code, report } = await check(["test/fixtures/plans/bad/plan.out"]);
    expect(code).toBe(2);
    expect(report.inputProblems[0]?.message).toMatch(/binary Terraform plan .*terraform show -json PLANFILE/);
  });

  it("bounds nesting depth in JSON and YAML", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-templates-"));
    const deepJson = `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"A": {"Type": "AWS::EC2::SecurityGroup", "Metadata": ${"[".repeat(200)}${"]".repeat(200)}}}}`;
    await writeFile(join(dir, "deep.json"), deepJson);
    const deepYaml = `Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Metadata: ${"[".repeat(200)}${"]".repeat(200)}\n`;
    await writeFile(join(dir, "deep.yaml"), deepYaml);
    const { code, report } = await check([dir], { cwd: dir });
    expect(code).toBe(2);
    expect(report.inputProblems).toEqual([
      // The 126th bracket is the 129th level, inside the three mappings around it.
      {
        file: "deep.json",
        line: 1,
        column: 110 + 126,
        message: "not valid JSON: nesting deeper than 128 levels",
      },
      { file: "deep.yaml", line: 4, column: 14 + 126, message: "nesting deeper than 128 levels" },
    ]);
  });

  it("refuses YAML over the size limit with a clear message", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-templates-"));
    const group = (index: number) =>
      `  Group${index}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ${"x".repeat(200)}\n`;
    await writeFile(
      join(dir, "big.yaml"),
      `Resources:\n${Array.from({ length: 9000 }, (_, i) => group(i)).join("")}`,
    );
    const { report } = await check(["big.yaml"], { cwd: dir });
    expect(report.inputProblems[0]?.message).toMatch(
      /^the YAML file is \d+ MB, larger than the 2 MB this tool reads as YAML/,
    );
  });
});

describe("SARIF for templates and plans", () => {
  it("validates, and places each result at the file and line of the JSON output", async () => {
    const validate = sarifSchemaValidator();
    for (const input of [NETWORK, WEB_PLAN]) {
      const sarif = await runCli(["check", input, "--format", "sarif"]);
      const log = JSON.parse(sarif.stdout) as {
        runs: {
          automationDetails?: { id?: string };
          results: {
            ruleId: string;
            kind?: string;
            locations: {
              physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } };
            }[];
          }[];
        }[];
      };
      expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(log.runs.map((run) => run.automationDetails?.id)).toEqual(["iac/"]);
      const { report } = await check([input]);
      const failing = report.results.filter((item) => item.status === "fail");
      const located = log.runs[0]!.results.filter((item) => item.kind === "fail" || item.kind === undefined);
      for (const item of failing) {
        const match = located.find(
          (candidate) =>
            candidate.ruleId === item.ruleId &&
            candidate.locations[0]?.physicalLocation.artifactLocation.uri === item.location.uri &&
            candidate.locations[0]?.physicalLocation.region?.startLine === item.location.line,
        );
        expect(match, `${item.ruleId} at ${item.location.uri}:${item.location.line}`).toBeDefined();
      }
    }
  });
});

describe("large templates", () => {
  it("reads a 50 MB template within the memory target", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-large-"));
    await mkdir(join(dir, "templates"));
    // Large the way real templates are: inline function code and big mappings, plus groups.
    const code = (index: number) =>
      Array.from(
        { length: 2500 },
        (_, line) => `  console.log("handler ${index} line ${line}: writing the event to the log");`,
      ).join("\n");
    const resources: Record<string, unknown> = {};
    for (let index = 0; index < 290; index += 1) {
      resources[`Function${index}`] = {
        Type: "AWS::Lambda::Function",
        Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: code(index) } },
      };
    }
    for (let index = 0; index < 500; index += 1) {
      const port = index % 100 === 0 ? 22 : 443;
      resources[`Group${index}`] = {
        Type: "AWS::EC2::SecurityGroup",
        Properties: {
          GroupDescription: `group ${index}`,
          SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: port, ToPort: port, CidrIp: "0.0.0.0/0" }],
        },
      };
    }
    const path = join(dir, "templates", "large.json");
    await writeFile(
      path,
      JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources }, null, 2),
    );
    const size = (await readFile(path)).length;
    expect(size).toBeGreaterThan(50 * 1024 * 1024);

    const probe = join(dir, "probe.json");
    await copyFile(join(REPO, "scripts", "bench-probe.mjs"), join(dir, "probe.mjs"));
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        `file://${join(dir, "probe.mjs")}`,
        join(REPO, "dist", "cli", "bin.js"),
        "check",
        "templates",
        "--format",
        "json",
        "--output",
        "out.json",
      ],
      { cwd: dir, env: { PATH: process.env.PATH, BENCH_PROBE_OUTPUT: probe }, encoding: "utf8" },
    );
    // Five groups open SSH to the internet: two rules each.
    expect(run.stderr).toMatch(/10 failing, 0 not evaluated/);
    expect(run.status).toBe(1);
    const { maxRssKb } = JSON.parse(await readFile(probe, "utf8")) as { maxRssKb: number };
    expect(maxRssKb / 1024).toBeLessThan(400);
  }, 60_000);
});

describe("fixtures", () => {
  it("keep their line numbers (the expectations above depend on them)", async () => {
    const network = (await readFile(join(FIXTURES, "templates", "network.yaml"), "utf8")).split("\n");
    expect(network[49 - 1]).toBe("          CidrIp: !Ref SshCidr");
    expect(network[105 - 1]).toBe("  AppSshFromBastion:");
    const main = (await readFile(join(FIXTURES, "plans", "web", "main.tf"), "utf8")).split("\n");
    expect(main[48 - 1]).toBe('    cidr_blocks = ["0.0.0.0/0"]');
  });
});

describe("templates recognised by their structure", () => {
  async function templateDir(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-templates-"));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }

  it("reads modules, third-party and private types, noting them as not checked", async () => {
    const dir = await templateDir({
      "stack.yaml": [
        "Resources:",
        "  Network:",
        "    Type: My::Org::Network::MODULE",
        "  Widget:",
        "    Type: Acme::Foo::Bar",
        "  Seed:",
        "    Type: Custom::Seeder",
        "  Handler:",
        "    Type: AWS::Lambda::Function",
        "  Open:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        "      GroupDescription: open",
        "      SecurityGroupIngress:",
        "        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
        "",
      ].join("\n"),
    });
    const { code, report, stderr } = await check(["stack.yaml", "--verbose"], { cwd: dir });
    expect(report.inputProblems).toEqual([]);
    expect(code).toBe(1);
    expect(result(report, "ssh-from-internet", "Open").status).toBe("fail");
    expect(stderr).toContain(
      "access-baseline: read stack.yaml (CloudFormation): 1 resource to check, 4 not checked",
    );
    expect(stderr).toContain(
      "stack.yaml:2: Network (My::Org::Network::MODULE) is a registry module, expanded at deployment; the resources it adds are not checked",
    );
    expect(stderr).toContain("stack.yaml:4: Widget (Acme::Foo::Bar) is not checked: no rule reads this type");
    expect(stderr).toContain(
      "stack.yaml:8: Handler (AWS::Lambda::Function) is not checked: no rule reads this type",
    );
  });

  it("expands Fn::ForEach loops and checks every resource they generate", async () => {
    const dir = await templateDir({
      "loops.yaml": [
        "Transform: AWS::LanguageExtensions",
        "Parameters:",
        "  Teams: { Type: CommaDelimitedList, Default: 'red,blue' }",
        "Resources:",
        "  Fn::ForEach::Teams:",
        "    - Team",
        "    - !Ref Teams",
        "    - ${Team}Group:",
        "        Type: AWS::EC2::SecurityGroup",
        "        Properties:",
        "          GroupDescription: !Sub '${Team} team'",
        "          SecurityGroupIngress:",
        "            - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
        "",
      ].join("\n"),
    });
    const { code, report } = await check(["loops.yaml"], { cwd: dir });
    expect(report.inputProblems).toEqual([]);
    expect(code).toBe(1);
    expect(findings(report).filter((finding) => finding.startsWith("ssh-from-internet "))).toEqual([
      "ssh-from-internet blueGroup fail loops.yaml:13:60",
      "ssh-from-internet redGroup fail loops.yaml:13:60",
    ]);
  });

  it("reports a loop whose collection cannot be known, at the loop's line", async () => {
    const dir = await templateDir({
      "loops.yaml": [
        "Transform: AWS::LanguageExtensions",
        "Parameters:",
        "  Teams: { Type: CommaDelimitedList }",
        "Resources:",
        "  Fn::ForEach::Teams:",
        "    - Team",
        "    - !Ref Teams",
        "    - ${Team}Group: { Type: AWS::EC2::SecurityGroup }",
        "",
      ].join("\n"),
    });
    const { code, report } = await check(["loops.yaml"], { cwd: dir });
    expect(code).toBe(2);
    expect(report.inputProblems).toEqual([
      {
        file: "loops.yaml",
        line: 5,
        column: 3,
        message:
          "the collection of Fn::ForEach::Teams cannot be known before deployment (parameter Teams has no default), so the resources it generates cannot be checked",
      },
    ]);
  });

  it("refuses a template without resources, as CloudFormation does", async () => {
    const dir = await templateDir({
      "empty.yaml": 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n',
    });
    const { code, report } = await check(["empty.yaml"], { cwd: dir });
    expect(code).toBe(2);
    expect(report.inputProblems).toEqual([
      {
        file: "empty.yaml",
        line: 2,
        column: 1,
        message: "not a valid CloudFormation template: template defines no resources",
      },
    ]);
  });

  it("shows every path relative to the working directory", async () => {
    const dir = await templateDir({ "notes.yaml": "title: not a template\n" });
    const { report } = await check([join(dir, "notes.yaml"), join(dir, "missing.yaml")], { cwd: dir });
    expect(report.inputProblems).toEqual([
      { file: "missing.yaml", message: "cannot read it: no such file or directory" },
      { file: "notes.yaml", message: "no CloudFormation template or Terraform plan found here" },
    ]);
  });
});

describe("a user-written rule on instance metadata options", () => {
  const RULE = [
    "id: imdsv2-required",
    "title: Instances require IMDSv2",
    "severity: error",
    "security-severity: 5",
    "description: The instance metadata service answers only session-token requests.",
    "rationale: IMDSv1 can be reached through request forgery.",
    "remediation: Set MetadataOptions.HttpTokens to required in the launch template.",
    "tags: [test]",
    "resource: AWS::EC2::Instance",
    "condition:",
    "  path: MetadataOptions.HttpTokens",
    "  equals: required",
    'message: "{resource.InstanceId} does not require IMDSv2"',
    "",
  ].join("\n");

  function template(tokens: string | undefined): string {
    const launchTemplate =
      tokens === undefined
        ? []
        : [
            "  Template:",
            "    Type: AWS::EC2::LaunchTemplate",
            "    Properties:",
            "      LaunchTemplateData:",
            `        MetadataOptions: { HttpTokens: ${tokens} }`,
          ];
    return [
      "Resources:",
      ...launchTemplate,
      "  Host:",
      "    Type: AWS::EC2::Instance",
      "    Properties:",
      "      ImageId: ami-123",
      ...(tokens === undefined
        ? []
        : ["      LaunchTemplate: { LaunchTemplateId: !Ref Template, Version: '1' }"]),
      "",
    ].join("\n");
  }

  it.each([
    ["required", "required", "pass", 0],
    ["optional", "optional", "fail", 1],
    ["not resolvable (no launch template)", undefined, "error", 2],
  ])("is decided from the template: %s", async (_name, tokens, status, exit) => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-templates-"));
    await mkdir(join(dir, "rules"));
    await writeFile(join(dir, "rules", "imdsv2-required.yaml"), RULE);
    await writeFile(join(dir, "stack.yaml"), template(tokens));
    const { code, report } = await check(["stack.yaml", "--no-builtin-rules", "--rules", "rules"], {
      cwd: dir,
    });
    const found = result(report, "imdsv2-required", "Host");
    expect(found.status).toBe(status);
    if (status === "error") expect(found.message).toMatch(/^cannot decide: MetadataOptions depends on/);
    expect(code).toBe(exit);
  });
});

describe("hostile and unusual Terraform plans", () => {
  const change = (address: string, after: unknown, afterUnknown: unknown = {}) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    name: address.split(".")[1],
    change: { actions: ["create"], before: null, after, after_unknown: afterUnknown, after_sensitive: {} },
  });
  const sshFrom = (sources: Record<string, unknown>) => ({
    from_port: 22,
    to_port: 22,
    protocol: "tcp",
    cidr_blocks: [],
    ipv6_cidr_blocks: [],
    prefix_list_ids: [],
    security_groups: [],
    self: false,
    description: "",
    ...sources,
  });

  async function checkPlan(plan: unknown, extra: string[] = []) {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-plan-"));
    await writeFile(join(dir, "plan.json"), JSON.stringify(plan, null, 2));
    return { dir, ...(await check([join(dir, "plan.json"), ...extra], { cwd: dir })) };
  }

  it("never passes an ingress the plan marks unknown as a whole", async () => {
    const { code, report } = await checkPlan({
      format_version: "1.2",
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_security_group.open",
              mode: "managed",
              type: "aws_security_group",
              name: "open",
              expressions: { name: { constant_value: "open" } },
            },
          ],
        },
      },
      resource_changes: [
        change(
          "aws_security_group.open",
          { name: "open", ingress: [sshFrom({ cidr_blocks: ["0.0.0.0/0"] })] },
          { ingress: true },
        ),
      ],
    });
    expect(code).toBe(2);
    expect(result(report, "ssh-from-internet", "aws_security_group.open")).toMatchObject({
      status: "error",
      message: "cannot decide: ingress of aws_security_group.open is known only after apply",
    });
  });

  it("reports a plan whose resource changes are not a list, at its line, and exits 2", async () => {
    const { code, report } = await checkPlan({
      format_version: "1.2",
      resource_changes: { open: change("aws_security_group.open", { name: "open" }) },
    });
    expect(code).toBe(2);
    expect(report.inputProblems).toEqual([
      {
        file: "plan.json",
        line: 3,
        column: 3,
        message: "resource_changes of the Terraform plan must be a list, not an object",
      },
    ]);
  });

  it("decides SSH rules whose source is a security group known only after apply", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change(
          "aws_security_group.app",
          { name: "app", ingress: [sshFrom({ security_groups: null })] },
          { ingress: [{ security_groups: true }] },
        ),
      ],
    };
    const { report } = await checkPlan(plan);
    expect(result(report, "ssh-from-internet", "aws_security_group.app").status).toBe("pass");
    // The stricter rule's own condition, with a message that does not print the group ids.
    const rules = await mkdtemp(join(tmpdir(), "access-baseline-rules-"));
    await writeFile(
      join(rules, "ssh-from-any-group.yaml"),
      [
        "id: ssh-from-any-group",
        "title: No SSH from anywhere",
        "severity: warning",
        "security-severity: 5",
        "description: SSH from any source.",
        "rationale: Session Manager needs no inbound port.",
        "remediation: Remove the rule.",
        "tags: [test]",
        "resource: AWS::EC2::SecurityGroup",
        "condition:",
        "  none:",
        "    in: IpPermissions[]",
        "    where:",
        "      covers-port: { port: 22 }",
        'message: "{resource.GroupId} allows SSH"',
        "",
      ].join("\n"),
    );
    const strict = await checkPlan(plan, ["--no-builtin-rules", "--rules", rules]);
    expect(result(strict.report, "ssh-from-any-group", "aws_security_group.app").status).toBe("fail");
  });

  it("reads an instance's metadata options for a rule of the user's own", async () => {
    const rules = await mkdtemp(join(tmpdir(), "access-baseline-rules-"));
    await writeFile(
      join(rules, "imdsv2-required.yaml"),
      [
        "id: imdsv2-required",
        "title: Instances must require IMDSv2",
        "severity: error",
        "security-severity: 7",
        "description: The instance metadata service answers without a session token.",
        "rationale: IMDSv1 lets a server-side request forgery read the role's credentials.",
        'remediation: Set metadata_options { http_tokens = "required" }.',
        "tags: [test]",
        "resource: AWS::EC2::Instance",
        "condition:",
        "  path: MetadataOptions.HttpTokens",
        "  equals: required",
        'message: "{resource.InstanceId} does not require IMDSv2"',
        "",
      ].join("\n"),
    );
    const instance = (name: string, metadata: unknown, afterUnknown: unknown = {}) =>
      change(
        `aws_instance.${name}`,
        { ami: "ami-0a3c5e7f9b1d2c4e6", instance_type: "t3.micro", metadata_options: metadata },
        afterUnknown,
      );
    const { report } = await checkPlan(
      {
        format_version: "1.2",
        resource_changes: [
          instance("optional", [
            { http_tokens: "optional", http_endpoint: "enabled", http_put_response_hop_limit: 1 },
          ]),
          instance("required", [
            { http_tokens: "required", http_endpoint: "enabled", http_put_response_hop_limit: 1 },
          ]),
          instance("later", null, { metadata_options: true }),
        ],
      },
      ["--no-builtin-rules", "--rules", rules],
    );
    expect(result(report, "imdsv2-required", "aws_instance.optional").status).toBe("fail");
    expect(result(report, "imdsv2-required", "aws_instance.required").status).toBe("pass");
    expect(result(report, "imdsv2-required", "aws_instance.later")).toMatchObject({
      status: "error",
      message: "cannot decide: metadata_options of aws_instance.later is known only after apply",
    });
  });
});
