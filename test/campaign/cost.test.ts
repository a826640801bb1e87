import { describe, expect, it } from "vitest";
import { hostCosts, PRICE_TABLE } from "../../src/campaign/cost.js";
import { group, instance, item } from "./builders.js";

const bastionGroup = group("sg-0000000000000001");
const appGroup = group("sg-0000000000000002");
const fromBastion = {
  IpProtocol: "tcp",
  FromPort: 22,
  ToPort: 22,
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [{ GroupId: bastionGroup.id, UserId: "111122223333" }],
};

describe("hostCosts", () => {
  it("states where its prices come from and when", () => {
    expect(PRICE_TABLE.source).toMatch(/aws\.amazon\.com\/ec2\/pricing/);
    expect(PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.instanceTypesPerHour["t3.micro"]).toBeGreaterThan(0);
  });

  it("prices an exposed bastion: the instance for 730 hours plus its public address", () => {
    const bastion = instance("i-0000000000000001", {
      instanceType: "t3.micro",
      publicIp: "198.51.100.7",
      securityGroups: [bastionGroup.id],
    });
    const cost = hostCosts([item("exposed-bastion", "AWS::EC2::Instance", bastion.id)], [bastion], {
      ...PRICE_TABLE,
      instanceTypesPerHour: { "t3.micro": 0.01 },
    });
    expect(cost.hosts).toEqual([
      expect.objectContaining({
        id: bastion.id,
        role: "exposed bastion",
        instanceMonthly: 7.3,
        addressMonthly: 3.65,
      }),
    ]);
    expect(cost.knownMonthly).toBe(10.95);
    expect(cost.unknownPrices).toBe(0);
  });

  it("finds jump hosts: instances in a group that another group admits SSH from", () => {
    const jump = instance("i-0000000000000002", {
      instanceType: "t3.small",
      securityGroups: [bastionGroup.id],
    });
    const app = instance("i-0000000000000003", { instanceType: "m5.large", securityGroups: [appGroup.id] });
    const cost = hostCosts(
      [
        item("ssh-from-any-source", "AWS::EC2::SecurityGroup", appGroup.id, {
          evidence: [{ path: "IpPermissions[0]", value: fromBastion }],
        }),
      ],
      [jump, app],
    );
    expect(cost.hosts.map((host) => [host.id, host.role, host.addressMonthly])).toEqual([
      [jump.id, "jump host", 0],
    ]);
  });

  it("never prices an unknown type as free", () => {
    const odd = instance("i-0000000000000004", {
      instanceType: "u-24tb1.112xlarge",
      publicIp: "198.51.100.8",
    });
    const untyped = instance("i-0000000000000005", { publicIp: "198.51.100.9" });
    const cost = hostCosts(
      [
        item("exposed-bastion", "AWS::EC2::Instance", odd.id),
        item("exposed-bastion", "AWS::EC2::Instance", untyped.id),
      ],
      [odd, untyped],
    );
    expect(cost.hosts.map((host) => host.instanceMonthly)).toEqual([undefined, undefined]);
    expect(cost.unknownPrices).toBe(2);
    expect(cost.knownMonthly).toBe(0);
  });

  it("leaves out stopped instances and unevaluated results", () => {
    const stopped = instance("i-0000000000000006", { instanceType: "t3.micro", state: "stopped" });
    const unknown = instance("i-0000000000000007", { instanceType: "t3.micro" });
    const cost = hostCosts(
      [
        item("exposed-bastion", "AWS::EC2::Instance", stopped.id),
        item("exposed-bastion", "AWS::EC2::Instance", unknown.id, { status: "error" }),
      ],
      [stopped, unknown],
    );
    expect(cost.hosts).toEqual([]);
  });
});
