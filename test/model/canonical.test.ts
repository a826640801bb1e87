import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR, PACKAGE_ROOT } from "../../src/assets.js";
import { evaluateRules } from "../../src/engine/evaluate.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { canonicalShapeProblem, schemaShapeProblem } from "../../src/model/canonical.js";
import { Inventory } from "../../src/model/inventory.js";
import type { JsonObject, Resource, ResourceSource } from "../../src/model/resource.js";
import { unknownValue } from "../../src/model/unknown.js";
import { vouchedCanonical, vouchForCanonicalShape } from "../../src/model/vouched-shapes.js";
// @ts-expect-error: a build script written in JavaScript, without type declarations
import { generateCanonicalValidators, GENERATED_PATH } from "../../scripts/canonical-validators.mjs";

const ACCOUNT = "111122223333";

function group(properties: JsonObject, source: ResourceSource = { kind: "config-item" }): Resource {
  return {
    type: "AWS::EC2::SecurityGroup",
    id: "sg-1",
    account: ACCOUNT,
    region: "eu-west-1",
    source,
    properties,
  };
}

const openSsh = {
  GroupId: "sg-1",
  IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
};

const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR], PACKAGE_ROOT);

function verdicts(resources: Resource[]): Map<string, string> {
  const inventory = new Inventory({ resources, scopes: [{ account: ACCOUNT, region: "eu-west-1" }] });
  const results = evaluateRules(rules, inventory, { params: new Map() });
  return new Map(
    results
      .filter(
        (result) => result.resource.id === resources[0]!.id && result.resource.type === resources[0]!.type,
      )
      .map((result) => [result.ruleId, `${result.status}: ${result.message}`]),
  );
}

describe("the canonical shape, checked at the boundary", () => {
  it("accepts the describe-API shape", () => {
    expect(canonicalShapeProblem(group(openSsh))).toBeUndefined();
  });

  it.each([
    ["an empty configuration", {}, 'missing required key "GroupId"'],
    [
      "permissions as an object",
      { GroupId: "sg-1", IpPermissions: { IpProtocol: "tcp" } },
      "IpPermissions: expected array",
    ],
    [
      "a permission without a protocol",
      { GroupId: "sg-1", IpPermissions: [{ FromPort: 22, ToPort: 22 }] },
      'IpPermissions[0]: missing required key "IpProtocol"',
    ],
    [
      "an empty group id",
      { GroupId: "", IpPermissions: [] },
      "GroupId: expected a non-empty string, found an empty string",
    ],
    [
      "a port written as text",
      { GroupId: "sg-1", IpPermissions: [{ IpProtocol: "tcp", FromPort: "22", ToPort: 22 }] },
      "IpPermissions[0].FromPort: expected integer",
    ],
  ])("names what does not fit: %s", (_, properties, expected) => {
    const problem = canonicalShapeProblem(group(properties));
    expect(problem).toContain(
      "AWS::EC2::SecurityGroup sg-1 from the AWS Config configuration item (111122223333/eu-west-1)",
    );
    expect(problem).toContain(expected);
  });

  it("checks every rule of a group in place, each at its own index", () => {
    const rule = { IpProtocol: "tcp", FromPort: 22, ToPort: 22 };
    const problem = canonicalShapeProblem(
      group({ GroupId: "sg-1", IpPermissions: [rule, rule, { ...rule, ToPort: 70_000 }, rule] }),
    );
    expect(problem).toContain("IpPermissions[2].ToPort");
    expect(
      canonicalShapeProblem(group({ GroupId: "sg-1", IpPermissions: [rule, rule, rule] })),
    ).toBeUndefined();
  });

  it("names a number JSON cannot write as the number it is", () => {
    // A template's -1e400 reads as -Infinity, which JSON.stringify would show as null.
    const rule = { IpProtocol: "tcp", FromPort: -Infinity, ToPort: 22 };
    expect(canonicalShapeProblem(group({ GroupId: "sg-1", IpPermissions: [rule] }))).toContain(
      "IpPermissions[0].FromPort: expected integer, found number -Infinity",
    );
    expect(
      canonicalShapeProblem(group({ GroupId: "sg-1", IpPermissions: [{ ...rule, FromPort: NaN }] })),
    ).toContain("found number NaN");
  });

  it("refuses an instance's group without an id, rather than naming a group (none)", () => {
    const instance: Resource = {
      type: "AWS::EC2::Instance",
      id: "i-1",
      account: ACCOUNT,
      region: "eu-west-1",
      source: { kind: "config-item" },
      properties: { InstanceId: "i-1", State: { Name: "running" }, SecurityGroups: [{ GroupId: "" }] },
    };
    expect(canonicalShapeProblem(instance)).toContain(
      "SecurityGroups[0].GroupId: expected a non-empty string, found an empty string",
    );
  });

  it("names the file and line of a template resource", () => {
    const problem = canonicalShapeProblem(
      group(
        { GroupId: "sg-1", IpPermissions: {} },
        { kind: "cloudformation", file: "t.yaml", line: 7, address: "Web" },
      ),
    );
    expect(problem).toMatch(
      /^t\.yaml:7 \(Web\) does not have the shape of AWS::EC2::SecurityGroup: IpPermissions: expected array/,
    );
  });

  it("names the API and region of a live resource", () => {
    const problem = canonicalShapeProblem(group({ GroupId: "sg-1", IpPermissions: 3 }, { kind: "aws-live" }));
    expect(problem).toContain("read with ec2:DescribeSecurityGroups in 111122223333/eu-west-1");
  });

  it("does not count what an unknown value stands for as a misfit", () => {
    expect(
      canonicalShapeProblem(group({ GroupId: "sg-1", IpPermissions: unknownValue("after apply") })),
    ).toBeUndefined();
    expect(
      canonicalShapeProblem(
        group({
          GroupId: "sg-1",
          IpPermissions: [{ IpProtocol: "tcp", FromPort: unknownValue("a parameter") }],
        }),
      ),
    ).toBeUndefined();
    // An unknown item of a list, and an unknown value inside an item, stand for what they replace.
    expect(
      canonicalShapeProblem(group({ GroupId: "sg-1", IpPermissions: [unknownValue("a parameter")] })),
    ).toBeUndefined();
    expect(
      canonicalShapeProblem(
        group({
          GroupId: "sg-1",
          VpcId: unknownValue("a parameter"),
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: 22,
              ToPort: 22,
              IpRanges: [{ CidrIp: unknownValue("a mapping") }],
            },
          ],
        }),
      ),
    ).toBeUndefined();
    // An unknown value elsewhere does not excuse a real misfit.
    expect(
      canonicalShapeProblem(
        group({ GroupId: unknownValue("after apply"), IpPermissions: [{ FromPort: 22 }] }),
      ),
    ).toContain('missing required key "IpProtocol"');
  });
});

describe("shapes a source vouches for", () => {
  it("are not walked again, for the object and type vouched for only", () => {
    // Vouched for wrongly on purpose: what shows that the walk was skipped.
    const misfit = { GroupId: "sg-1", IpPermissions: {} };
    const resource = group(misfit);
    expect(canonicalShapeProblem(resource)).toContain("IpPermissions: expected array");
    vouchForCanonicalShape(misfit, "AWS::EC2::SecurityGroup");
    expect(vouchedCanonical(resource)).toBe(true);
    expect(canonicalShapeProblem(resource)).toBeUndefined();
    // The schema's own verdict is unchanged; the tests of each source that vouches compare the two.
    expect(schemaShapeProblem(resource)).toContain("IpPermissions: expected array");

    // Equal properties in another object, or the same object read as another type, are walked.
    const copy = group({ ...misfit });
    expect(vouchedCanonical(copy)).toBe(false);
    expect(canonicalShapeProblem(copy)).toContain("IpPermissions: expected array");
    const asInstance: Resource = { ...resource, type: "AWS::EC2::Instance" };
    expect(vouchedCanonical(asInstance)).toBe(false);
    expect(canonicalShapeProblem(asInstance)).toContain("does not have the shape of AWS::EC2::Instance");
  });
});

describe("a resource that does not fit is never judged", () => {
  it("gives every rule that reads it an error naming where it came from, never a pass", () => {
    for (const properties of [
      {},
      { GroupId: "sg-1", IpPermissions: { IpProtocol: "tcp" } },
      { GroupId: "sg-1", IpPermissions: [{ FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }] },
    ]) {
      const results = verdicts([group(properties as JsonObject)]);
      expect(results.size).toBeGreaterThan(0);
      for (const [rule, verdict] of results) {
        expect(verdict, rule).toMatch(
          /^error: cannot decide: AWS::EC2::SecurityGroup sg-1 from the AWS Config configuration item/,
        );
      }
    }
  });

  it("gives the rules that relate to it an error too", () => {
    const instance: Resource = {
      type: "AWS::EC2::Instance",
      id: "i-1",
      account: ACCOUNT,
      region: "eu-west-1",
      source: { kind: "config-item" },
      properties: {
        InstanceId: "i-1",
        State: { Name: "running" },
        SecurityGroups: [{ GroupId: "sg-1" }],
        PublicIpAddress: "203.0.113.9",
      },
    };
    const results = verdicts([instance, group({ GroupId: "sg-1", IpPermissions: {} })]);
    expect(results.get("exposed-bastion")).toMatch(
      /^error: cannot decide: a related resource: AWS::EC2::SecurityGroup sg-1/,
    );
  });
});

describe("the compiled validators", () => {
  it("are generated from schemas/resources.schema.json as it is (npm run validators)", () => {
    const onDisk = readFileSync(`${PACKAGE_ROOT}/${GENERATED_PATH as string}`, "utf8");
    expect(
      onDisk === (generateCanonicalValidators() as string),
      `${GENERATED_PATH as string} is stale: run npm run validators`,
    ).toBe(true);
  });

  it("are one function each, the definitions they refer to written out in place", () => {
    // A referenced definition compiled as a function of its own is called once per value it
    // checks, with an object of options and a path built each time: once per rule of every group.
    const source = readFileSync(`${PACKAGE_ROOT}/${GENERATED_PATH as string}`, "utf8");
    const defined = source.match(/function validate\d+\(/g) ?? [];
    const called = source.match(/validate\d+\(/g) ?? [];
    expect(defined.length).toBeGreaterThan(10);
    expect(called.length).toBe(defined.length);
  });
});
