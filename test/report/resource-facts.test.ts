import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RuleResult } from "../../src/engine/result.js";
import type { JsonObject, JsonValue, Resource, ResourceType } from "../../src/model/resource.js";
import { factsForFindings, resourceFacts } from "../../src/report/resource-facts.js";
import { FactsJsonWriter } from "../../src/report/resource-facts-json.js";

const resource = (type: ResourceType, id: string, region: string, properties: JsonObject = {}): Resource => ({
  type,
  id,
  account: "111122223333",
  region,
  source: { kind: "aws-live" },
  properties,
});

const result = (subject: Resource, status: RuleResult["status"]): RuleResult => ({
  ruleId: "some-rule",
  status,
  severity: "error",
  message: "",
  resource: {
    type: subject.type,
    id: subject.id,
    account: subject.account,
    region: subject.region,
    source: subject.source,
  },
  evidence: [],
});

const instanceIn = (id: string, region: string, groups: string[]) =>
  resource("AWS::EC2::Instance", id, region, { SecurityGroups: groups.map((GroupId) => ({ GroupId })) });

describe("factsForFindings", () => {
  it("keeps resources with findings, the instances of their security groups and of their managed nodes", () => {
    const openGroup = resource("AWS::EC2::SecurityGroup", "sg-open", "eu-west-1");
    const closedGroup = resource("AWS::EC2::SecurityGroup", "sg-closed", "eu-west-1");
    const behindOpen = instanceIn("i-behind-open", "eu-west-1", ["sg-closed", "sg-open"]);
    const sameGroupIdElsewhere = instanceIn("i-other-region", "us-east-1", ["sg-open"]);
    const behindClosed = instanceIn("i-behind-closed", "eu-west-1", ["sg-closed"]);
    const managedNode = resource("AWS::SSM::ManagedInstanceInventory", "i-managed", "eu-west-1");
    const managedInstance = instanceIn("i-managed", "eu-west-1", []);
    const passingRole = resource("AWS::IAM::Role", "role", "global");
    const resources = [
      openGroup,
      closedGroup,
      behindOpen,
      sameGroupIdElsewhere,
      behindClosed,
      managedNode,
      managedInstance,
      passingRole,
    ];
    const results = [
      result(openGroup, "fail"),
      result(closedGroup, "pass"),
      result(managedNode, "error"),
      result(passingRole, "not_applicable"),
    ];
    expect(factsForFindings(results, resources).map((facts) => facts.id)).toEqual([
      "sg-open",
      "i-behind-open",
      "i-managed",
      "i-managed",
    ]);
    expect(factsForFindings([result(closedGroup, "pass")], resources)).toEqual([]);
  });
});

describe("factsForFindings over many scopes", () => {
  it("keeps the same resources when findings and resources move between types and regions and back", () => {
    // Lookups remember the last scope: a scope asked about before it has any finding, and a
    // return to an earlier one, must both be answered afresh.
    const group = (id: string, region: string) => resource("AWS::EC2::SecurityGroup", id, region);
    const resources = [
      group("sg-1", "eu-west-1"),
      group("sg-2", "us-east-1"),
      instanceIn("i-1", "eu-west-1", ["sg-1"]),
      instanceIn("i-2", "us-east-1", ["sg-2"]),
      instanceIn("i-3", "us-east-1", ["sg-1"]),
      group("sg-3", "eu-west-1"),
      resource("AWS::IAM::Role", "role-1", "global"),
      resource("AWS::IAM::Role", "role-2", "global"),
      instanceIn("i-4", "eu-west-1", []),
    ];
    const [sg1, sg2, i1, i2, i3, sg3, role1, role2, i4] = resources;
    const results = [
      result(role1!, "pass"),
      result(sg1!, "fail"),
      result(role2!, "fail"),
      result(i4!, "error"),
      result(sg3!, "pass"),
      result(sg2!, "pass"),
      result(i2!, "pass"),
      result(sg3!, "waived"),
      result(i1!, "pass"),
      result(i3!, "pass"),
    ];
    expect(factsForFindings(results, resources).map((facts) => facts.id)).toEqual([
      "sg-1",
      "i-1",
      "sg-3",
      "role-2",
      "i-4",
    ]);
  });
});

describe("resourceFacts", () => {
  it("writes an instance's facts in a fixed order, leaving out the empty ones", () => {
    const instance = resource("AWS::EC2::Instance", "i-1", "eu-west-1", {
      KeyName: "ops",
      PrivateIpAddress: "10.0.0.1",
      PublicIpAddress: "",
      State: { Name: "running" },
      InstanceType: "t3.micro",
      SecurityGroups: [{ GroupId: "sg-1" }, { GroupName: "no-id" }],
      Tags: [{ Key: "Name", Value: "web" }],
    });
    expect(JSON.stringify(resourceFacts(instance))).toBe(
      '{"type":"AWS::EC2::Instance","id":"i-1","account":"111122223333","region":"eu-west-1",' +
        '"tags":{"Name":"web"},"instanceType":"t3.micro","state":"running","privateIp":"10.0.0.1",' +
        '"keyName":"ops","securityGroups":["sg-1"]}',
    );
    expect(
      JSON.stringify(resourceFacts(resource("AWS::EC2::Instance", "i-2", "eu-west-1", { State: "odd" }))),
    ).toBe('{"type":"AWS::EC2::Instance","id":"i-2","account":"111122223333","region":"eu-west-1"}');
  });
});

describe("factsForFindings with ids that several resources share", () => {
  it("keeps only the resources whose type, account and region match a finding's", () => {
    const inAccount = (subject: Resource, account: string): Resource => ({ ...subject, account });
    const role = resource("AWS::IAM::Role", "web", "global");
    const roleElsewhere = inAccount(role, "444455556666");
    const userOfSameName = resource("AWS::IAM::User", "web", "global");
    const group = resource("AWS::EC2::SecurityGroup", "sg-1", "eu-west-1");
    const groupElsewhere = inAccount(group, "444455556666");
    const instanceElsewhere = inAccount(instanceIn("i-1", "eu-west-1", ["sg-1"]), "444455556666");
    const instanceBehind = instanceIn("i-2", "eu-west-1", ["sg-1"]);
    const resources = [
      role,
      roleElsewhere,
      userOfSameName,
      group,
      groupElsewhere,
      instanceElsewhere,
      instanceBehind,
    ];
    const results = [
      result(roleElsewhere, "fail"),
      result(role, "pass"),
      result(userOfSameName, "pass"),
      result(group, "fail"),
      result(roleElsewhere, "error"),
    ];
    expect(
      factsForFindings(results, resources).map((facts) => `${facts.type} ${facts.account} ${facts.id}`),
    ).toEqual([
      "AWS::IAM::Role 444455556666 web",
      "AWS::EC2::SecurityGroup 111122223333 sg-1",
      "AWS::EC2::Instance 111122223333 i-2",
    ]);
  });
});

describe("FactsJsonWriter", () => {
  /** A fact as `JSON.stringify` indents it as an element of the envelope's `resources` array. */
  const indented = (subject: Resource) =>
    JSON.stringify(resourceFacts(subject), null, 2).replaceAll("\n", "\n    ");

  it("writes each resource's facts as their object form, indented as in the envelope", () => {
    // Keys an object orders or keeps its own way (array indexes, __proto__, repeats), and text
    // JSON escapes, among ordinary tags.
    const text = fc.constantFrom(
      "Name",
      "1",
      "01",
      "4294967295",
      "__proto__",
      "",
      'a"b',
      "\\",
      "\u0007",
      "\ud800",
      "é",
    );
    const tag = fc.oneof(
      fc.record({ Key: text, Value: text }),
      fc.record({ Key: text }),
      fc.constantFrom<JsonValue>(null, "Name", { Key: 1, Value: "x" }),
    );
    const properties = fc.record(
      {
        Tags: fc.oneof(fc.array(tag, { maxLength: 6 }), fc.constant<JsonValue>("not a list")),
        InstanceType: fc.constantFrom<JsonValue>("t3.micro", "", 3),
        State: fc.constantFrom<JsonValue>({ Name: "running" }, { Name: "" }, "running", null),
        PublicIpAddress: text,
        PrivateIpAddress: fc.constantFrom<JsonValue>("10.0.0.1", ""),
        KeyName: text,
        SecurityGroups: fc.oneof(
          fc.array(fc.oneof(fc.record({ GroupId: text }), fc.constant<JsonValue>({ GroupName: "g" })), {
            maxLength: 3,
          }),
          fc.constant<JsonValue>({}),
        ),
      },
      { requiredKeys: [] },
    );
    const subject = fc.record({
      type: fc.constantFrom<ResourceType>("AWS::EC2::Instance", "AWS::IAM::Role"),
      id: text,
      account: fc.constantFrom("111122223333", 'acc"ount'),
      region: fc.constantFrom("eu-west-1", "us-east-1"),
      properties,
    });
    fc.assert(
      fc.property(fc.array(subject, { minLength: 1, maxLength: 5 }), (subjects) => {
        // One writer for a run of resources: it carries lines over from one fact to the next.
        const writer = new FactsJsonWriter();
        for (const fields of subjects) {
          const written = resource(fields.type, fields.id, fields.region, fields.properties);
          written.account = fields.account;
          expect(writer.factJson(written)).toBe(indented(written));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("writes a list of many tags, repeats among them, as an object keeps them", () => {
    const tags: JsonValue[] = Array.from({ length: 80 }, (_, index) => ({
      Key: `k${index % 70}`,
      Value: `${index}`,
    }));
    const subject = resource("AWS::IAM::Role", "role-1", "global", { Tags: tags });
    expect(new FactsJsonWriter().factJson(subject)).toBe(indented(subject));
  });
});
