import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import { InputError, UserError } from "../../src/errors.js";
import type { Resource } from "../../src/model/resource.js";
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  parseSnapshot,
  readSnapshot,
  serializeSnapshot,
  writeSnapshot,
} from "../../src/sources/snapshot.js";
import type { Snapshot } from "../../src/sources/snapshot.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "snapshots");
const fixture = (name: string): string => join(fixtures, name);
const example = join(import.meta.dirname, "..", "..", "examples", "snapshot.json");

/** Runs `action` and returns the InputError it must throw, so tests can assert on the message. */
async function inputError(action: () => unknown): Promise<InputError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError, but nothing was thrown");
}

function minimalText(): Promise<string> {
  return readFile(fixture("minimal.json"), "utf8");
}

function countByType(resources: readonly Resource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  return counts;
}

describe("snapshot schema", () => {
  // The reader compiles the schema without checking it against the meta-schema, to save start-up
  // time; this is where that check happens.
  it("is a valid draft 2020-12 schema that ajv compiles in strict mode", () => {
    const ajv = new Ajv2020({ strict: true, strictTypes: true, validateFormats: false, discriminator: true });
    const resources = loadSchema("resources.schema.json");
    expect(ajv.validateSchema(resources), ajv.errorsText()).toBe(true);
    ajv.addSchema(resources);
    const schema = loadSchema("snapshot.schema.json");

    expect(ajv.validateSchema(schema), ajv.errorsText()).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});

describe("readSnapshot", () => {
  it("reads the shipped example", async () => {
    const snapshot = await readSnapshot(example);

    expect(snapshot.scopes).toEqual([
      { account: "111122223333", region: "us-east-1" },
      { account: "111122223333", region: "eu-west-1" },
    ]);
    expect(countByType(snapshot.resources)).toEqual({
      "AWS::EC2::SecurityGroup": 13,
      "AWS::EC2::Instance": 10,
      "AWS::IAM::Role": 6,
      "AWS::IAM::User": 2,
      "AWS::IAM::Group": 1,
      "AWS::IAM::Policy": 5,
      "AWS::IAM::InstanceProfile": 2,
      "AWS::SSM::ManagedInstanceInventory": 6,
      "AWS::SSM::Document": 1,
    });
    expect(snapshot.collectionErrors).toEqual([]);
  });

  it("reads bytes already read for it, and reads the file itself when there are none", async () => {
    const bytes = await readFile(example);
    const given = await readSnapshot(join(tmpdir(), "no-such-snapshot.json"), "given.json", () =>
      Promise.resolve(bytes),
    );
    expect(given.resources).toHaveLength(46);

    const fallback = await readSnapshot(example, "example.json", () => Promise.resolve(undefined));
    expect(fallback.resources).toHaveLength(46);
  });

  it("keeps preferences in us-east-1 only, so eu-west-1 is evaluated with defaults", async () => {
    const snapshot = await readSnapshot(example);

    const documents = snapshot.resources.filter((resource) => resource.type === "AWS::SSM::Document");
    expect(documents.map((document) => [document.region, document.id])).toEqual([
      ["us-east-1", "SSM-SessionManagerRunShell"],
    ]);
  });

  it("returns the envelope without format fields, and resources as written", async () => {
    const snapshot = await readSnapshot(fixture("minimal.json"));

    expect(Object.keys(snapshot).sort()).toEqual([
      "collectionErrors",
      "createdAt",
      "resources",
      "scopes",
      "tool",
    ]);
    expect(snapshot.createdAt).toBe("2026-11-20T09:30:00.000Z");
    expect(snapshot.tool).toEqual({ name: "access-baseline", version: "0.1.0" });
    expect(snapshot.resources[0]?.properties.GroupName).toBe("admin-ssh");
    expect(snapshot.collectionErrors[0]?.resourceTypes).toEqual(["AWS::SSM::ManagedInstanceInventory"]);
  });

  it("names the line of a schema problem, found again in the file once the problem is known", async () => {
    const dir = await mkdtemp(join(tmpdir(), "access-baseline-snapshot-line-"));
    try {
      const lines = (await minimalText()).split("\n");
      const at = lines.findIndex((line) => line.includes('"region": "eu-central-1",'));
      expect(at).toBeGreaterThan(0);
      lines[at] = lines[at]!.replace('"eu-central-1"', "42");
      const path = join(dir, "snapshot.json");
      await writeFile(path, lines.join("\n"));

      const error = await inputError(() => readSnapshot(path, "snapshot.json"));
      const fromText = await inputError(() => parseSnapshot(lines.join("\n"), "snapshot.json"));

      expect(error.message).toMatch(
        new RegExp(`^snapshot\\.json:${at + 1}:\\d+: invalid snapshot at /resources/`),
      );
      expect(error.message).toBe(fromText.message);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing file", async () => {
    const path = fixture("does-not-exist.json");

    const error = await inputError(() => readSnapshot(path));

    expect(error.message).toBe(`cannot read snapshot ${path}: no such file or directory`);
  });

  it("reports a directory given as the snapshot", async () => {
    const error = await inputError(() => readSnapshot(fixtures));

    expect(error.message).toBe(`cannot read snapshot ${fixtures}: it is a directory`);
  });

  it("reports a truncated file at its end", async () => {
    const path = fixture("truncated.txt");

    const error = await inputError(() => readSnapshot(path));

    expect(error.message).toBe(
      `${path}:19:63: not valid JSON: the file ends unexpectedly inside an object (is it truncated?)`,
    );
  });

  it("reports invalid JSON at the offending character", async () => {
    const path = fixture("invalid-json.txt");

    const error = await inputError(() => readSnapshot(path));

    expect(error.message).toBe(
      `${path}:6:3: not valid JSON: expected ',' or '}' after a property value, found "\\""`,
    );
  });

  it("reports an unsupported version", async () => {
    const path = fixture("version-7.json");

    const error = await inputError(() => readSnapshot(path));

    expect(error.message).toBe(`${path}: snapshot version 7 is not supported (this tool reads version 1)`);
  });

  it("names the JSON pointer, the resource and the expectation of a schema failure", async () => {
    const path = fixture("wrong-protocol-type.json");

    const error = await inputError(() => readSnapshot(path));

    expect(error.message).toBe(
      `${path}:26:27: invalid snapshot at /resources/1/properties/IpPermissions/1/IpProtocol ` +
        `(AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788): expected a string, found 6`,
    );
  });

  it("refuses an instance with an empty list of security groups, saying so", async () => {
    const text = (await readFile(fixture("wrong-protocol-type.json"), "utf8")).replace(
      '"SecurityGroups": [{ "GroupId": "sg-default" }]',
      '"SecurityGroups": []',
    );

    const error = await inputError(() => parseSnapshot(text, "s.json"));

    expect(error.message).toMatch(
      /^s\.json:\d+:\d+: invalid snapshot at \/resources\/0\/properties\/SecurityGroups \(AWS::EC2::Instance i-0a1b2c3d4e5f60718\): expected a non-empty list$/,
    );
  });

  it("refuses an empty group id, on a group and in an instance's list of groups, saying so", async () => {
    const original = await readFile(fixture("wrong-protocol-type.json"), "utf8");
    const attached = original.replace(
      '"SecurityGroups": [{ "GroupId": "sg-default" }]',
      '"SecurityGroups": [{ "GroupId": "" }]',
    );
    const group = original.replace('"GroupId": "sg-0f1e2d3c4b5a69788"', '"GroupId": ""');
    expect(attached).not.toBe(original);
    expect(group).not.toBe(original);

    const inInstance = await inputError(() => parseSnapshot(attached, "s.json"));
    const onGroup = await inputError(() => parseSnapshot(group, "s.json"));

    expect(inInstance.message).toMatch(
      /^s\.json:\d+:\d+: invalid snapshot at \/resources\/0\/properties\/SecurityGroups\/0\/GroupId \(AWS::EC2::Instance i-0a1b2c3d4e5f60718\): expected a non-empty string$/,
    );
    expect(onGroup.message).toMatch(
      /\/resources\/1\/properties\/GroupId \(AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788\): expected a non-empty string$/,
    );
  });

  it("refuses a resource whose id property is not its id", async () => {
    const original = await readFile(fixture("minimal.json"), "utf8");
    const renamed = original.replace(
      '"GroupId": "sg-0f1e2d3c4b5a69788"',
      '"GroupId": "sg-0000000000000000a"',
    );
    expect(renamed).not.toBe(original);

    const error = await inputError(() => parseSnapshot(renamed, "s.json"));

    expect(error.message).toMatch(
      /^s\.json:\d+:\d+: invalid snapshot at \/resources\/0\/properties\/GroupId \(AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788\): its GroupId "sg-0000000000000000a" is not its id "sg-0f1e2d3c4b5a69788"$/,
    );
  });

  it("reports a duplicate resource", async () => {
    const path = fixture("duplicate-resource.json");

    const error = await inputError(() => readSnapshot(path));

    expect(error.message).toBe(
      `${path}:20:5: invalid snapshot at /resources/1 (AWS::SSM::ManagedInstanceInventory i-0a1b2c3d4e5f60718): ` +
        `duplicate resource: /resources/0 has the same type and id in account 444455556666, region eu-central-1`,
    );
  });
});

describe("duplicate resources", () => {
  const idFields: Record<string, string> = {
    "AWS::IAM::User": "UserName",
    "AWS::IAM::Group": "GroupName",
    "AWS::Events::Rule": "Name",
    "AWS::SSM::ManagedInstanceInventory": "InstanceId",
  };
  const user = (id: string, account: string, type = "AWS::IAM::User", region = "global") => ({
    type,
    id,
    account,
    region,
    source: { kind: "aws-live" },
    properties: { [idFields[type]!]: id },
  });
  const A = "111122223333";
  const B = "444455556666";
  const text = (resources: unknown[]) =>
    JSON.stringify({
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      createdAt: "2026-12-07T00:00:00Z",
      tool: { name: "access-baseline", version: "1" },
      scopes: [A, B].flatMap((account) => ["us-east-1", "eu-west-1"].map((region) => ({ account, region }))),
      resources,
      collectionErrors: [],
    });

  it("finds a resource repeated after resources of other accounts, types and regions", () => {
    const resources = [
      user("alice", A),
      user("alice", B),
      user("alice", A, "AWS::IAM::Group"),
      user("bob", A),
      user("alice", A, "AWS::Events::Rule", "us-east-1"),
      user("alice", A),
    ];
    expect(() => parseSnapshot(text(resources), "s.json")).toThrow(
      "invalid snapshot at /resources/5 (AWS::IAM::User alice): duplicate resource: /resources/0 has the same type and id in account 111122223333, region global",
    );
  });

  it("names a repeated resource whose id holds control characters with them escaped", () => {
    // The message goes to a terminal or a CI log on one line: a raw line break could start a
    // workflow command, a carriage return and an escape sequence could erase the line.
    const id = "alice\r\u001b[2K\n::stop-commands::token";
    const error = (() => {
      try {
        parseSnapshot(text([user(id, A), user(id, A)]), "s.json");
      } catch (thrown) {
        return thrown as Error;
      }
    })();
    expect(error?.message).toMatch(
      /^s\.json:\d+:\d+: invalid snapshot at \/resources\/1 \(AWS::IAM::User alice\\r\\u001b\[2K\\n::stop-commands::token\): duplicate resource: /,
    );
  });

  it("tells regions apart when an account's resources take turns in them, and types in one region", () => {
    const rule = "AWS::Events::Rule";
    const node = "AWS::SSM::ManagedInstanceInventory";
    const alternating = [
      user("alice", A, rule, "us-east-1"),
      user("alice", A, rule, "eu-west-1"),
      user("bob", A, rule, "us-east-1"),
      user("bob", A, rule, "eu-west-1"),
      // Another type in the region the last one was in, then another account there.
      user("bob", A, node, "eu-west-1"),
      user("bob", B, rule, "eu-west-1"),
      user("carol", A, rule, "eu-west-1"),
    ];
    expect(parseSnapshot(text(alternating), "s.json").resources).toHaveLength(7);
    expect(() => parseSnapshot(text([...alternating, user("bob", A, rule, "us-east-1")]), "s.json")).toThrow(
      "invalid snapshot at /resources/7 (AWS::Events::Rule bob): duplicate resource: /resources/2 has the same type and id in account 111122223333, region us-east-1",
    );
    expect(() => parseSnapshot(text([...alternating, user("bob", A, node, "eu-west-1")]), "s.json")).toThrow(
      "invalid snapshot at /resources/7 (AWS::SSM::ManagedInstanceInventory bob): duplicate resource: /resources/4 has the same type and id in account 111122223333, region eu-west-1",
    );
  });

  it("refuses an IAM resource outside the global region, where a second copy was no duplicate", () => {
    // The copy in us-east-1 took the place of the global one for every principal it is attached to.
    const policy = (region: string, action: string) => ({
      type: "AWS::IAM::Policy",
      id: "arn:aws:iam::111122223333:policy/sessions",
      account: A,
      region,
      source: { kind: "aws-live" },
      properties: {
        Arn: "arn:aws:iam::111122223333:policy/sessions",
        PolicyVersionList: [
          {
            VersionId: "v1",
            IsDefaultVersion: true,
            Document: { Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] },
          },
        ],
      },
    });

    expect(() =>
      parseSnapshot(
        text([policy("global", "ssm:StartSession"), policy("us-east-1", "s3:GetObject")]),
        "s.json",
      ),
    ).toThrow(
      'invalid snapshot at /resources/1/region (AWS::IAM::Policy arn:aws:iam::111122223333:policy/sessions): AWS::IAM::Policy is global: its region must be "global", found "us-east-1"',
    );
  });

  it("refuses an IAM resource whose ARN names another account, where a copy stood in for the real one", () => {
    const policy = (account: string, action: string) => ({
      type: "AWS::IAM::Policy",
      id: "arn:aws:iam::111122223333:policy/sessions",
      account,
      region: "global",
      source: { kind: "aws-live" },
      properties: {
        Arn: "arn:aws:iam::111122223333:policy/sessions",
        PolicyVersionList: [
          {
            VersionId: "v1",
            IsDefaultVersion: true,
            Document: { Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] },
          },
        ],
      },
    });
    const profile = (arn: string) => ({
      type: "AWS::IAM::InstanceProfile",
      id: "app",
      account: B,
      region: "global",
      source: { kind: "aws-live" },
      properties: { InstanceProfileName: "app", Arn: arn, Roles: [{ RoleName: "app" }] },
    });

    expect(() =>
      parseSnapshot(text([policy(A, "ssm:StartSession"), policy(B, "s3:GetObject")]), "s.json"),
    ).toThrow(
      "invalid snapshot at /resources/1/properties/Arn (AWS::IAM::Policy arn:aws:iam::111122223333:policy/sessions): its ARN arn:aws:iam::111122223333:policy/sessions is not that of arn:aws:iam::111122223333:policy/sessions in account 444455556666",
    );
    expect(() =>
      parseSnapshot(
        text([
          {
            ...profile("arn:aws:iam::444455556666:instance-profile/app"),
            arn: "arn:aws:iam::111122223333:instance-profile/app",
          },
        ]),
        "s.json",
      ),
    ).toThrow(
      "invalid snapshot at /resources/0/arn (AWS::IAM::InstanceProfile app): its ARN arn:aws:iam::111122223333:instance-profile/app is not that of app in account 444455556666",
    );
    expect(() => parseSnapshot(text([profile("app")]), "s.json")).toThrow(
      "invalid snapshot at /resources/0/properties/Arn (AWS::IAM::InstanceProfile app): its ARN app is not that of app in account 444455556666",
    );
    // AWS-managed policies are AWS's own in every account.
    const managed = { ...policy(B, "s3:GetObject"), id: "arn:aws:iam::aws:policy/ReadOnlyAccess" };
    managed.properties = { ...managed.properties, Arn: managed.id };
    expect(
      parseSnapshot(text([managed, profile("arn:aws:iam::444455556666:instance-profile/app")]), "s.json")
        .resources,
    ).toHaveLength(2);
  });

  it("refuses a principal with two inline policies of one name, of which IAM keeps one", () => {
    // Judged together, a Deny in one document would have held back the grant in the other.
    const role = (names: string[]) => ({
      type: "AWS::IAM::Role",
      id: "ops",
      account: A,
      region: "global",
      source: { kind: "aws-live" },
      properties: {
        RoleName: "ops",
        Arn: "arn:aws:iam::111122223333:role/ops",
        AssumeRolePolicyDocument: { Statement: [] },
        RolePolicyList: names.map((name) => ({ PolicyName: name, PolicyDocument: { Statement: [] } })),
      },
    });

    expect(() => parseSnapshot(text([role(["core", "logs", "core"])]), "s.json")).toThrow(
      'invalid snapshot at /resources/0/properties/RolePolicyList/2 (AWS::IAM::Role ops): the inline policy "core" is listed again (first at RolePolicyList/0); IAM keeps one document per name, and which one this principal has cannot be told',
    );
    expect(parseSnapshot(text([role(["core", "Core", "logs"])]), "s.json").resources).toHaveLength(1);
  });

  it("refuses an IAM resource whose ARN names another resource, where a copy stood in for the real one", () => {
    // A second profile holding the ARN of "app" took its place for the instances that name it.
    const profile = (id: string, arn: string) => ({
      type: "AWS::IAM::InstanceProfile",
      id,
      account: A,
      region: "global",
      source: { kind: "aws-live" },
      properties: { InstanceProfileName: id, Arn: arn, Roles: [{ RoleName: "ssm-role" }] },
    });
    const app = "arn:aws:iam::111122223333:instance-profile/app";

    expect(() => parseSnapshot(text([profile("app", app), profile("copy", app)]), "s.json")).toThrow(
      `invalid snapshot at /resources/1/properties/Arn (AWS::IAM::InstanceProfile copy): its ARN ${app} is not that of copy in account 111122223333`,
    );
    expect(() => parseSnapshot(text([profile("p", app.replace("/app", "/map"))]), "s.json")).toThrow(
      "its ARN arn:aws:iam::111122223333:instance-profile/map is not that of p in account 111122223333",
    );
    expect(
      parseSnapshot(
        text([profile("app", app), profile("web", `${app.replace("/app", "/team/")}web`)]),
        "s.json",
      ).resources,
    ).toHaveLength(2);
  });

  it("accepts the same id in another account, type or region", () => {
    const resources = [
      user("alice", A),
      user("alice", B),
      user("alice", A, "AWS::IAM::Group"),
      user("bob", A),
    ];
    expect(parseSnapshot(text(resources), "s.json").resources).toHaveLength(4);
  });
});

describe("parseSnapshot", () => {
  it("accepts a byte-order mark", async () => {
    const snapshot = parseSnapshot(`\uFEFF${await minimalText()}`, "bom.json");

    expect(snapshot.resources).toHaveLength(1);
  });

  it.each([
    ["an empty file", "  \n", "s.json: the snapshot file is empty"],
    [
      "a truncated string",
      '{"format": "access-b',
      "s.json:1:21: not valid JSON: the file ends unexpectedly inside a string (is it truncated?)",
    ],
    [
      "a truncated literal",
      '{"a": [tru',
      "s.json:1:11: not valid JSON: the file ends unexpectedly inside an array (is it truncated?)",
    ],
    ["a trailing comma", '{"a": [1, 2,]}', 's.json:1:13: not valid JSON: expected a value, found "]"'],
    [
      "a trailing comma in an object",
      '{"a": 1,\n}',
      's.json:2:1: not valid JSON: expected a property name in double quotes, found "}"',
    ],
    [
      "a single-quoted key",
      "{'a': 1}",
      `s.json:1:2: not valid JSON: expected a property name in double quotes, found "'"`,
    ],
    [
      "a missing colon",
      '{\n  "a" 1}',
      `s.json:2:7: not valid JSON: expected ':' after a property name, found "1"`,
    ],
    [
      "a line break inside a string",
      '{"a": "x\ny"}',
      "s.json:1:9: not valid JSON: a string contains an unescaped control character or line break",
    ],
    ["a bad escape", '{"a": "\\x"}', "s.json:1:8: not valid JSON: invalid escape \\x in a string"],
    ["a bad literal", '{"a": nothing}', 's.json:1:7: not valid JSON: expected a value, found "nothing"'],
    [
      "text after the end",
      '{"a": 1} {"b": 2}',
      's.json:1:10: not valid JSON: expected the end of the file, found "{"',
    ],
    [
      "a comment",
      '{\n  // note\n  "a": 1\n}',
      's.json:2:3: not valid JSON: expected a property name in double quotes, found "/"',
    ],
  ])("reports %s with its position", (_name, text, message) => {
    expect(() => parseSnapshot(text, "s.json")).toThrow(new InputError(message));
  });

  it("reports a file that is not a snapshot", () => {
    expect(() => parseSnapshot("[]", "list.json")).toThrow(
      "list.json: not an access-baseline snapshot: expected a JSON object at the top level, found an array",
    );
    expect(() => parseSnapshot('{"AWSTemplateFormatVersion": "2010-09-09"}', "template.json")).toThrow(
      'template.json: not an access-baseline snapshot (it has no format; expected "format": "access-baseline/snapshot")',
    );
    expect(() => parseSnapshot('{"format": "sarif"}', "x.json")).toThrow(
      'x.json: not an access-baseline snapshot (its format is "sarif"; expected "format": "access-baseline/snapshot")',
    );
  });

  it("reports a missing or non-numeric version", () => {
    expect(() => parseSnapshot(`{"format": "${SNAPSHOT_FORMAT}"}`, "x.json")).toThrow(
      "x.json: the snapshot has no version (this tool reads version 1)",
    );
    expect(() => parseSnapshot(`{"format": "${SNAPSHOT_FORMAT}", "version": "1"}`, "x.json")).toThrow(
      'x.json: snapshot version "1" is not supported (this tool reads version 1)',
    );
  });

  it("reports a missing required property at its parent object", async () => {
    const text = (await minimalText()).replace('"GroupId": "sg-0f1e2d3c4b5a69788",\n', "");

    expect(() => parseSnapshot(text, "m.json")).toThrow(
      new InputError(
        "m.json:15:21: invalid snapshot at /resources/0/properties/GroupId " +
          '(AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788): required property "GroupId" is missing',
      ),
    );
  });

  it("reports a resource without a type as such, not as a malformed security group", async () => {
    const text = (await minimalText()).replace('"type": "AWS::EC2::SecurityGroup",\n', "");

    expect(() => parseSnapshot(text, "m.json")).toThrow(
      new InputError(
        'm.json:9:5: invalid snapshot at /resources/0/type: required property "type" is missing',
      ),
    );
  });

  it("reports an unknown envelope property at its key", async () => {
    const text = (await minimalText()).replace(
      '"region": "eu-central-1",\n      "source"',
      '"region": "eu-central-1",\n      "zone": "a",\n      "source"',
    );

    expect(() => parseSnapshot(text, "m.json")).toThrow(
      new InputError(
        'm.json:14:7: invalid snapshot at /resources/0/zone (AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788): property "zone" ' +
          "is not allowed here (allowed: type, id, arn, account, region, source, properties)",
      ),
    );
  });

  it("explains a bad account id and an unknown resource type", async () => {
    const text = await minimalText();

    expect(() =>
      parseSnapshot(
        text.replace('"account": "444455556666",\n      "region"', '"account": "4444",\n      "region"'),
        "m.json",
      ),
    ).toThrow(
      new InputError(
        "m.json:12:18: invalid snapshot at /resources/0/account (AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788): " +
          'expected a 12-digit AWS account id (a string, so leading zeros survive), found "4444"',
      ),
    );
    expect(() => parseSnapshot(text.replace("AWS::EC2::SecurityGroup", "AWS::EC2::VPC"), "m.json")).toThrow(
      /^m\.json:10:15: invalid snapshot at \/resources\/0\/type \(AWS::EC2::VPC sg-0f1e2d3c4b5a69788\): expected one of "AWS::EC2::SecurityGroup", .*"AWS::SSM::Document".*; found "AWS::EC2::VPC"$/,
    );
  });

  it("requires IAM documents to be decoded objects with a Statement array", () => {
    const role: Resource = {
      type: "AWS::IAM::Role",
      id: "deploy",
      account: "444455556666",
      region: "global",
      source: { kind: "aws-live" },
      properties: {
        RoleName: "deploy",
        Arn: "arn:aws:iam::444455556666:role/deploy",
        AssumeRolePolicyDocument: "%7B%22Version%22%3A%222012-10-17%22%7D",
      },
    };
    const text = JSON.stringify(documentOf({ resources: [role] }));

    expect(() => parseSnapshot(text, "r.json")).toThrow(
      "r.json:1:434: invalid snapshot at /resources/0/properties/AssumeRolePolicyDocument (AWS::IAM::Role deploy): " +
        'expected an object, found "%7B%22Version%22%3A%222012-10-17%22%7D"',
    );
  });

  it("reports a scope listed twice", () => {
    const scope = { account: "444455556666", region: "eu-central-1" };
    const text = JSON.stringify(documentOf({ scopes: [scope, scope] }), null, 2);

    expect(() => parseSnapshot(text, "s.json")).toThrow(
      "s.json:14:5: invalid snapshot at /scopes/1: account 444455556666 region eu-central-1 is already listed at /scopes/0",
    );
  });

  it("refuses a regional resource of an account and region the scopes do not list", async () => {
    // eu-central-1 left out of the scopes: its groups would be judged, its Session Manager
    // preferences not at all, since only a listed region gets the defaults.
    const text = (await minimalText()).replace(
      '"scopes": [{ "account": "444455556666", "region": "eu-central-1" }]',
      '"scopes": [{ "account": "444455556666", "region": "eu-west-1" }]',
    );

    expect(() => parseSnapshot(text, "m.json")).toThrow(
      new InputError(
        "m.json:9:5: invalid snapshot at /resources/0 (AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788): " +
          "account 444455556666 region eu-central-1 is not listed in /scopes, the regions that were collected",
      ),
    );
  });

  it("accepts IAM resources in any listed account, and a trail in a home region that was not collected", () => {
    const trail: Resource = {
      type: "AWS::CloudTrail::Trail",
      id: "management",
      account: "444455556666",
      region: "us-east-1",
      source: { kind: "aws-live" },
      properties: { Name: "management", HomeRegion: "us-east-1", IsMultiRegionTrail: true },
    };
    const user: Resource = {
      type: "AWS::IAM::User",
      id: "alice",
      account: "444455556666",
      region: "global",
      source: { kind: "aws-live" },
      properties: { UserName: "alice" },
    };
    const text = JSON.stringify(documentOf({ resources: [trail, user] }));

    expect(parseSnapshot(text, "t.json").resources).toHaveLength(2);
  });

  it.each(["cloudformation", "terraform-plan"])(
    "refuses a resource whose source is of the planned kind %s, to which live-only rules do not apply",
    async (kind) => {
      const text = (await minimalText()).replace('"kind": "aws-live"', `"kind": "${kind}"`);

      expect(() => parseSnapshot(text, "m.json")).toThrow(
        new InputError(
          "m.json:14:27: invalid snapshot at /resources/0/source/kind (AWS::EC2::SecurityGroup sg-0f1e2d3c4b5a69788): " +
            `expected one of "aws-live", "config-item", "snapshot"; found "${kind}"`,
        ),
      );
    },
  );

  it.each([
    ["keyName", "KeyName"],
    ["PublicIPAddress", "PublicIpAddress"],
    ["\uff2b\uff45\uff59\uff2e\uff41\uff4d\uff45", "KeyName"],
    ["Key\u200bName", "KeyName"],
    ["Key Name", "KeyName"],
  ])("refuses an instance property %j, which the rules would not read as %s", (written, meant) => {
    // An instance whose key pair or public address was written so was judged to have none.
    const instance: Resource = {
      type: "AWS::EC2::Instance",
      id: "i-0123456789abcdef0",
      account: "444455556666",
      region: "eu-central-1",
      source: { kind: "aws-live" },
      properties: {
        InstanceId: "i-0123456789abcdef0",
        State: { Name: "running" },
        SecurityGroups: [{ GroupId: "sg-0f1e2d3c4b5a69788" }],
        [written]: meant === "KeyName" ? "bastion-key" : "203.0.113.10",
      },
    };
    const text = JSON.stringify(documentOf({ resources: [instance] }), null, 2);

    expect(() => parseSnapshot(text, "s.json")).toThrow(
      new InputError(
        `s.json:34:9: invalid snapshot at /resources/0/properties/${written} (AWS::EC2::Instance i-0123456789abcdef0): ` +
          `property ${JSON.stringify(written)} is ${meant} written another way (the rules read ${meant} only)`,
      ),
    );
  });

  it("refuses a preferences input written another way, which left the region judged not to log", () => {
    const preferences: Resource = {
      type: "AWS::SSM::Document",
      id: "SSM-SessionManagerRunShell",
      account: "444455556666",
      region: "eu-central-1",
      source: { kind: "aws-live" },
      properties: {
        Name: "SSM-SessionManagerRunShell",
        Content: {
          schemaVersion: "1.0",
          inputs: { S3BucketName: "session-logs", s3EncryptionEnabled: false },
        },
      },
    };
    const text = JSON.stringify(documentOf({ resources: [preferences] }));

    expect(() => parseSnapshot(text, "s.json")).toThrow(
      'invalid snapshot at /resources/0/properties/Content/inputs/S3BucketName (AWS::SSM::Document SSM-SessionManagerRunShell): property "S3BucketName" is s3BucketName written another way (the rules read s3BucketName only)',
    );
  });

  it("accepts properties the schema does not list: a field a newer API returns, a name only another type has", () => {
    const group = securityGroup({ GroupId: "sg-1", IpPermissions: [], SecurityGroupRules: [], keyName: "x" });
    const text = JSON.stringify(documentOf({ resources: [group] }));

    expect(parseSnapshot(text, "s.json").resources[0]!.properties).toHaveProperty("SecurityGroupRules");
  });

  it("locates values under escaped pointer tokens", () => {
    const text = [
      "{",
      `  "format": "${SNAPSHOT_FORMAT}", "version": 1, "createdAt": "2026-11-20T09:30:00Z",`,
      '  "tool": { "name": "x", "version": "1" }, "scopes": [], "collectionErrors": [],',
      '  "resources": [{ "type": "AWS::IAM::User", "id": "a/b", "account": "444455556666", "region": "global",',
      '    "source": { "kind": "snapshot", "positions": { "x/y~z": { "line": 0 } } },',
      '    "properties": { "UserName": "a/b" } }]',
      "}",
    ].join("\n");

    expect(() => parseSnapshot(text, "p.json")).toThrow(
      "p.json:5:71: invalid snapshot at /resources/0/source/positions/x~1y~0z/line (AWS::IAM::User a/b): expected a number >= 1, found 0",
    );
  });
});

describe("serializeSnapshot", () => {
  it("round-trips the example", async () => {
    const snapshot = await readSnapshot(example);

    const text = serializeSnapshot(snapshot);

    expect(parseSnapshot(text, "round-trip.json")).toEqual(snapshot);
  });

  it("writes the envelope first and one resource per line", async () => {
    const snapshot = await readSnapshot(fixture("minimal.json"));

    const lines = serializeSnapshot(snapshot).split("\n");

    expect(lines.slice(0, 4)).toEqual([
      "{",
      '  "$schema": "https://access-baseline.dev/schemas/snapshot.schema.json",',
      `  "format": "${SNAPSHOT_FORMAT}",`,
      `  "version": ${SNAPSHOT_VERSION},`,
    ]);
    const resourceLine = lines.find((line) => line.includes('"type":"AWS::EC2::SecurityGroup"'));
    expect(JSON.parse(resourceLine ?? "")).toEqual(snapshot.resources[0]);
    expect(lines.at(-1)).toBe("");
  });

  it("writes empty lists compactly", () => {
    const text = serializeSnapshot({ ...envelope(), scopes: [], resources: [], collectionErrors: [] });

    expect(text).toContain('"resources": [],');
    expect(parseSnapshot(text, "empty.json").resources).toEqual([]);
  });

  it("refuses a snapshot that could not be read back", () => {
    const broken = { ...envelope(), resources: [{ type: "AWS::EC2::Instance" }] } as unknown as Snapshot;

    expect(() => serializeSnapshot(broken)).toThrow(
      'cannot serialize snapshot: invalid at /resources/0/id (AWS::EC2::Instance): required property "id" is missing',
    );
  });

  it("names the resource holding a value JSON cannot represent", () => {
    const snapshot = envelope();
    snapshot.resources.push(
      securityGroup({ GroupId: "sg-1", IpPermissions: [], Weird: 1n } as unknown as Resource["properties"]),
    );

    expect(() => serializeSnapshot(snapshot)).toThrow(/^cannot serialize snapshot: \/resources\/0: .*BigInt/);
  });
});

describe("writeSnapshot", () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "access-baseline-snapshot-"));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("writes a snapshot that reads back, leaving no temporary file", async () => {
    const path = join(directory, "out.json");
    const snapshot = envelope();
    snapshot.resources.push(securityGroup({ GroupId: "sg-1", IpPermissions: [] }));

    await writeSnapshot(path, snapshot);

    expect(await readSnapshot(path)).toEqual(snapshot);
    expect(await readdir(directory)).toEqual(["out.json"]);
  });

  it("leaves the target untouched when serialization fails", async () => {
    const path = join(directory, "out.json");
    await writeFile(path, "previous contents");
    const snapshot = envelope();
    snapshot.resources.push(
      securityGroup({ GroupId: "sg-1", Weird: 1n } as unknown as Resource["properties"]),
    );

    await expect(writeSnapshot(path, snapshot)).rejects.toThrow(/cannot serialize snapshot/);

    expect(await readFile(path, "utf8")).toBe("previous contents");
    expect(await readdir(directory)).toEqual(["out.json"]);
  });

  it("reports a target directory that does not exist", async () => {
    const path = join(directory, "missing", "out.json");

    const error = await writeSnapshot(path, envelope()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`cannot write snapshot ${path}: no such file or directory`);
  });
});

function envelope(): Snapshot {
  return {
    createdAt: "2026-11-20T09:30:00.000Z",
    tool: { name: "access-baseline", version: "0.1.0" },
    scopes: [{ account: "444455556666", region: "eu-central-1" }],
    resources: [],
    collectionErrors: [],
  };
}

/** The file form of a snapshot, which the text-level tests need to get past the format check. */
function documentOf(overrides: Partial<Snapshot>): object {
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, ...envelope(), ...overrides };
}

function securityGroup(properties: Resource["properties"]): Resource {
  return {
    type: "AWS::EC2::SecurityGroup",
    id: properties.GroupId as string,
    account: "444455556666",
    region: "eu-central-1",
    source: { kind: "aws-live" },
    properties,
  };
}
