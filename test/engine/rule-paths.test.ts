import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { documentShape, shapeOfPath } from "../../src/engine/path-shapes.js";
import { Inventory } from "../../src/model/inventory.js";
import type { JsonValue } from "../../src/model/resource.js";
import { readSnapshot } from "../../src/sources/snapshot.js";
import { PACKAGE_ROOT } from "../../src/assets.js";

const ENVELOPE = `title: A rule
severity: error
security-severity: 5
description: d
rationale: r
remediation: m
tags: [test]
`;

async function problemsOf(rule: string) {
  const dir = await mkdtemp(join(tmpdir(), "rule-paths-"));
  await writeFile(join(dir, "custom.yaml"), `${ENVELOPE}${rule}`);
  const { problems } = await loadRuleDirectories([dir], dir);
  return problems;
}

describe("paths a rule names must be able to exist in its resource type", () => {
  it("refuses a misspelt field in a message placeholder, naming the file and line", async () => {
    expect(
      await problemsOf(`id: typo
resource: AWS::EC2::Instance
condition: { path: KeyName, exists: false }
message: "{resource.InstanceID} has a key"
`),
    ).toEqual([
      {
        file: "custom.yaml",
        line: 11,
        column: 10,
        message:
          'placeholder {resource.InstanceID} cannot select anything in the resource: no field "InstanceID" can exist there (did you mean InstanceId?)',
      },
    ]);
  });

  it("refuses a misspelt field through relations, in a quantifier, and in a bound element's placeholder", async () => {
    const [relation] = await problemsOf(`id: typo
resource: AWS::EC2::Instance
condition: { path: "related.Roles[].related.Polices[].Document", exists: true }
message: "x"
`);
    expect(relation?.line).toBe(10);
    expect(relation?.message).toMatch(
      /no field "Polices" can exist there \(it has Policies, SessionKmsKeys\)/,
    );

    const [element] = await problemsOf(`id: typo
resource: AWS::EC2::SecurityGroup
condition:
  none:
    in: "IpPermissions[]"
    as: permission
    where: { path: "IpRanges[].CidrIP", exists: true }
message: "{permission.FromPrt}"
`);
    expect(element?.line).toBe(14);
    expect(element?.message).toMatch(/no field "CidrIP" can exist there \(did you mean CidrIp\?\)/);

    const [placeholder] = await problemsOf(`id: typo
resource: AWS::EC2::SecurityGroup
condition:
  none: { in: "IpPermissions[]", as: permission, where: { covers-port: 22 } }
message: "{permission.FromPrt}"
`);
    expect(placeholder?.message).toMatch(/^placeholder \{permission.FromPrt\} .*no field "FromPrt"/);

    const [inputs] = await problemsOf(`id: typo
resource: AWS::SSM::Document
condition: { path: Content.inputs.idleSessionTimout, at-most: 20 }
message: "x"
`);
    expect(inputs?.message).toMatch(/did you mean idleSessionTimeout\?|no field "idleSessionTimout"/);

    const [noRelations] = await problemsOf(`id: typo
resource: AWS::IAM::InstanceProfile
condition: { path: related.Roles, exists: true }
message: "x"
`);
    expect(noRelations?.message).toMatch(/no field "related" can exist there/);
  });

  it("refuses a misspelt field inside a multi-select hash, an expression reference and a let binding", async () => {
    for (const path of [
      "IpPermissions[*].{port: FromPrt}[?port==`22`]",
      "map(&FromPrt, IpPermissions)",
      "sort_by(IpPermissions, &FromPrt)[0].ToPort",
      "let $first = IpPermissions[0].FromPrt in $first",
    ]) {
      const [problem] = await problemsOf(`id: typo
resource: AWS::EC2::SecurityGroup
condition: { path: ${JSON.stringify(path)}, empty: true }
message: "x"
`);
      expect(problem?.message, path).toMatch(/no field "FromPrt" can exist there/);
    }
    expect(
      await problemsOf(`id: fine
resource: AWS::EC2::SecurityGroup
condition:
  all:
    - none: { in: "map(&FromPort, IpPermissions)", where: { equals: 22 } }
    - { path: "sort_by(IpPermissions, &FromPort)[0].{port: ToPort}.port", exists: true }
    - { path: "max_by(IpPermissions, &to_number(FromPort)).IpProtocol", exists: true }
message: "x"
`),
    ).toEqual([]);
  });

  it("accepts deep paths, relations of relations, open objects and the fields of any of several types", async () => {
    expect(
      await problemsOf(`id: deep
resource: [AWS::IAM::Role, AWS::IAM::User]
condition:
  all:
    - none:
        in: related.Policies[].Document.Statement[]
        as: statement
        where: { path: "Condition.StringLike.\\"aws:SourceIp\\"", exists: true }
    - { path: RoleName, exists: true }
    - { path: UserName, exists: true }
    - { path: "AssumeRolePolicyDocument.Statement[?Effect=='Allow'].Principal.AWS", exists: true }
message: "{resource.RoleName} {statement.Sid} {match.Anything}"
`),
    ).toEqual([]);
    expect(
      await problemsOf(
        `id: deep
resource: AWS::EC2::Instance
condition:
  message: first
  all:
    - { path: "related.Roles[].related.Policies[].Document.Statement[].Resource", exists: true }
    - { path: "related.SecurityGroups[].IpPermissions[].UserIdGroupPairs[].GroupId", exists: true }
    - { path: related.ManagedInstance.PingStatus, equals: Online }
    - { path: MetadataOptions.HttpTokens, equals: required, message: second }
    - { path: "length(SecurityGroups[?GroupName == 'default'])", equals: 0 }
    - every: { in: "SecurityGroups[]", as: attached, where: { path: $root.VpcId, equals: $attached.GroupId } }
messages:
  first: "{resource.related.InstanceProfile.Arn}"
  second: "{attached.GroupName}"
`,
      ),
    ).toEqual([]);
  });

  it("describes every field the relations put in a real snapshot's documents", async () => {
    const snapshot = await readSnapshot(join(PACKAGE_ROOT, "examples", "snapshot.json"));
    const inventory = new Inventory({ resources: snapshot.resources, scopes: snapshot.scopes });
    const missing: string[] = [];
    for (const resource of snapshot.resources) {
      const shape = documentShape([resource.type]);
      for (const path of fieldPaths(inventory.documentOf(resource))) {
        try {
          shapeOfPath(path, shape);
        } catch (error) {
          missing.push(`${resource.type} ${path}: ${(error as Error).message}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

/** Every field path in a document, lists walked as projections (`A[].B`). */
function fieldPaths(value: JsonValue, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => fieldPaths(item, `${prefix}[]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const path = `${prefix}${prefix ? "." : ""}"${key}"`;
    return [path, ...fieldPaths(item, path)];
  });
}
