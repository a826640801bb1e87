import { describe, expect, it } from "vitest";
import { resourceIdentity, type ResourceIdentityFields } from "../../src/model/resource.js";

const GROUP: ResourceIdentityFields = {
  type: "AWS::EC2::SecurityGroup",
  id: "WebSecurityGroup",
  account: "000012345678",
  region: "us-east-1",
  source: { file: "stacks/web.yaml", address: "WebSecurityGroup" },
};

describe("resourceIdentity", () => {
  it("is the same for a resource and the result that names it, whatever else they hold", () => {
    const result = { ...GROUP, arn: "arn:aws:ec2:us-east-1:000012345678:security-group/WebSecurityGroup" };
    expect(
      resourceIdentity({ ...result, source: { ...GROUP.source, line: 4 } } as ResourceIdentityFields),
    ).toBe(resourceIdentity(GROUP));
  });

  it("tells apart the same logical id defined in two templates", () => {
    expect(
      resourceIdentity({ ...GROUP, source: { file: "stacks/api.yaml", address: "WebSecurityGroup" } }),
    ).not.toBe(resourceIdentity(GROUP));
  });

  it("cannot be confused by separators inside the fields", () => {
    const a = { ...GROUP, id: "a b", region: "c" };
    const b = { ...GROUP, id: "a", region: "b c" };
    expect(resourceIdentity(a)).not.toBe(resourceIdentity(b));
  });
});
