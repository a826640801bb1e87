import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Resource } from "../../../src/model/resource.js";
import type { InputFile } from "../../../src/sources/files.js";
import { parseJson } from "../../../src/sources/positioned/json.js";
import type { MapNode } from "../../../src/sources/positioned/node.js";
import { readPlan } from "../../../src/sources/terraform/plan.js";
import { REPO } from "../../support/cli.js";

/**
 * Plans that are unusual or hostile: parts unknown as a whole, values of the wrong JSON type,
 * sources known only after apply. None of them may read as a clean pass.
 */

const FILE = "synthetic/plan.json";

function read(plan: unknown) {
  const file: InputFile = { path: join(REPO, FILE), display: FILE, explicit: true, argument: FILE };
  return readPlan(parseJson(JSON.stringify(plan, null, 2)) as MapNode, file, REPO);
}

/** The 1-based line of the first line of the pretty-printed plan that matches. */
function lineOf(plan: unknown, pattern: RegExp): number {
  const index = JSON.stringify(plan, null, 2)
    .split("\n")
    .findIndex((line) => pattern.test(line));
  if (index === -1) throw new Error(`nothing matches ${pattern}`);
  return index + 1;
}

function change(address: string, after: unknown, afterUnknown: unknown = {}) {
  const [type, name] = address.split(".");
  return {
    address,
    mode: "managed",
    type,
    name,
    change: { actions: ["create"], before: null, after, after_unknown: afterUnknown, after_sensitive: {} },
  };
}

function configured(address: string, expressions: Record<string, unknown>) {
  const [type, name] = address.split(".");
  return { address, mode: "managed", type, name, expressions };
}

function only(resources: readonly Resource[], type: string): Resource {
  const found = resources.filter((resource) => resource.type === type);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const SSH_FROM_WORLD = {
  from_port: 22,
  to_port: 22,
  protocol: "tcp",
  cidr_blocks: ["0.0.0.0/0"],
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  security_groups: [],
  self: false,
  description: "",
};

describe("Terraform plans: parts unknown as a whole", () => {
  it("keep an ingress the plan marks unknown unknown, even when the configuration does not set it", async () => {
    const { resources, problems } = await read({
      format_version: "1.2",
      configuration: {
        root_module: {
          resources: [configured("aws_security_group.open", { name: { constant_value: "open" } })],
        },
      },
      resource_changes: [
        change("aws_security_group.open", { name: "open", ingress: [SSH_FROM_WORLD] }, { ingress: true }),
      ],
    });
    expect(problems).toEqual([]);
    expect(only(resources, "AWS::EC2::SecurityGroup").properties.IpPermissions).toEqual({
      $unknown: "ingress of aws_security_group.open is known only after apply",
    });
  });

  it("keep blocks a dynamic block writes unknown, when the configuration beside the plan has one", async () => {
    // The plan's configuration leaves dynamic blocks out, so only the .tf file tells an unset
    // computed attribute from blocks generated over a value known only after apply.
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-dynamic-"));
    await writeFile(
      join(dir, "main.tf"),
      [
        'resource "aws_iam_role" "r" {',
        '  name = "r"',
        '  dynamic "inline_policy" {',
        "    for_each = var.policies",
        "    content {",
        "      name   = inline_policy.key",
        "      policy = inline_policy.value",
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    const plan = {
      format_version: "1.2",
      configuration: {
        root_module: { resources: [configured("aws_iam_role.r", { name: { constant_value: "r" } })] },
      },
      resource_changes: [change("aws_iam_role.r", { name: "r" }, { inline_policy: true })],
    };
    await writeFile(join(dir, "plan.json"), JSON.stringify(plan));
    const file: InputFile = {
      path: join(dir, "plan.json"),
      display: "plan.json",
      explicit: true,
      argument: "plan.json",
    };
    const { resources } = await readPlan(parseJson(JSON.stringify(plan)) as MapNode, file, dir);
    expect(only(resources, "AWS::IAM::Role").properties.RolePolicyList).toEqual([
      {
        PolicyName: "inline_policy",
        PolicyDocument: { $unknown: "inline_policy of aws_iam_role.r is known only after apply" },
      },
    ]);
  });

  it("keep a role's inline policies unknown when the plan marks them so and holds a value", async () => {
    const { resources } = await read({
      format_version: "1.2",
      configuration: {
        root_module: { resources: [configured("aws_iam_role.r", { name: { constant_value: "r" } })] },
      },
      resource_changes: [
        change(
          "aws_iam_role.r",
          { name: "r", inline_policy: [{ name: "all", policy: '{"Statement":[]}' }] },
          { inline_policy: true },
        ),
      ],
    });
    expect(only(resources, "AWS::IAM::Role").properties.RolePolicyList).toEqual([
      {
        PolicyName: "inline_policy",
        PolicyDocument: { $unknown: "inline_policy of aws_iam_role.r is known only after apply" },
      },
    ]);
  });
});

describe("Terraform plans: values of the wrong JSON type", () => {
  it("report resource_changes written as an object at its line", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: { web: change("aws_security_group.web", { name: "web", ingress: [SSH_FROM_WORLD] }) },
    };
    const { problems } = await read(plan);
    expect(problems).toEqual([
      {
        file: FILE,
        line: lineOf(plan, /"resource_changes"/),
        column: 3,
        message: "resource_changes of the Terraform plan must be a list, not an object",
      },
    ]);
  });

  it("report planned resources and child modules written as objects", async () => {
    const plan = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: { a: { address: "aws_security_group.a", mode: "managed", type: "aws_security_group" } },
          child_modules: { net: { address: "module.net", resources: [] } },
        },
      },
    };
    const { problems } = await read(plan);
    expect(problems).toEqual([
      {
        file: FILE,
        line: lineOf(plan, /"resources"/),
        column: 7,
        message: "planned_values.root_module.resources of the Terraform plan must be a list, not an object",
      },
      {
        file: FILE,
        line: lineOf(plan, /"child_modules"/),
        column: 7,
        message:
          "planned_values.root_module.child_modules of the Terraform plan must be a list, not an object",
      },
    ]);
  });

  it("report an ingress written as an object, and keep the group's permissions unknown", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [change("aws_security_group.web", { name: "web", ingress: SSH_FROM_WORLD })],
    };
    const { problems, resources } = await read(plan);
    expect(problems).toEqual([
      {
        file: FILE,
        line: lineOf(plan, /"ingress"/),
        column: 11,
        message: "ingress of aws_security_group.web must be a list, not an object",
      },
    ]);
    expect(only(resources, "AWS::EC2::SecurityGroup").properties.IpPermissions).toEqual({
      $unknown: "ingress of aws_security_group.web must be a list, not an object",
    });
  });

  it("report a port written as a string and tags written as a list", async () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change("aws_security_group.web", {
          name: "web",
          ingress: [{ ...SSH_FROM_WORLD, from_port: "22" }],
          tags: ["web"],
        }),
        change("aws_instance.web", {
          ami: "ami-1",
          metadata_options: [{ http_put_response_hop_limit: "2" }],
        }),
      ],
    };
    const { problems } = await read(plan);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"from_port": "22"/),
        "ingress[0].from_port of aws_security_group.web must be a number, not a string",
      ],
      [lineOf(plan, /"tags": \[/), "tags of aws_security_group.web must be a map, not a list"],
      [
        lineOf(plan, /"http_put_response_hop_limit"/),
        "metadata_options[0].http_put_response_hop_limit of aws_instance.web must be a number, not a string",
      ],
    ]);
    expect(problems.every((problem) => problem.file === FILE)).toBe(true);
  });
  it("report a change with no mode, and one kept with no planned values, instead of skipping them", async () => {
    const unmoded = change("aws_security_group.web", { name: "web", ingress: [SSH_FROM_WORLD] });
    const { mode: _mode, ...withoutMode } = unmoded;
    const plan = {
      format_version: "1.2",
      resource_changes: [withoutMode, change("aws_security_group.empty", null)],
    };
    const { problems } = await read(plan);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"address": "aws_security_group.web"/) - 1,
        "resource_changes[0] of the Terraform plan has no mode (managed or data)",
      ],
      [
        lineOf(plan, /"after": null/),
        "the planned values of aws_security_group.empty are missing, though the plan keeps it",
      ],
    ]);
  });

  it("report a resource called data by its mode whose address is not a data source's", async () => {
    const open = change("aws_security_group.bastion", { name: "bastion", ingress: [SSH_FROM_WORLD] });
    const plan = {
      format_version: "1.2",
      resource_changes: [
        { ...open, mode: "data" },
        { ...open, mode: "data", address: "data.aws_security_group.bastion" },
        { ...open, mode: "data", address: 'module.a["b"].data.aws_security_group.bastion' },
      ],
    };
    const { resources, problems } = await read(plan);
    expect(resources).toEqual([]);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"address": "aws_security_group.bastion"/) - 1,
        'resource_changes[0] of the Terraform plan has mode "data", but aws_security_group.bastion is not a data source\'s address (data.…): the plan contradicts itself, and the resource would go unchecked',
      ],
    ]);
  });

  it("report a resource whose type or name its address contradicts, instead of reading it as that type", async () => {
    const open = change("aws_security_group.bastion", { name: "bastion", ingress: [SSH_FROM_WORLD] });
    const plan = {
      format_version: "1.2",
      resource_changes: [
        { ...open, type: "aws_s3_bucket" },
        { ...open, address: 'aws_security_group.bastion["a.b"]', index: "a.b" },
      ],
    };
    const { resources, problems } = await read(plan);
    expect(resources.map((resource) => resource.source.address)).toEqual([
      'aws_security_group.bastion["a.b"]',
    ]);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"address": "aws_security_group.bastion"/) - 1,
        'aws_security_group.bastion in the Terraform plan has type "aws_s3_bucket" and name "bastion", which its address does not say: the plan contradicts itself',
      ],
    ]);
  });

  it("report unknown and sensitive marks that are not what Terraform writes, instead of reading values as known", async () => {
    const open = change("aws_security_group.bastion", { name: "bastion", ingress: null });
    const plan = {
      format_version: "1.2",
      resource_changes: [
        { ...open, change: { ...open.change, after_unknown: "ingress" } },
        {
          ...open,
          address: "aws_security_group.other",
          name: "other",
          change: { ...open.change, after_unknown: { cidr: [false, true] }, after_sensitive: { ingress: 1 } },
        },
      ],
    };
    const { resources, problems } = await read(plan);
    expect(resources).toEqual([]);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"after_unknown": "ingress"/),
        "after_unknown of aws_security_group.bastion holds a string, where Terraform writes true, false, an object or a list: the plan cannot say which values are unknown",
      ],
      [
        lineOf(plan, /"ingress": 1/) - 1,
        "after_sensitive of aws_security_group.other holds a number at ingress, where Terraform writes true, false, an object or a list: the plan cannot say which values are sensitive",
      ],
    ]);
  });

  it("report sensitive marks of planned values that are not what Terraform writes", async () => {
    const plan = {
      format_version: "1.2",
      planned_values: {
        root_module: {
          resources: [
            {
              address: "aws_security_group.bastion",
              mode: "managed",
              type: "aws_security_group",
              name: "bastion",
              values: { name: "bastion", ingress: null },
              sensitive_values: { ingress: "yes" },
            },
          ],
        },
      },
    };
    const { resources, problems } = await read(plan);
    expect(resources).toEqual([]);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"sensitive_values"/),
        "sensitive_values of aws_security_group.bastion holds a string at ingress, where Terraform writes true, false, an object or a list: the plan cannot say which values are sensitive",
      ],
    ]);
  });

  it("report a configuration whose parts are not what Terraform writes", async () => {
    const plan = {
      format_version: "1.2",
      configuration: { root_module: { resources: {}, module_calls: [] } },
      resource_changes: [],
    };
    const { problems } = await read(plan);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"resources"/),
        "configuration.root_module.resources of the Terraform plan must be a list, not an object",
      ],
      [
        lineOf(plan, /"module_calls"/),
        "configuration.root_module.module_calls of the Terraform plan must be an object, not a list",
      ],
    ]);
  });
});

describe("Terraform plans: sensitive values taken out", () => {
  function sensitiveChange(after: unknown, afterSensitive: unknown) {
    const entry = change("aws_security_group.bastion", after);
    return { ...entry, change: { ...entry.change, after_sensitive: afterSensitive } };
  }

  it("read a sensitive value the plan holds none of as unknown, not as unset", async () => {
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [
        sensitiveChange(
          { name: "bastion", ingress: [{ ...SSH_FROM_WORLD, cidr_blocks: null }] },
          { ingress: [{ cidr_blocks: true }] },
        ),
      ],
    });
    const [permission] = only(resources, "AWS::EC2::SecurityGroup").properties.IpPermissions as {
      IpRanges: unknown;
    }[];
    expect(permission!.IpRanges).toEqual({
      $unknown:
        "ingress[0].cidr_blocks of aws_security_group.bastion is sensitive, and the plan holds no value for it (give the plan as `terraform show -json` prints it, sensitive values included)",
    });
  });

  it("read sensitive blocks taken out whole, and list elements taken out, as unknown", async () => {
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [
        sensitiveChange({ name: "bastion" }, { ingress: true }),
        {
          ...sensitiveChange(
            { name: "other", ingress: [{ ...SSH_FROM_WORLD, cidr_blocks: [] }] },
            { ingress: [{ cidr_blocks: [true] }] },
          ),
          address: "aws_security_group.other",
          name: "other",
        },
      ],
    });
    const [bastion, other] = resources.map((resource) => resource.properties.IpPermissions) as [
      unknown,
      { IpRanges: unknown }[],
    ];
    expect(bastion).toEqual({
      $unknown: expect.stringMatching(/^ingress of aws_security_group.bastion is sensitive/),
    });
    expect(other[0]!.IpRanges).toEqual([
      {
        CidrIp: {
          $unknown: expect.stringMatching(
            /^ingress\[0\]\.cidr_blocks\[0\] of aws_security_group.other is sensitive/,
          ),
        },
      },
    ]);
  });

  it("read a sensitive value the plan holds as it is", async () => {
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [
        sensitiveChange({ name: "bastion", ingress: [SSH_FROM_WORLD] }, { ingress: [{ cidr_blocks: true }] }),
      ],
    });
    const [permission] = only(resources, "AWS::EC2::SecurityGroup").properties.IpPermissions as {
      IpRanges: unknown;
    }[];
    expect(permission!.IpRanges).toEqual([{ CidrIp: "0.0.0.0/0" }]);
  });
});

describe("Terraform plans: resources the plan does not plan", () => {
  it("report resources of a refresh-only plan, which are only in prior_state", async () => {
    const plan = {
      format_version: "1.2",
      planned_values: { root_module: {} },
      prior_state: {
        format_version: "1.0",
        values: {
          root_module: {
            resources: [
              {
                address: "aws_security_group.bastion",
                mode: "managed",
                type: "aws_security_group",
                name: "bastion",
                values: { name: "bastion", ingress: [SSH_FROM_WORLD] },
              },
              { address: "data.aws_vpc.main", mode: "data", type: "aws_vpc", name: "main", values: {} },
            ],
          },
        },
      },
    };
    const { resources, problems } = await read(plan);
    expect(resources).toEqual([]);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"address": "aws_security_group.bastion"/) - 1,
        "aws_security_group.bastion is in prior_state, but the plan neither keeps nor deletes it (a plan made with -refresh-only plans no resources): it would go unchecked; check a plan made without -refresh-only",
      ],
    ]);
  });

  it("report deferred resources of types the rules read, and note the others", async () => {
    const plan = {
      format_version: "1.2",
      complete: false,
      resource_changes: [],
      deferred_changes: [
        {
          reason: "provider_config_unknown",
          resource_change: change("aws_security_group.bastion", {
            name: "bastion",
            ingress: [SSH_FROM_WORLD],
          }),
        },
        { reason: "instance_count_unknown", resource_change: change("aws_s3_bucket.logs", {}) },
      ],
    };
    const { problems, notes } = await read(plan);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"reason": "provider_config_unknown"/) - 1,
        "aws_security_group.bastion is deferred (provider_config_unknown): the plan does not say yet what it will be, so it is not checked",
      ],
    ]);
    expect(notes).toEqual([
      `${FILE}: aws_s3_bucket.logs is deferred (instance_count_unknown): the plan does not say yet what it will be, so it is not checked`,
    ]);
  });
});

describe("Terraform plans: regions", () => {
  const provider = (region: unknown, extra: Record<string, unknown> = {}) => ({
    name: "aws",
    full_name: "registry.terraform.io/hashicorp/aws",
    ...extra,
    ...(region === undefined ? {} : { expressions: { region } }),
  });
  const usingProvider = (address: string, key: string) => ({
    ...configured(address, { name: { constant_value: address } }),
    provider_config_key: key,
  });

  it("place each resource in the region of the provider configuration it uses, or its own region", async () => {
    const { resources } = await read({
      format_version: "1.2",
      configuration: {
        provider_config: {
          aws: provider({ constant_value: "eu-west-1" }),
          "aws.west": provider({ constant_value: "us-west-2" }, { alias: "west" }),
          "aws.env": provider(undefined, { alias: "env" }),
          "aws.variable": provider({ references: ["var.region"] }, { alias: "variable" }),
          "module.net:aws": provider({ references: ["var.region"] }, { module_address: "module.net" }),
        },
        root_module: {
          resources: [
            usingProvider("aws_ssm_document.default", "aws"),
            usingProvider("aws_ssm_document.west", "aws.west"),
            usingProvider("aws_ssm_document.env", "aws.env"),
            usingProvider("aws_ssm_document.variable", "aws.variable"),
            usingProvider("aws_ssm_document.module", "module.net:aws"),
            usingProvider("aws_ssm_document.own", "aws.west"),
          ],
        },
      },
      variables: { region: { value: "ap-south-1" } },
      resource_changes: [
        change("aws_ssm_document.default", { name: "default" }),
        change("aws_ssm_document.west", { name: "west" }),
        change("aws_ssm_document.env", { name: "env" }),
        change("aws_ssm_document.variable", { name: "variable" }),
        change("aws_ssm_document.module", { name: "module" }),
        change("aws_ssm_document.own", { name: "own", region: "sa-east-1" }),
      ],
    });
    expect(resources.map((resource) => [resource.id, resource.region])).toEqual([
      ["default", "eu-west-1"],
      ["west", "us-west-2"],
      ["env", "unknown"],
      ["variable", "ap-south-1"],
      ["module", "unknown"],
      ["own", "sa-east-1"],
    ]);
  });

  it("join an event target to the rule of that name in its own region, not to the first rule of the name", async () => {
    // One rule name in two regions; only the eu-west-1 rule has a target.
    const { resources, notes } = await read({
      format_version: "1.2",
      configuration: {
        provider_config: {
          aws: provider({ constant_value: "us-east-1" }),
          "aws.west": provider({ constant_value: "eu-west-1" }, { alias: "west" }),
        },
        root_module: {
          resources: [
            { ...configured("aws_cloudwatch_event_rule.east", {}), provider_config_key: "aws" },
            { ...configured("aws_cloudwatch_event_rule.west", {}), provider_config_key: "aws.west" },
            { ...configured("aws_cloudwatch_event_target.west", {}), provider_config_key: "aws.west" },
          ],
        },
      },
      resource_changes: [
        change("aws_cloudwatch_event_rule.east", { name: "session-start", state: "ENABLED" }),
        change("aws_cloudwatch_event_rule.west", { name: "session-start", state: "ENABLED" }),
        change("aws_cloudwatch_event_target.west", {
          rule: "session-start",
          arn: "arn:aws:sns:eu-west-1:111122223333:alerts",
        }),
      ],
    });
    expect(notes).toEqual([]);
    const rules = resources.filter((resource) => resource.type === "AWS::Events::Rule");
    expect(rules.map((rule) => [rule.region, (rule.properties.Targets as unknown[]).length])).toEqual([
      ["us-east-1", 0],
      ["eu-west-1", 1],
    ]);
  });
});

describe("Terraform plans: module addresses", () => {
  const group = (name: string) =>
    configured("aws_security_group.bastion", { name: { constant_value: name } });
  /** Module `a` writes the group's ingress (dynamically); module `a.b` has a group of that name without one. */
  const configuration = {
    root_module: {
      module_calls: {
        a: {
          source: "./a",
          module: {
            resources: [
              configured("aws_security_group.bastion", { name: { constant_value: "a" }, ingress: {} }),
            ],
            module_calls: { b: { source: "./b", module: { resources: [group("b")] } } },
          },
        },
      },
    },
  };
  function moduleChange(address: string, moduleAddress: string) {
    return {
      ...change("aws_security_group.bastion", { name: "a", ingress: null }, { ingress: true }),
      address,
      module_address: moduleAddress,
    };
  }

  it("read a for_each key that holds `module.` as part of one module call, not as a second call", async () => {
    const address = 'module.a["module.b"].aws_security_group.bastion';
    const { resources, problems } = await read({
      format_version: "1.2",
      configuration,
      resource_changes: [moduleChange(address, 'module.a["module.b"]')],
    });
    expect(problems).toEqual([]);
    expect(only(resources, "AWS::EC2::SecurityGroup").properties.IpPermissions).toEqual({
      $unknown: `ingress of ${address} is known only after apply`,
    });
  });

  it("report a module address that contradicts the resource's address, or is none, instead of reading it", async () => {
    const plan = {
      format_version: "1.2",
      configuration,
      resource_changes: [
        moduleChange("module.a.aws_security_group.bastion", "module.a.module.b"),
        moduleChange('module.a["x"].aws_security_group.bastion', 'module.a["x'),
      ],
    };
    const { resources, problems } = await read(plan);
    expect(resources).toEqual([]);
    expect(problems.map((problem) => [problem.line, problem.message])).toEqual([
      [
        lineOf(plan, /"module_address": "module.a.module.b"/),
        'module.a.aws_security_group.bastion in the Terraform plan has module address "module.a.module.b", yet its address says "module.a": the plan contradicts itself',
      ],
      [
        lineOf(plan, /"module_address": "module.a\[\\"x"/),
        'module.a["x"].aws_security_group.bastion in the Terraform plan has module address "module.a[\\"x", which is not a module address',
      ],
    ]);
  });
});

describe("Terraform plans: sources known only after apply", () => {
  it("map security groups unknown until apply to group pairs with an unknown id, never to CIDR ranges", async () => {
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [
        change(
          "aws_security_group.whole",
          { name: "whole", ingress: [{ ...SSH_FROM_WORLD, cidr_blocks: [], security_groups: null }] },
          { ingress: [{ security_groups: true }] },
        ),
        change(
          "aws_security_group.item",
          { name: "item", ingress: [{ ...SSH_FROM_WORLD, cidr_blocks: [], security_groups: [null] }] },
          { ingress: [{ security_groups: [true] }] },
        ),
      ],
    });
    const [whole, item] = resources;
    expect(whole!.properties.IpPermissions).toEqual([
      {
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [
          {
            GroupId: {
              $unknown: "ingress[0].security_groups of aws_security_group.whole is known only after apply",
            },
          },
        ],
      },
    ]);
    expect(item!.properties.IpPermissions).toMatchObject([
      {
        IpRanges: [],
        UserIdGroupPairs: [
          {
            GroupId: {
              $unknown: "ingress[0].security_groups[0] of aws_security_group.item is known only after apply",
            },
          },
        ],
      },
    ]);
  });
});

describe("Terraform plans: self and descriptions known only after apply", () => {
  it("keep them as unknown values rather than dropping them", async () => {
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [
        change(
          "aws_security_group.g",
          { name: "g", ingress: [{ ...SSH_FROM_WORLD, self: null, description: null }] },
          { ingress: [{ self: true, description: true }] },
        ),
      ],
    });
    const unknown = (attribute: string) => ({
      $unknown: `ingress[0].${attribute} of aws_security_group.g is known only after apply`,
    });
    expect(only(resources, "AWS::EC2::SecurityGroup").properties.IpPermissions).toMatchObject([
      {
        IpRanges: [{ CidrIp: "0.0.0.0/0", Description: unknown("description") }],
        UserIdGroupPairs: [{ GroupId: unknown("self"), Description: unknown("description") }],
      },
    ]);
  });
});

describe("Terraform plans: instances in the describe-instances shape", () => {
  it("map the instance's attributes, metadata options, block devices and tags", async () => {
    const { resources, problems } = await read({
      format_version: "1.2",
      resource_changes: [
        change(
          "aws_instance.web",
          {
            ami: "ami-0a3c5e7f9b1d2c4e6",
            instance_type: "t3.small",
            ebs_optimized: true,
            monitoring: false,
            source_dest_check: true,
            availability_zone: "eu-west-1a",
            tenancy: "default",
            private_ip: "10.0.1.10",
            tags: { Name: "web", Team: "platform" },
            metadata_options: [
              {
                http_tokens: "required",
                http_endpoint: "enabled",
                http_put_response_hop_limit: 1,
                http_protocol_ipv6: "disabled",
                instance_metadata_tags: "enabled",
              },
            ],
            root_block_device: [{ device_name: "/dev/xvda", delete_on_termination: true, encrypted: true }],
            ebs_block_device: [{ device_name: "/dev/sdf", delete_on_termination: false }],
            hibernation: false,
          },
          { root_block_device: [{ volume_id: true }], ebs_block_device: [{ volume_id: true }] },
        ),
      ],
    });
    expect(problems).toEqual([]);
    const unknownVolume = (path: string) => ({
      $unknown: `${path}.volume_id of aws_instance.web is known only after apply`,
    });
    expect(only(resources, "AWS::EC2::Instance").properties).toMatchObject({
      ImageId: "ami-0a3c5e7f9b1d2c4e6",
      InstanceType: "t3.small",
      EbsOptimized: true,
      Monitoring: { State: "disabled" },
      SourceDestCheck: true,
      Placement: { AvailabilityZone: "eu-west-1a", Tenancy: "default" },
      PrivateIpAddress: "10.0.1.10",
      Tags: [
        { Key: "Name", Value: "web" },
        { Key: "Team", Value: "platform" },
      ],
      MetadataOptions: {
        HttpTokens: "required",
        HttpEndpoint: "enabled",
        HttpPutResponseHopLimit: 1,
        HttpProtocolIpv6: "disabled",
        InstanceMetadataTags: "enabled",
      },
      RootDeviceName: "/dev/xvda",
      BlockDeviceMappings: [
        {
          DeviceName: "/dev/xvda",
          Ebs: { DeleteOnTermination: true, VolumeId: unknownVolume("root_block_device[0]") },
        },
        {
          DeviceName: "/dev/sdf",
          Ebs: { DeleteOnTermination: false, VolumeId: unknownVolume("ebs_block_device[0]") },
        },
      ],
      HibernationOptions: { Configured: false },
    });
  });

  it("keep tags known only after apply as an unknown list", async () => {
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [change("aws_instance.web", { ami: "ami-1" }, { tags: true })],
    });
    expect(only(resources, "AWS::EC2::Instance").properties.Tags).toEqual({
      $unknown: "tags of aws_instance.web is known only after apply",
    });
  });

  it("keep metadata options unknown when the plan knows them only after apply", async () => {
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [change("aws_instance.web", { ami: "ami-1" }, { metadata_options: true })],
    });
    expect(only(resources, "AWS::EC2::Instance").properties.MetadataOptions).toEqual({
      $unknown: "metadata_options of aws_instance.web is known only after apply",
    });
  });

  it("keep a key pair known only after apply unknown when the plan has no configuration to say it is unset", async () => {
    // `key_name = aws_key_pair.admin.key_name` and no key_name at all both plan as unknown.
    const { resources } = await read({
      format_version: "1.2",
      resource_changes: [change("aws_instance.web", { ami: "ami-1", key_name: null }, { key_name: true })],
    });
    expect(only(resources, "AWS::EC2::Instance").properties.KeyName).toEqual({
      $unknown: "key_name of aws_instance.web is known only after apply",
    });
  });

  it("read a key pair known only after apply as unset when the configuration does not set one", async () => {
    const { resources } = await read({
      format_version: "1.2",
      configuration: {
        root_module: { resources: [configured("aws_instance.web", { ami: { constant_value: "ami-1" } })] },
      },
      resource_changes: [change("aws_instance.web", { ami: "ami-1", key_name: null }, { key_name: true })],
    });
    expect(only(resources, "AWS::EC2::Instance").properties.KeyName).toBeUndefined();
  });
});

describe("Terraform plans: policies whose principal is known only after apply", () => {
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "ssm:StartSession", Resource: "*" }],
  });
  const plan = (configuration: Record<string, unknown>[]) => ({
    format_version: "1.2",
    terraform_version: "1.9.8",
    planned_values: { root_module: {} },
    resource_changes: [
      change("aws_iam_role.app", { name: "app", assume_role_policy: "{}" }, { arn: true, id: true }),
      change("aws_iam_role.ops", { name: "ops", assume_role_policy: "{}" }, { arn: true, id: true }),
      change("aws_iam_role_policy.sessions", { name: "sessions", policy }, { role: true, id: true }),
      change(
        "aws_iam_role_policy_attachment.admin",
        { policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        { role: true, id: true },
      ),
    ],
    configuration: { root_module: { resources: configuration } },
  });

  it("gives each role of the plan the policy as an unknown when the configuration cannot say whose it is", async () => {
    // The role comes from a local: the plan's references do not lead to a resource.
    const { resources, problems } = await read(
      plan([
        configured("aws_iam_role.app", {}),
        configured("aws_iam_role.ops", {}),
        configured("aws_iam_role_policy.sessions", { role: { references: ["local.role_name"] } }),
        configured("aws_iam_role_policy_attachment.admin", { role: { references: ["local.role_name"] } }),
      ]),
    );
    expect(problems).toEqual([]);
    const roles = resources.filter((resource) => resource.type === "AWS::IAM::Role");
    expect(roles.map((role) => role.id).sort()).toEqual(["app", "ops"]);
    for (const role of roles) {
      expect(role.properties.RolePolicyList).toEqual([
        {
          PolicyName: "sessions",
          PolicyDocument: {
            $unknown: expect.stringMatching(
              /^aws_iam_role_policy\.sessions applies to a role whose name is known only after apply \(.*\), which may be this one$/,
            ),
          },
        },
      ]);
      expect(role.properties.AttachedManagedPolicies).toMatchObject([
        {
          PolicyArn: {
            $unknown: expect.stringMatching(
              /^aws_iam_role_policy_attachment\.admin applies to a role whose name/,
            ),
          },
        },
      ]);
    }
  });

  it("gives a policy to the role it names in another case, as IAM finds names regardless of case", async () => {
    const { resources, notes } = await read({
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: {} },
      resource_changes: [
        change(
          "aws_iam_role.ops",
          { name: "SessionOperator", assume_role_policy: "{}" },
          { arn: true, id: true },
        ),
        change(
          "aws_iam_role_policy.sessions",
          { name: "sessions", role: "sessionoperator", policy },
          { id: true },
        ),
        change(
          "aws_iam_instance_profile.ops",
          { name: "ops", role: "SESSIONOPERATOR" },
          { arn: true, id: true },
        ),
      ],
    });
    expect(notes).toEqual([]);
    const role = resources.find((resource) => resource.type === "AWS::IAM::Role")!;
    expect(role.properties.RolePolicyList).toHaveLength(1);
    // Listed under the role's own name, by which relations find the role for the instance.
    const profile = resources.find((resource) => resource.type === "AWS::IAM::InstanceProfile")!;
    expect(profile.properties.Roles).toMatchObject([{ RoleName: "SessionOperator" }]);
  });

  it("gives the policy to its role alone when the configuration refers to it", async () => {
    const { resources } = await read(
      plan([
        configured("aws_iam_role.app", {}),
        configured("aws_iam_role.ops", {}),
        configured("aws_iam_role_policy.sessions", {
          role: { references: ["aws_iam_role.app.name", "aws_iam_role.app"] },
        }),
        configured("aws_iam_role_policy_attachment.admin", {
          role: { references: ["aws_iam_role.app.name", "aws_iam_role.app"] },
        }),
      ]),
    );
    const role = (id: string) =>
      resources.find((resource) => resource.type === "AWS::IAM::Role" && resource.id === id)!;
    expect(role("app").properties.RolePolicyList).toHaveLength(1);
    expect(role("app").properties.AttachedManagedPolicies).toHaveLength(1);
    expect(role("ops").properties.RolePolicyList).toEqual([]);
    expect(role("ops").properties.AttachedManagedPolicies).toEqual([]);
  });
});

describe("Terraform plans: a role's attachments as the prior state lists them", () => {
  const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
  const kept = (address: string, after: unknown, before: unknown) => {
    const [type, name] = address.split(".");
    return {
      address,
      mode: "managed",
      type,
      name,
      change: { actions: ["no-op"], before, after, after_unknown: {}, after_sensitive: {} },
    };
  };
  const deleted = (address: string, before: unknown) => {
    const [type, name] = address.split(".");
    return {
      address,
      mode: "managed",
      type,
      name,
      change: { actions: ["delete"], before, after: null, after_unknown: {}, after_sensitive: {} },
    };
  };

  it("drop a managed policy or inline policy that a separate resource the plan deletes gave the role", async () => {
    // The role leaves managed_policy_arns and inline_policy to separate resources: the plan shows
    // them as the role has them now, including what the deleted resources gave it.
    const role = {
      name: "app",
      assume_role_policy: "{}",
      managed_policy_arns: [SSM_CORE],
      inline_policy: [{ name: "kms", policy: '{"Statement":[]}' }],
    };
    const { resources } = await read({
      format_version: "1.2",
      configuration: {
        root_module: {
          resources: [configured("aws_iam_role.app", { name: { constant_value: "app" } })],
        },
      },
      resource_changes: [
        kept("aws_iam_role.app", role, role),
        deleted("aws_iam_role_policy_attachment.ssm", { role: "app", policy_arn: SSM_CORE }),
        deleted("aws_iam_role_policy.kms", { role: "app", name: "kms", policy: '{"Statement":[]}' }),
      ],
    });
    const properties = only(resources, "AWS::IAM::Role").properties;
    expect(properties.AttachedManagedPolicies).toEqual([]);
    expect(properties.RolePolicyList).toEqual([]);
  });

  it("drop a managed policy that a deleted aws_iam_policy_attachment gave the role among others", async () => {
    const role = {
      name: "app",
      assume_role_policy: "{}",
      managed_policy_arns: [SSM_CORE],
      inline_policy: [],
    };
    const { resources } = await read({
      format_version: "1.2",
      configuration: {
        root_module: {
          resources: [configured("aws_iam_role.app", { name: { constant_value: "app" } })],
        },
      },
      resource_changes: [
        kept("aws_iam_role.app", role, role),
        deleted("aws_iam_policy_attachment.ssm", {
          name: "ssm",
          roles: ["web", "App"],
          users: [],
          groups: [],
          policy_arn: SSM_CORE,
        }),
      ],
    });
    expect(only(resources, "AWS::IAM::Role").properties.AttachedManagedPolicies).toEqual([]);
  });
});

describe("Terraform plans: memberships whose user is known only after apply", () => {
  it("gives each user of the plan the group as an unknown when the configuration cannot say who joins it", async () => {
    // The members come from a local: the plan's references do not lead to a resource.
    const { resources, problems } = await read({
      format_version: "1.2",
      resource_changes: [
        change("aws_iam_user.alice", { name: "alice" }, { arn: true, id: true }),
        change("aws_iam_user.bob", { name: "bob" }, { arn: true, id: true }),
        change("aws_iam_group.ops", { name: "ops" }, { arn: true, id: true }),
        change("aws_iam_group_membership.ops", { name: "ops", group: "ops" }, { users: true, id: true }),
        change("aws_iam_user_group_membership.extra", { groups: ["ops"] }, { user: true, id: true }),
      ],
      configuration: {
        root_module: {
          resources: [
            configured("aws_iam_user.alice", {}),
            configured("aws_iam_user.bob", {}),
            configured("aws_iam_group.ops", {}),
            configured("aws_iam_group_membership.ops", { users: { references: ["local.operators"] } }),
            configured("aws_iam_user_group_membership.extra", { user: { references: ["local.operator"] } }),
          ],
        },
      },
    });
    expect(problems).toEqual([]);
    const users = resources.filter((resource) => resource.type === "AWS::IAM::User");
    expect(users).toHaveLength(2);
    for (const user of users)
      expect(user.properties.GroupList).toEqual([
        { $unknown: expect.stringMatching(/^aws_iam_group_membership\.ops applies to a user whose name/) },
        {
          $unknown: expect.stringMatching(
            /^aws_iam_user_group_membership\.extra applies to a user whose name/,
          ),
        },
      ]);
  });
});
