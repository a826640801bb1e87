import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../../src/assets.js";
import { canonicalShapeProblem, schemaShapeProblem } from "../../../src/model/canonical.js";
import type { Resource } from "../../../src/model/resource.js";
import { vouchedCanonical } from "../../../src/model/vouched-shapes.js";
import { normalizeTemplate } from "../../../src/sources/cloudformation/normalize.js";
import { allNormalizers } from "../../../src/sources/cloudformation/normalize/table.js";
import { readTemplate } from "../../../src/sources/cloudformation/template.js";
import { parseCloudFormationYaml } from "../../../src/sources/cloudformation/yaml.js";
import { parseJson } from "../../../src/sources/positioned/json.js";
import type { MapNode } from "../../../src/sources/positioned/node.js";
import { FIXTURES } from "../../support/cli.js";

/**
 * The template reader vouches for the shape of the security groups it builds
 * (`normalize/security-group.ts`), so that they are not walked by the schema validator again. A
 * vouch must never change a verdict: for every group, the check with vouches gives what the schema
 * alone gives, whatever the template wrote.
 */

const PLACEHOLDERS = { account: "000012345678", region: "unknown", partition: "aws", stackName: "stack" };
const NORMALIZERS = await allNormalizers();
const GROUP = "AWS::EC2::SecurityGroup";

function normalizeJson(template: unknown): Resource[] {
  const document = parseJson(JSON.stringify(template)) as MapNode;
  return normalizeTemplate(readTemplate(document), "t.json", PLACEHOLDERS, NORMALIZERS).resources;
}

/** Every group's verdict with and without vouches, and how many were vouched for. */
function compareVerdicts(resources: readonly Resource[]): { vouched: number; misfits: number } {
  let vouched = 0;
  let misfits = 0;
  for (const resource of resources) {
    if (resource.type !== GROUP) continue;
    const schema = schemaShapeProblem(resource);
    expect(canonicalShapeProblem(resource), JSON.stringify(resource.properties)).toBe(schema);
    if (vouchedCanonical(resource)) {
      vouched += 1;
      expect(schema, JSON.stringify(resource.properties)).toBeUndefined();
    }
    if (schema !== undefined) misfits += 1;
  }
  return { vouched, misfits };
}

const PARAMETERS = {
  NoDefault: { Type: "String" },
  Text: { Type: "String", Default: "10.0.0.0/8" },
  Port: { Type: "Number", Default: "443" },
  Numeric: { Type: "Number", Default: 22 },
  Listed: { Type: "CommaDelimitedList", Default: "a,b" },
};
const CONDITIONS = { Unknown: { "Fn::Equals": [{ Ref: "NoDefault" }, "x"] } };
const MAPPINGS = { Networks: { internal: { Cidr: "10.0.0.0/8", Port: 22, List: ["a"] } } };

/** Values a template may write where text is expected: text, other kinds, and functions. */
const TEXTS: unknown[] = [
  "tcp",
  "",
  "-1",
  "10.1.0.0/16",
  6,
  2.5,
  true,
  null,
  [],
  ["a"],
  {},
  { a: 1 },
  { $unknown: 3 },
  { Ref: "NoDefault" },
  { Ref: "Text" },
  { Ref: "Numeric" },
  { Ref: "Listed" },
  { Ref: "AWS::NoValue" },
  { Ref: "AWS::Region" },
  { Ref: "Missing" },
  { "Fn::Sub": "${AWS::StackName}-x" },
  { "Fn::Sub": "${NoDefault}-x" },
  { "Fn::If": ["Unknown", "a", "b"] },
  { "Fn::If": ["Unknown", "a", "a"] },
  { "Fn::FindInMap": ["Networks", "internal", "Cidr"] },
  { "Fn::FindInMap": ["Networks", "internal", "Port"] },
  { "Fn::FindInMap": ["Networks", "internal", "List"] },
  { "Fn::GetAtt": ["Group0", "GroupId"] },
  { "Fn::GetAtt": ["Group0", "Nothing"] },
  { "Fn::ImportValue": "shared" },
  { "Fn::Join": [",", ["a", { Ref: "NoDefault" }]] },
  { "Fn::Split": [",", "a,b"] },
  { "Fn::Select": [0, ["a", 1]] },
  { "Fn::Select": [1, ["a", 1]] },
  { "Fn::Base64": "x" },
];
/** Values a template may write for a port. */
const PORTS: unknown[] = [
  22,
  "22",
  " 80 ",
  -1,
  "-1",
  -2,
  0,
  65535,
  65536,
  "65536",
  1.5,
  "1.5",
  "abc",
  "",
  "99999999999999999999999",
  true,
  null,
  [22],
  { Ref: "NoDefault" },
  { Ref: "Port" },
  { Ref: "Numeric" },
  { Ref: "AWS::NoValue" },
  { "Fn::If": ["Unknown", 22, 23] },
  { "Fn::FindInMap": ["Networks", "internal", "Port"] },
];
const RULE_FIELDS = [
  "IpProtocol",
  "FromPort",
  "ToPort",
  "CidrIp",
  "CidrIpv6",
  "SourcePrefixListId",
  "SourceSecurityGroupId",
  "SourceSecurityGroupName",
  "SourceSecurityGroupOwnerId",
  "DestinationPrefixListId",
  "DestinationSecurityGroupId",
  "Description",
];

/**
 * Templates of one to four groups and up to two separate rules, mostly well-formed, so that most
 * groups are vouched for and some are not.
 */
function templates(): fc.Arbitrary<unknown> {
  const text = fc.oneof(
    { weight: 7, arbitrary: fc.constantFrom<unknown>("tcp", "10.1.0.0/16", "-1", { Ref: "NoDefault" }) },
    { weight: 3, arbitrary: fc.constantFrom(...TEXTS) },
  );
  const port = fc.oneof(
    { weight: 7, arbitrary: fc.constantFrom<unknown>(22, "443", -1, { Ref: "NoDefault" }) },
    { weight: 3, arbitrary: fc.constantFrom(...PORTS) },
  );
  /** `value` in `share` of the cases, else absent. */
  const optional = <T>(share: number, value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
    fc.oneof(
      { weight: Math.round(share * 20), arbitrary: value },
      { weight: Math.round((1 - share) * 20), arbitrary: fc.constant(undefined) },
    );
  const entry = fc.record(
    Object.fromEntries(
      RULE_FIELDS.map((field) => [
        field,
        optional(
          field === "IpProtocol" ? 0.95 : field.endsWith("Port") ? 0.8 : 0.25,
          field.endsWith("Port") ? port : text,
        ),
      ]),
    ),
  );
  const rule = fc.oneof({ weight: 19, arbitrary: entry.map(written) }, { weight: 1, arbitrary: text });
  const rules = fc.oneof(
    { weight: 9, arbitrary: fc.array(rule, { maxLength: 3 }) },
    { weight: 1, arbitrary: text },
  );
  const tag = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .record({
          Key: fc.oneof({ weight: 4, arbitrary: fc.constant<unknown>("Name") }, text),
          Value: optional(0.8, text),
        })
        .map(written),
    },
    { weight: 1, arbitrary: fc.constantFrom(...TEXTS) },
  );
  const tags = fc.oneof(
    { weight: 3, arbitrary: fc.array(tag, { maxLength: 2 }) },
    { weight: 2, arbitrary: text },
  );
  // Properties the reader does not map, some named as canonical properties are.
  const unmapped = fc.constantFrom(
    "Unmapped",
    "Description",
    "SecurityGroupArn",
    "GroupId",
    "IpPermissions",
    "OwnerId",
  );
  const group = fc
    .record({
      GroupName: optional(0.7, text),
      GroupDescription: optional(0.7, text),
      VpcId: optional(0.7, text),
      Tags: optional(0.3, tags),
      SecurityGroupIngress: optional(0.9, rules),
      SecurityGroupEgress: optional(0.4, rules),
      extra: optional(0.2, fc.tuple(unmapped, text)),
    })
    .map(({ extra, ...properties }) => {
      const all: Record<string, unknown> = written(properties);
      if (extra !== undefined) all[extra[0]] = extra[1];
      return { Type: GROUP, Properties: all };
    });
  const target = fc.constantFrom<unknown>(
    { Ref: "Group0" },
    "Group0",
    "sg-elsewhere",
    "",
    { Ref: "NoDefault" },
    5,
  );
  const separate = fc.tuple(rule, target, fc.boolean()).map(([properties, groupId, ingress]) => ({
    Type: ingress ? "AWS::EC2::SecurityGroupIngress" : "AWS::EC2::SecurityGroupEgress",
    Properties:
      typeof properties === "object" && properties !== null && !Array.isArray(properties)
        ? { ...properties, GroupId: groupId }
        : {},
  }));
  return fc
    .tuple(fc.array(group, { minLength: 1, maxLength: 4 }), fc.array(separate, { maxLength: 2 }))
    .map(([groups, rules]) => ({
      Parameters: PARAMETERS,
      Conditions: CONDITIONS,
      Mappings: MAPPINGS,
      Resources: Object.fromEntries([
        ...groups.map((each, index) => [`Group${index}`, each]),
        ...rules.map((each, index) => [`Rule${index}`, each]),
      ]),
    }));
}

/** The fields of a record that were written: an absent one is left out, not written as null. */
function written(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

describe("security groups a template's reader vouches for", () => {
  it("get the schema's own verdict, for every value a template may write", () => {
    let vouched = 0;
    let misfits = 0;
    fc.assert(
      fc.property(templates(), (template) => {
        const counts = compareVerdicts(normalizeJson(template));
        vouched += counts.vouched;
        misfits += counts.misfits;
      }),
      { numRuns: 600 },
    );
    // Both ways are taken many times, or the comparison would prove little.
    expect(vouched).toBeGreaterThan(200);
    expect(misfits).toBeGreaterThan(200);
  });

  it("get the schema's own verdict in every template among the fixtures", () => {
    const directory = join(FIXTURES, "templates");
    let vouched = 0;
    for (const name of readdirSync(directory, { recursive: true }) as string[]) {
      if (!/\.(json|ya?ml)$/.test(name)) continue;
      const text = readFileSync(join(directory, name), "utf8");
      let resources: Resource[];
      try {
        const document = name.endsWith(".json") ? parseJson(text) : parseCloudFormationYaml(text).value;
        resources = normalizeTemplate(
          readTemplate(document as MapNode),
          name,
          PLACEHOLDERS,
          NORMALIZERS,
        ).resources;
      } catch {
        continue; // not a template this reader accepts: the reader's own tests cover those
      }
      vouched += compareVerdicts(resources).vouched;
    }
    expect(vouched).toBeGreaterThan(0);
  });

  it.each([
    ["a VPC id that is a number", { VpcId: 5 }, "VpcId: expected string"],
    ["a rule without a protocol", { SecurityGroupIngress: [{ FromPort: 22, ToPort: 22 }] }, "IpProtocol"],
    ["a protocol that is a list", { SecurityGroupIngress: [{ IpProtocol: ["tcp"] }] }, "IpProtocol"],
    [
      "a port that is not a number",
      { SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: "ssh" }] },
      "FromPort",
    ],
    ["a port that is not whole", { SecurityGroupIngress: [{ IpProtocol: "tcp", ToPort: 22.5 }] }, "ToPort"],
    ["a port out of range", { SecurityGroupIngress: [{ IpProtocol: "tcp", ToPort: 70000 }] }, "ToPort"],
    ["a CIDR that is a number", { SecurityGroupIngress: [{ IpProtocol: "tcp", CidrIp: 10 }] }, "CidrIp"],
    [
      "an IPv6 CIDR that is an object",
      { SecurityGroupIngress: [{ IpProtocol: "tcp", CidrIpv6: {} }] },
      "CidrIpv6",
    ],
    [
      "a prefix list that is a boolean",
      { SecurityGroupIngress: [{ IpProtocol: "tcp", SourcePrefixListId: true }] },
      "PrefixListId",
    ],
    [
      "a source group that is a list",
      { SecurityGroupIngress: [{ IpProtocol: "tcp", SourceSecurityGroupId: ["sg-1"] }] },
      "GroupId",
    ],
    [
      "an owner that is a number",
      {
        SecurityGroupIngress: [
          { IpProtocol: "tcp", SourceSecurityGroupName: "a", SourceSecurityGroupOwnerId: 1 },
        ],
      },
      "UserId",
    ],
    [
      "a group pair's description that is a number",
      { SecurityGroupIngress: [{ IpProtocol: "tcp", SourceSecurityGroupId: "sg-1", Description: 7 }] },
      "Description",
    ],
    ["a tag without a key", { Tags: [{ Value: "x" }] }, "Key"],
    ["a tag whose value is a list", { Tags: [{ Key: "a", Value: [1] }] }, "Value"],
    ["a tag that is text", { Tags: ["Name"] }, "Tags[0]"],
  ])("are not vouched for with %s, which the schema names", (_, properties, named) => {
    const [group] = normalizeJson({ Resources: { Web: { Type: GROUP, Properties: properties } } });
    expect(vouchedCanonical(group!)).toBe(false);
    expect(canonicalShapeProblem(group!)).toContain(named);
  });

  it("are not vouched for with an empty logical id, which becomes the group's id", () => {
    const [group] = normalizeJson({ Resources: { "": { Type: GROUP, Properties: {} } } });
    expect(vouchedCanonical(group!)).toBe(false);
    expect(canonicalShapeProblem(group!)).toContain("GroupId");
  });

  it("are not vouched for when a separate rule names a group by an empty id", () => {
    const resources = normalizeJson({
      Resources: {
        Rule: { Type: "AWS::EC2::SecurityGroupIngress", Properties: { GroupId: "", IpProtocol: "tcp" } },
      },
    });
    const [standIn] = resources.filter((resource) => resource.type === GROUP);
    expect(vouchedCanonical(standIn!)).toBe(false);
    expect(canonicalShapeProblem(standIn!)).toContain("GroupId");
  });

  it("are vouched for with unknown values where the schema lets an unknown value stand", () => {
    const unknown = { Ref: "NoDefault" };
    const [group] = normalizeJson({
      Parameters: { NoDefault: { Type: "String" } },
      Resources: {
        Web: {
          Type: GROUP,
          Properties: {
            VpcId: unknown,
            Tags: [{ Key: unknown, Value: unknown }, unknown],
            SecurityGroupIngress: [
              { IpProtocol: unknown, FromPort: unknown, ToPort: "443", CidrIp: unknown },
              { IpProtocol: 6, SourceSecurityGroupId: unknown, SourceSecurityGroupOwnerId: unknown },
              unknown,
            ],
            SecurityGroupEgress: unknown,
          },
        },
      },
    });
    expect(vouchedCanonical(group!)).toBe(true);
    expect(schemaShapeProblem(group!)).toBeUndefined();
  });

  it("are vouched for against the schema's definitions the checks were written for", () => {
    // The checks behind the vouch (`isTextOrUnknown`, `isPortOrAbsent`, `areCanonicalTags` and the
    // rule check in normalize/security-group.ts) restate these definitions. When they change,
    // review those checks, then record the new digest here.
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, "schemas/resources.schema.json"), "utf8")) as {
      $defs: Record<string, unknown>;
    };
    const definitions = ["securityGroup", "ipPermission", "port", "tags", "nonEmptyString"].map(
      (name) => schema.$defs[name],
    );
    const digest = createHash("sha256").update(JSON.stringify(definitions)).digest("hex");
    expect(digest).toBe("8ca53e9360f7be8dba6d2a4f2e8fcd40096e066fa6b851ab2ed128be6701fdeb");
  });
});
