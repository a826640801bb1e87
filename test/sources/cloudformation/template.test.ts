import { describe, expect, it } from "vitest";
import {
  looksLikeTemplate,
  readTemplate,
  TemplateShapeError,
  lookalikeKey,
} from "../../../src/sources/cloudformation/template.js";
import { parseCloudFormationYaml } from "../../../src/sources/cloudformation/yaml.js";
import { toPlain, type MapNode } from "../../../src/sources/positioned/node.js";

function parse(text: string) {
  return parseCloudFormationYaml(text).value;
}

function read(text: string) {
  return readTemplate(parse(text) as MapNode);
}

function shapeError(text: string): { message: string; line?: number } {
  try {
    read(text);
  } catch (error) {
    if (error instanceof TemplateShapeError) return { message: error.message, line: error.position?.line };
    throw error;
  }
  throw new Error("the template was read without a problem");
}

describe("recognising a template", () => {
  it.each([
    ["a registry module", "Resources:\n  Vpc:\n    Type: My::Org::Network::MODULE\n"],
    ["a third-party type", "Resources:\n  Thing:\n    Type: Acme::Foo::Bar\n"],
    ["a custom resource", "Resources:\n  Thing:\n    Type: Custom::Seeder\n"],
    ["a type no rule reads", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"],
    [
      "a loop only",
      "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Topics:\n    - Name\n    - [A]\n    - ${Name}Topic: { Type: AWS::SNS::Topic }\n",
    ],
    ["an empty Resources", "Resources: {}\n"],
    ["a format version without resources", 'AWSTemplateFormatVersion: "2010-09-09"\n'],
  ])("by its structure: %s", (_name, text) => {
    expect(looksLikeTemplate(parse(text))).toBe(true);
  });

  it.each([
    ["a mapping named Resources holding something else", "Resources:\n  cpu: 2\n  memory: 4Gi\n"],
    ["a workflow", "name: build\non: [push]\n"],
    ["a list", "- Resources\n"],
  ])("and not: %s", (_name, text) => {
    expect(looksLikeTemplate(parse(text))).toBe(false);
  });
});

describe("a Resources key with an invisible character", () => {
  it("is a template still, which the reader refuses", () => {
    const { value } = parseCloudFormationYaml(
      '"Resour\\u200bces":\n  Bastion:\n    Type: AWS::EC2::SecurityGroup\n',
    );
    expect(looksLikeTemplate(value)).toBe(true);
    expect(() => readTemplate(value as MapNode)).toThrow(
      "the section Resour\u200bces differs from Resources only in case or in invisible characters (U+200B); write it exactly",
    );
  });
});

describe("a template without resources", () => {
  it("is refused as CloudFormation refuses it, at its Resources", () => {
    expect(shapeError("Parameters: {}\nResources: {}\n")).toEqual({
      message: "template defines no resources",
      line: 2,
    });
    expect(shapeError('AWSTemplateFormatVersion: "2010-09-09"\n')).toEqual({
      message: "template defines no resources",
      line: 1,
    });
  });
});

describe("Fn::ForEach", () => {
  it("expands a literal collection, substituting the identifier in keys and values", () => {
    const template = read(`Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Queues:
    - Name
    - [Orders, order-events]
    - Queue\${Name}:
        Type: AWS::SQS::Queue
        Properties:
          QueueName: !Sub "\${Name}-queue"
          Tags: [{ Key: name, Value: !Ref Name }]
      Alarm&{Name}:
        Type: AWS::CloudWatch::Alarm
  Plain:
    Type: AWS::SNS::Topic
`);
    expect(template.resourceList.map((resource) => [resource.logicalId, resource.type])).toEqual([
      ["QueueOrders", "AWS::SQS::Queue"],
      ["AlarmOrders", "AWS::CloudWatch::Alarm"],
      ["Queueorder-events", "AWS::SQS::Queue"],
      ["Alarmorderevents", "AWS::CloudWatch::Alarm"],
      ["Plain", "AWS::SNS::Topic"],
    ]);
    const queue = template.resources.get("QueueOrders")!;
    expect(toPlain(queue.properties)).toEqual({
      QueueName: { "Fn::Sub": "Orders-queue" },
      Tags: [{ Key: "name", Value: "Orders" }],
    });
    // Generated resources point at the loop's output, where they are written.
    expect(queue.position.line).toBe(6);
  });

  it("takes the collection from a list parameter's default, and nests", () => {
    const template = read(`Transform: AWS::LanguageExtensions
Parameters:
  Environments:
    Type: CommaDelimitedList
    Default: "dev, prod"
Resources:
  Fn::ForEach::Environments:
    - Env
    - !Ref Environments
    - Fn::ForEach::Ports:
        - Port
        - ["22", "443"]
        - \${Env}Port\${Port}:
            Type: AWS::EC2::SecurityGroup
            Properties:
              GroupDescription: !Sub "\${Env} \${Port}"
`);
    expect(template.resourceList.map((resource) => resource.logicalId)).toEqual([
      "devPort22",
      "devPort443",
      "prodPort22",
      "prodPort443",
    ]);
    expect(toPlain(template.resources.get("prodPort443")!.properties)).toEqual({
      GroupDescription: { "Fn::Sub": "prod 443" },
    });
  });

  it("refuses loops that write out more than it can hold, at the loop where the bound is passed", () => {
    // 300 × 300 × 300 resources from a few lines: expanded without a bound, the check never ended.
    const names = Array.from({ length: 300 }, (_, index) => `n${index}`).join(",");
    const problem = shapeError(`Transform: AWS::LanguageExtensions
Parameters:
  Names: { Type: CommaDelimitedList, Default: "${names}" }
Resources:
  Fn::ForEach::Outer:
    - A
    - !Ref Names
    - Fn::ForEach::Middle:
        - B
        - !Ref Names
        - Fn::ForEach::Inner:
            - C
            - !Ref Names
            - Group\${A}\${B}\${C}: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: x } }
`);
    expect(problem.message).toMatch(
      /^Fn::ForEach::Outer writes out more than 2,000,000 resources and values with the loops inside it \(CloudFormation accepts at most 500 resources in a template\), so its resources are not checked$/,
    );
    expect(problem.line).toBe(5);

    // Large but bounded loops are expanded in full.
    const hundred = Array.from({ length: 100 }, (_, index) => `n${index}`).join(",");
    const template = read(`Transform: AWS::LanguageExtensions
Parameters:
  Names: { Type: CommaDelimitedList, Default: "${hundred}" }
Resources:
  Fn::ForEach::Outer:
    - A
    - !Ref Names
    - Fn::ForEach::Inner:
        - B
        - !Ref Names
        - Group\${A}\${B}: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: x } }
`);
    expect(template.resources.size).toBe(10_000);
  });

  it("reports a collection that cannot be known at the loop's line, rather than dropping resources", () => {
    expect(
      shapeError(`Parameters:
  Names: { Type: CommaDelimitedList }
Resources:
  Fn::ForEach::Groups:
    - Name
    - !Ref Names
    - \${Name}Group: { Type: AWS::EC2::SecurityGroup }
`),
    ).toEqual({
      message:
        "the collection of Fn::ForEach::Groups cannot be known before deployment (parameter Names has no default), so the resources it generates cannot be checked",
      line: 4,
    });
    expect(
      shapeError(`Resources:
  Fn::ForEach::Groups:
    - Name
    - !GetAtt Lookup.Names
    - \${Name}Group: { Type: AWS::EC2::SecurityGroup }
  Lookup: { Type: Custom::Names }
`).line,
    ).toBe(2);
    expect(shapeError("Resources:\n  Fn::ForEach::Broken: [Name]\n")).toEqual({
      message:
        "Fn::ForEach::Broken must be a list of an identifier, a collection and a mapping of output keys to resources",
      line: 2,
    });
  });

  it("refuses two resources with the same generated logical id", () => {
    expect(
      shapeError(`Resources:
  Fn::ForEach::Topics:
    - Name
    - [A, A]
    - \${Name}Topic: { Type: AWS::SNS::Topic }
`),
    ).toEqual({ message: "Fn::ForEach::Topics generates the logical id ATopic twice", line: 2 });
  });
});

describe("the Conditions section, checked as CloudFormation checks it", () => {
  const RESOURCES = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Condition: A\n";

  it.each([
    [
      "a condition naming itself",
      "Conditions:\n  A: !Condition A\n",
      "condition A depends on itself (A → A)",
      2,
    ],
    [
      "a cycle through Fn::Not and Fn::And",
      'Conditions:\n  A: !Not [!Condition B]\n  B: !And [!Equals [x, x], !Condition C]\n  C: { "Fn::Or": [{ Condition: A }, !Equals [y, z]] }\n',
      "condition A depends on itself (A → B → C → A)",
      2,
    ],
    [
      "a cycle away from the first condition",
      "Conditions:\n  A: !Condition B\n  B: !Equals [x, x]\n  C: !Condition D\n  D: !Condition C\n",
      "condition C depends on itself (C → D → C)",
      4,
    ],
    [
      "a condition that is not defined",
      "Conditions:\n  A: !Not [!Condition Missing]\n",
      "condition A refers to condition Missing, which is not defined in Conditions",
      2,
    ],
    // Evaluated as written, an Fn::Or without a list was false, and the resources it guarded
    // were left out of the check.
    [
      "Fn::Or over a mapping rather than a list",
      'Conditions:\n  A: { "Fn::Or": { "Fn::Equals": [x, y] } }\n',
      "condition A: Fn::Or takes a list of 2 to 10 conditions",
      2,
    ],
    [
      "Fn::And of no conditions, inside Fn::Not",
      "Conditions:\n  B: !Equals [x, x]\n  A: !Not [!And []]\n",
      "condition A: Fn::And takes a list of 2 to 10 conditions",
      3,
    ],
    [
      "Fn::Equals of three values",
      "Conditions:\n  A: !Or [!Equals [x, x, y], !Equals [a, b]]\n",
      "condition A: Fn::Equals takes a list of two values",
      2,
    ],
  ])("refuses %s, at the condition", (_name, conditions, message, line) => {
    expect(shapeError(conditions + RESOURCES)).toEqual({ message, line });
  });

  it("reads conditions that share others, and values that only look like references", () => {
    const text =
      "Conditions:\n  A: !And [!Condition B, !Condition C]\n  B: !Condition D\n  C: !Condition D\n" +
      "  D: !Equals [Condition, { Ref: AWS::Region }]\n" +
      RESOURCES;
    expect(read(text).conditions?.keys).toEqual(["A", "B", "C", "D"]);
  });

  it("reads a condition holding a list of 300,000 values", () => {
    const values = Array.from({ length: 300_000 }, (_, index) => index).join(", ");
    const text = `Conditions:\n  A: !Equals [[${values}], x]\n${RESOURCES}`;
    expect(read(text).conditions?.keys).toEqual(["A"]);
  });

  it("walks a long chain without exhausting the stack, and finds the cycle at its end", () => {
    const chain = (closed: boolean) => {
      const names = Array.from({ length: 50_000 }, (_, index) => `C${index}`);
      const lines = names.map(
        (name, index) =>
          `  ${name}: !Condition ${index + 1 < names.length ? names[index + 1] : closed ? "C49990" : "Leaf"}\n`,
      );
      return `Conditions:\n${lines.join("")}  Leaf: !Equals [a, b]\n${RESOURCES.replace("Condition: A", "Condition: C0")}`;
    };
    expect(read(chain(false)).conditions?.keys).toHaveLength(50_001);
    expect(shapeError(chain(true)).message).toMatch(
      /^condition C49990 depends on itself \(C49990 → C49991 → /,
    );
  });
});

describe("keys that look like a name they are not", () => {
  const names = new Map([["securitygroupingress", "SecurityGroupIngress"]]);

  it("tell case and invisible characters, naming the characters", () => {
    expect(lookalikeKey("SecurityGroupIngress", names)).toBeUndefined();
    expect(lookalikeKey("GroupDescription", names)).toBeUndefined();
    expect(lookalikeKey("securityGroupIngress", names)).toEqual({
      meant: "SecurityGroupIngress",
      how: "only in case",
    });
    expect(lookalikeKey("Security\u200bGroup\u00adIngress\u200b", names)).toEqual({
      meant: "SecurityGroupIngress",
      how: "only in case or in invisible characters (U+200B, U+00AD)",
    });
    expect(lookalikeKey("Other\u200bName", names)).toBeUndefined();
  });
});
