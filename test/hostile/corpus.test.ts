import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, runCli } from "../support/cli.js";
import { scratchDirectory } from "../support/fuzz.js";

/**
 * The hostile-input corpus: malformed, truncated, empty, binary, mis-encoded, deeply nested,
 * duplicated, mistyped and look-alike inputs of every kind the CLI reads, each with the outcome
 * it must have. Every entry runs `check … --format json --output report.json` and asserts the
 * exit code, that the one line naming the problem (on standard error, as an input problem, or as
 * the result of a rule) matches, that no line holds a stack trace or an internal error, and that
 * a report is left behind only when the run produced one (never a partial file).
 *
 * Small fixtures are committed under test/fixtures/hostile/; large ones (a megabyte string,
 * 100,000-deep nesting, a YAML file over the size limit, random bytes) are generated into the
 * scratch copy below, so the repository stays small. A file added to the corpus must be added to
 * the table: the last test checks that the two agree.
 */

const CORPUS = join(FIXTURES, "hostile");
const OPEN_SNAPSHOT = "snapshots/open-ssh.json";
const DEPTH = 100_000;
const MEGABYTE = 1024 * 1024;

/** How each kind of input is given to the CLI. */
type Command = (file: string) => string[];
const template: Command = (file) => ["check", file];
const snapshot: Command = (file) => ["check", "--snapshot", file];
const configuration: Command = (file) => ["check", "--snapshot", OPEN_SNAPSHOT, "--config", file];
const rules: Command = (dir) => ["check", "--snapshot", OPEN_SNAPSHOT, "--rules", dir];
const baseline: Command = (file) => ["check", "--snapshot", OPEN_SNAPSHOT, "--baseline", file];

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

function openTemplateJson(description: string, cidr = "0.0.0.0/0"): string {
  const ingress = [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: cidr }];
  const properties = { GroupDescription: description, SecurityGroupIngress: ingress };
  const resources = { Bastion: { Type: "AWS::EC2::SecurityGroup", Properties: properties } };
  return JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources }, null, 2);
}

/** Bytes from a fixed linear congruential sequence, from `lowest` up: the same file on every run. */
function seededBytes(length: number, seed: number, lowest: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[index] = lowest + ((state >>> 16) % (256 - lowest));
  }
  return bytes;
}

/** Fixtures too large (or too binary) to commit, written into the scratch copy of the corpus. */
const GENERATED: Record<string, (corpus: string) => Promise<string | Buffer> | string | Buffer> = {
  "templates/deep-nesting.json": () =>
    `{"Resources": {"Bastion": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": ${nested(DEPTH)}}}}}`,
  "templates/deep-nesting.yaml": () =>
    `Resources:\n  Bastion:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ${nested(DEPTH)}\n`,
  "templates/huge-string.json": () => openTemplateJson("x".repeat(MEGABYTE)),
  "templates/huge-cidr.json": () => openTemplateJson("Bastion", "0.0.0.0/0" + "0".repeat(MEGABYTE)),
  "templates/larger-than-yaml-limit.yaml": () =>
    `AWSTemplateFormatVersion: "2010-09-09"\nMetadata:\n  Padding: ${"x".repeat(2 * MEGABYTE + 1)}\nResources:\n  Bastion:\n    Type: AWS::EC2::SecurityGroup\n`,
  "templates/random-bytes.json": () => seededBytes(4096, 1, 0),
  "templates/random-high-bytes.yaml": () => seededBytes(4096, 2, 0x80),
  "plans/deep-nesting.json": () =>
    `{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "aws_security_group.bastion", "mode": "managed", "type": "aws_security_group", "name": "bastion", "values": {"tags": ${nested(DEPTH)}}}]}}}`,
  "snapshots/deep-nesting.json": () =>
    `{"format": "access-baseline/snapshot", "version": 1, "createdAt": "2026-11-20T09:30:00.000Z", "tool": {"name": "access-baseline", "version": "0.1.0"}, "scopes": [], "resources": [{"type": "AWS::EC2::SecurityGroup", "id": "sg-1", "account": "111122223333", "region": "eu-west-1", "source": {"kind": "aws-live"}, "properties": {"GroupId": "sg-1", "IpPermissions": [], "Tags": ${nested(DEPTH)}}}], "collectionErrors": []}`,
  "snapshots/huge-string.json": async (corpus) => {
    const document = JSON.parse(await readFile(join(corpus, OPEN_SNAPSHOT), "utf8")) as {
      resources: { properties: { GroupName: string } }[];
    };
    document.resources[0]!.properties.GroupName = "x".repeat(MEGABYTE);
    return JSON.stringify(document);
  },
  "snapshots/random-high-bytes.json": () => seededBytes(4096, 3, 0x80),
  "config/deep-nesting.yml": () => `rules: ${nested(DEPTH)}\n`,
  "rules/deep-nesting/rule.yaml": () => `id: deep-rule\ncondition: ${nested(DEPTH)}\n`,
  "baselines/deep-nesting.json": () => nested(DEPTH),
};

/**
 * [input (a file, or a directory for --rules), how it is given, exit code, the line naming the
 * problem, whether a report is written]. Messages name the file relative to the working
 * directory, with line and column where the format has them; snapshots are named by the path the
 * reader was given (absolute). Exit 1 entries are inputs that are odd but valid (a BOM, UTF-16
 * with its byte-order mark, a megabyte string): they must still fail the open SSH group.
 */
type Entry = [input: string, command: Command, exit: 0 | 1 | 2, message: RegExp, report: boolean];

const TABLE: Entry[] = [
  [
    "baselines/array.json",
    baseline,
    2,
    /^baseline baselines\/array\.json: not the output of access-baseline \(expected --format sarif or --forma/,
    false,
  ],
  [
    "baselines/deep-nesting.json",
    baseline,
    2,
    /^baseline baselines\/deep-nesting\.json: not the output of access-baseline \(expected --format sarif or /,
    false,
  ],
  [
    "baselines/duplicate-key.json",
    baseline,
    2,
    /^baseline baselines\/duplicate-key\.json: no run of access-baseline in this SARIF file \(tools: none\)$/,
    false,
  ],
  [
    "baselines/empty.json",
    baseline,
    2,
    /^baseline baselines\/empty\.json: invalid JSON: Unexpected end of JSON input$/,
    false,
  ],
  [
    "baselines/not-a-report.json",
    baseline,
    2,
    /^baseline baselines\/not-a-report\.json: not the output of access-baseline \(expected --format sarif or /,
    false,
  ],
  [
    "baselines/truncated.json",
    baseline,
    2,
    /^baseline baselines\/truncated\.json: invalid JSON: Unexpected end of JSON input$/,
    false,
  ],
  [
    "baselines/utf16le-without-bom.json",
    baseline,
    2,
    /^baseline baselines\/utf16le-without-bom\.json: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary da/,
    false,
  ],
  [
    "config/alias-bomb.yml",
    configuration,
    2,
    /^config\/alias-bomb\.yml:5:36: invalid YAML: YAML aliases expand to more than 100000 nodes; this looks /,
    false,
  ],
  [
    "config/binary.yml",
    configuration,
    2,
    /^config\/binary\.yml: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UTF-16 without a by/,
    false,
  ],
  [
    "config/deep-nesting.yml",
    configuration,
    2,
    /^config\/deep-nesting\.yml:1:\d+: invalid YAML: nesting is too deep to read$/,
    false,
  ],
  [
    "config/duplicate-key.yml",
    configuration,
    2,
    /^config\/duplicate-key\.yml:2:1: invalid YAML: duplicate key "fail-on" \(first written at line 1\)$/,
    false,
  ],
  [
    "config/empty.yml",
    configuration,
    1,
    /^sg-0123456789abcdef0: ssh-from-internet fail: sg-0123456789abcdef0 \(bastion\) allows tcp 22 from 0\.0\./,
    true,
  ],
  [
    "config/fail-on-unknown-severity.yml",
    configuration,
    2,
    /^config\/fail-on-unknown-severity\.yml:1:10: fail-on: "critical" is not allowed; expected one of: "erro/,
    false,
  ],
  [
    "config/invalid-yaml.yml",
    configuration,
    2,
    /^config\/invalid-yaml\.yml:2:1: invalid YAML: Flow sequence in block collection must be sufficiently in/,
    false,
  ],
  [
    "config/param-out-of-range.yml",
    configuration,
    2,
    /^config\/param-out-of-range\.yml:4:13: parameter "ssh-from-internet\.port" must be at most 65535, got 70/,
    false,
  ],
  [
    "config/param-wrong-type.yml",
    configuration,
    2,
    /^config\/param-wrong-type\.yml:4:13: parameter "ssh-from-internet\.port" must be a number, got "twenty-two"$/,
    false,
  ],
  [
    "config/rules-list.yml",
    configuration,
    2,
    /^config\/rules-list\.yml:2:3: rules: expected object, found a list$/,
    false,
  ],
  [
    "config/setting-wrong-type.yml",
    configuration,
    2,
    /^config\/setting-wrong-type\.yml:2:22: rules\.ssh-from-internet: "disabled" is not allowed; expected one/,
    false,
  ],
  [
    "config/several-documents.yml",
    configuration,
    2,
    /^config\/several-documents\.yml:2:1: invalid YAML: Source contains multiple documents; please use YAML\./,
    false,
  ],
  [
    "config/tab-indentation.yml",
    configuration,
    2,
    /^config\/tab-indentation\.yml:2:1: invalid YAML: Tabs are not allowed as indentation$/,
    false,
  ],
  [
    "config/top-level-list.yml",
    configuration,
    2,
    /^config\/top-level-list\.yml:1:1: expected object, found a list$/,
    false,
  ],
  [
    "config/unknown-key.yml",
    configuration,
    2,
    /^config\/unknown-key\.yml:2:1: unexpected key "failOn"; expected one of: \$schema, fail-on, rules, waive/,
    false,
  ],
  [
    "config/unknown-rule.yml",
    configuration,
    2,
    /^config\/unknown-rule\.yml:2:26: unknown rule "ssh-from-the-internet"$/,
    false,
  ],
  [
    "config/utf16le-with-bom.yml",
    configuration,
    2,
    /^config\/utf16le-with-bom\.yml:1:10: fail-on: "critical" is not allowed; expected one of: "error", "war/,
    false,
  ],
  [
    "config/utf16le-without-bom.yml",
    configuration,
    2,
    /^config\/utf16le-without-bom\.yml: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UTF-16/,
    false,
  ],
  [
    "config/waiver-impossible-date.yml",
    configuration,
    2,
    /^config\/waiver-impossible-date\.yml:6:14: waivers\.0\.expires: "2026-02-30" is not a date \(YYYY-MM-DD\)$/,
    false,
  ],
  [
    "config/waiver-without-expiry.yml",
    configuration,
    2,
    /^config\/waiver-without-expiry\.yml:2:5: waivers\.0: missing required key "expires"$/,
    false,
  ],
  [
    "plans/binary-plan.tfplan",
    template,
    2,
    /^plans\/binary-plan\.tfplan: this is a binary Terraform plan \(or another zip file\); give the JSON that /,
    true,
  ],
  [
    "plans/child-modules-string.json",
    template,
    2,
    /^plans\/child-modules-string\.json:34:7: planned_values\.root_module\.child_modules of the Terraform plan/,
    true,
  ],
  [
    "plans/cidr-blocks-string.json",
    template,
    2,
    /^plans\/cidr-blocks-string\.json:18:17: ingress\[0\]\.cidr_blocks of aws_security_group\.bastion must be a /,
    true,
  ],
  [
    "plans/cidr-lookalike-00.json",
    template,
    2,
    /^plans\/cidr-lookalike-00\.json:7:9: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[/,
    true,
  ],
  [
    "plans/cidr-lookalike-000.json",
    template,
    2,
    /^plans\/cidr-lookalike-000\.json:7:9: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges/,
    true,
  ],
  [
    "plans/cidr-lookalike-0x.json",
    template,
    2,
    /^plans\/cidr-lookalike-0x\.json:7:9: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[/,
    true,
  ],
  [
    "plans/deep-nesting.json",
    template,
    2,
    /^plans\/deep-nesting\.json:1:327: not valid JSON: nesting deeper than 128 levels$/,
    true,
  ],
  [
    "plans/duplicate-key.json",
    template,
    2,
    /^plans\/duplicate-key\.json:23:17: not valid JSON: duplicate key "from_port" \(first written at line 22\)$/,
    true,
  ],
  [
    "plans/format-version-number.json",
    template,
    2,
    /^plans\/format-version-number\.json: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "plans/future-format.json",
    template,
    2,
    /^plans\/future-format\.json:2:3: Terraform plan format version "2\.0" is not supported \(this tool reads /,
    true,
  ],
  [
    "plans/ingress-string.json",
    template,
    2,
    /^plans\/ingress-string\.json:16:13: ingress of aws_security_group\.bastion must be a list, not a string$/,
    true,
  ],
  [
    "plans/no-planned-values.json",
    template,
    2,
    /^plans\/no-planned-values\.json:1:1: a Terraform plan without planned_values or resource_changes; give /,
    true,
  ],
  [
    "plans/open-ssh.json",
    template,
    1,
    /^plans\/open-ssh\.json:19:19: ssh-from-internet fail: aws_security_group\.bastion \(bastion\) allows tcp 2/,
    true,
  ],
  [
    "plans/planned-values-string.json",
    template,
    2,
    /^plans\/planned-values-string\.json:4:3: planned_values of the Terraform plan must be an object, not a /,
    true,
  ],
  [
    "plans/port-huge-number.json",
    template,
    2,
    /^plans\/port-huge-number\.json:7:9: ssh-from-internet error: cannot decide: plans\/port-huge-number\.json/,
    true,
  ],
  [
    "plans/port-string.json",
    template,
    2,
    /^plans\/port-string\.json:22:17: ingress\[0\]\.from_port of aws_security_group\.bastion must be a number, n/,
    true,
  ],
  [
    "plans/protocol-number.json",
    template,
    2,
    /^plans\/protocol-number\.json:24:17: ingress\[0\]\.protocol of aws_security_group\.bastion must be a string/,
    true,
  ],
  [
    "plans/resource-without-type.json",
    template,
    2,
    /^plans\/resource-without-type\.json:7:9: aws_security_group\.bastion in the Terraform plan has no type$/,
    true,
  ],
  [
    "plans/resource-changes-delete.json",
    template,
    2,
    /^plans\/resource-changes-delete\.json:7:9: aws_security_group\.bastion is in planned_values, but resource_chang/,
    true,
  ],
  [
    "plans/resource-changes-empty.json",
    template,
    2,
    /^plans\/resource-changes-empty\.json:7:9: aws_security_group\.bastion is in planned_values, but resource_changes/,
    true,
  ],
  [
    "plans/resources-not-list.json",
    template,
    2,
    /^plans\/resources-not-list\.json:6:7: planned_values\.root_module\.resources of the Terraform plan must b/,
    true,
  ],
  [
    "plans/session-preferences-duplicate-key.json",
    template,
    2,
    /^plans\/session-preferences-duplicate-key\.json:7:9: session-kms-encryption error: cannot decide: content of aws_ssm_document\.session_preferences is not valid JSON: duplicate key "s3EncryptionEnabled"/,
    true,
  ],
  [
    "plans/state-not-plan.json",
    template,
    2,
    /^plans\/state-not-plan\.json: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "plans/truncated.json",
    template,
    2,
    /^plans\/truncated\.json:21:40: not valid JSON: the file ends unexpectedly inside an object \(is it trunc/,
    true,
  ],
  [
    "plans/utf16be-with-bom.json",
    template,
    1,
    /^plans\/utf16be-with-bom\.json:19:19: ssh-from-internet fail: aws_security_group\.bastion \(bastion\) allo/,
    true,
  ],
  [
    "plans/utf16le-without-bom.json",
    template,
    2,
    /^plans\/utf16le-without-bom\.json: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UTF-16/,
    true,
  ],
  [
    "plans/values-null.json",
    template,
    2,
    /^plans\/values-null\.json:13:11: the planned values of aws_security_group\.bastion are missing, though t/,
    true,
  ],
  [
    "rules/alias-bomb",
    rules,
    2,
    /^rules\/alias-bomb\/rule\.yaml:5:36: invalid YAML: YAML aliases expand to more than 100000 nodes; this l/,
    false,
  ],
  [
    "rules/bad-jmespath",
    rules,
    2,
    /^rules\/bad-jmespath\/rule\.yaml:52:9: invalid JMESPath expression "IpPermissions\[\[": Syntax error: expe/,
    false,
  ],
  [
    "rules/bad-severity",
    rules,
    2,
    /^rules\/bad-severity\/rule\.yaml:4:11: severity: "catastrophic" is not allowed; expected one of: "error"/,
    false,
  ],
  [
    "rules/cidr-argument-lookalike",
    rules,
    2,
    /^sg-0123456789abcdef0: hostile-ssh-rule error: could not evaluate: the "cidr-contains" argument is "0\.0\.0\.0\/00", not a valid CIDR$/,
    true,
  ],
  [
    "rules/deep-nesting",
    rules,
    2,
    /^rules\/deep-nesting\/rule\.yaml:2:\d+: invalid YAML: nesting is too deep to read$/,
    false,
  ],
  [
    "rules/default-wrong-type",
    rules,
    2,
    /^rules\/default-wrong-type\/rule\.yaml:12:14: parameter "port" must be a number, got "twenty-two"$/,
    false,
  ],
  [
    "rules/duplicate-key",
    rules,
    2,
    /^rules\/duplicate-key\/rule\.yaml:5:1: invalid YAML: duplicate key "severity" \(first written at line 4\)$/,
    false,
  ],
  ["rules/empty", rules, 2, /^rules\/empty\/rule\.yaml:1:1: a rule file must be a YAML mapping$/, false],
  [
    "rules/invalid-yaml",
    rules,
    2,
    /^rules\/invalid-yaml\/rule\.yaml:2:1: invalid YAML: Flow sequence in block collection must be sufficient/,
    false,
  ],
  [
    "rules/message-unknown-placeholder",
    rules,
    1,
    /^sg-0123456789abcdef0: hostile-ssh-rule fail: sg-0123456789abcdef0 \(bastion\) allows tcp 22 from \{nowhere\}, which includes port 22$/,
    true,
  ],
  [
    "rules/missing-condition",
    rules,
    2,
    /^rules\/missing-condition\/rule\.yaml:2:1: missing required key "condition"$/,
    false,
  ],
  [
    "rules/not-a-mapping",
    rules,
    2,
    /^rules\/not-a-mapping\/rule\.yaml:1:1: a rule file must be a YAML mapping$/,
    false,
  ],
  [
    "rules/undeclared-param",
    rules,
    2,
    /^rules\/undeclared-param\/rule\.yaml:56:24: "\$params\.sshPort" refers to a parameter the rule does not de/,
    false,
  ],
  [
    "rules/unknown-operator",
    rules,
    2,
    /^rules\/unknown-operator\/rule\.yaml:61:26: condition\.none\.where\.all\.1\.any\.0\.some\.where: unknown operato/,
    false,
  ],
  [
    "rules/utf16le-without-bom",
    rules,
    2,
    /^rules\/utf16le-without-bom\/rule\.yaml: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or U/,
    false,
  ],
  [
    "snapshots/cidr-ipv6-lookalike.json",
    snapshot,
    2,
    /^sg-0123456789abcdef0: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.Ipv6Ranges\[0\]\.CidrIpv/,
    true,
  ],
  [
    "snapshots/cidr-lookalike-00.json",
    snapshot,
    2,
    /^sg-0123456789abcdef0: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp is/,
    true,
  ],
  [
    "snapshots/cidr-lookalike-000.json",
    snapshot,
    2,
    /^sg-0123456789abcdef0: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp is/,
    true,
  ],
  [
    "snapshots/cidr-lookalike-0x.json",
    snapshot,
    2,
    /^sg-0123456789abcdef0: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp is/,
    true,
  ],
  [
    "snapshots/deep-nesting.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/deep-nesting\.json:1:376: invalid snapshot at \/resources\/0\/properties\/Tags\/0 \(AWS::EC2::Sec/,
    false,
  ],
  [
    "snapshots/duplicate-key.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/duplicate-key\.json:31:15: duplicate key "FromPort" \(first written at line 30\)$/,
    false,
  ],
  [
    "snapshots/empty.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/empty\.json: the snapshot file is empty$/,
    false,
  ],
  [
    "snapshots/future-version.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/future-version\.json: snapshot version 2 is not supported \(this tool reads version 1\)$/,
    false,
  ],
  [
    "snapshots/huge-string.json",
    snapshot,
    1,
    /^sg-0123456789abcdef0: ssh-from-internet fail: sg-0123456789abcdef0 \(xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/,
    true,
  ],
  [
    "snapshots/instance-camel-case-key.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/instance-camel-case-key\.json:29:9: invalid snapshot at \/resources\/0\/properties\/keyName \(AWS::EC2::Instance i-0123456789abcdef0\): property "keyName" is KeyName written another way/,
    false,
  ],
  [
    "snapshots/instance-planned-kind.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/instance-planned-kind\.json:22:17: invalid snapshot at \/resources\/0\/source\/kind \(AWS::EC2::Instance i-0123456789abcdef0\): expected one of "aws-live", "config-item", "snapshot"; found "cloudformation"$/,
    false,
  ],
  [
    "snapshots/instance-public-ip-empty.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/instance-public-ip-empty\.json:55:28: invalid snapshot at \/resources\/1\/properties\/PublicIpAddress /,
    false,
  ],
  [
    "snapshots/instance-state-capitalised.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/instance-state-capitalised\.json:53:19: invalid snapshot at \/resources\/1\/properties\/State\/Name .*found "Running"/,
    false,
  ],
  [
    "snapshots/invalid-utf8.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/invalid-utf8\.json: not UTF-8 or UTF-16 text \(invalid UTF-8\)$/,
    false,
  ],
  [
    "snapshots/nan-literal.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/nan-literal\.json:30:25: not valid JSON: expected a value, found "N"$/,
    false,
  ],
  [
    "snapshots/null.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/null\.json: not an access-baseline snapshot: expected a JSON object at the top level, found/,
    false,
  ],
  [
    "snapshots/open-ssh.json",
    snapshot,
    1,
    /^sg-0123456789abcdef0: ssh-from-internet fail: sg-0123456789abcdef0 \(bastion\) allows tcp 22 from 0\.0\./,
    true,
  ],
  [
    "snapshots/permission-ipv4ranges.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/permission-ipv4ranges\.json:32:13: invalid snapshot at \/resources\/0\/properties\/IpPermissions\/0\/Ipv4Ranges .*not allowed/,
    false,
  ],
  [
    "snapshots/port-huge-number.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/port-huge-number\.json:30:25: invalid snapshot at \/resources\/0\/properties\/IpPermissions\/0\/F/,
    false,
  ],
  [
    "snapshots/port-negative.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/port-negative\.json:30:25: invalid snapshot at \/resources\/0\/properties\/IpPermissions\/0\/From/,
    false,
  ],
  [
    "snapshots/port-string.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/port-string\.json:30:25: invalid snapshot at \/resources\/0\/properties\/IpPermissions\/0\/FromPo/,
    false,
  ],
  [
    "snapshots/properties-list.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/properties-list\.json:24:21: invalid snapshot at \/resources\/0\/properties \(AWS::EC2::Securit/,
    false,
  ],
  [
    "snapshots/proto-key.json",
    snapshot,
    1,
    /^sg-0123456789abcdef0: ssh-from-internet fail: sg-0123456789abcdef0 \(bastion\) allows tcp 22 from 0\.0\./,
    true,
  ],
  [
    "snapshots/protocol-leading-zero.json",
    snapshot,
    2,
    /^sg-0123456789abcdef0: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpProtocol is '06', n/,
    true,
  ],
  [
    "snapshots/random-high-bytes.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/random-high-bytes\.json: not UTF-8 or UTF-16 text \(invalid UTF-8\)$/,
    false,
  ],
  [
    "snapshots/range-lowercase-key.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/range-lowercase-key\.json:35:17: invalid snapshot at \/resources\/0\/properties\/IpPermissions\/0\/IpRanges\/0\/cidrIp .*not allowed/,
    false,
  ],
  [
    "snapshots/region-not-in-scopes.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/region-not-in-scopes\.json:11:5: invalid snapshot at \/resources\/0 \(AWS::EC2::SecurityGroup sg-0123456789abcdef0\): account 111122223333 region eu-west-1 is not listed in \/scopes/,
    false,
  ],
  [
    "snapshots/resource-without-type.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/resource-without-type\.json:16:5: invalid snapshot at \/resources\/0\/type: required property /,
    false,
  ],
  [
    "snapshots/resources-string.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/resources-string\.json:15:16: invalid snapshot at \/resources: expected an array, found "all/,
    false,
  ],
  [
    "snapshots/session-preferences-misnamed.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/session-preferences-misnamed\.json:26:17: invalid snapshot at \/resources\/0\/properties\/Name \(AWS::SSM::Document SSM-SessionManagerRunShell\): its Name "ssm-sessionmanagerrunshell" is not its id/,
    false,
  ],
  [
    "snapshots/top-level-array.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/top-level-array\.json: not an access-baseline snapshot: expected a JSON object at the top l/,
    false,
  ],
  [
    "snapshots/trailing-garbage.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/trailing-garbage\.json:44:1: not valid JSON: expected the end of the file, found "\]"$/,
    false,
  ],
  [
    "snapshots/truncated.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/truncated\.json:21:15: not valid JSON: the file ends unexpectedly inside an object \(is it t/,
    false,
  ],
  [
    "snapshots/unknown-resource-type.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/unknown-resource-type\.json:17:15: invalid snapshot at \/resources\/0\/type \(AWS::EC2::Bastion/,
    false,
  ],
  [
    "snapshots/utf16be-with-bom.json",
    snapshot,
    1,
    /^sg-0123456789abcdef0: ssh-from-internet fail: sg-0123456789abcdef0 \(bastion\) allows tcp 22 from 0\.0\./,
    true,
  ],
  [
    "snapshots/utf16le-with-bom.json",
    snapshot,
    1,
    /^sg-0123456789abcdef0: ssh-from-internet fail: sg-0123456789abcdef0 \(bastion\) allows tcp 22 from 0\.0\./,
    true,
  ],
  [
    "snapshots/utf16le-without-bom.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/utf16le-without-bom\.json: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UT/,
    false,
  ],
  [
    "snapshots/utf8-with-bom.json",
    snapshot,
    1,
    /^sg-0123456789abcdef0: ssh-from-internet fail: sg-0123456789abcdef0 \(bastion\) allows tcp 22 from 0\.0\./,
    true,
  ],
  [
    "snapshots/version-string.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/version-string\.json: snapshot version "1" is not supported \(this tool reads version 1\)$/,
    false,
  ],
  [
    "snapshots/whitespace-only.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/whitespace-only\.json: the snapshot file is empty$/,
    false,
  ],
  [
    "snapshots/wrong-format.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/wrong-format\.json: not an access-baseline snapshot \(its format is "something-else"; expect/,
    false,
  ],
  [
    "snapshots/yaml-not-json.json",
    snapshot,
    2,
    /^(?:.*\/)?snapshots\/yaml-not-json\.json:1:1: not valid JSON: expected a value, found "format"$/,
    false,
  ],
  [
    "templates/alias-bomb.yaml",
    template,
    2,
    /^templates\/alias-bomb\.yaml:7:38: YAML aliases expand to more than 100000 nodes; this looks like an al/,
    true,
  ],
  [
    "templates/alias-key-repeats-key.yaml",
    template,
    2,
    /^templates\/alias-key-repeats-key\.yaml:15:11: duplicate key "CidrIp" \(first written at line 14, as another YAML/,
    true,
  ],
  [
    "templates/bad-escape.json",
    template,
    2,
    /^templates\/bad-escape\.json:4:9: not valid JSON: invalid escape \\q in a string$/,
    true,
  ],
  [
    "templates/bare-number.json",
    template,
    2,
    /^templates\/bare-number\.json: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "templates/binary-cidr.yaml",
    template,
    2,
    /^templates\/binary-cidr\.yaml:7:11: ssh-from-any-source fail: Sg allows tcp 22 from MC4wLjAuMC8w, which/,
    true,
  ],
  [
    "templates/cidr-list.yaml",
    template,
    2,
    /^templates\/cidr-list\.yaml:3:3: ssh-from-internet error: cannot decide: templates\/cidr-list\.yaml:3 \(Ba/,
    true,
  ],
  [
    "templates/cidr-lookalike-00.yaml",
    template,
    2,
    /^templates\/cidr-lookalike-00\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRan/,
    true,
  ],
  [
    "templates/cidr-lookalike-000.yaml",
    template,
    2,
    /^templates\/cidr-lookalike-000\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRa/,
    true,
  ],
  [
    "templates/cidr-lookalike-0x.yaml",
    template,
    2,
    /^templates\/cidr-lookalike-0x\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRan/,
    true,
  ],
  [
    "templates/cidr-lookalike-ipv6-zone.yaml",
    template,
    2,
    /^templates\/cidr-lookalike-ipv6-zone\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0/,
    true,
  ],
  [
    "templates/cidr-lookalike-space.yaml",
    template,
    2,
    /^templates\/cidr-lookalike-space\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.Ip/,
    true,
  ],
  [
    "templates/cidr-number.yaml",
    template,
    2,
    /^templates\/cidr-number\.yaml:3:3: ssh-from-internet error: cannot decide: templates\/cidr-number\.yaml:3/,
    true,
  ],
  [
    "templates/cidr-with-line-break.json",
    template,
    2,
    /^templates\/cidr-with-line-break\.json:4:5: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp is '0\.0\.0\.0\/0\\nallow everyone', not a valid CIDR$/,
    true,
  ],
  [
    "templates/condition-yaml11-boolean.yaml",
    template,
    1,
    /^templates\/condition-yaml11-boolean\.yaml:20:11: ssh-from-internet fail: Bastion allows tcp 22 from/,
    true,
  ],
  [
    "templates/comment-only.yaml",
    template,
    2,
    /^templates\/comment-only\.yaml: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "templates/comments.json",
    template,
    2,
    /^templates\/comments\.json:1:1: not valid YAML: Implicit keys need to be on a single line$/,
    true,
  ],
  [
    "templates/control-character.json",
    template,
    2,
    /^templates\/control-character\.json:4:9: not valid JSON: a string contains an unescaped control charact/,
    true,
  ],
  [
    "templates/deep-nesting.json",
    template,
    2,
    /^templates\/deep-nesting\.json:1:222: not valid JSON: nesting deeper than 128 levels$/,
    true,
  ],
  [
    "templates/deep-nesting.yaml",
    template,
    2,
    /^templates\/deep-nesting\.yaml:5:\d+: not valid YAML: nesting is too deep to read \(more than 128 level/,
    true,
  ],
  [
    "templates/duplicate-key.json",
    template,
    2,
    /^templates\/duplicate-key\.json:12:15: not valid JSON: duplicate key "FromPort" \(first written at line /,
    true,
  ],
  [
    "templates/duplicate-key.yaml",
    template,
    2,
    /^templates\/duplicate-key\.yaml:10:11: not valid YAML: duplicate key "FromPort" \(first written at line /,
    true,
  ],
  [
    "templates/duplicate-resource.yaml",
    template,
    2,
    /^templates\/duplicate-resource\.yaml:12:3: not valid YAML: duplicate key "Bastion" \(first written at li/,
    true,
  ],
  [
    "templates/duplicate-resource-typed-key.yaml",
    template,
    2,
    /^templates\/duplicate-resource-typed-key\.yaml:13:3: duplicate key "1" \(first written at line 4, as another Y/,
    true,
  ],
  [
    "templates/empty.json",
    template,
    2,
    /^templates\/empty\.json: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "templates/empty.yaml",
    template,
    2,
    /^templates\/empty\.yaml: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "templates/foreach-unknown-collection.yaml",
    template,
    2,
    /^templates\/foreach-unknown-collection\.yaml:7:3: the collection of Fn::ForEach::Groups cannot be known/,
    true,
  ],
  [
    "templates/getatt-malformed.yaml",
    template,
    2,
    /^templates\/getatt-malformed\.yaml:3:3: ssh-from-internet error: cannot decide: CidrIp comes from Fn::G/,
    true,
  ],
  [
    "templates/gzip-data.json",
    template,
    2,
    /^templates\/gzip-data\.json: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UTF-16 witho/,
    true,
  ],
  [
    "templates/huge-cidr.json",
    template,
    2,
    /^templates\/huge-cidr\.json:4:5: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[0\]\.CidrIp is '0\.0\.0\.0\/0{112}…' \(1048585 characters\), not a valid CIDR$/,
    true,
  ],
  [
    "templates/huge-string.json",
    template,
    1,
    /^templates\/huge-string\.json:13:13: ssh-from-internet fail: Bastion allows tcp 22 from 0\.0\.0/,
    true,
  ],
  [
    "templates/include-in-properties.yaml",
    template,
    2,
    /^templates\/include-in-properties\.yaml:7:7: the Properties of resource Bastion are written with Fn::Transform, which is exp/,
    true,
  ],
  [
    "templates/include-in-resources.yaml",
    template,
    2,
    /^templates\/include-in-resources\.yaml:2:3: Resources are written with Fn::Transform, which is expanded at deplo/,
    true,
  ],
  [
    "templates/ingress-entry-string.yaml",
    template,
    2,
    /^templates\/ingress-entry-string\.yaml:3:3: ssh-from-internet error: cannot decide: SecurityGroupIngres/,
    true,
  ],
  [
    "templates/ingress-string.yaml",
    template,
    2,
    /^templates\/ingress-string\.yaml:3:3: ssh-from-internet error: cannot decide: SecurityGroupIngress come/,
    true,
  ],
  [
    "templates/invalid-utf8.yaml",
    template,
    2,
    /^templates\/invalid-utf8\.yaml: not UTF-8 or UTF-16 text \(invalid UTF-8\)$/,
    true,
  ],
  [
    "templates/larger-than-yaml-limit.yaml",
    template,
    2,
    /^templates\/larger-than-yaml-limit\.yaml: the YAML file is 2 MB, larger than the 2 MB this tool reads a/,
    true,
  ],
  [
    "templates/launch-template-key-lowercase.yaml",
    template,
    2,
    /^templates\/launch-template-key-lowercase\.yaml:7:9: the launch template setting keyName differs from KeyName only in case/,
    true,
  ],
  [
    "templates/launch-template-key-zero-width.yaml",
    template,
    2,
    /^templates\/launch-template-key-zero-width\.yaml:7:9: the launch template setting Key\u200bName differs from KeyName only in case or in invisible characters \(U\+200B\); write it exactly$/,
    true,
  ],
  [
    "templates/leading-zero-number.json",
    template,
    2,
    /^templates\/leading-zero-number\.json:11:25: not valid JSON: expected a number, found "022"$/,
    true,
  ],
  [
    "templates/lone-surrogate.json",
    template,
    1,
    /^templates\/lone-surrogate\.json:13:13: ssh-from-internet fail: Bastion allows tcp 22 from 0\./,
    true,
  ],
  [
    "templates/merge-key-tagged.yaml",
    template,
    1,
    /^templates\/merge-key-tagged\.yaml:9:9: ssh-from-internet fail: Bastion allows tcp 22 from 0\.0\.0\.0/,
    true,
  ],
  [
    "templates/mutual-conditions.yaml",
    template,
    2,
    /^templates\/mutual-conditions\.yaml:3:3: not a valid CloudFormation template: condition A depends on itself \(A → B → A\)$/,
    true,
  ],
  [
    "templates/nan-literal.json",
    template,
    2,
    /^templates\/nan-literal\.json:11:25: not valid JSON: expected a value, found "N"$/,
    true,
  ],
  [
    "templates/no-type.json",
    template,
    2,
    /^templates\/no-type\.json:4:5: not a valid CloudFormation template: resource Bastion has no Type$/,
    true,
  ],
  [
    "templates/nul-byte.yaml",
    template,
    2,
    /^templates\/nul-byte\.yaml: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UTF-16 withou/,
    true,
  ],
  [
    "templates/open-ssh.json",
    template,
    1,
    /^templates\/open-ssh\.json:13:13: ssh-from-internet fail: Bastion allows tcp 22 from 0\.0\.0\.0\//,
    true,
  ],
  [
    "templates/open-ssh.yaml",
    template,
    1,
    /^templates\/open-ssh\.yaml:11:11: ssh-from-internet fail: Bastion allows tcp 22 from 0\.0\.0\.0\//,
    true,
  ],
  [
    "templates/policy-action-nested-list.yaml",
    template,
    2,
    /^templates\/policy-action-nested-list\.yaml:5:3: start-session-document-access-check error: cannot decide: a statement without a Sid: its Action lists a value that is not text/,
    true,
  ],
  [
    "templates/policy-condition-text.yaml",
    template,
    2,
    /^templates\/policy-condition-text\.yaml:5:3: start-session-document-access-check error: cannot decide: a statement without a Sid: its Condition is not a mapping/,
    true,
  ],
  [
    "templates/png-image.yaml",
    template,
    2,
    /^templates\/png-image\.yaml: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UTF-16 witho/,
    true,
  ],
  [
    "templates/port-float.json",
    template,
    2,
    /^templates\/port-float\.json:4:5: ssh-from-internet error: cannot decide: templates\/port-float\.json:4 \(/,
    true,
  ],
  [
    "templates/port-huge-number.json",
    template,
    2,
    /^templates\/port-huge-number\.json:4:5: ssh-from-internet error: cannot decide: templates\/port-huge-num/,
    true,
  ],
  [
    "templates/port-huge-number.yaml",
    template,
    2,
    /^templates\/port-huge-number\.yaml:3:3: ssh-from-internet error: cannot decide: templates\/port-huge-num/,
    true,
  ],
  [
    "templates/port-leading-zero.yaml",
    template,
    1,
    /^templates\/port-leading-zero\.yaml:11:11: ssh-from-internet fail: Bastion allows tcp 22 from/,
    true,
  ],
  [
    "templates/port-out-of-range.yaml",
    template,
    2,
    /^templates\/port-out-of-range\.yaml:3:3: ssh-from-internet error: cannot decide: templates\/port-out-of-/,
    true,
  ],
  [
    "templates/port-string-22.yaml",
    template,
    1,
    /^templates\/port-string-22\.yaml:11:11: ssh-from-internet fail: Bastion allows tcp 22 from 0\./,
    true,
  ],
  [
    "templates/port-yaml11-octal.yaml",
    template,
    1,
    /^templates\/port-yaml11-octal\.yaml:12:11: ssh-from-internet fail: Bastion allows tcp 22 from 0\./,
    true,
  ],
  [
    "templates/properties-if.yaml",
    template,
    2,
    /^templates\/properties-if\.yaml:12:7: the Properties of resource Bastion are written with Fn::If, which this t/,
    true,
  ],
  [
    "templates/properties-lowercase.yaml",
    template,
    2,
    /^templates\/properties-lowercase\.yaml:5:5: the key properties of resource Bastion differs from Properties only in case/,
    true,
  ],
  [
    "templates/properties-zero-width.yaml",
    template,
    2,
    /^templates\/properties-zero-width\.yaml:6:5: the key Propert\u200bies of resource Bastion differs from Properties only in case or in invisible characters \(U\+200B\); write it exactly$/,
    true,
  ],
  [
    "templates/properties-string.yaml",
    template,
    2,
    /^templates\/properties-string\.yaml:5:5: not a valid CloudFormation template: the Properties of resource Bastion must be a mapping$/,
    true,
  ],
  [
    "templates/property-lowercase.yaml",
    template,
    2,
    /^templates\/property-lowercase\.yaml:7:7: the property securityGroupIngress of resource Bastion differs from SecurityGroupIngress only in case/,
    true,
  ],
  // A property named `__proto__` once replaced the properties' prototype with an unknown marker,
  // which excused every misfit in them: the list KeyName passed instance-key-pair.
  [
    "templates/property-zero-width.json",
    template,
    2,
    /^templates\/property-zero-width\.json:8:9: the property Security\u200bGroupIngress of resource Bastion differs from SecurityGroupIngress only in case or in invisible characters \(U\+200B\); write it exactly$/,
    true,
  ],
  [
    "templates/proto-property.json",
    template,
    2,
    /^templates\/proto-property\.json:4:5: instance-key-pair error: cannot decide: .*KeyName: expected string, found a list$/,
    true,
  ],
  [
    "templates/proto-property.yaml",
    template,
    2,
    /^templates\/proto-property\.yaml:2:3: instance-key-pair error: cannot decide: .*KeyName: expected string, found a list$/,
    true,
  ],
  [
    "templates/protocol-leading-zero.yaml",
    template,
    2,
    /^templates\/protocol-leading-zero\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.I/,
    true,
  ],
  [
    "templates/protocol-trailing-space.yaml",
    template,
    2,
    /^templates\/protocol-trailing-space\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0\]/,
    true,
  ],
  [
    "templates/random-bytes.json",
    template,
    2,
    /^templates\/random-bytes\.json: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UTF-16 wi/,
    true,
  ],
  [
    "templates/random-high-bytes.yaml",
    template,
    2,
    /^templates\/random-high-bytes\.yaml: not UTF-8 or UTF-16 text \(invalid UTF-8\)$/,
    true,
  ],
  [
    "templates/recursive-alias.yaml",
    template,
    2,
    /^templates\/recursive-alias\.yaml:3:10: the YAML alias \*loop refers to a node that contains it$/,
    true,
  ],
  [
    "templates/ref-missing.yaml",
    template,
    2,
    /^templates\/ref-missing\.yaml:3:3: ssh-from-internet error: cannot decide: CidrIp comes from Ref Missin/,
    true,
  ],
  [
    "templates/resource-null.yaml",
    template,
    2,
    /^templates\/resource-null\.yaml:3:3: not a valid CloudFormation template: resource Bastion must be a ma/,
    true,
  ],
  [
    "templates/resources-list.yaml",
    template,
    2,
    /^templates\/resources-list\.yaml:2:1: not a valid CloudFormation template: Resources must be a mapping$/,
    true,
  ],
  [
    "templates/resources-lowercase.yaml",
    template,
    2,
    /^templates\/resources-lowercase\.yaml:1:1: the section resources differs from Resources only in case/,
    true,
  ],
  [
    "templates/rule-key-lowercase.yaml",
    template,
    2,
    /^templates\/rule-key-lowercase\.yaml:3:3: ssh-from-internet error: cannot decide: the key "cidrIp" of Secu/,
    true,
  ],
  [
    "templates/select-out-of-range.yaml",
    template,
    2,
    /^templates\/select-out-of-range\.yaml:3:3: ssh-from-internet error: cannot decide: CidrIp comes from Fn/,
    true,
  ],
  [
    "templates/self-referencing-default.json",
    template,
    2,
    /^templates\/self-referencing-default\.json:12:5: ssh-from-internet error: cannot decide: CidrIp comes from a chain of intrinsic functions, which refers to itself or nests too deeply$/,
    true,
  ],
  [
    "templates/session-preferences-duplicate-key.json",
    template,
    2,
    /^templates\/session-preferences-duplicate-key\.json:3:5: session-logs-encrypted error: cannot decide: Content comes from the document content, which is not valid JSON: duplicate key "s3EncryptionEnabled"/,
    true,
  ],
  [
    "templates/session-preferences-merge-key.yaml",
    template,
    2,
    /^templates\/session-preferences-merge-key\.yaml:2:3: session-timeouts error: cannot decide: Content comes from the document content, which uses a YAML merge key \(<<\)/,
    true,
  ],
  [
    "templates/several-documents.yaml",
    template,
    2,
    /^templates\/several-documents\.yaml:12:1: not a single YAML document \(a template is one document\)$/,
    true,
  ],
  [
    "templates/single-quotes.json",
    template,
    2,
    /^templates\/single-quotes\.json:2:3: not valid JSON: expected a property name in double quotes, found "/,
    true,
  ],
  [
    "templates/sub-unclosed.yaml",
    template,
    2,
    /^templates\/sub-unclosed\.yaml:3:3: ssh-from-internet error: cannot decide: IpPermissions\[0\]\.IpRanges\[0/,
    true,
  ],
  [
    "templates/tab-indentation.yaml",
    template,
    2,
    /^templates\/tab-indentation\.yaml:6:1: not valid YAML: Tabs are not allowed as indentation$/,
    true,
  ],
  [
    "templates/top-level-array.json",
    template,
    2,
    /^templates\/top-level-array\.json: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "templates/top-level-string.yaml",
    template,
    2,
    /^templates\/top-level-string\.yaml: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "templates/trailing-comma.json",
    template,
    2,
    /^templates\/trailing-comma\.json:14:11: not valid JSON: expected a property name in double quotes, foun/,
    true,
  ],
  [
    "templates/trailing-garbage.json",
    template,
    2,
    /^templates\/trailing-garbage\.json:20:1: not valid JSON: expected the end of the file, found "\}"$/,
    true,
  ],
  [
    "templates/truncated.json",
    template,
    2,
    /^templates\/truncated\.json:8:14: not valid JSON: the file ends unexpectedly inside a string \(is it tru/,
    true,
  ],
  [
    "templates/truncated.yaml",
    template,
    2,
    /^templates\/truncated\.yaml:12:1: not valid YAML: Flow sequence in block collection must be sufficientl/,
    true,
  ],
  [
    "templates/two-documents.json",
    template,
    2,
    /^templates\/two-documents\.json:20:1: not valid JSON: expected the end of the file, found "\{"$/,
    true,
  ],
  [
    "templates/type-list.yaml",
    template,
    2,
    /^templates\/type-list\.yaml:3:3: not a valid CloudFormation template: resource Bastion has no Type$/,
    true,
  ],
  [
    "templates/type-lookalike-case.yaml",
    template,
    2,
    /^templates\/type-lookalike-case\.yaml:4:5: resource Bastion has the type "AWS::EC2::Securitygroup", which differs from AWS::EC2::SecurityGroup only in case or spaces/,
    true,
  ],
  [
    "templates/type-lookalike-space.yaml",
    template,
    2,
    /^templates\/type-lookalike-space\.yaml:4:5: resource Bastion has the type "AWS::EC2::SecurityGroup ", which differs from AWS::EC2::SecurityGroup only in case or spaces/,
    true,
  ],
  [
    "templates/type-lookalike-zero-width.yaml",
    template,
    2,
    /^templates\/type-lookalike-zero-width\.yaml:4:5: resource Bastion has the type "AWS::EC2::Security\u200bGroup", which differs from AWS::EC2::SecurityGroup only in case or spaces/,
    true,
  ],
  [
    "templates/type-number.yaml",
    template,
    2,
    /^templates\/type-number\.yaml:3:3: not a valid CloudFormation template: resource Bastion has no Type$/,
    true,
  ],
  [
    "templates/undefined-alias.yaml",
    template,
    2,
    /^templates\/undefined-alias\.yaml:11:19: the YAML alias \*world has no anchor before it$/,
    true,
  ],
  [
    "templates/unknown-tag.yaml",
    template,
    1,
    /^templates\/unknown-tag\.yaml:11:11: ssh-from-internet fail: Bastion allows tcp 22 from 0\.0\.0/,
    true,
  ],
  [
    "templates/utf16be-with-bom.json",
    template,
    1,
    /^templates\/utf16be-with-bom\.json:13:13: ssh-from-internet fail: Bastion allows tcp 22 from /,
    true,
  ],
  [
    "templates/utf16be-without-bom.yaml",
    template,
    2,
    /^templates\/utf16be-without-bom\.yaml: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UT/,
    true,
  ],
  [
    "templates/utf16le-with-bom.yaml",
    template,
    1,
    /^templates\/utf16le-with-bom\.yaml:11:11: ssh-from-internet fail: Bastion allows tcp 22 from /,
    true,
  ],
  [
    "templates/utf16le-without-bom.json",
    template,
    2,
    /^templates\/utf16le-without-bom\.json: not UTF-8 or UTF-16 text \(it holds NUL bytes: binary data, or UT/,
    true,
  ],
  [
    "templates/utf32-with-bom.json",
    template,
    2,
    /^templates\/utf32-with-bom\.json: not UTF-8 or UTF-16 text \(it holds NUL characters: binary data\)$/,
    true,
  ],
  [
    "templates/utf8-with-bom.yaml",
    template,
    1,
    /^templates\/utf8-with-bom\.yaml:11:11: ssh-from-internet fail: Bastion allows tcp 22 from 0\.0/,
    true,
  ],
  [
    "templates/whitespace-only.json",
    template,
    2,
    /^templates\/whitespace-only\.json: no CloudFormation template or Terraform plan found here$/,
    true,
  ],
  [
    "templates/zip-signature.json",
    template,
    2,
    /^templates\/zip-signature\.json: this is a binary Terraform plan \(or another zip file\); give the JSON t/,
    true,
  ],
];

interface JsonReport {
  inputProblems: { file: string; line?: number; column?: number; message: string }[];
  results: {
    ruleId: string;
    status: string;
    message: string;
    resource: { id: string };
    location: { file?: string; line?: number; column?: number };
  }[];
}

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;

beforeAll(async () => {
  scratch = await scratchDirectory("hostile");
  await cp(CORPUS, scratch.path, { recursive: true });
  for (const [name, generate] of Object.entries(GENERATED)) {
    await mkdir(dirname(join(scratch.path, name)), { recursive: true });
    await writeFile(join(scratch.path, name), await generate(scratch.path));
  }
});
afterAll(async () => {
  await scratch.cleanup();
});

const place = (file: string | undefined, line?: number, column?: number) =>
  [file, line, column].filter((part) => part !== undefined).join(":");

/** Every line a user is shown about the run: standard error, input problems, failing and erroring results. */
function shownLines(stderr: string, report: JsonReport | undefined): string[] {
  const lines = stderr
    .split("\n")
    .filter((line) => line !== "" && !/ passing; wrote /.test(line))
    .map((line) => line.replace(/^access-baseline: /, ""));
  for (const problem of report?.inputProblems ?? [])
    lines.push(`${place(problem.file, problem.line, problem.column)}: ${problem.message}`);
  for (const result of report?.results ?? []) {
    if (result.status !== "fail" && result.status !== "error") continue;
    const { file, line, column } = result.location;
    const where = file === undefined ? result.resource.id : place(file, line, column);
    lines.push(`${where}: ${result.ruleId} ${result.status}: ${result.message}`);
  }
  return lines;
}

describe("hostile inputs", () => {
  it.each(TABLE)("%s", async (input, command, exit, message, reportWritten) => {
    const run = await runCli([...command(input), "--format", "json", "--output", "report.json"], {
      cwd: scratch.path,
    });
    const reportPath = join(scratch.path, "report.json");
    // Nothing but the corpus and, when the run produced one, the report: no temporary or partial file.
    const left = (await readdir(scratch.path)).filter(
      (name) => !["templates", "plans", "snapshots", "config", "rules", "baselines"].includes(name),
    );
    expect(left).toEqual(reportWritten ? ["report.json"] : []);
    const report = reportWritten ? (JSON.parse(await readFile(reportPath, "utf8")) as JsonReport) : undefined;
    await rm(reportPath, { force: true });

    const lines = shownLines(run.stderr, report);
    const context = `${input}: exit ${run.code}\n${lines.map((line) => line.slice(0, 300)).join("\n")}`;
    expect(run.code, context).toBe(exit);
    expect(run.stdout, context).toBe("");
    expect(
      lines.some((line) => message.test(line)),
      context,
    ).toBe(true);
    for (const line of lines) {
      expect(line, context).not.toMatch(/internal error|Maximum call stack|\n|^\s+at /);
    }
    if (!reportWritten) expect(run.stderr.trim().split("\n"), context).toHaveLength(1);
  });

  it("has at least 100 committed files, every one of them in the table", async () => {
    const committed = (await readdir(CORPUS, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(CORPUS.length + 1));
    expect(committed.length).toBeGreaterThanOrEqual(100);
    const inputs = new Set(TABLE.map(([input]) => input));
    const untested = committed.filter(
      (file) =>
        !inputs.has(file) &&
        !(file.startsWith("rules/") && inputs.has(dirname(file))) &&
        file !== OPEN_SNAPSHOT,
    );
    expect(untested).toEqual([]);
    for (const name of Object.keys(GENERATED)) {
      expect(inputs.has(name) || inputs.has(dirname(name)), name).toBe(true);
      expect(committed, name).not.toContain(name);
    }
  });
});
