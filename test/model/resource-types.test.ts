import { describe, expect, it } from "vitest";
import { loadSchema } from "../../src/assets.js";
import { ALL_RESOURCE_TYPES } from "../../src/model/resource.js";
import {
  arnOf,
  inlinePolicyKeyOf,
  partitionOfArn,
  RESOURCE_TYPE_SPECS,
  resourceTypeSpec,
  typeOfConfigResource,
} from "../../src/model/resource-types.js";
import { SOURCE_KINDS } from "../../src/model/source-kinds.js";
import { OPERATIONS } from "../../src/sources/aws/operations.js";

describe("the resource-type registry", () => {
  it("declares every resource type exactly once", () => {
    expect(RESOURCE_TYPE_SPECS.map((spec) => spec.type).sort()).toEqual([...ALL_RESOURCE_TYPES].sort());
  });

  it("names a canonical schema that exists for every type", () => {
    const defs = (loadSchema("resources.schema.json") as { $defs: Record<string, { required?: string[] }> })
      .$defs;
    for (const spec of RESOURCE_TYPE_SPECS) {
      expect(defs[spec.schema], spec.type).toBeDefined();
      // The id field is what a resource is known by: its shape must require it.
      expect(defs[spec.schema]!.required, spec.type).toContain(spec.idField);
    }
  });

  it("agrees with the live operations on which API reads each type", () => {
    for (const spec of RESOURCE_TYPE_SPECS) {
      for (const read of spec.liveReads) {
        const operation = (OPERATIONS as Record<string, { resourceTypes: readonly string[] }>)[read];
        expect(operation, `${spec.type}: ${read}`).toBeDefined();
        expect(operation!.resourceTypes, `${spec.type}: ${read}`).toContain(spec.type);
      }
    }
  });

  it("builds ARNs in any partition", () => {
    const at = { partition: "aws-cn", region: "cn-north-1", account: "111122223333" };
    expect(arnOf("AWS::EC2::SecurityGroup", at, "sg-1")).toBe(
      "arn:aws-cn:ec2:cn-north-1:111122223333:security-group/sg-1",
    );
    expect(arnOf("AWS::IAM::Role", at, "deploy", { Path: "/service-role/" })).toBe(
      "arn:aws-cn:iam::111122223333:role/service-role/deploy",
    );
    expect(arnOf("AWS::IAM::InstanceProfile", { ...at, partition: "aws-us-gov" }, "web")).toBe(
      "arn:aws-us-gov:iam::111122223333:instance-profile/web",
    );
    expect(arnOf("AWS::SSM::Document", at, "SSM-SessionManagerRunShell")).toBe(
      "arn:aws-cn:ssm:cn-north-1:111122223333:document/SSM-SessionManagerRunShell",
    );
  });

  it("reads the partition of an ARN", () => {
    expect(partitionOfArn("arn:aws-us-gov:iam::111122223333:role/x")).toBe("aws-us-gov");
    expect(partitionOfArn("arn:aws:config:eu-west-1:111122223333:config-rule/x")).toBe("aws");
    expect(partitionOfArn("not an arn")).toBe("aws");
    expect(partitionOfArn(undefined)).toBe("aws");
  });

  it("knows the inline-policy key of principals only", () => {
    expect(inlinePolicyKeyOf("AWS::IAM::Role")).toBe("RolePolicyList");
    expect(inlinePolicyKeyOf("AWS::IAM::User")).toBe("UserPolicyList");
    expect(inlinePolicyKeyOf("AWS::IAM::Group")).toBe("GroupPolicyList");
    expect(inlinePolicyKeyOf("AWS::EC2::Instance")).toBeUndefined();
  });

  it("maps AWS Config's resource types, and no others", () => {
    expect(typeOfConfigResource("AWS::IAM::Role")?.config?.idField).toBe("RoleId");
    expect(typeOfConfigResource("AWS::EC2::VPC")).toBeUndefined();
    expect(resourceTypeSpec("AWS::IAM::InstanceProfile").sources).not.toContain("config-item");
  });

  it("lets only observed sources produce what only a running resource has", () => {
    const planned = SOURCE_KINDS.filter((kind) => !kind.observed).map((kind) => kind.kind);
    expect(planned.sort()).toEqual(["cloudformation", "terraform-plan"]);
    for (const kind of planned)
      expect(resourceTypeSpec("AWS::SSM::ManagedInstanceInventory").sources).not.toContain(kind);
  });
});
