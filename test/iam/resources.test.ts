import { describe, expect, it } from "vitest";
import {
  resourceMatches,
  resourcePatternWithin,
  statementAppliesToAllResources,
  statementAppliesToResource,
  statementMayReach,
  statementResourcesWithin,
} from "../../src/iam/index.js";

const OWN_SESSIONS = "arn:aws:ssm:*:*:session/${aws:username}-*";

describe("resourceMatches", () => {
  it.each([
    ["*", "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc", true],
    ["arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc", true],
    [
      "arn:aws:ec2:*:*:instance/*",
      "arn:aws:ssm:us-east-1:111122223333:document/SSM-SessionManagerRunShell",
      false,
    ],
    [
      "arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession*",
      "arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSessionToRemoteHost",
      true,
    ],
    ["arn:aws:ec2:us-east-?:*:instance/*", "arn:aws:ec2:us-east-2:111122223333:instance/i-1", true],
    ["arn:aws:ec2:us-east-?:*:instance/*", "arn:aws:ec2:us-east-12:111122223333:instance/i-1", false],
    ["arn:aws:ec2:*:*:instance/I-0ABC", "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc", false],
    ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/deep/nested/key", true],
    [OWN_SESSIONS, "arn:aws:ssm:us-east-1:111122223333:session/alice-0123", false],
    [OWN_SESSIONS, "arn:aws:ssm:us-east-1:111122223333:session/${aws:username}-0123", true],
    ["arn:aws:s3:::bucket/${*}", "arn:aws:s3:::bucket/*", true],
    ["arn:aws:s3:::bucket/${*}", "arn:aws:s3:::bucket/key", false],
    ["", "arn:aws:s3:::bucket", false],
  ])("%j matches %j: %s", (pattern, arn, expected) => {
    expect(resourceMatches(pattern, arn)).toBe(expected);
  });
});

describe("patterns read again", () => {
  it("match the same, also after many other patterns and with long patterns", () => {
    const arn = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";
    expect(resourceMatches("arn:aws:ec2:*:*:instance/*", arn)).toBe(true);
    for (let index = 0; index < 5_000; index += 1) {
      expect(resourceMatches(`arn:aws:ec2:*:*:instance/i-x${index}*`, arn)).toBe(false);
    }
    expect(resourceMatches("arn:aws:ec2:*:*:instance/*", arn)).toBe(true);
    const long = `arn:aws:ec2:*:*:instance/${"*?".repeat(400)}`;
    expect(resourceMatches(long, arn)).toBe(false);
    expect(resourceMatches(long, `${arn}${"x".repeat(400)}`)).toBe(true);
    expect(statementMayReach({ Resource: long }, "arn:*:ec2:*:*:instance/*")).toBe(true);
  });

  it("reach a target alike whether its letter case was ignored before or not", () => {
    const statement = { Resource: "arn:aws:ssm:*:*:document/aws-startsshsession" };
    const target = "arn:*:ssm:*:*:document/AWS-StartSSHSession";
    expect(statementMayReach(statement, target)).toBe(false);
    expect(statementMayReach(statement, target, { ignoreCase: true })).toBe(true);
    expect(statementMayReach(statement, target)).toBe(false);
    for (let index = 0; index < 6_000; index += 1) {
      expect(statementMayReach({ Resource: `arn:aws:ssm:*:*:document/d${index}` }, target)).toBe(false);
    }
    expect(statementMayReach(statement, target, { ignoreCase: true })).toBe(true);
    expect(statementMayReach(statement, target)).toBe(false);
  });
});

describe("resourcePatternWithin", () => {
  it("answers the same when asked again, also after many other questions about other patterns", () => {
    const own = "arn:aws:ssm:us-east-1:111122223333:session/${aws:username}-*";
    expect(resourcePatternWithin(own, OWN_SESSIONS)).toBe(true);
    expect(resourcePatternWithin("*", OWN_SESSIONS)).toBe(false);
    for (let index = 0; index < 12_000; index += 1) {
      const allowed = index % 2 ? OWN_SESSIONS : `arn:aws:ssm:*:*:session/team-${index % 7}-*`;
      expect(resourcePatternWithin(`arn:aws:ssm:*:*:session/team-${index % 7}-${index}`, allowed)).toBe(
        !(index % 2),
      );
    }
    expect(resourcePatternWithin(own, OWN_SESSIONS)).toBe(true);
    expect(resourcePatternWithin("*", OWN_SESSIONS)).toBe(false);
  });

  it.each([
    ["arn:aws:ssm:us-east-1:111122223333:session/${aws:username}-*", OWN_SESSIONS, true],
    [OWN_SESSIONS, OWN_SESSIONS, true],
    ["arn:aws:ssm:*:111122223333:session/${aws:username}-*", OWN_SESSIONS, true],
    ["arn:aws:ssm:eu-west-1:111122223333:session/${aws:username}-abc", OWN_SESSIONS, true],
    ["*", OWN_SESSIONS, false],
    ["arn:aws:ssm:*:*:session/*", OWN_SESSIONS, false],
    ["arn:aws:ssm:*:*:session/${aws:username}*", OWN_SESSIONS, false],
    ["arn:aws:ssm:*:*:session/alice-*", OWN_SESSIONS, false],
    ["arn:aws:ssm:*:*:*", OWN_SESSIONS, false],
    ["arn:aws:ssm:us-east-1:111122223333:session/${aws:username}-?", OWN_SESSIONS, true],
    ["arn:aws:ssm:*:*:session/${aws:username}-*", "*", true],
    ["anything at all", "*", true],
    ["", "*", true],
    ["", "?", false],
    ["abc", "abc", true],
    ["abc", "ab", false],
    ["ab", "abc", false],
    ["a?c", "a*c", true],
    ["a*c", "a?c", false],
    ["?*", "*?", true],
    ["*?", "?*", true],
    ["??*", "*?", true],
    ["*?", "??*", false],
    ["a*b*c", "a*c", true],
    ["a*c", "a*b*c", false],
    ["*a*", "*a*", true],
    ["a*a", "*a*", true],
    ["*ab*", "*a*b*", true],
    ["*a*b*", "*ab*", false],
    ["x-${*}", "x-?", true],
    ["x-?", "x-${*}", false],
  ])("%j within %j: %s", (pattern, allowed, expected) => {
    expect(resourcePatternWithin(pattern, allowed)).toBe(expected);
  });

  it("settles long patterns with many wildcards quickly", () => {
    const started = Date.now();
    const pattern = `arn:aws:ssm:${"*:".repeat(10)}session/${"?".repeat(20)}*`;
    expect(resourcePatternWithin(pattern, "arn:aws:ssm:*")).toBe(true);
    expect(resourcePatternWithin(pattern, OWN_SESSIONS)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("statementResourcesWithin", () => {
  it.each([
    ["one resource within", { Resource: "arn:aws:ssm:*:*:session/${aws:username}-*" }, OWN_SESSIONS, true],
    [
      "a list all within",
      { Resource: ["arn:aws:ssm:us-east-1:*:session/${aws:username}-*", OWN_SESSIONS] },
      OWN_SESSIONS,
      true,
    ],
    [
      "a list with one outside",
      { Resource: [OWN_SESSIONS, "arn:aws:ssm:*:*:session/*"] },
      OWN_SESSIONS,
      false,
    ],
    ["the wildcard resource", { Resource: "*" }, OWN_SESSIONS, false],
    [
      "each within one of several allowed",
      { Resource: ["arn:a:1", "arn:b:2"] },
      ["arn:a:*", "arn:b:*"],
      true,
    ],
    ["NotResource", { NotResource: "arn:aws:ssm:*:*:document/*" }, OWN_SESSIONS, false],
    ["no Resource", {}, OWN_SESSIONS, false],
    ["an empty Resource list", { Resource: [] }, OWN_SESSIONS, false],
  ])("%s", (_name, resources, allowed, expected) => {
    const statement = {
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      ...resources,
    };
    expect(statementResourcesWithin(statement, allowed)).toBe(expected);
  });
});

describe("statementAppliesToResource", () => {
  const arn = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";
  it.each([
    ["a matching Resource", { Resource: "arn:aws:ec2:*:*:instance/*" }, true],
    ["a Resource list without a match", { Resource: ["arn:aws:ec2:*:*:volume/*"] }, false],
    ["NotResource listing it", { NotResource: "arn:aws:ec2:*:*:instance/*" }, false],
    ["NotResource not listing it", { NotResource: "arn:aws:iam::*:*" }, true],
    ["no Resource (resource-based policy)", {}, true],
  ])("%s", (_name, resources, expected) => {
    expect(statementAppliesToResource({ Effect: "Deny", Action: "*", ...resources }, arn)).toBe(expected);
  });
});

describe("statementAppliesToAllResources", () => {
  it.each([
    [{ Resource: "*" }, true],
    [{ Resource: ["arn:aws:ec2:*:*:instance/*", "*"] }, true],
    [{ Resource: "arn:*" }, false],
    [{ Resource: "" }, false],
    [{ NotResource: "arn:aws:iam::*:*" }, false],
    [{}, true],
  ])("%j: %s", (resources, expected) => {
    expect(statementAppliesToAllResources({ Effect: "Deny", Action: "*", ...resources })).toBe(expected);
  });
});

describe("statementMayReach", () => {
  const SSH = "arn:*:ssm:*:*:document/AWS-StartSSHSession";
  const INSTANCES = "arn:*:ec2:*:*:instance/*";

  it.each<
    [string, Record<string, unknown>, string, { ignoreCase?: boolean; exceptNamed?: boolean }, boolean]
  >([
    [
      "the document itself",
      { Resource: "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession" },
      SSH,
      {},
      true,
    ],
    ["a wildcard over documents", { Resource: ["arn:aws:ssm:*:*:document/AWS-Start*"] }, SSH, {}, true],
    [
      "another partition",
      { Resource: "arn:aws-cn:ssm:cn-north-1::document/AWS-StartSSHSession" },
      SSH,
      {},
      true,
    ],
    ["everything", { Resource: "*" }, SSH, {}, true],
    [
      "a document in every region is no managed node",
      { Resource: "arn:aws:ssm:*:111122223333:document/SSM-SessionManagerRunShell" },
      "arn:*:ssm:*:*:managed-instance/*",
      { exceptNamed: true },
      false,
    ],
    ["a look-alike", { Resource: "arn:aws:ssm:*::document/AWS-StartSSHSessionX" }, SSH, {}, false],
    [
      "a document named by a policy variable, which may hold the document's name",
      { Resource: "arn:aws:ssm:*:*:document/${aws:PrincipalTag/SessionDocument}" },
      SSH,
      {},
      true,
    ],
    [
      "a policy variable standing for more than one field",
      { Resource: "arn:aws:ssm:${aws:PrincipalTag/Where}/AWS-StartSSHSession" },
      SSH,
      {},
      true,
    ],
    [
      "a policy variable whose default value holds a closing brace",
      { Resource: "arn:aws:ssm:*:*:document/${aws:PrincipalTag/SessionDocument, 'x}y'}" },
      SSH,
      {},
      true,
    ],
    [
      "an escaped wildcard is the character, not a variable",
      { Resource: "arn:aws:ssm:*::document/AWS-Start${*}" },
      SSH,
      {},
      false,
    ],
    ["instances only", { Resource: "arn:aws:ec2:*:111122223333:instance/*" }, SSH, {}, false],
    [
      "another case, compared exactly",
      { Resource: "arn:aws:ssm:*::document/aws-startsshsession" },
      SSH,
      {},
      false,
    ],
    [
      "another case, ignoring case",
      { Resource: "arn:aws:ssm:*::document/aws-startsshsession" },
      SSH,
      { ignoreCase: true },
      true,
    ],
    [
      "NotResource of another document",
      { NotResource: "arn:aws:ssm:*::document/SSM-SessionManagerRunShell" },
      SSH,
      {},
      true,
    ],
    ["NotResource of every document", { NotResource: "arn:*:ssm:*:*:document/*" }, SSH, {}, false],
    [
      "NotResource in another case never narrows, even ignoring case",
      { NotResource: "arn:*:ssm:*:*:document/aws-startsshsession" },
      SSH,
      { ignoreCase: true },
      true,
    ],
    [
      "NotResource of one region only",
      { NotResource: "arn:aws:ssm:us-east-1::document/AWS-StartSSHSession" },
      SSH,
      {},
      true,
    ],
    ["no Resource at all", {}, SSH, {}, true],
    ["every instance", { Resource: "arn:aws:ec2:*:*:instance/*" }, INSTANCES, { exceptNamed: true }, true],
    [
      "one instance, named",
      { Resource: "arn:aws:ec2:*:*:instance/i-0abc" },
      INSTANCES,
      { exceptNamed: true },
      false,
    ],
    [
      "one instance, counted when named ones count",
      { Resource: "arn:aws:ec2:*:*:instance/i-0abc" },
      INSTANCES,
      {},
      true,
    ],
    [
      "instances by a prefix",
      { Resource: "arn:aws:ec2:*:*:instance/i-0*" },
      INSTANCES,
      { exceptNamed: true },
      true,
    ],
    [
      "a named document does not name an instance",
      { Resource: "arn:aws:ssm:*::document/AWS-StartSSHSession" },
      INSTANCES,
      { exceptNamed: true },
      false,
    ],
    [
      "NotResource with named ones left out",
      { NotResource: "arn:aws:ec2:*:*:instance/i-0abc" },
      INSTANCES,
      { exceptNamed: true },
      true,
    ],
  ])("%s", (_name, resources, target, options, expected) => {
    expect(
      statementMayReach({ Effect: "Allow", Action: "ssm:StartSession", ...resources }, target, options),
    ).toBe(expected);
  });
});
