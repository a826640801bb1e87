import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { JsonObject, Resource } from "../../../src/model/resource.js";
import { isUnknown } from "../../../src/model/unknown.js";
import type { InputFile } from "../../../src/sources/files.js";
import { parseJson } from "../../../src/sources/positioned/json.js";
import type { MapNode } from "../../../src/sources/positioned/node.js";
import { readPlan } from "../../../src/sources/terraform/plan.js";
import { REPO } from "../../support/cli.js";

function inputFile(display: string): InputFile {
  return { path: join(REPO, display), display, explicit: true, argument: display };
}

async function readFixture(display: string) {
  const document = parseJson(await readFile(join(REPO, display), "utf8")) as MapNode;
  return readPlan(document, inputFile(display), REPO);
}

/** A plan written here, read as if it were `dir/plan.json` (no configuration files beside it). */
function readText(plan: unknown) {
  return readPlan(
    parseJson(JSON.stringify(plan, null, 2)) as MapNode,
    inputFile("synthetic/plan.json"),
    REPO,
  );
}

function find(resources: readonly Resource[], type: string, id: string): Resource {
  const found = resources.find((resource) => resource.type === type && resource.id === id);
  if (!found)
    throw new Error(`no ${type} ${id} among ${resources.map((r) => `${r.type} ${r.id}`).join(", ")}`);
  return found;
}

const WEB = "test/fixtures/plans/web/plan.json";
const STANDALONE = "test/fixtures/plans/standalone/plan.json";

describe("Terraform plans: security groups", () => {
  it("join separate rules to the instance of a counted group their reference names, by key or by their own index", async () => {
    const group = (index: number) => ({
      address: `aws_security_group.sg[${index}]`,
      mode: "managed",
      type: "aws_security_group",
      name: "sg",
      index,
      change: {
        actions: ["create"],
        before: null,
        after: { name: `sg-${index}`, ingress: [], egress: [] },
        after_unknown: { id: true },
      },
    });
    const rule = (address: string, port: number, index?: number) => ({
      address,
      mode: "managed",
      type: "aws_security_group_rule",
      name: address.split(".")[1]!.split("[")[0],
      ...(index === undefined ? {} : { index }),
      change: {
        actions: ["create"],
        before: null,
        after: {
          type: "ingress",
          from_port: port,
          to_port: port,
          protocol: "tcp",
          cidr_blocks: ["0.0.0.0/0"],
        },
        after_unknown: { security_group_id: true, id: true },
      },
    });
    const { resources, problems } = await readText({
      format_version: "1.2",
      resource_changes: [
        group(0),
        group(1),
        group(2),
        rule("aws_security_group_rule.second", 22),
        rule("aws_security_group_rule.own[0]", 3389, 0),
        rule("aws_security_group_rule.own[1]", 3390, 1),
        rule("aws_security_group_rule.own[2]", 3391, 2),
      ],
      configuration: {
        root_module: {
          resources: [
            { address: "aws_security_group.sg", mode: "managed", type: "aws_security_group", name: "sg" },
            {
              address: "aws_security_group_rule.second",
              mode: "managed",
              type: "aws_security_group_rule",
              name: "second",
              expressions: {
                security_group_id: { references: ["aws_security_group.sg[1].id", "aws_security_group.sg"] },
              },
            },
            {
              address: "aws_security_group_rule.own",
              mode: "managed",
              type: "aws_security_group_rule",
              name: "own",
              expressions: { security_group_id: { references: ["aws_security_group.sg.id", "count.index"] } },
              count_expression: { constant_value: 3 },
            },
          ],
        },
      },
    });
    expect(problems).toEqual([]);
    const ports = (index: number) =>
      (
        find(resources, "AWS::EC2::SecurityGroup", `aws_security_group.sg[${index}]`).properties
          .IpPermissions as JsonObject[]
      ).map((permission) => permission.FromPort);
    expect([ports(0), ports(1), ports(2)]).toEqual([[3389], [22, 3390], [3391]]);
  });

  it("join separate rules to a group through a module's output, by the module instance the reference names", async () => {
    const group = (module: string) => ({
      address: `${module}.aws_security_group.g`,
      module_address: module,
      mode: "managed",
      type: "aws_security_group",
      name: "g",
      change: {
        actions: ["create"],
        before: null,
        after: { name: `group of ${module}`, ingress: [], egress: [] },
        after_unknown: { id: true },
      },
    });
    const rule = (name: string, port: number) => ({
      address: `aws_security_group_rule.${name}`,
      mode: "managed",
      type: "aws_security_group_rule",
      name,
      change: {
        actions: ["create"],
        before: null,
        after: {
          type: "ingress",
          from_port: port,
          to_port: port,
          protocol: "tcp",
          cidr_blocks: ["0.0.0.0/0"],
        },
        after_unknown: { security_group_id: true, id: true },
      },
    });
    const configuredRule = (name: string, references: string[]) => ({
      address: `aws_security_group_rule.${name}`,
      mode: "managed",
      type: "aws_security_group_rule",
      name,
      expressions: { security_group_id: { references } },
    });
    const groupModule = {
      outputs: { id: { expression: { references: ["aws_security_group.g.id", "aws_security_group.g"] } } },
      resources: [
        { address: "aws_security_group.g", mode: "managed", type: "aws_security_group", name: "g" },
      ],
    };
    const { resources, problems } = await readText({
      format_version: "1.2",
      resource_changes: [
        group('module.each["a"]'),
        group('module.each["b"]'),
        // The one instance of `module.solo`; `module.soloist` is another module, not an instance of it.
        group('module.solo["x"]'),
        group("module.soloist"),
        rule("keyed", 22),
        rule("single", 3389),
        rule("unkeyed", 2222),
      ],
      configuration: {
        root_module: {
          resources: [
            configuredRule("keyed", ['module.each["b"].id', 'module.each["b"]']),
            configuredRule("single", ["module.solo.id", "module.solo"]),
            // Which instance of `module.each`? The plan cannot say.
            configuredRule("unkeyed", ["module.each.id", "module.each"]),
          ],
          module_calls: {
            each: { source: "./group", module: groupModule },
            solo: { source: "./group", module: groupModule },
            soloist: { source: "./group", module: groupModule },
          },
        },
      },
    });
    const ports = (module: string) =>
      (
        find(resources, "AWS::EC2::SecurityGroup", `${module}.aws_security_group.g`).properties
          .IpPermissions as JsonObject[]
      ).map((permission) => permission.FromPort);
    expect([
      ports('module.each["a"]'),
      ports('module.each["b"]'),
      ports('module.solo["x"]'),
      ports("module.soloist"),
    ]).toEqual([[], [22], [3389], []]);
    // The rule of an unknown group is not lost: it is reported as one that cannot be placed.
    expect(problems).toEqual([]);
    // A rule whose group cannot be named is judged on its own, as a group of its own.
    const standIn = find(resources, "AWS::EC2::SecurityGroup", "aws_security_group_rule.unkeyed");
    expect(
      (standIn.properties.IpPermissions as JsonObject[]).map((permission) => permission.FromPort),
    ).toEqual([2222]);
  });

  it("join separate rule resources to their group through the configuration's references", async () => {
    const { resources, problems } = await readFixture(WEB);
    expect(problems).toEqual([]);
    const app = find(resources, "AWS::EC2::SecurityGroup", "aws_security_group.app");
    expect(app).toMatchObject({
      region: "eu-west-1",
      source: { kind: "terraform-plan", address: "aws_security_group.app" },
    });
    expect(app.account).toMatch(/^0000\d{8}$/);
    expect(app.properties).toMatchObject({
      GroupId: "aws_security_group.app",
      GroupName: "aws_security_group.app",
      Description: "Application servers",
      VpcId: { $unknown: "vpc_id of aws_security_group.app is known only after apply" },
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [],
          UserIdGroupPairs: [{ GroupId: "aws_security_group.bastion" }],
        },
        {
          IpProtocol: "-1",
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
          IpRanges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
      IpPermissionsEgress: [],
    });
    expect(app.source.positions).toMatchObject({
      "IpPermissions[0]": { line: 58, column: 1 },
      "IpPermissions[0].FromPort": { line: 61, column: 3 },
      "IpPermissions[1].Ipv6Ranges[0].CidrIpv6": { line: 70, column: 3 },
    });
    expect(app.source.file).toBe("test/fixtures/plans/web/main.tf");
    expect(app.source.line).toBe(52);
  });

  it("mark values known only after apply, naming the attribute and the address", async () => {
    const { resources } = await readFixture(WEB);
    const ci = find(resources, "AWS::EC2::SecurityGroup", "aws_security_group.ci");
    expect(ci.properties.IpPermissions).toEqual([
      {
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        IpRanges: [
          {
            CidrIp: {
              $unknown: "cidr_ipv4 of aws_vpc_security_group_ingress_rule.ci_ssh is known only after apply",
            },
          },
        ],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
    ]);
  });

  it("read inline blocks: all traffic, IPv6, prefix lists and self", async () => {
    const { resources } = await readFixture(STANDALONE);
    const shared = find(resources, "AWS::EC2::SecurityGroup", "aws_security_group.shared");
    expect(shared.properties.IpPermissions).toEqual([
      {
        IpProtocol: "-1",
        FromPort: 0,
        ToPort: 0,
        IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "Everything from the world" }],
        Ipv6Ranges: [{ CidrIpv6: "::/0", Description: "Everything from the world" }],
        PrefixListIds: [],
        UserIdGroupPairs: [],
      },
      {
        IpProtocol: "tcp",
        FromPort: 9100,
        ToPort: 9100,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [
          { PrefixListId: "pl-0123456789abcdef0", Description: "Monitoring from the prefix list" },
        ],
        UserIdGroupPairs: [
          { GroupId: "aws_security_group.shared", Description: "Monitoring from the prefix list" },
        ],
      },
    ]);
    // No configuration beside this plan: positions are in the plan file itself.
    expect(shared.source).toMatchObject({ file: STANDALONE, line: 604, column: 5 });
    expect(shared.source.positions?.["IpPermissions[0].IpRanges[0].CidrIp"]).toEqual({
      line: 620,
      column: 17,
    });
  });
});

describe("Terraform plans: IAM", () => {
  it("attaches role policies, managed policies and group memberships given as resources", async () => {
    const { resources } = await readFixture(WEB);
    const operator = find(resources, "AWS::IAM::Role", "session-operator");
    expect(operator.region).toBe("global");
    expect(operator.properties).toMatchObject({
      RoleName: "session-operator",
      Arn: expect.stringMatching(/^arn:aws:iam::0000\d{8}:role\/session-operator$/),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Sid: "Operators",
            Principal: { AWS: "arn:aws:iam::111122223333:root" },
            Action: "sts:AssumeRole",
          },
        ],
      },
      RolePolicyList: [
        { PolicyName: "start-sessions", PolicyDocument: { Statement: [{ Sid: "StartSessions" }] } },
      ],
      AttachedManagedPolicies: [],
    });
    const app = find(resources, "AWS::IAM::Role", "app-instance-role");
    expect(app.properties.AttachedManagedPolicies).toEqual([
      { PolicyName: "instance-core", PolicyArn: expect.stringMatching(/:policy\/instance-core$/) },
    ]);
    expect(app.properties.InstanceProfileList).toMatchObject([
      { InstanceProfileName: "app-instance-profile" },
    ]);
    expect(find(resources, "AWS::IAM::User", "alice").properties.GroupList).toEqual(["session-operators"]);
    expect(
      find(resources, "AWS::IAM::Group", "session-operators").properties.AttachedManagedPolicies,
    ).toEqual([
      { PolicyName: "operator-access", PolicyArn: expect.stringMatching(/:policy\/operator-access$/) },
    ]);
    const policy = find(
      resources,
      "AWS::IAM::Policy",
      (app.properties.AttachedManagedPolicies as { PolicyArn: string }[])[0]!.PolicyArn,
    );
    expect(policy.properties).toMatchObject({
      PolicyName: "instance-core",
      PolicyVersionList: [{ IsDefaultVersion: true }],
    });
  });

  it("reads a trust policy written as a JSON string, with its condition", async () => {
    const { resources } = await readFixture(STANDALONE);
    expect(find(resources, "AWS::IAM::Role", "deploy").properties.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Action: "sts:AssumeRole",
          Condition: { StringLike: { "sts:RoleSessionName": "${aws:username}" } },
        },
      ],
    });
    expect(find(resources, "AWS::IAM::Role", "deploy").properties.AttachedManagedPolicies).toMatchObject([
      { PolicyName: "sessions" },
    ]);
  });
});

describe("Terraform plans: instances and documents", () => {
  it("relate instances to profiles and groups, and decide public IPs from subnets", async () => {
    const { resources } = await readFixture(WEB);
    const bastion = find(resources, "AWS::EC2::Instance", "aws_instance.bastion");
    expect(bastion.properties).toMatchObject({
      KeyName: "ops-shared",
      PublicIpAddress: "(assigned at launch)",
      SecurityGroups: [{ GroupId: "aws_security_group.bastion", GroupName: "bastion" }],
      State: { Name: "running" },
    });
    expect(bastion.source.positions?.KeyName).toEqual({ line: 7, column: 3 });
    const app = find(resources, "AWS::EC2::Instance", "aws_instance.app[1]");
    expect(app.properties).toMatchObject({
      IamInstanceProfile: { Arn: expect.stringMatching(/:instance-profile\/app-instance-profile$/) },
      SecurityGroups: [{ GroupId: "aws_security_group.app" }],
    });
    expect(app.properties.KeyName).toBeUndefined();
    expect(app.properties.PublicIpAddress).toBeUndefined();
  });

  it("take a key pair and groups from a launch template in the plan", async () => {
    const { resources } = await readFixture(STANDALONE);
    const web = find(resources, "AWS::EC2::Instance", 'module.app["staging"].aws_instance.web');
    expect(web.properties).toMatchObject({
      KeyName: "legacy-staging",
      SecurityGroups: [{ GroupId: 'module.app["staging"].aws_security_group.web', GroupName: "web-staging" }],
      PublicIpAddress: "(assigned at launch in the default VPC)",
    });
  });

  it("parse document content as JSON or YAML, and keep it unknown when it is", async () => {
    const yaml = find(
      (await readFixture(STANDALONE)).resources,
      "AWS::SSM::Document",
      "SSM-SessionManagerRunShell",
    );
    expect(yaml.region).toBe("us-east-1");
    expect(yaml.properties.Content).toEqual({
      schemaVersion: "1.0",
      description: "Session Manager preferences",
      sessionType: "Standard_Stream",
      inputs: { s3BucketName: "", cloudWatchLogGroupName: "", runAsEnabled: true, idleSessionTimeout: "60" },
    });
    const unknown = find(
      (await readFixture(WEB)).resources,
      "AWS::SSM::Document",
      "SSM-SessionManagerRunShell",
    );
    expect(unknown.properties).toMatchObject({
      DocumentType: "Session",
      Content: { $unknown: "content of aws_ssm_document.session_preferences is known only after apply" },
    });
  });
});

describe("Terraform plans: the envelope", () => {
  const change = (address: string, actions: string[], after: unknown, afterUnknown: unknown = {}) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    name: address.split(".")[1],
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: {
      actions,
      before: null,
      after,
      after_unknown: afterUnknown,
      before_sensitive: false,
      after_sensitive: {},
    },
  });

  it("refuses a format version it does not read, at the line of the version", async () => {
    const result = await readFixture("test/fixtures/plans/bad/future-format.json");
    expect(result.resources).toEqual([]);
    expect(result.problems).toEqual([
      {
        file: "test/fixtures/plans/bad/future-format.json",
        line: 2,
        column: 3,
        message:
          'Terraform plan format version "2.0" is not supported (this tool reads format versions 0.x and 1.x)',
      },
    ]);
  });

  it("refuses a second entry for one address, but reads a deposed object beside its resource", async () => {
    const closed = { name: "web", description: "web", ingress: [] };
    const open = {
      name: "web",
      description: "web",
      ingress: [{ from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"], self: false }],
    };
    const twice = await readText({
      format_version: "1.2",
      resource_changes: [
        change("aws_security_group.web", ["create"], closed),
        change("aws_security_group.web", ["create"], open),
      ],
    });
    expect(twice.problems.map((problem) => problem.message)).toEqual([
      "resource_changes[1] of the Terraform plan lists aws_security_group.web again (first at resource_changes[0]): the plan contradicts itself",
    ]);

    const deposed = await readText({
      format_version: "1.2",
      resource_changes: [
        change("aws_security_group.web", ["create"], open),
        { ...change("aws_security_group.web", ["delete"], null), deposed: "00000001" },
      ],
    });
    expect(deposed.problems).toEqual([]);
    expect(deposed.resources.map((resource) => resource.id)).toEqual(["aws_security_group.web"]);
  });

  it("skips resources the plan deletes, and keeps elements of a list that are known", async () => {
    const group = (name: string) => ({
      name,
      description: name,
      ingress: [
        { from_port: 22, to_port: 22, protocol: "tcp", cidr_blocks: ["10.0.0.0/8", null], self: false },
      ],
    });
    const { resources } = await readText({
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: {} },
      resource_changes: [
        change("aws_security_group.gone", ["delete"], null),
        change("aws_security_group.replaced", ["delete", "create"], group("replaced"), {
          ingress: [{ cidr_blocks: [false, true] }],
        }),
      ],
    });
    expect(resources.map((resource) => resource.id)).toEqual(["aws_security_group.replaced"]);
    expect(resources[0]!.properties.IpPermissions).toMatchObject([
      {
        IpRanges: [
          { CidrIp: "10.0.0.0/8" },
          {
            CidrIp: {
              $unknown: "ingress[0].cidr_blocks[1] of aws_security_group.replaced is known only after apply",
            },
          },
        ],
      },
    ]);
  });

  it("never chooses between two equal keys of a policy written as text: the document is unknown", async () => {
    const policy = `{"Statement": [{"Effect": "Allow", "Action": "ssm:StartSession", "Resource": "*",
  "Condition": {"Bool": {"aws:SecureTransport": "true"}},
  "Condition": {"BoolIfExists": {"ssm:SessionDocumentAccessCheck": "true"}}}]}`;
    const { resources } = await readText({
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: {} },
      resource_changes: [change("aws_iam_policy.sessions", ["create"], { name: "sessions", policy })],
    });
    const managed = resources.find((resource) => resource.type === "AWS::IAM::Policy")!;
    expect((managed.properties.PolicyVersionList as JsonObject[])[0]!.Document).toEqual({
      $unknown:
        'policy of aws_iam_policy.sessions writes the key "Condition" twice (again at line 3, column 3 of its text), and readers differ on which one counts',
    });
  });

  it("puts an instance given an empty list of groups in its VPC's default group, unknown here", async () => {
    const { resources } = await readText({
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: {} },
      resource_changes: [
        change("aws_instance.bare", ["create"], { ami: "ami-1", vpc_security_group_ids: [] }),
        change("aws_instance.existing", ["update"], { ami: "ami-1", security_groups: [] }),
      ],
    });
    // Never no group at all: every rule over an instance's groups would hold for none.
    const instances = resources.filter((resource) => resource.type === "AWS::EC2::Instance");
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      const groups = instance.properties.SecurityGroups as JsonObject[];
      expect(groups, instance.id).toHaveLength(1);
      expect(isUnknown(groups[0]!.GroupId), instance.id).toBe(true);
    }
  });

  it("reads planned values when the plan has no resource changes", async () => {
    const { resources } = await readText({
      format_version: "0.2",
      terraform_version: "0.15.5",
      planned_values: {
        root_module: {
          child_modules: [
            {
              address: "module.net",
              resources: [
                {
                  address: "module.net.aws_security_group.a",
                  mode: "managed",
                  type: "aws_security_group",
                  name: "a",
                  values: { name: "a", ingress: [] },
                },
              ],
            },
          ],
        },
      },
    });
    expect(resources.map((resource) => [resource.id, resource.source.address])).toEqual([
      ["module.net.aws_security_group.a", "module.net.aws_security_group.a"],
    ]);
  });

  it("keeps a computed attribute unknown when the plan has no configuration to say it is unset", async () => {
    const { resources } = await readText({
      format_version: "1.2",
      planned_values: { root_module: {} },
      resource_changes: [
        change("aws_security_group.open", ["create"], { name: "open" }, { ingress: true, id: true }),
      ],
    });
    expect(resources[0]!.properties.IpPermissions).toEqual({
      $unknown: "ingress of aws_security_group.open is known only after apply",
    });
  });
});

describe("Terraform plans: a rule resource whose direction is not known", () => {
  const rule = (type: unknown) => ({
    address: "aws_security_group_rule.ssh",
    mode: "managed",
    type: "aws_security_group_rule",
    name: "ssh",
    change: {
      actions: ["create"],
      before: null,
      after: {
        ...(type === undefined ? {} : { type }),
        security_group_id: "sg-1",
        protocol: "tcp",
        from_port: 22,
        to_port: 22,
        cidr_blocks: ["0.0.0.0/0"],
      },
      after_unknown: type === null ? { type: true } : {},
    },
  });

  it.each([
    ["known only after apply", null, "type of aws_security_group_rule.ssh is known only after apply"],
    ["missing", undefined, "type of aws_security_group_rule.ssh is missing, not ingress or egress"],
    ["not a direction", "Ingress", 'type of aws_security_group_rule.ssh is "Ingress", not ingress or egress'],
  ])("stands in both lists of its group as unreadable when its type is %s", async (_, type, reason) => {
    const { resources } = await readText({ format_version: "1.2", resource_changes: [rule(type)] });
    const group = find(resources, "AWS::EC2::SecurityGroup", "aws_security_group_rule.ssh");
    expect(group.properties.IpPermissions).toEqual([{ $unknown: reason }]);
    expect(group.properties.IpPermissionsEgress).toEqual([{ $unknown: reason }]);
  });
});

describe("Terraform plans: an instance's public address through what the plan cannot name", () => {
  const created = (address: string, after: unknown, afterUnknown: unknown = {}, index?: number) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    name: address.split(".")[1]!.split("[")[0],
    ...(index === undefined ? {} : { index }),
    change: { actions: ["create"], before: null, after, after_unknown: afterUnknown },
  });
  const configured = (address: string, expressions: unknown, count?: number) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    name: address.split(".")[1],
    expressions,
    ...(count === undefined ? {} : { count_expression: { constant_value: count } }),
  });
  const subnet = created("aws_subnet.private", { map_public_ip_on_launch: false }, { id: true });
  const instanceExpressions = { subnet_id: { references: ["aws_subnet.private.id", "aws_subnet.private"] } };
  const publicIps = async (changes: unknown[], resources: unknown[]) => {
    const { resources: read, problems } = await readText({
      format_version: "1.2",
      resource_changes: changes,
      configuration: { root_module: { resources } },
    });
    return {
      problems: problems.map((problem) => problem.message),
      addresses: read
        .filter((resource) => resource.type === "AWS::EC2::Instance")
        .map((resource) => [resource.id, resource.properties.PublicIpAddress]),
    };
  };

  it("takes an Elastic IP given to an existing instance's primary interface by its id", async () => {
    const byInterface = await publicIps(
      [
        subnet,
        created(
          "aws_instance.web",
          { ami: "ami-1", id: "i-0abc", primary_network_interface_id: "eni-0abc" },
          { subnet_id: true },
        ),
        created("aws_eip.ip", { domain: "vpc", network_interface: "eni-0abc" }, { id: true }),
        created("aws_eip.other", { domain: "vpc", network_interface: "eni-0def" }, { id: true }),
      ],
      [configured("aws_subnet.private", {}), configured("aws_instance.web", instanceExpressions)],
    );
    expect(byInterface.addresses).toEqual([["i-0abc", "(Elastic IP aws_eip.ip)"]]);
  });

  it("takes the first address, subnet or launch template in the plan's order that the instance names", async () => {
    // Each is found through an index built once per plan: the plan's order must still decide
    // between an address for the instance and an earlier one for its interface, and between two
    // subnets or launch templates that answer to one id or name.
    const read = await publicIps(
      [
        created("aws_instance.a", { ami: "ami-1", id: "i-a", primary_network_interface_id: "eni-a" }),
        created("aws_instance.b", { ami: "ami-1", id: "i-b", primary_network_interface_id: "eni-b" }),
        created("aws_instance.c", { ami: "ami-1", id: "i-c", subnet_id: "subnet-1" }),
        created("aws_instance.d", {
          ami: "ami-1",
          id: "i-d",
          launch_template: [{ id: null, name: "shared", version: "1" }],
        }),
        created("aws_eip.for_a_interface", { domain: "vpc", network_interface: "eni-a" }),
        created("aws_eip.for_a", { domain: "vpc", instance: "i-a" }),
        created("aws_eip.for_b", { domain: "vpc", instance: "i-b" }),
        created("aws_eip.for_b_interface", { domain: "vpc", network_interface: "eni-b" }),
        created("aws_subnet.public", { id: "subnet-1", map_public_ip_on_launch: true }),
        created("aws_subnet.private", { id: "subnet-1", map_public_ip_on_launch: false }),
        created("aws_launch_template.first", {
          id: "lt-first",
          name: "shared",
          network_interfaces: [{ device_index: 0, associate_public_ip_address: "false" }],
        }),
        created("aws_launch_template.second", {
          id: "lt-second",
          name: "shared",
          network_interfaces: [{ device_index: 0, associate_public_ip_address: "true" }],
        }),
      ],
      [
        configured("aws_instance.a", {}),
        configured("aws_instance.b", {}),
        configured("aws_instance.c", { subnet_id: { constant_value: "subnet-1" } }),
        configured("aws_instance.d", { launch_template: [{ name: { constant_value: "shared" } }] }),
      ],
    );
    expect(read.problems).toEqual([]);
    expect(read.addresses).toEqual([
      ["i-a", "(Elastic IP aws_eip.for_a_interface)"],
      ["i-b", "(Elastic IP aws_eip.for_b)"],
      ["i-c", "(assigned at launch)"],
      ["i-d", undefined],
    ]);
  });

  it("leaves it unknown when an Elastic IP of a counted instance, or of its interface, cannot be named", async () => {
    const counted = await publicIps(
      [
        subnet,
        created("aws_instance.web[0]", { ami: "ami-1" }, { id: true, subnet_id: true }, 0),
        created("aws_eip.ip[0]", { domain: "vpc" }, { instance: true }, 0),
      ],
      [
        configured("aws_subnet.private", {}),
        configured("aws_instance.web", instanceExpressions, 1),
        configured(
          "aws_eip.ip",
          {
            instance: {
              references: [
                "aws_instance.web[count.index].id",
                "aws_instance.web[count.index]",
                "aws_instance.web",
                "count.index",
              ],
            },
          },
          1,
        ),
      ],
    );
    expect(counted.addresses).toEqual([
      [
        "aws_instance.web[0]",
        {
          $unknown:
            "PublicIpAddress of aws_instance.web[0] depends on Elastic IP aws_eip.ip[0], whose instance may be aws_instance.web[0]'s and is known only after apply",
        },
      ],
    ]);
    const byInterface = await publicIps(
      [
        subnet,
        created("aws_instance.web", { ami: "ami-1" }, { id: true, subnet_id: true }),
        created("aws_instance.other", { ami: "ami-1" }, { id: true, subnet_id: true }),
        created("aws_eip_association.a", {}, { network_interface_id: true }),
      ],
      [
        configured("aws_subnet.private", {}),
        configured("aws_instance.web", instanceExpressions),
        configured("aws_instance.other", instanceExpressions),
        configured("aws_eip_association.a", {
          network_interface_id: {
            references: ["aws_instance.web.primary_network_interface_id", "aws_instance.web"],
          },
        }),
      ],
    );
    expect(byInterface.addresses).toEqual([
      [
        "aws_instance.web",
        {
          $unknown:
            "PublicIpAddress of aws_instance.web depends on Elastic IP aws_eip_association.a, whose network_interface_id may be aws_instance.web's and is known only after apply",
        },
      ],
      ["aws_instance.other", undefined],
    ]);
  });

  /** An instance whose public address a launch template of the plan decides. */
  const throughTemplate = (interfaces: unknown[], unknown: unknown = {}) =>
    publicIps(
      [
        subnet,
        created(
          "aws_launch_template.web",
          { network_interfaces: interfaces },
          { id: true, ...(unknown as object) },
        ),
        created(
          "aws_instance.web",
          { ami: "ami-1", launch_template: [{ name: "web" }] },
          { id: true, subnet_id: true },
        ),
      ],
      [
        configured("aws_subnet.private", {}),
        configured("aws_launch_template.web", { name: { constant_value: "web" } }),
        configured("aws_instance.web", {
          ...instanceExpressions,
          launch_template: [
            { id: { references: ["aws_launch_template.web.id", "aws_launch_template.web"] } },
          ],
        }),
      ],
    );

  it("refuses a subnet flag of the wrong type, and a launch template flag that is neither true nor false", async () => {
    const mistyped = await publicIps(
      [
        created("aws_subnet.private", { map_public_ip_on_launch: "true" }, { id: true }),
        created("aws_instance.web", { ami: "ami-1" }, { id: true, subnet_id: true }),
      ],
      [configured("aws_subnet.private", {}), configured("aws_instance.web", instanceExpressions)],
    );
    expect(mistyped.problems).toEqual([
      "map_public_ip_on_launch of aws_subnet.private must be a boolean, not a string",
    ]);
    expect(mistyped.addresses).toEqual([
      [
        "aws_instance.web",
        { $unknown: "map_public_ip_on_launch of aws_subnet.private must be a boolean, not a string" },
      ],
    ]);
    const templated = await throughTemplate([{ associate_public_ip_address: "TRUE" }]);
    expect(templated.addresses).toEqual([
      [
        "aws_instance.web",
        {
          $unknown: expect.stringMatching(
            /^PublicIpAddress of aws_instance\.web depends on associate_public_ip_address "TRUE" of launch template .*, which is neither true nor false$/,
          ),
        },
      ],
    ]);
  });

  it("reads a launch template's public address flag from the interface at device index 0", async () => {
    // The primary interface listed second: its flag decides, not the first entry's.
    const second = await throughTemplate([
      { device_index: 1, associate_public_ip_address: false },
      { device_index: 0, associate_public_ip_address: true },
    ]);
    expect(second.addresses).toEqual([["aws_instance.web", "(assigned at launch)"]]);
    const unset = await throughTemplate([{ device_index: null, associate_public_ip_address: true }]);
    expect(unset.addresses).toEqual([["aws_instance.web", "(assigned at launch)"]]);
    const twice = await throughTemplate([
      { device_index: 0, associate_public_ip_address: false },
      { device_index: 0, associate_public_ip_address: true },
    ]);
    expect(twice.addresses).toEqual([
      [
        "aws_instance.web",
        { $unknown: expect.stringMatching(/lists more than one network interface at device index 0$/) },
      ],
    ]);
    const later = await throughTemplate([{ associate_public_ip_address: true }, {}], {
      network_interfaces: [{ device_index: true }, {}],
    });
    expect(later.addresses).toEqual([
      ["aws_instance.web", { $unknown: expect.stringMatching(/device_index.* is known only after apply$/) }],
    ]);
  });
});

describe("Terraform plans: trails, event rules and their targets", () => {
  const created = (address: string, after: unknown, afterUnknown: unknown = {}) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    name: address.split(".")[1],
    provider_name: "registry.terraform.io/hashicorp/aws",
    change: { actions: ["create"], before: null, after, after_unknown: afterUnknown },
  });
  const plan = (...changes: unknown[]) =>
    readText({
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: {} },
      resource_changes: changes,
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_cloudwatch_event_target.notify",
              mode: "managed",
              type: "aws_cloudwatch_event_target",
              name: "notify",
              expressions: {
                rule: {
                  references: [
                    "aws_cloudwatch_event_rule.session_start.name",
                    "aws_cloudwatch_event_rule.session_start",
                  ],
                },
                arn: { references: ["aws_sns_topic.alerts.arn", "aws_sns_topic.alerts"] },
              },
            },
          ],
        },
      },
    });

  it("reads a trail with the provider's defaults and its selectors in the describe shape", async () => {
    const { resources, problems } = await plan(
      created("aws_cloudtrail.management", {
        name: "management-events",
        s3_bucket_name: "trail-bucket",
        is_multi_region_trail: true,
        event_selector: [
          {
            read_write_type: "WriteOnly",
            include_management_events: true,
            exclude_management_event_sources: [],
          },
        ],
        advanced_event_selector: [],
      }),
      created("aws_cloudtrail.advanced", {
        name: "advanced",
        enable_logging: false,
        advanced_event_selector: [
          {
            name: "management",
            field_selector: [
              { field: "eventCategory", equals: ["Management"], not_equals: [], starts_with: null },
            ],
          },
        ],
      }),
    );
    expect(problems).toEqual([]);
    expect(find(resources, "AWS::CloudTrail::Trail", "management-events").properties).toEqual({
      Name: "management-events",
      IsLogging: true,
      IsMultiRegionTrail: true,
      IsOrganizationTrail: false,
      IncludeGlobalServiceEvents: true,
      S3BucketName: "trail-bucket",
      EventSelectors: [
        { ReadWriteType: "WriteOnly", IncludeManagementEvents: true, ExcludeManagementEventSources: [] },
      ],
    });
    expect(find(resources, "AWS::CloudTrail::Trail", "advanced").properties).toMatchObject({
      IsLogging: false,
      IsMultiRegionTrail: false,
      AdvancedEventSelectors: [
        { Name: "management", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
      ],
    });
  });

  it("joins a target to the rule it names, whose pattern is decoded", async () => {
    const { resources, problems, notes } = await plan(
      created("aws_cloudwatch_event_rule.session_start", {
        name: "session-start-alert",
        event_pattern: '{"source":["aws.ssm"],"detail":{"eventName":["StartSession"]}}',
        state: "ENABLED",
        event_bus_name: "default",
      }),
      created(
        "aws_cloudwatch_event_target.notify",
        { rule: "session-start-alert", event_bus_name: "default" },
        { arn: true, target_id: true },
      ),
      created("aws_cloudwatch_event_target.stray", { rule: "elsewhere", arn: "arn:aws:sns:eu-west-1:1:x" }),
    );
    expect(problems).toEqual([]);
    const rule = find(resources, "AWS::Events::Rule", "session-start-alert");
    expect(rule.properties).toEqual({
      Name: "session-start-alert",
      State: "ENABLED",
      EventPattern: { source: ["aws.ssm"], detail: { eventName: ["StartSession"] } },
      EventBusName: "default",
      // The topic is not in the plan: its ARN stays unknown, and the target is there all the same.
      Targets: [
        {
          Id: "aws_cloudwatch_event_target.notify",
          Arn: { $unknown: "arn of aws_cloudwatch_event_target.notify is known only after apply" },
        },
      ],
    });
    expect(notes.join("\n")).toContain(
      "aws_cloudwatch_event_target.stray targets rule elsewhere, which is not in the plan",
    );
  });

  it("reads the older is_enabled as the rule's state", async () => {
    const { resources } = await plan(
      created("aws_cloudwatch_event_rule.old", { name: "old", is_enabled: false, event_pattern: "{" }),
    );
    expect(find(resources, "AWS::Events::Rule", "old").properties).toMatchObject({
      State: "DISABLED",
      EventPattern: "{",
      Targets: [],
    });
  });
});
