import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCli } from "../support/cli.js";
import {
  encodeText,
  fuzzParameters,
  fuzzTimeout,
  scratchDirectory,
  TEXT_ENCODINGS,
  type TextEncoding,
} from "../support/fuzz.js";

/**
 * Property (c) of the hardening suite: a security group open to SSH from the whole internet,
 * written in any way AWS (or the tool's own formats) accepts as meaning the same thing — keys in
 * another order, unknown keys added, other encodings, numbers as text where CloudFormation takes
 * them, equivalent CIDR and protocol spellings, JSON or YAML, flow or block style — must never
 * pass `ssh-from-internet`: its result is `fail`, or `error` with exit code 2, and the run never
 * exits with 0. Through the CLI, in-process, as a CloudFormation template, a Terraform plan and a
 * snapshot. See test/support/fuzz.ts for the fixed seed and ACCESS_BASELINE_FUZZ_RUNS.
 */

const TIMEOUT = fuzzTimeout(60_000);

/** Sources that include the whole internet, written as AWS accepts them (docs/rule-language.md). */
const WORLD_IPV4 = fc.constantFrom("0.0.0.0/0", "8.8.8.0/24", "1.0.0.0/8", " 0.0.0.0/0");
const WORLD_IPV6 = fc.constantFrom("::/0", "0::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "2a00:1450::/32");
/** Closed sources, to surround the open one with. */
const PRIVATE_IPV4 = fc.constantFrom("10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24");

/** A protocol and port range that include TCP port 22, as CloudFormation and EC2 take them. */
const sshPorts = fc.oneof(
  fc.record({
    IpProtocol: fc.constantFrom<unknown>("tcp", "TCP", "Tcp", "6", 6),
    FromPort: fc.constantFrom<unknown>(22, "22", 0, 1, 20),
    ToPort: fc.constantFrom<unknown>(22, "22", 65535, "65535", 1024),
  }),
  fc.oneof(
    fc.record({ IpProtocol: fc.constantFrom<unknown>("-1", -1, "all") }),
    fc.record({
      IpProtocol: fc.constantFrom<unknown>("-1", -1),
      FromPort: fc.constant(-1),
      ToPort: fc.constant(-1),
    }),
  ),
);

/** Keys that mean nothing to the rule, added to an object. */
const unknownKeys = fc.dictionary(
  fc.constantFrom("Description", "XNote", "Comment", "x-owner", "Metadata"),
  fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.constant({ any: ["thing"] })),
  { maxKeys: 2 },
);

/** Every object's keys put in another order, decided by `salt`. */
function reorder(value: unknown, salt: number): unknown {
  if (Array.isArray(value)) return value.map((item) => reorder(item, salt));
  if (value === null || typeof value !== "object") return value;
  const rank = (key: string) => {
    let hash = salt;
    for (const character of key) hash = (Math.imul(hash, 31) + character.charCodeAt(0)) | 0;
    return hash;
  };
  const entries = Object.entries(value).sort(([a], [b]) => rank(a) - rank(b));
  return Object.fromEntries(entries.map(([key, member]) => [key, reorder(member, salt)]));
}

type Style = "json pretty" | "json compact" | "yaml block" | "yaml flow";

function render(document: unknown, style: Style): string {
  switch (style) {
    case "json pretty":
      return JSON.stringify(document, null, 2);
    case "json compact":
      return JSON.stringify(document);
    case "yaml block":
      return stringify(document);
    case "yaml flow":
      return stringify(document, { collectionStyle: "flow" });
  }
}

interface Outcome {
  code: number;
  stderr: string;
  status?: string;
  problems: string[];
}

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let fileNumber = 0;

beforeAll(async () => {
  scratch = await scratchDirectory("open-ssh");
});
afterAll(async () => {
  await scratch.cleanup();
});

async function checkFile(
  extension: string,
  text: string,
  encoding: TextEncoding,
  args: (file: string) => string[],
  resourceId: string,
): Promise<Outcome> {
  fileNumber += 1;
  const file = await scratch.write(`input-${fileNumber}${extension}`, encodeText(text, encoding));
  const run = await runCli([...args(file), "--format", "json"], { cwd: scratch.path });
  let report: {
    results?: { ruleId: string; status: string; resource: { id: string } }[];
    inputProblems?: { message: string }[];
  };
  try {
    report = JSON.parse(run.stdout) as typeof report;
  } catch {
    report = {};
  }
  const result = report.results?.find(
    (item) => item.ruleId === "ssh-from-internet" && item.resource.id === resourceId,
  );
  return {
    code: run.code,
    stderr: run.stderr,
    ...(result ? { status: result.status } : {}),
    problems: (report.inputProblems ?? []).map((problem) => problem.message),
  };
}

/** Never a pass, never exit 0; an `error` (or no result at all) only with exit 2. */
function expectNotPassed(outcome: Outcome, shown: string): void {
  const context = `${shown}\n→ ${JSON.stringify(outcome)}`;
  expect(outcome.code, context).not.toBe(0);
  expect(outcome.status, context).not.toBe("pass");
  expect(outcome.stderr + outcome.problems.join("\n"), context).not.toMatch(/internal error/);
  if (outcome.status !== "fail") expect(outcome.code, context).toBe(2);
}

describe("a security group open to SSH from the internet never passes, however it is written", () => {
  it(
    "as a CloudFormation template",
    async () => {
      const openEntry = fc
        .tuple(sshPorts, fc.boolean(), WORLD_IPV4, WORLD_IPV6, unknownKeys)
        .map(([ports, ipv6, cidrIp, cidrIpv6, extra]) => ({
          ...extra,
          ...ports,
          ...(ipv6 ? { CidrIpv6: cidrIpv6 } : { CidrIp: cidrIp }),
        }));
      const closedEntry = PRIVATE_IPV4.map((cidr) => ({
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        CidrIp: cidr,
      }));
      const template = fc
        .record({
          entry: openEntry,
          before: fc.array(closedEntry, { maxLength: 2 }),
          after: fc.array(closedEntry, { maxLength: 2 }),
          separateResource: fc.boolean(),
          groupReference: fc.constantFrom<unknown>(
            { Ref: "Bastion" },
            { "Fn::GetAtt": ["Bastion", "GroupId"] },
            { "Fn::GetAtt": "Bastion.GroupId" },
          ),
          groupExtra: unknownKeys,
          header: fc.boolean(),
        })
        .map((parts) => {
          const inline = parts.separateResource
            ? [...parts.before, ...parts.after]
            : [...parts.before, parts.entry, ...parts.after];
          const resources: Record<string, unknown> = {
            Bastion: {
              Type: "AWS::EC2::SecurityGroup",
              Properties: {
                GroupDescription: "Bastion hosts",
                ...(inline.length > 0 ? { SecurityGroupIngress: inline } : {}),
              },
              ...parts.groupExtra,
            },
          };
          if (parts.separateResource)
            resources.BastionSsh = {
              Type: "AWS::EC2::SecurityGroupIngress",
              Properties: { GroupId: parts.groupReference, ...parts.entry },
            };
          return {
            ...(parts.header ? { AWSTemplateFormatVersion: "2010-09-09" } : {}),
            Resources: resources,
          };
        });
      const style = fc.constantFrom<Style>("json pretty", "json compact", "yaml block", "yaml flow");
      await fc.assert(
        fc.asyncProperty(
          template,
          fc.integer(),
          style,
          fc.constantFrom(...TEXT_ENCODINGS),
          async (document, salt, chosen, encoding) => {
            const text = render(reorder(document, salt), chosen);
            const extension = chosen.startsWith("json") ? ".json" : ".yaml";
            const outcome = await checkFile(extension, text, encoding, (file) => ["check", file], "Bastion");
            expectNotPassed(outcome, `${chosen}, ${encoding}:\n${text}`);
          },
        ),
        fuzzParameters(40),
      );
    },
    TIMEOUT,
  );

  it(
    "as a Terraform plan",
    async () => {
      const ingress = fc
        .record({
          protocol: fc.constantFrom("tcp", "6", "-1"),
          ipv6: fc.boolean(),
          cidrIp: WORLD_IPV4,
          cidrIpv6: WORLD_IPV6,
          closedBefore: fc.array(PRIVATE_IPV4, { maxLength: 2 }),
          range: fc.constantFrom([22, 22], [0, 65535], [20, 23]),
        })
        .map((parts) => ({
          protocol: parts.protocol,
          from_port: parts.protocol === "-1" ? 0 : parts.range[0],
          to_port: parts.protocol === "-1" ? 0 : parts.range[1],
          cidr_blocks: parts.ipv6 ? parts.closedBefore : [...parts.closedBefore, parts.cidrIp.trim()],
          ipv6_cidr_blocks: parts.ipv6 ? [parts.cidrIpv6] : [],
          prefix_list_ids: [],
          security_groups: [],
          self: false,
          description: "",
        }));
      const closed = PRIVATE_IPV4.map((cidr) => ({
        protocol: "tcp",
        from_port: 22,
        to_port: 22,
        cidr_blocks: [cidr],
        ipv6_cidr_blocks: [],
        prefix_list_ids: [],
        security_groups: [],
        self: false,
        description: "",
      }));
      const plan = fc
        .record({
          open: ingress,
          others: fc.array(closed, { maxLength: 2 }),
          position: fc.nat(),
          valuesExtra: fc.dictionary(
            fc.constantFrom("tags", "revoke_rules_on_delete", "timeouts", "vpc_id"),
            fc.oneof(fc.constant(null), fc.boolean(), fc.string({ maxLength: 4 })),
            { maxKeys: 2 },
          ),
          planExtra: fc.dictionary(
            fc.constantFrom("applyable", "complete", "errored", "timestamp", "x_extension"),
            fc.oneof(fc.boolean(), fc.string({ maxLength: 4 })),
            { maxKeys: 3 },
          ),
          withChanges: fc.boolean(),
          version: fc.constantFrom("1.2", "1.0", "0.2"),
        })
        .map((parts) => {
          const entries: object[] = [...parts.others];
          entries.splice(parts.position % (entries.length + 1), 0, parts.open);
          const values = {
            name: "bastion",
            description: "Bastion",
            ingress: entries,
            egress: [],
            ...parts.valuesExtra,
          };
          const resource = {
            address: "aws_security_group.bastion",
            mode: "managed",
            type: "aws_security_group",
            name: "bastion",
            provider_name: "registry.terraform.io/hashicorp/aws",
            schema_version: 1,
            values,
          };
          return {
            ...parts.planExtra,
            format_version: parts.version,
            terraform_version: "1.11.4",
            planned_values: { root_module: { resources: [resource] } },
            ...(parts.withChanges
              ? {
                  resource_changes: [
                    {
                      address: resource.address,
                      mode: "managed",
                      type: resource.type,
                      name: resource.name,
                      provider_name: resource.provider_name,
                      change: {
                        actions: ["create"],
                        before: null,
                        after: values,
                        after_unknown: { id: true },
                      },
                    },
                  ],
                }
              : {}),
          };
        });
      await fc.assert(
        fc.asyncProperty(
          plan,
          fc.integer(),
          fc.boolean(),
          fc.constantFrom(...TEXT_ENCODINGS),
          async (document, salt, pretty, encoding) => {
            const text = render(reorder(document, salt), pretty ? "json pretty" : "json compact");
            const outcome = await checkFile(
              ".json",
              text,
              encoding,
              (file) => ["check", file],
              "aws_security_group.bastion",
            );
            expectNotPassed(outcome, `${encoding}:\n${text}`);
          },
        ),
        fuzzParameters(30),
      );
    },
    TIMEOUT,
  );

  it(
    "as a snapshot",
    async () => {
      const permission = fc
        .tuple(
          sshPorts,
          fc.boolean(),
          WORLD_IPV4,
          WORLD_IPV6,
          fc.array(PRIVATE_IPV4, { maxLength: 2 }),
          fc.boolean(),
        )
        .map(([ports, ipv6, cidrIp, cidrIpv6, closed, explicitEmpty]) => {
          const numeric = Object.fromEntries(
            Object.entries(ports).map(([key, value]) => [
              key,
              key === "IpProtocol" ? String(value).toLowerCase() : Number(value),
            ]),
          );
          const ipRanges = [
            ...closed.map((cidr) => ({ CidrIp: cidr })),
            ...(ipv6 ? [] : [{ CidrIp: cidrIp, Description: "anywhere" }]),
          ];
          return {
            ...numeric,
            ...(ipRanges.length > 0 || explicitEmpty ? { IpRanges: ipRanges } : {}),
            ...(ipv6 ? { Ipv6Ranges: [{ CidrIpv6: cidrIpv6 }] } : explicitEmpty ? { Ipv6Ranges: [] } : {}),
            ...(explicitEmpty ? { PrefixListIds: [], UserIdGroupPairs: [] } : {}),
          };
        });
      const snapshot = fc
        .record({ open: permission, before: fc.boolean(), egress: fc.boolean(), tags: fc.boolean() })
        .map((parts) => ({
          $schema: "https://access-baseline.dev/schemas/snapshot.schema.json",
          format: "access-baseline/snapshot",
          version: 1,
          createdAt: "2026-11-20T09:30:00.000Z",
          tool: { name: "access-baseline", version: "0.1.0" },
          scopes: [{ account: "111122223333", region: "eu-west-1" }],
          resources: [
            {
              type: "AWS::EC2::SecurityGroup",
              id: "sg-0123456789abcdef0",
              account: "111122223333",
              region: "eu-west-1",
              source: { kind: "aws-live" },
              properties: {
                GroupId: "sg-0123456789abcdef0",
                GroupName: "bastion",
                IpPermissions: [
                  ...(parts.before
                    ? [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }]
                    : []),
                  parts.open,
                ],
                ...(parts.egress
                  ? { IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] }
                  : {}),
                ...(parts.tags ? { Tags: [{ Key: "Name", Value: "bastion" }] } : {}),
              },
            },
          ],
          collectionErrors: [],
        }));
      await fc.assert(
        fc.asyncProperty(
          snapshot,
          fc.integer(),
          fc.boolean(),
          fc.constantFrom(...TEXT_ENCODINGS),
          async (document, salt, pretty, encoding) => {
            const text = render(reorder(document, salt), pretty ? "json pretty" : "json compact");
            const outcome = await checkFile(
              ".json",
              text,
              encoding,
              (file) => ["check", "--snapshot", file],
              "sg-0123456789abcdef0",
            );
            expectNotPassed(outcome, `${encoding}:\n${text}`);
          },
        ),
        fuzzParameters(30),
      );
    },
    TIMEOUT,
  );
});
