import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { compileRuleText } from "../../src/engine/rule-loader.js";
import { parseConfiguration } from "../../src/config/config-file.js";
import { readCloudFormationFile } from "../../src/sources/cloudformation/file.js";
import { parseCloudFormationYaml } from "../../src/sources/cloudformation/yaml.js";
import { readConfigurationItem } from "../../src/sources/config-item/item.js";
import { resourceFromItem } from "../../src/sources/config-item/normalize.js";
import type { InputFile } from "../../src/sources/files.js";
import { parseJson } from "../../src/sources/positioned/json.js";
import { isMapNode } from "../../src/sources/positioned/node.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { readPlan } from "../../src/sources/terraform/plan.js";
import {
  awkwardValue,
  expectOnlyOwnFailures,
  expectOnlyOwnFailuresAsync,
  fuzzParameters,
  fuzzTimeout,
  replaceSubtree,
} from "../support/fuzz.js";
import {
  CONFIGURATION_TEXT,
  OPEN_CONFIG_EVENT,
  OPEN_PLAN,
  OPEN_SNAPSHOT,
  OPEN_TEMPLATE,
  SSH_RULE_TEXT,
} from "./seeds.js";

/**
 * Property (a) of the hardening suite: whatever text or structure a reader is given, it either
 * reads it, returns problems, or throws one of the project's own failures (which the CLI prints
 * as one line). A TypeError or RangeError escaping a reader is a defect. See test/support/fuzz.ts
 * for the fixed seed and ACCESS_BASELINE_FUZZ_RUNS.
 */

const TIMEOUT = fuzzTimeout(30_000);

/** Text near a valid document: cut short, with a character changed, or with a fragment inserted. */
function damagedText(valid: string): fc.Arbitrary<string> {
  const fragment = fc.constantFrom(
    "{",
    "}",
    "[",
    "]",
    '"',
    ",",
    ":",
    "\\",
    "\\u",
    "\\ud800",
    "\t",
    "\n",
    "- ",
    "&a ",
    "*a",
    "!Ref ",
    "!GetAtt ",
    "!Sub [",
    "? ",
    "<<: ",
    "%YAML 1.1\n---\n",
    "---\n",
    "\u0000",
    "\ufeff",
    "1e400",
    "-",
    "0x1F",
    "__proto__",
  );
  return fc.oneof(
    fc.nat({ max: valid.length }).map((end) => valid.slice(0, end)),
    fc
      .tuple(fc.nat({ max: valid.length }), fc.oneof(fragment, fc.string({ maxLength: 4 })))
      .map(([at, inserted]) => valid.slice(0, at) + inserted + valid.slice(at)),
    fc
      .tuple(
        fc.nat({ max: valid.length }),
        fc.nat({ max: 8 }),
        fc.oneof(fragment, fc.string({ maxLength: 2 })),
      )
      .map(([at, length, replacement]) => valid.slice(0, at) + replacement + valid.slice(at + length)),
  );
}

/** A valid document with one subtree replaced by a value of any type. */
function mutatedDocument(valid: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), awkwardValue).map(([index, value]) => replaceSubtree(valid, index, value));
}

/** Any text at all, text near the valid one, and the valid one's structure with a part changed. */
function textsFor(valid: unknown, asText: (value: unknown) => string = (value) => JSON.stringify(value)) {
  const text = asText(valid);
  return fc.oneof(
    fc.string({ unit: "binary", maxLength: 64 }),
    damagedText(text),
    mutatedDocument(valid).map(asText),
  );
}

const NAMES = [
  "Env",
  "Ports",
  "Bastion",
  "IsProd",
  "Cidrs",
  "Missing",
  "AWS::Region",
  "AWS::NoValue",
  "AWS::AccountId",
  "AWS::StackName",
  "World",
  "prod",
  "",
];

/** CloudFormation intrinsic functions with arguments of every shape, nested. */
const intrinsic: fc.Arbitrary<unknown> = fc.letrec<{ expression: unknown; argument: unknown }>((tie) => ({
  argument: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    awkwardValue,
    fc.constantFrom(...NAMES),
    tie("expression"),
    fc.array(tie("argument"), { maxLength: 4 }),
  ),
  expression: fc.oneof(
    fc.constantFrom(...NAMES).map((name) => ({ Ref: name })),
    fc.constantFrom(...NAMES).map((name) => ({ Condition: name })),
    fc
      .oneof(
        fc.constantFrom(
          "${Env}-x",
          "${AWS::Region}",
          "${Missing}",
          "${!Literal}",
          "${",
          "${Bastion.GroupId}",
        ),
        fc.string({ maxLength: 8 }),
      )
      .map((text) => ({ "Fn::Sub": text })),
    fc
      .tuple(
        fc.constantFrom(
          "Fn::Sub",
          "Fn::Join",
          "Fn::Select",
          "Fn::Split",
          "Fn::If",
          "Fn::FindInMap",
          "Fn::GetAtt",
          "Fn::Equals",
          "Fn::Not",
          "Fn::And",
          "Fn::Or",
          "Fn::Base64",
          "Fn::Cidr",
          "Fn::GetAZs",
          "Fn::ImportValue",
          "Fn::Length",
          "Fn::ToJsonString",
          "Fn::Transform",
          "Ref",
        ),
        fc.array(tie("argument"), { maxLength: 4 }),
      )
      .map(([name, args]) => ({ [name]: args })),
    fc
      .tuple(fc.constantFrom(...NAMES), tie("argument"))
      .map(([name, argument]) => ({ "Fn::If": [name, argument, { Ref: "AWS::NoValue" }] })),
  ),
})).expression;

/** The seed template with one subtree replaced by an intrinsic function call. */
const templateWithIntrinsics = fc
  .tuple(fc.nat(), intrinsic)
  .map(([index, expression]) => replaceSubtree(OPEN_TEMPLATE, index, expression));

/** A loop over resources, with a collection and body of any shape. */
const templateWithLoop = fc
  .tuple(awkwardValue, intrinsic, fc.constantFrom("Sg${Name}", "Sg", "&{Name}", "${Missing}"))
  .map(([collection, body, name]) => ({
    AWSTemplateFormatVersion: "2010-09-09",
    Transform: "AWS::LanguageExtensions",
    Resources: {
      "Fn::ForEach::Groups": [
        "Name",
        collection,
        { [name]: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: body } } },
      ],
    },
  }));

/** Block-style YAML, as people write rules and configuration. */
function yamlText(value: unknown): string {
  return stringify(value) ?? "";
}

function inputFile(display: string): InputFile {
  return { path: `/nonexistent/${display}`, display, explicit: true, argument: display };
}

async function readTemplateText(text: string, asYaml: boolean) {
  const document = asYaml ? parseCloudFormationYaml(text).value : parseJson(text);
  if (!isMapNode(document)) return undefined;
  return await readCloudFormationFile(inputFile(asYaml ? "fuzz.yaml" : "fuzz.json"), document);
}

describe("readers never fail with anything but their own errors", () => {
  it(
    "positioned JSON reader",
    () => {
      fc.assert(
        fc.property(
          textsFor(OPEN_TEMPLATE, (value) => JSON.stringify(value, null, 2)),
          (text) => {
            expectOnlyOwnFailures(() => parseJson(text));
          },
        ),
        fuzzParameters(400),
      );
    },
    TIMEOUT,
  );

  it(
    "YAML reader with CloudFormation tags",
    () => {
      const yamlTemplate = [
        "Resources:",
        "  Bastion:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        "      GroupName: !Sub '${AWS::StackName}-bastion'",
        "      SecurityGroupIngress:",
        "        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Select [0, !Split [',', '0.0.0.0/0,10.0.0.0/8']]}",
        "        - &entry",
        "          IpProtocol: '-1'",
        "          CidrIpv6: !If [IsProd, '::/0', !Ref AWS::NoValue]",
        "        - *entry",
        "  Ingress:",
        "    Type: AWS::EC2::SecurityGroupIngress",
        "    Properties: {GroupId: !GetAtt Bastion.GroupId, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !FindInMap [A, B, C]}",
        "",
      ].join("\n");
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ unit: "binary", maxLength: 64 }), damagedText(yamlTemplate)),
          (text) => {
            expectOnlyOwnFailures(() => parseCloudFormationYaml(text));
          },
        ),
        fuzzParameters(300),
      );
    },
    TIMEOUT,
  );

  it(
    "CloudFormation templates and their intrinsic functions (JSON and YAML)",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(templateWithIntrinsics, templateWithLoop, mutatedDocument(OPEN_TEMPLATE)),
          fc.boolean(),
          async (template, asYaml) => {
            // JSON is YAML: the YAML reader takes the same text, through its other code path.
            const text = JSON.stringify(template, null, asYaml ? undefined : 1);
            await expectOnlyOwnFailuresAsync(() => readTemplateText(text, asYaml));
          },
        ),
        fuzzParameters(400),
      );
    },
    TIMEOUT,
  );

  it(
    "Terraform plan reader",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(mutatedDocument(OPEN_PLAN), mutatedDocument(OPEN_PLAN).chain(mutatedDocument)),
          async (plan) => {
            const document = parseJson(JSON.stringify(plan) ?? "null");
            if (!isMapNode(document)) return;
            await expectOnlyOwnFailuresAsync(async () => {
              const read = await readPlan(document, inputFile("plan.json"), "/nonexistent");
              for (const problem of read.problems) expect(problem.message).not.toMatch(/internal error/);
            });
          },
        ),
        fuzzParameters(300),
      );
    },
    TIMEOUT,
  );

  it(
    "snapshot reader",
    () => {
      fc.assert(
        fc.property(textsFor(OPEN_SNAPSHOT), (text) => {
          expectOnlyOwnFailures(() => parseSnapshot(text, "snapshot.json"));
        }),
        fuzzParameters(300),
      );
    },
    TIMEOUT,
  );

  it(
    "AWS Config item reader and conversion",
    () => {
      const item = OPEN_CONFIG_EVENT.invokingEvent.configurationItem;
      fc.assert(
        fc.property(mutatedDocument(item), (mutated) => {
          expectOnlyOwnFailures(() => {
            const read = readConfigurationItem(mutated);
            const converted = resourceFromItem(read);
            if (!converted.ok) expect(converted.message).not.toBe("");
          });
        }),
        fuzzParameters(400),
      );
    },
    TIMEOUT,
  );

  it(
    "rule loader",
    () => {
      fc.assert(
        fc.property(
          fc.oneof(textsFor(parseYaml(SSH_RULE_TEXT), yamlText), damagedText(SSH_RULE_TEXT)),
          (text) => {
            expectOnlyOwnFailures(() => {
              const compiled = compileRuleText(
                text,
                "rules/fuzz.yaml",
                "/nonexistent/rules/fuzz.yaml",
                "fuzz.yaml",
              );
              if ("problem" in compiled) expect(compiled.problem.message).not.toBe("");
            });
          },
        ),
        fuzzParameters(300),
      );
    },
    TIMEOUT,
  );

  it(
    "configuration file",
    () => {
      fc.assert(
        fc.property(
          fc.oneof(textsFor(parseYaml(CONFIGURATION_TEXT), yamlText), damagedText(CONFIGURATION_TEXT)),
          (text) => {
            expectOnlyOwnFailures(() => parseConfiguration(text, ".access-baseline.yml"));
          },
        ),
        fuzzParameters(300),
      );
    },
    TIMEOUT,
  );
});
