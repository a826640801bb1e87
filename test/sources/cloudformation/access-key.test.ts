import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../../src/assets.js";
import { evaluateRule } from "../../../src/engine/evaluate.js";
import { loadRuleDirectories } from "../../../src/engine/rule-loader.js";
import { relate } from "../../../src/pipeline/run.js";
import { normalizeTemplate } from "../../../src/sources/cloudformation/normalize.js";
import { allNormalizers } from "../../../src/sources/cloudformation/normalize/table.js";
import { readTemplate } from "../../../src/sources/cloudformation/template.js";
import { parseCloudFormationYaml } from "../../../src/sources/cloudformation/yaml.js";
import type { MapNode } from "../../../src/sources/positioned/node.js";

const PLACEHOLDERS = { account: "000012345678", region: "unknown", partition: "aws", stackName: "stack" };
const NORMALIZERS = await allNormalizers();

const TEMPLATE = `
Parameters:
  KeyStatus:
    Type: String
Resources:
  CiUser:
    Type: AWS::IAM::User
    Properties:
      UserName: ci
  CiKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref CiUser
  OldKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref CiUser
      Status: Inactive
      Serial: 2
  BackupUser:
    Type: AWS::IAM::User
    Properties:
      UserName: backup
  BackupKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref BackupUser
      Status: !Ref KeyStatus
  RetiredUser:
    Type: AWS::IAM::User
    Properties:
      UserName: retired
  RetiredKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: retired
      Status: Inactive
`;

function read(text: string) {
  return normalizeTemplate(
    readTemplate(parseCloudFormationYaml(text).value as MapNode),
    "t.yaml",
    PLACEHOLDERS,
    NORMALIZERS,
  );
}

describe("CloudFormation access keys", () => {
  it("become keys of their user, active unless Status says otherwise, without dates", () => {
    const { resources } = read(TEMPLATE);
    const keys = resources.filter((resource) => resource.type === "AWS::IAM::AccessKey");
    expect(keys.map((key) => [key.id, key.region, key.properties])).toEqual([
      ["CiKey", "global", { Name: "CiKey", UserName: "ci", Status: "Active" }],
      ["OldKey", "global", { Name: "OldKey", UserName: "ci", Status: "Inactive" }],
      [
        "BackupKey",
        "global",
        { Name: "BackupKey", UserName: "backup", Status: { $unknown: expect.stringMatching(/KeyStatus/) } },
      ],
      ["RetiredKey", "global", { Name: "RetiredKey", UserName: "retired", Status: "Inactive" }],
    ]);
    expect(keys[0]!.source).toMatchObject({ kind: "cloudformation", file: "t.yaml", address: "CiKey" });
  });

  it("a new active key fails the rule whatever age is tolerated; an unknown status is an error", async () => {
    const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR]);
    const rule = rules.find((candidate) => candidate.metadata.id === "long-lived-access-keys")!;
    const data = read(TEMPLATE);
    const inventory = relate({ ...data, mayHoldUnknowns: true }, "2026-12-01");
    const verdict = (userName: string) => {
      const user = inventory.resources.find(
        (resource) => resource.type === "AWS::IAM::User" && resource.id === userName,
      )!;
      return evaluateRule(rule, user, inventory, {
        maxAgeDays: 90,
        allowedUserPaths: [],
        allowedUserTags: [],
      });
    };
    expect(verdict("ci")).toMatchObject({
      status: "fail",
      message: "IAM user ci has active access keys: CiKey (a new key, not created yet)",
    });
    expect(verdict("backup")).toMatchObject({
      status: "error",
      message: expect.stringMatching(/^cannot decide: .*KeyStatus/),
    });
    expect(verdict("retired").status).toBe("pass");
  });
});
