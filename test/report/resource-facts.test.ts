import { describe, expect, it } from "vitest";
import type { RuleResult } from "../../src/engine/result.js";
import type { JsonObject, Resource, ResourceType } from "../../src/model/resource.js";
import { factsForFindings, resourceFacts } from "../../src/report/resource-facts.js";

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
