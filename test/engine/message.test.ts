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
