import { describe, expect, it } from "vitest";
import { compileMessage, TemplateError } from "../../src/engine/message.js";

const context = {
  resource: { GroupId: "sg-1", Tags: [{ Key: "team", Value: "web" }], Empty: "" },
  match: { IpProtocol: "-1" },
  params: { port: 22 },
  bindings: { source: "::/0" },
  meta: {
    id: "sg-1",
    type: "AWS::EC2::SecurityGroup",
    account: "111122223333",
    region: "us-east-1",
    arn: undefined,
  },
};

describe("message templates", () => {
  it.each([
    ["{resource.GroupId} from {source}", "sg-1 from ::/0"],
    ["{match.port_range(@)} on port {params.port}", "all traffic on port 22"],
    ["{resource.Tags[0].Value}", "web"],
    ["{resource.Tags[].Key}", "team"],
    ["{account}/{region} {arn}", "111122223333/us-east-1 (none)"],
    ["{resource.Empty} {resource.Missing}", "(none) (none)"],
    ["${aws:username} and {unknown} stay as written", "${aws:username} and {unknown} stay as written"],
    ["{match}", '{"IpProtocol":"-1"}'],
  ])("%s", (template, expected) => {
    expect(compileMessage(template, new Set(["source"]))(context)).toBe(expected);
    // Data that cannot hold unknowns (a snapshot, a live account) is read without looking for them.
    expect(compileMessage(template, new Set(["source"]))({ ...context, mayHoldUnknowns: false })).toBe(
      expected,
    );
  });

  it("rejects a placeholder path that does not parse, and fields on meta names", () => {
    expect(() => compileMessage("{resource.Tags[?}", new Set())).toThrow(TemplateError);
    expect(() => compileMessage("{region.name}", new Set())).toThrow(/has no fields/);
  });
});

describe("unknown values in messages", () => {
  const pending = { $unknown: "security_groups of aws_security_group.web is known only after apply" };
  const shown = "(unknown: security_groups of aws_security_group.web is known only after apply)";

  it.each([
    ["{match.UserIdGroupPairs[0].GroupId}", shown],
    ["{match.join(', ', UserIdGroupPairs[].GroupId)}", shown],
    ["{match.length(UserIdGroupPairs[].GroupId)}", shown],
    ["{match.UserIdGroupPairs[0].GroupId || 'none'}", shown],
    ["{match.IpRanges[0].CidrIp}", "10.0.0.0/8"],
    ["{match.permission_sources(@)}", shown],
  ])("%s shows the unknown's reason, never the engine's internals", (template, expected) => {
    const match = { IpRanges: [{ CidrIp: "10.0.0.0/8" }], UserIdGroupPairs: [{ GroupId: pending }] };
    expect(compileMessage(template, new Set())({ ...context, match })).toBe(expected);
  });
});

describe("security_group_name", () => {
  const name = (match: unknown, mayHoldUnknowns?: boolean) =>
    compileMessage(
      "{match.security_group_name(@)}",
      new Set(),
    )({
      ...context,
      match: match as never,
      ...(mayHoldUnknowns === undefined ? {} : { mayHoldUnknowns }),
    });

  it.each([
    ["id and name", { GroupId: "sg-1", GroupName: "web" }, "sg-1 (web)"],
    ["an id alone (a template's or plan's attached group)", { GroupId: "sg-1" }, "sg-1"],
    ["an empty name", { GroupId: "sg-1", GroupName: "" }, "sg-1"],
    [
      "a name that is the id (a template's group named by its logical id)",
      { GroupId: "Sg", GroupName: "Sg" },
      "Sg",
    ],
    ["a name that is not text", { GroupId: "sg-1", GroupName: ["web"] }, "sg-1"],
    ["no id", { GroupName: "web" }, "a group without an id"],
    ["not a group", "sg-1", "a group the data does not show"],
  ])("%s", (_, match, expected) => {
    expect(name(match)).toBe(expected);
    expect(name(match, false)).toBe(expected);
  });

  it("shows an unknown id's reason, and leaves an unknown name out", () => {
    const pending = { $unknown: "GroupId comes from the default security group of the instance's VPC" };
    expect(name({ GroupId: pending })).toBe(`(unknown: ${pending.$unknown})`);
    expect(name(pending)).toBe(`(unknown: ${pending.$unknown})`);
    expect(name({ GroupId: "sg-1", GroupName: { $unknown: "GroupName comes from parameter Name" } })).toBe(
      "sg-1",
    );
    // A group whose VPC is unknown is still named by its id and name.
    expect(
      name({ GroupId: "sg-1", GroupName: "web", VpcId: { $unknown: "VpcId comes from a parameter" } }),
    ).toBe("sg-1 (web)");
  });
});
