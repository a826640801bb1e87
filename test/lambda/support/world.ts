import { readFileSync } from "node:fs";
import type { JsonObject, Resource } from "../../../src/model/resource.js";

export const ACCOUNT = "111122223333";
export const REGIONS = ["us-east-1", "eu-west-1"];
export const REPO = new URL("../../../", import.meta.url);
const FIXTURES = new URL("test/fixtures/config-events/", REPO);

/** The example snapshot's resources: the account every test event belongs to. */
export function snapshotResources(): Resource[] {
  const snapshot = JSON.parse(readFileSync(new URL("examples/snapshot.json", REPO), "utf8")) as {
    resources: Resource[];
  };
  return snapshot.resources;
}

function resource(type: string, id: string, region: string, properties: JsonObject): Resource {
  return { type, id, account: ACCOUNT, region, source: { kind: "aws-live" }, properties } as Resource;
}

/**
 * The account behind the fixtures: the example snapshot, plus what the fixture events refer to
 * that it lacks (the bastion's security group and SSM record, carol's group).
 */
export function fixtureWorld(): Resource[] {
  return [
    ...snapshotResources(),
    resource("AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f60001", "us-east-1", {
      GroupId: "sg-0a1b2c3d4e5f60001",
      GroupName: "bastion-ssh",
      Description: "SSH to the bastion host",
      OwnerId: ACCOUNT,
      VpcId: "vpc-0c4f7a2e9b1d30a11",
      IpPermissions: [
        {
          IpProtocol: "tcp",
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
      IpPermissionsEgress: [],
    }),
    resource("AWS::SSM::ManagedInstanceInventory", "i-0b45e1a7c3d9f2001", "us-east-1", {
      InstanceId: "i-0b45e1a7c3d9f2001",
      PingStatus: "Online",
      LastPingDateTime: "2026-11-20T09:55:00.000Z",
      AgentVersion: "3.3.1142.0",
      IsLatestVersion: false,
      PlatformType: "Linux",
      PlatformName: "Amazon Linux",
      PlatformVersion: "2023",
      ResourceType: "EC2Instance",
    }),
    resource("AWS::IAM::Group", "operators", "global", {
      GroupName: "operators",
      GroupId: "AGPAEXAMPLEOPERATORS1",
      Arn: `arn:aws:iam::${ACCOUNT}:group/operators`,
      Path: "/",
      GroupPolicyList: [],
      AttachedManagedPolicies: [],
    }),
  ];
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as Record<string, unknown>;
}

/**
 * A fixture event in the shape Config sends it: `invokingEvent` and `ruleParameters` as JSON text
 * (the fixtures keep them as objects to stay readable). `ruleParameters` may be replaced, as text.
 */
export function loadEvent(name: string, ruleParameters?: string): Record<string, unknown> {
  const event = fixture(name);
  const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  return {
    ...event,
    invokingEvent: text(event.invokingEvent),
    ruleParameters: ruleParameters ?? text(event.ruleParameters),
  };
}
