import { describe, expect, it } from "vitest";
import { evaluateRules } from "../../src/engine/evaluate.js";
import { exitCodeFor } from "../../src/engine/summary.js";
import { Inventory } from "../../src/model/inventory.js";
import type { Resource } from "../../src/model/resource.js";
import type { CollectionError } from "../../src/model/collection-error.js";
import { ruleFrom } from "../support/rules.js";
import { unknownValue } from "../../src/model/unknown.js";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";

const ACCOUNT = "111122223333";

function group(id: string, region: string, permissions: unknown[]): Resource {
  return {
    type: "AWS::EC2::SecurityGroup",
    id,
    account: ACCOUNT,
    region,
    source: { kind: "aws-live" },
    properties: { GroupId: id, IpPermissions: permissions as never },
  };
}

const sshRule = ruleFrom(`
id: no-ssh
resource: AWS::EC2::SecurityGroup
condition:
  none: { in: "IpPermissions[]", where: { covers-port: 22 } }
message: "{resource.GroupId} opens {match.port_range(@)}"
`);

const open = { IpProtocol: "tcp", FromPort: 22, ToPort: 22 };

describe("evaluateRules", () => {
  it("gives one result per rule and resource, with evidence and a rendered message", () => {
    const inventory = new Inventory({
      resources: [group("sg-1", "us-east-1", [open, { IpProtocol: "-1" }]), group("sg-2", "us-east-1", [])],
    });
    const results = evaluateRules([sshRule], inventory, { params: new Map() });
    expect(results.map((r) => [r.resource.id, r.status])).toEqual([
      ["sg-1", "fail"],
      ["sg-2", "pass"],
    ]);
    expect(results[0]!.message).toBe("sg-1 opens tcp 22 (and 1 more)");
    expect(results[0]!.evidence.map((e) => e.path)).toEqual(["IpPermissions[0]", "IpPermissions[1]"]);
  });

  it("names a resource with one identity shared by all its results in a run", () => {
    const resource = group("sg-1", "us-east-1", [open]);
    const other = ruleFrom(`
id: named
resource: AWS::EC2::SecurityGroup
condition: { path: GroupId, exists: true }
message: unnamed
`);
    const results = evaluateRules([sshRule, other], new Inventory({ resources: [resource] }), {
      params: new Map(),
    });
    expect(results).toHaveLength(2);
    expect(results[0]!.resource).toBe(results[1]!.resource);
    expect(results[0]!.resource).toEqual({
      type: "AWS::EC2::SecurityGroup",
      id: "sg-1",
      account: ACCOUNT,
      region: "us-east-1",
      source: { kind: "aws-live" },
    });
  });

  it("counts in the message the other items of the first item's list only", () => {
    const rule = ruleFrom(`
id: no-ssh-nor-one
resource: AWS::EC2::SecurityGroup
condition:
  all:
    - none: { in: "IpPermissions[]", where: { covers-port: 22 } }
    - none: { in: "IpPermissionsEgress[]", where: { covers-port: 443 } }
message: "{resource.GroupId} opens {match.port_range(@)}"
`);
    const resource = group("sg-1", "us-east-1", [
      open,
      open,
      { IpProtocol: "udp", FromPort: 53, ToPort: 53 },
    ]);
    const https = { IpProtocol: "tcp", FromPort: 443, ToPort: 443 };
    resource.properties.IpPermissionsEgress = [https, { IpProtocol: "tcp", FromPort: 80, ToPort: 80 }, https];
    const [result] = evaluateRules([rule], new Inventory({ resources: [resource] }), { params: new Map() });
    expect(result!.evidence.map((e) => e.path)).toEqual([
      "IpPermissions[0]",
      "IpPermissions[1]",
      "IpPermissionsEgress[0]",
      "IpPermissionsEgress[2]",
    ]);
    expect(result!.message).toBe("sg-1 opens tcp 22 (and 1 more)");
  });

  it("turns a rule that throws on a resource into an error result for that resource only", () => {
    const rule = ruleFrom(`
id: timeout
resource: AWS::EC2::SecurityGroup
condition: { path: "Tags[0].Value", at-most: 20 }
message: too long
`);
    const bad = group("sg-1", "us-east-1", []);
    bad.properties.Tags = [{ Key: "Timeout", Value: "soon" }];
    const good = group("sg-2", "us-east-1", []);
    good.properties.Tags = [{ Key: "Timeout", Value: "10" }];
    const results = evaluateRules([rule], new Inventory({ resources: [bad, good] }), { params: new Map() });
    expect(results.map((r) => r.status)).toEqual(["error", "pass"]);
    expect(results[0]!.message).toBe("cannot decide: Tags[0].Value is 'soon', not a number");
    expect(exitCodeFor(results, [], "never")).toBe(2);
  });

  it("reports not applicable when the applies-when filter does not hold", () => {
    const rule = ruleFrom(`
id: only-default
resource: AWS::EC2::SecurityGroup
applies-when: { path: GroupName, equals: default }
condition: { path: IpPermissions, empty: true }
message: the default group has rules
`);
    const custom = group("sg-1", "us-east-1", [open]);
    custom.properties.GroupName = "web";
    const [result] = evaluateRules([rule], new Inventory({ resources: [custom] }), { params: new Map() });
    expect(result!.status).toBe("not_applicable");
  });

  it("applies severity overrides and parameters", () => {
    const rule = ruleFrom(`
id: port-param
resource: AWS::EC2::SecurityGroup
params: { port: { type: integer, default: 22, description: port } }
condition: { none: { in: "IpPermissions[]", where: { covers-port: { port: $params.port } } } }
message: "opens {params.port}"
`);
    const inventory = new Inventory({
      resources: [group("sg-1", "us-east-1", [{ IpProtocol: "tcp", FromPort: 3389, ToPort: 3389 }])],
    });
    const byDefault = evaluateRules([rule], inventory, { params: new Map() });
    expect(byDefault[0]!.status).toBe("pass");
    const rdp = evaluateRules([rule], inventory, {
      params: new Map([["port-param", { port: 3389 }]]),
      severities: new Map([["port-param", "note"]]),
    });
    expect(rdp[0]).toMatchObject({ status: "fail", severity: "note", message: "opens 3389" });
  });
});

describe("data that could not be collected is never a pass", () => {
  const ssmDenied: CollectionError = {
    account: ACCOUNT,
    region: "eu-west-1",
    service: "ssm",
    operation: "DescribeInstanceInformation",
    code: "AccessDeniedException",
    message: "not authorized",
    iamAction: "ssm:DescribeInstanceInformation",
    resourceTypes: ["AWS::SSM::ManagedInstanceInventory"],
  };

  const managedRule = ruleFrom(`
id: managed
resource: AWS::EC2::Instance
uses: [AWS::SSM::ManagedInstanceInventory]
condition: { path: related.ManagedInstance.PingStatus, equals: Online }
message: "{resource.InstanceId} is not managed"
`);

  function instance(id: string, region: string): Resource {
    return {
      type: "AWS::EC2::Instance",
      id,
      account: ACCOUNT,
      region,
      source: { kind: "aws-live" },
      properties: { InstanceId: id, State: { Name: "running" }, SecurityGroups: [{ GroupId: "sg-default" }] },
    };
  }

  it("gives error results for resources whose related data is missing in that region, and for the scope", () => {
    const inventory = new Inventory({
      resources: [instance("i-1", "us-east-1"), instance("i-2", "eu-west-1")],
      scopes: [
        { account: ACCOUNT, region: "us-east-1" },
        { account: ACCOUNT, region: "eu-west-1" },
      ],
      collectionErrors: [ssmDenied],
    });
    const results = evaluateRules([managedRule], inventory, { params: new Map() });
    const byResource = Object.fromEntries(
      results.map((r) => [`${r.resource.type}/${r.resource.id}/${r.resource.region}`, r]),
    );
    expect(byResource["AWS::EC2::Instance/i-1/us-east-1"]!.status).toBe("fail");
    expect(byResource["AWS::EC2::Instance/i-2/eu-west-1"]!.status).toBe("error");
    expect(byResource["AWS::EC2::Instance/i-2/eu-west-1"]!.message).toBe(
      `could not evaluate: ssm:DescribeInstanceInformation failed in ${ACCOUNT}/eu-west-1 (AccessDeniedException: not authorized); the scanner needs ssm:DescribeInstanceInformation`,
    );
    expect(byResource[`AWS::::Account/${ACCOUNT}/eu-west-1`]!.status).toBe("error");
    expect(exitCodeFor(results, inventory.collectionErrors, "never")).toBe(2);
  });

  it("does not invent default preferences for a region whose documents could not be read", () => {
    const inventory = new Inventory({
      resources: [],
      scopes: [
        { account: ACCOUNT, region: "us-east-1" },
        { account: ACCOUNT, region: "eu-west-1" },
      ],
      collectionErrors: [{ ...ssmDenied, operation: "GetDocument", resourceTypes: ["AWS::SSM::Document"] }],
    });
    const documents = inventory.ofType("AWS::SSM::Document");
    expect(documents.map((d) => [d.region, d.source.defaulted])).toEqual([["us-east-1", true]]);
  });
});

describe("exitCodeFor", () => {
  const result = (status: "pass" | "fail", severity: "error" | "warning" | "note") => ({
    ruleId: "r",
    status,
    severity,
    message: "",
    evidence: [],
    resource: {
      type: "AWS::EC2::SecurityGroup" as const,
      id: "sg",
      account: ACCOUNT,
      region: "us-east-1",
      source: { kind: "aws-live" as const },
    },
  });
  it.each([
    [[result("fail", "warning")], "error", 0],
    [[result("fail", "warning")], "warning", 1],
    [[result("fail", "note")], "warning", 0],
    [[result("fail", "note")], "note", 1],
    [[result("fail", "error")], "never", 0],
    [[result("pass", "error")], "note", 0],
  ] as const)("%j with --fail-on %s → %d", (results, failOn, code) => {
    expect(exitCodeFor(results, [], failOn)).toBe(code);
  });
});

describe("unknown values are never a pass", () => {
  it("reports cannot decide, naming the reason, wherever a rule reads one", () => {
    const unknownCidr = group("sg-1", "us-east-1", [
      {
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: unknownValue("CidrIp comes from parameter AllowedCidr, which has no default") }],
      },
    ]);
    const unknownPort = group("sg-2", "us-east-1", [
      {
        IpProtocol: "tcp",
        FromPort: unknownValue("FromPort is known after apply"),
        ToPort: 22,
        IpRanges: [{ CidrIp: "0.0.0.0/0" }],
      },
    ]);
    const unknownList = group("sg-3", "us-east-1", []);
    unknownList.properties.IpPermissions = unknownValue("ingress is known after apply");
    const rule = ruleFrom(`
id: public-ssh
resource: AWS::EC2::SecurityGroup
condition:
  none:
    in: "IpPermissions[]"
    where:
      all:
        - covers-port: 22
        - some: { in: "IpRanges[].CidrIp", where: { cidr-is-public: true } }
message: open
`);
    const results = evaluateRules(
      [rule],
      new Inventory({ resources: [unknownCidr, unknownPort, unknownList], mayHoldUnknowns: true }),
      {
        params: new Map(),
      },
    );
    expect(results.map((r) => [r.status, r.message])).toEqual([
      ["error", "cannot decide: CidrIp comes from parameter AllowedCidr, which has no default"],
      ["error", "cannot decide: FromPort is known after apply"],
      ["error", "cannot decide: ingress is known after apply"],
    ]);
  });
});

describe("judging resources rule by rule", () => {
  const keyRule = ruleFrom(`
id: no-key
resource: [AWS::EC2::Instance, AWS::EC2::SecurityGroup]
condition: { path: KeyName, exists: false }
message: "{id} has a key"
`);

  function instance(id: string, key?: string): Resource {
    return {
      type: "AWS::EC2::Instance",
      id,
      account: ACCOUNT,
      region: "us-east-1",
      source: { kind: "aws-live" },
      properties:
        key === undefined
          ? { InstanceId: id, State: { Name: "running" }, SecurityGroups: [{ GroupId: "sg-default" }] }
          : {
              InstanceId: id,
              State: { Name: "running" },
              SecurityGroups: [{ GroupId: "sg-default" }],
              KeyName: key,
            },
    };
  }

  it("reports results rule by rule, each rule's type by type, whatever order they were judged in", () => {
    const inventory = new Inventory({
      resources: [
        instance("i-1", "admin"),
        group("sg-1", "us-east-1", [open]),
        instance("i-2"),
        group("sg-2", "us-east-1", []),
      ],
    });
    const results = evaluateRules([sshRule, keyRule], inventory, { params: new Map() });
    expect(results.map((r) => [r.ruleId, r.resource.id, r.status])).toEqual([
      ["no-ssh", "sg-1", "fail"],
      ["no-ssh", "sg-2", "pass"],
      ["no-key", "i-1", "fail"],
      ["no-key", "i-2", "pass"],
      ["no-key", "sg-1", "pass"],
      ["no-key", "sg-2", "pass"],
    ]);
    expect(results[2]!.message).toBe("i-1 has a key");
  });

  it("judges only the resources asked for, in the same order, without the scope's errors", () => {
    const asked = instance("i-2");
    const inventory = new Inventory({
      resources: [instance("i-1", "admin"), group("sg-1", "us-east-1", [open]), asked],
    });
    const results = evaluateRules([sshRule, keyRule], inventory, { params: new Map() }, new Set([asked]));
    expect(results.map((r) => [r.ruleId, r.resource.id, r.status])).toEqual([["no-key", "i-2", "pass"]]);
  });

  it("reads a rule's compiled parts once for a run, not once for every resource", () => {
    const reads = { condition: 0, appliesWhen: 0, message: 0 };
    const counted = Object.create(keyRule) as typeof keyRule;
    for (const part of ["condition", "appliesWhen", "message"] as const) {
      Object.defineProperty(counted, part, {
        get: () => {
          reads[part]++;
          return keyRule[part];
        },
      });
    }
    const inventory = new Inventory({
      resources: [instance("i-1", "admin"), instance("i-2", "ops"), instance("i-3")],
    });
    const results = evaluateRules([counted], inventory, { params: new Map() });
    expect(results.map((r) => r.status)).toEqual(["fail", "fail", "pass"]);
    expect(results.map((r) => r.message)).toEqual(["i-1 has a key", "i-2 has a key", "compliant"]);
    expect(reads).toEqual({ condition: 1, appliesWhen: 1, message: 1 });
  });

  it("gives every resource an error when a rule's parts do not compile, and goes on", () => {
    const broken = Object.create(keyRule) as typeof keyRule;
    let attempts = 0;
    for (const part of ["condition", "appliesWhen", "message"] as const) {
      Object.defineProperty(broken, part, {
        get: () => {
          attempts++;
          throw new Error("the rule does not compile");
        },
      });
    }
    const inventory = new Inventory({ resources: [instance("i-1"), instance("i-2")] });
    const results = evaluateRules([broken, keyRule], inventory, { params: new Map() });
    expect(results.map((r) => [r.ruleId, r.status, r.message])).toEqual([
      ["no-key", "error", "could not evaluate: the rule does not compile"],
      ["no-key", "error", "could not evaluate: the rule does not compile"],
      ["no-key", "pass", "compliant"],
      ["no-key", "pass", "compliant"],
    ]);
    expect(attempts).toBe(2);
  });
});

describe("live-only rules", () => {
  it("do not judge resources read from templates and plans", () => {
    const rule = ruleFrom(`
id: registered
resource: AWS::EC2::Instance
live-only: true
condition: { path: related.ManagedInstance.PingStatus, equals: Online }
message: not registered
`);
    const fromTemplate: Resource = {
      type: "AWS::EC2::Instance",
      id: "WebServer",
      account: ACCOUNT,
      region: "unknown",
      source: { kind: "cloudformation", file: "stack.yaml", line: 3 },
      properties: {
        InstanceId: "WebServer",
        State: { Name: "running" },
        SecurityGroups: [{ GroupId: "sg-default" }],
      },
    };
    const live: Resource = { ...fromTemplate, id: "i-1", region: "us-east-1", source: { kind: "aws-live" } };
    const results = evaluateRules([rule], new Inventory({ resources: [fromTemplate, live] }), {
      params: new Map(),
    });
    expect(results.map((r) => [r.resource.id, r.status, r.message])).toEqual([
      ["WebServer", "not_applicable", "judged on live data only"],
      ["i-1", "fail", "not registered"],
    ]);
  });
});

describe("a value that does not parse is an error naming it and its place, never a verdict", () => {
  const publicSsh = ruleFrom(`
id: public-ssh
resource: AWS::EC2::SecurityGroup
condition:
  none:
    in: "IpPermissions[]"
    where:
      all:
        - covers-port: 22
        - some: { in: "IpRanges[].CidrIp", where: { cidr-is-public: true } }
message: open
`);
  const worldSsh = ruleFrom(`
id: world-ssh
resource: AWS::EC2::SecurityGroup
condition:
  none:
    in: "IpPermissions[]"
    where:
      all:
        - covers-port: 22
        - some: { in: "IpRanges[].CidrIp", where: { cidr-is-world: true } }
message: open
`);

  function judge(rule: typeof publicSsh, permissions: unknown[]) {
    const results = evaluateRules(
      [rule],
      // The operators' own defence, behind the canonical shape check (test/model/canonical.test.ts).
      new Inventory({ resources: [group("sg-1", "us-east-1", permissions)], shapesChecked: true }),
      {
        params: new Map(),
      },
    );
    return [results[0]!.status, results[0]!.message];
  }

  it.each(["0.0.0.0/00", "000.0.0.0/0", "0.0.0.0/0x", "10.0.0.0/33", "", "0.0.0.0/0 and more"])(
    "the CIDR %j",
    (cidr) => {
      const permissions = [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: cidr }] }];
      const expected = `cannot decide: IpPermissions[0].IpRanges[0].CidrIp is '${cidr}', not a valid CIDR`;
      expect(judge(publicSsh, permissions)).toEqual(["error", expected]);
      expect(judge(worldSsh, permissions)).toEqual(["error", expected]);
    },
  );

  it("an IPv6 CIDR with too long a prefix, and a CIDR written as a number", () => {
    const rule = ruleFrom(`
id: world-v6
resource: AWS::EC2::SecurityGroup
condition:
  none: { in: "IpPermissions[].Ipv6Ranges[].CidrIpv6", where: { cidr-is-world: true } }
message: open
`);
    expect(judge(rule, [{ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "::/129" }] }])).toEqual([
      "error",
      "cannot decide: IpPermissions[0].Ipv6Ranges[0].CidrIpv6 is '::/129', not a valid CIDR",
    ]);
    expect(judge(rule, [{ IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: 0 }] }])).toEqual([
      "error",
      "cannot decide: IpPermissions[0].Ipv6Ranges[0].CidrIpv6 is the number 0, not a valid CIDR",
    ]);
  });

  it.each<[Record<string, unknown>, string]>([
    [{ IpProtocol: "06", FromPort: 22, ToPort: 22 }, "IpPermissions[1].IpProtocol is '06'"],
    [{ IpProtocol: "tcp ", FromPort: 22, ToPort: 22 }, "IpPermissions[1].IpProtocol is 'tcp '"],
    [{ IpProtocol: "tcp", FromPort: "22.0", ToPort: 22 }, "IpPermissions[1].FromPort is '22.0'"],
    [{ IpProtocol: "tcp", FromPort: 22, ToPort: 70000 }, "IpPermissions[1].ToPort is the number 70000"],
  ])("the permission %j", (permission, message) => {
    const permissions = [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443 }, permission];
    const [status, text] = judge(sshRule, permissions);
    expect(status).toBe("error");
    expect(text).toMatch(new RegExp(`^cannot decide: ${message.replace(/[.[\]]/g, "\\$&")}, not a `));
  });

  it("is reported even when another permission already fails: the data needs fixing", () => {
    expect(judge(sshRule, [open, { IpProtocol: "06" }])).toEqual([
      "error",
      "cannot decide: IpPermissions[1].IpProtocol is '06', not a protocol (tcp, udp, icmp, icmpv6, a number 0-255, or -1)",
    ]);
  });

  it.each(["3.0.x", "3..1", "", "3.0.0.1.2"])("the agent version %j", (version) => {
    const rule = ruleFrom(`
id: agent
resource: AWS::EC2::SecurityGroup
condition: { path: "Tags[0].Value", version-at-least: "3.0" }
message: old
`);
    const resource = group("sg-1", "us-east-1", []);
    resource.properties.Tags = [{ Key: "AgentVersion", Value: version }];
    const [result] = evaluateRules([rule], new Inventory({ resources: [resource] }), { params: new Map() });
    expect([result!.status, result!.message]).toEqual([
      "error",
      `cannot decide: Tags[0].Value is '${version}', not a dotted version such as 2.3.672.0`,
    ]);
  });
});

const { rules: builtinRules } = await loadRuleDirectories([BUILTIN_RULES_DIR]);

describe("a policy whose document is not in the data", () => {
  const iamRules = builtinRules.filter((rule) =>
    [
      "start-session-document-access-check",
      "start-session-source-condition",
      "session-kms-permission",
      "session-termination-scoped",
    ].includes(rule.metadata.id),
  );
  const missing = "arn:aws:iam::aws:policy/AmazonSSMFullAccess";

  function user(inline: unknown[]): Resource {
    return {
      type: "AWS::IAM::User",
      id: "carol",
      account: ACCOUNT,
      region: "global",
      source: { kind: "aws-live" },
      properties: {
        UserName: "carol",
        UserPolicyList: inline.map((document, index) => ({
          PolicyName: `inline-${index}`,
          PolicyDocument: document,
        })) as never,
        AttachedManagedPolicies: [{ PolicyName: "AmazonSSMFullAccess", PolicyArn: missing }],
      },
    };
  }
  const preferences: Resource = {
    type: "AWS::SSM::Document",
    id: "SSM-SessionManagerRunShell",
    account: ACCOUNT,
    region: "us-east-1",
    source: { kind: "aws-live" },
    properties: { Name: "SSM-SessionManagerRunShell", Content: { inputs: { kmsKeyId: "alias/sessions" } } },
  };

  function judge(principal: Resource) {
    // A snapshot or live scan: the source itself leaves no unknown values.
    const inventory = new Inventory({ resources: [principal, preferences] });
    return evaluateRules(iamRules, inventory, { params: new Map() })
      .filter((result) => result.resource.id === "carol")
      .map((result) => [result.ruleId, result.status, result.message]);
  }

  it("leaves every rule that needs it unable to decide, naming the policy", () => {
    const message = `cannot decide: the document of managed policy ${missing} is not in the data`;
    expect(judge(user([]))).toEqual(iamRules.map((rule) => [rule.metadata.id, "error", message]));
  });

  it("does not keep known statements from deciding: an unconditional Deny makes the rules not applicable", () => {
    const denyAll = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Action: ["ssm:StartSession", "ssm:TerminateSession", "ssm:ResumeSession"],
          Resource: "*",
        },
      ],
    };
    expect(judge(user([denyAll])).map(([id, status]) => [id, status])).toEqual(
      iamRules.map((rule) => [rule.metadata.id, "not_applicable"]),
    );
  });
});

describe("unknown values where a rule does not read", () => {
  /** A permission that counts how often its fields are read. */
  function countedPermission(): { value: Record<string, unknown>; reads: () => number } {
    let reads = 0;
    const value = new Proxy(
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
      {
        get(target, key, receiver) {
          if (typeof key === "string") reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    return { value, reads: () => reads };
  }

  function withUnknownVpc(id: string, permissions: unknown[]): Resource {
    const resource = group(id, "us-east-1", permissions);
    resource.properties.VpcId = unknownValue("VpcId comes from parameter VpcId, which has no default");
    return resource;
  }

  it("judges a template's element once for the run when what the rule reads holds no unknown", () => {
    const permission = countedPermission();
    const rule = ruleFrom(`
id: no-ssh
resource: AWS::EC2::SecurityGroup
condition:
  none: { in: "IpPermissions[]", where: { covers-port: 22 } }
message: open
`);
    const judgeBoth = (resources: Resource[]) =>
      evaluateRules([rule], new Inventory({ resources, mayHoldUnknowns: true }), { params: new Map() });
    judgeBoth([withUnknownVpc("sg-1", [permission.value])]);
    const readsForOne = permission.reads();
    const results = judgeBoth([
      withUnknownVpc("sg-1", [permission.value]),
      withUnknownVpc("sg-2", [permission.value]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["pass", "pass"]);
    // The second group only has its ingress looked over for unknowns; its element is not judged again.
    const readsForTwo = permission.reads() - readsForOne;
    expect(readsForTwo - readsForOne).toBeLessThan(readsForOne);
  });

  it("still cannot decide where a rule reads an unknown through $root inside an element, or reads the whole resource", () => {
    const insideElement = ruleFrom(`
id: vpc-inside
resource: AWS::EC2::SecurityGroup
condition:
  none: { in: "IpPermissions[]", where: { path: "$root.VpcId", equals: "vpc-1" } }
message: in the VPC
`);
    const whole = ruleFrom(`
id: whole
resource: AWS::EC2::SecurityGroup
condition: { empty: false }
message: empty
`);
    const results = evaluateRules(
      [insideElement, whole],
      new Inventory({ resources: [withUnknownVpc("sg-1", [open])], mayHoldUnknowns: true }),
      { params: new Map() },
    );
    expect(results.map((r) => [r.ruleId, r.status])).toEqual([
      ["vpc-inside", "error"],
      ["whole", "error"],
    ]);
  });
});
