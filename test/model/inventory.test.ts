import { describe, expect, it } from "vitest";
import { Inventory } from "../../src/model/inventory.js";
import type { JsonObject, Resource, ResourceType } from "../../src/model/resource.js";

const ACCOUNT = "111122223333";

function resource(type: ResourceType, id: string, region: string, properties: JsonObject): Resource {
  return { type, id, account: ACCOUNT, region, source: { kind: "aws-live" }, properties };
}

const document = (action: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: "*" }],
});

const role = resource("AWS::IAM::Role", "app-role", "global", {
  RoleName: "app-role",
  Arn: `arn:aws:iam::${ACCOUNT}:role/app-role`,
  AssumeRolePolicyDocument: { Statement: [] },
  RolePolicyList: [{ PolicyName: "inline", PolicyDocument: document("s3:GetObject") }],
  AttachedManagedPolicies: [
    { PolicyName: "Core", PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
    { PolicyName: "Unknown", PolicyArn: "arn:aws:iam::aws:policy/NotCollected" },
  ],
  InstanceProfileList: [
    {
      InstanceProfileName: "app-profile",
      Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/app-profile`,
      Roles: [{ RoleName: "app-role" }],
    },
  ],
});
const core = resource("AWS::IAM::Policy", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "global", {
  Arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  DefaultVersionId: "v2",
  PolicyVersionList: [
    { VersionId: "v1", IsDefaultVersion: false, Document: document("ssm:Old") },
    { VersionId: "v2", IsDefaultVersion: true, Document: document("ssm:UpdateInstanceInformation") },
  ],
});
const group = resource("AWS::EC2::SecurityGroup", "sg-1", "us-east-1", {
  GroupId: "sg-1",
  IpPermissions: [],
});
const instance = resource("AWS::EC2::Instance", "i-1", "us-east-1", {
  InstanceId: "i-1",
  State: { Name: "running" },
  IamInstanceProfile: { Arn: `arn:aws:iam::${ACCOUNT}:instance-profile/app-profile` },
  SecurityGroups: [{ GroupId: "sg-1" }, { GroupId: "sg-gone" }],
});
const managed = resource("AWS::SSM::ManagedInstanceInventory", "i-1", "us-east-1", {
  InstanceId: "i-1",
  PingStatus: "Online",
});
const otherRegion = resource("AWS::SSM::ManagedInstanceInventory", "i-2", "eu-west-1", { InstanceId: "i-2" });
const operators = resource("AWS::IAM::Group", "operators", "global", {
  GroupName: "operators",
  GroupPolicyList: [{ PolicyName: "sessions", PolicyDocument: document("ssm:StartSession") }],
  AttachedManagedPolicies: [],
});
const alice = resource("AWS::IAM::User", "alice", "global", {
  UserName: "alice",
  GroupList: ["operators", "missing-group"],
  UserPolicyList: [],
  AttachedManagedPolicies: [],
});
const preferences = resource("AWS::SSM::Document", "SSM-SessionManagerRunShell", "us-east-1", {
  Name: "SSM-SessionManagerRunShell",
  Content: { inputs: { kmsKeyId: "alias/sessions" } },
});

const inventory = new Inventory({
  resources: [role, core, group, instance, managed, otherRegion, operators, alice, preferences],
  scopes: [
    { account: ACCOUNT, region: "us-east-1" },
    { account: ACCOUNT, region: "eu-west-1" },
  ],
});

describe("relations", () => {
  it("links an instance to its profile, roles with their policies, SSM record and security groups", () => {
    const related = inventory.documentOf(instance).related as JsonObject;
    expect((related.InstanceProfile as JsonObject).InstanceProfileName).toBe("app-profile");
    const [roleDocument] = related.Roles as JsonObject[];
    const policies = (roleDocument!.related as JsonObject).Policies as JsonObject[];
    expect(policies.map((p) => [p.PolicyName, p.Kind])).toEqual([
      ["inline", "inline"],
      ["Core", "managed"],
      ["Unknown", "managed"],
    ]);
    // The default version's document; a policy whose document was not collected is unknown.
    expect(policies[1]!.Document).toEqual(document("ssm:UpdateInstanceInformation"));
    expect(policies[2]!.Document).toEqual({
      $unknown: "the document of managed policy arn:aws:iam::aws:policy/NotCollected is not in the data",
    });
    // Rules then check for unknown values, although the source itself leaves none.
    expect(inventory.mayHoldUnknowns).toBe(true);
    expect(related.ManagedInstance).toEqual(managed.properties);
    expect((related.SecurityGroups as JsonObject[]).map((g) => g.GroupId)).toEqual(["sg-1"]);
  });

  it("makes an inline policy whose document could not be read unknown, and knows when there is none", () => {
    const user = resource("AWS::IAM::User", "bob", "global", {
      UserName: "bob",
      UserPolicyList: [{ PolicyName: "bad", PolicyDocument: null }],
    });
    const withUnreadable = new Inventory({ resources: [user] });
    const [policy] = (withUnreadable.documentOf(user).related as JsonObject).Policies as JsonObject[];
    expect(policy!.Document).toEqual({ $unknown: "the document of inline policy bad is not in the data" });
    expect(withUnreadable.mayHoldUnknowns).toBe(true);
    const inOperatorsOnly = { ...alice, properties: { ...alice.properties, GroupList: ["operators"] } };
    expect(new Inventory({ resources: [inOperatorsOnly, operators] }).mayHoldUnknowns).toBe(false);
    // A group the data does not hold is one whose policies are unknown.
    expect(new Inventory({ resources: [alice, operators] }).mayHoldUnknowns).toBe(true);
  });

  it("finds a user's group named in another case, as IAM does", () => {
    const inOperators = { ...alice, properties: { ...alice.properties, GroupList: ["OPERATORS"] } };
    const withGroup = new Inventory({ resources: [inOperators, operators] });
    const policies = (withGroup.documentOf(inOperators).related as JsonObject).Policies as JsonObject[];
    expect(policies.map((policy) => [policy.PolicyName, policy.Group])).toEqual([["sessions", "operators"]]);
    expect(withGroup.mayHoldUnknowns).toBe(false);
  });

  it("knows the published documents of common AWS-managed policies the data lacks", () => {
    const templateRole = resource("AWS::IAM::Role", "InstanceRole", "global", {
      RoleName: "InstanceRole",
      AssumeRolePolicyDocument: { Statement: [] },
      AttachedManagedPolicies: [{ PolicyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }],
    });
    const [policy] = (
      new Inventory({ resources: [templateRole] }).documentOf(templateRole).related as JsonObject
    ).Policies as JsonObject[];
    const actions = ((policy!.Document as JsonObject).Statement as JsonObject[]).flatMap(
      (s) => s.Action as string[],
    );
    expect(actions).toContain("ssm:UpdateInstanceInformation");
    expect(actions).toContain("ssmmessages:OpenDataChannel");
  });

  it("copies a resource's properties into its document as they are, a key named __proto__ included", () => {
    const properties = JSON.parse(
      '{"GroupId":"sg-odd","IpPermissions":[],"__proto__":{"Polluted":true},"related":"kept in place"}',
    ) as JsonObject;
    const odd = resource("AWS::EC2::SecurityGroup", "sg-odd", "us-east-1", properties);
    const seen = new Inventory({ resources: [odd] }).documentOf(odd);
    expect(Object.getPrototypeOf(seen)).toBe(Object.prototype);
    expect(Object.keys(seen)).toEqual(["GroupId", "IpPermissions", "__proto__", "related"]);
    expect(Object.getOwnPropertyDescriptor(seen, "__proto__")?.value).toEqual({ Polluted: true });
    expect((seen as Record<string, unknown>).Polluted).toBeUndefined();
    expect(seen.related).toEqual({ Instances: [] });
    // The resource's own properties are left as they were.
    expect(properties.related).toBe("kept in place");
  });

  it("links a security group to the instances using it", () => {
    const related = inventory.documentOf(group).related as JsonObject;
    expect(related.Instances).toEqual([
      { InstanceId: "i-1", State: { Name: "running" }, PublicIpAddress: null, KeyName: null },
    ]);
  });

  it("gives users their groups' policies, naming the group, and those of a group not in the data as unknown", () => {
    const policies = (inventory.documentOf(alice).related as JsonObject).Policies as JsonObject[];
    expect(policies).toEqual([
      {
        PolicyName: "sessions",
        PolicyArn: null,
        Kind: "group-inline",
        Group: "operators",
        Document: document("ssm:StartSession"),
      },
      {
        PolicyName: "",
        PolicyArn: null,
        Kind: "group-inline",
        Group: "missing-group",
        Document: {
          $unknown:
            "the policies of group missing-group, of which user alice is a member, are not in the data",
        },
      },
    ]);
  });

  it("gives principals the session KMS keys of their account, as ARNs", () => {
    const related = inventory.documentOf(alice).related as JsonObject;
    expect(related.SessionKmsKeys).toEqual([`arn:aws:kms:us-east-1:${ACCOUNT}:alias/sessions`]);
  });

  it("takes no version but the default as a managed policy's document, and knows when the default is missing", () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/sessions`;
    const versions = (DefaultVersionId: string | undefined, list: JsonObject[]) =>
      resource("AWS::IAM::Policy", arn, "global", {
        Arn: arn,
        ...(DefaultVersionId === undefined ? {} : { DefaultVersionId }),
        PolicyVersionList: list,
      });
    const user = resource("AWS::IAM::User", "carol", "global", {
      UserName: "carol",
      UserPolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: "sessions", PolicyArn: arn }],
    });
    const documentFor = (policy: Resource) => {
      const related = new Inventory({ resources: [policy, user] }).documentOf(user).related as JsonObject;
      return (related.Policies as JsonObject[])[0]!.Document;
    };
    const missing = { $unknown: `the document of managed policy ${arn} is not in the data` };
    // The only version, marked as not the default, or named otherwise than the default.
    expect(
      documentFor(
        versions("v2", [{ VersionId: "v1", IsDefaultVersion: false, Document: document("ssm:Old") }]),
      ),
    ).toEqual(missing);
    expect(documentFor(versions("v2", [{ VersionId: "v1", Document: document("ssm:Old") }]))).toEqual(
      missing,
    );
    expect(
      documentFor(
        versions(undefined, [
          { VersionId: "v1", Document: document("ssm:Old") },
          { VersionId: "v2", Document: document("ssm:New") },
        ]),
      ),
    ).toEqual(missing);
    // A lone version the data says nothing against is the default.
    expect(documentFor(versions(undefined, [{ Document: document("ssm:StartSession") }]))).toEqual(
      document("ssm:StartSession"),
    );
    expect(
      documentFor(versions("v3", [{ VersionId: "v3", Document: document("ssm:StartSession") }])),
    ).toEqual(document("ssm:StartSession"));
  });

  it("gives principals a session key the data leaves unknown as an unknown value, after the known ones", () => {
    const unknownKey = resource("AWS::SSM::Document", "SSM-SessionManagerRunShell", "eu-west-1", {
      Name: "SSM-SessionManagerRunShell",
      Content: {
        inputs: { kmsKeyId: { $unknown: "kmsKeyId comes from parameter Key, which has no default" } },
      },
    });
    const unknownContent = resource("AWS::SSM::Document", "SessionPreferences", "eu-west-2", {
      Name: "SessionPreferences",
      Content: { $unknown: "Content comes from parameter Prefs, which has no default" },
    });
    const both = new Inventory({ resources: [alice, operators, preferences, unknownKey, unknownContent] });
    expect((both.documentOf(alice).related as JsonObject).SessionKmsKeys).toEqual([
      `arn:aws:kms:us-east-1:${ACCOUNT}:alias/sessions`,
      {
        $unknown:
          "the session key of Session Manager preferences SSM-SessionManagerRunShell is not known: kmsKeyId comes from parameter Key, which has no default",
      },
      {
        $unknown:
          "the session key of Session Manager preferences SessionPreferences is not known: Content comes from parameter Prefs, which has no default",
      },
    ]);
    expect(both.mayHoldUnknowns).toBe(true);
  });

  it("links a managed node to its instance only in the same region", () => {
    expect((inventory.documentOf(managed).related as JsonObject).Instance).toMatchObject({
      InstanceId: "i-1",
    });
    expect((inventory.documentOf(otherRegion).related as JsonObject).Instance).toBeNull();
  });

  it("stands default preferences in for a region without a preferences document", () => {
    const documents = inventory.ofType("AWS::SSM::Document");
    expect(documents.map((d) => [d.region, d.source.defaulted ?? false])).toEqual([
      ["us-east-1", false],
      ["eu-west-1", true],
    ]);
    expect(documents[1]!.properties.Content).toEqual({
      schemaVersion: "1.0",
      sessionType: "Standard_Stream",
      inputs: {},
    });
  });

  it("links an instance in two groups to both, and both to it, in the order the instance lists them", () => {
    const web = resource("AWS::EC2::SecurityGroup", "sg-web", "us-east-1", { GroupId: "sg-web" });
    const ops = resource("AWS::EC2::SecurityGroup", "sg-ops", "us-east-1", { GroupId: "sg-ops" });
    const server = resource("AWS::EC2::Instance", "i-9", "us-east-1", {
      InstanceId: "i-9",
      KeyName: "ops",
      SecurityGroups: [{ GroupId: "sg-ops" }, { GroupId: "sg-missing" }, { GroupId: "sg-web" }],
    });
    const both = new Inventory({ resources: [web, server, ops], today: "2026-12-07" });
    const summary = { InstanceId: "i-9", State: null, PublicIpAddress: null, KeyName: "ops" };
    expect((both.documentOf(web).related as JsonObject).Instances).toEqual([summary]);
    expect((both.documentOf(ops).related as JsonObject).Instances).toEqual([summary]);
    expect((both.documentOf(server).related as JsonObject).SecurityGroups).toEqual([
      ops.properties,
      web.properties,
    ]);
  });

  it("gives each instance a list of its own groups only, however many the instances before it had", () => {
    const groups = ["sg-a", "sg-b", "sg-c"].map((id) =>
      resource("AWS::EC2::SecurityGroup", id, "us-east-1", { GroupId: id }),
    );
    const [a, b, c] = groups.map((each) => each.properties);
    const listing = (id: string, groupIds: string[]) =>
      resource("AWS::EC2::Instance", id, "us-east-1", {
        SecurityGroups: groupIds.map((GroupId) => ({ GroupId })),
      });
    const instances = [
      listing("i-1", ["sg-a", "sg-gone", "sg-b", "sg-c"]),
      listing("i-2", ["sg-c"]),
      listing("i-3", []),
      listing("i-4", ["sg-gone"]),
      listing("i-5", ["sg-b", "sg-a"]),
    ];
    const inventory = new Inventory({ resources: [...groups, ...instances], today: "2026-12-07" });
    const lists = inventory
      .documentsOfType("AWS::EC2::Instance")
      .map((each) => (each.related as JsonObject).SecurityGroups as JsonObject[]);
    expect(lists).toEqual([[a, b, c], [c], [], [], [b, a]]);
    expect(new Set(lists).size).toBe(lists.length);
  });

  it("gives the documents of a type in the order of its resources, the same objects as one by one", () => {
    const web = resource("AWS::EC2::SecurityGroup", "sg-web", "us-east-1", { GroupId: "sg-web" });
    const ops = resource("AWS::EC2::SecurityGroup", "sg-ops", "us-east-1", { GroupId: "sg-ops" });
    const first = resource("AWS::EC2::Instance", "i-8", "us-east-1", {
      SecurityGroups: [{ GroupId: "sg-web" }],
    });
    const second = resource("AWS::EC2::Instance", "i-9", "us-east-1", {
      SecurityGroups: [{ GroupId: "sg-ops" }],
    });
    const node = resource("AWS::SSM::ManagedInstanceInventory", "i-9", "us-east-1", { InstanceId: "i-9" });
    const resources = [web, second, node, ops, first, role, preferences];
    const types: ResourceType[] = [
      "AWS::EC2::Instance",
      "AWS::EC2::SecurityGroup",
      "AWS::SSM::ManagedInstanceInventory",
      "AWS::IAM::Role",
      "AWS::SSM::Document",
    ];
    // Asked for by type first, then resource by resource, and the other way round.
    const byTypeFirst = new Inventory({ resources, today: "2026-12-07" });
    const listed = types.map((type) => byTypeFirst.documentsOfType(type));
    const oneByOneFirst = new Inventory({ resources, today: "2026-12-07" });
    const single = types.map((type) =>
      oneByOneFirst.ofType(type).map((each) => oneByOneFirst.documentOf(each)),
    );
    types.forEach((type, index) => {
      const ofType = byTypeFirst.ofType(type);
      expect(listed[index]).toHaveLength(ofType.length);
      ofType.forEach((each, at) => expect(byTypeFirst.documentOf(each)).toBe(listed[index]![at]));
      expect(oneByOneFirst.documentsOfType(type)).toEqual(single[index]);
      expect(single[index]).toEqual(listed[index]);
    });
    expect((listed[0]![1]!.related as JsonObject).SecurityGroups).toEqual([web.properties]);
    expect((listed[2]![0]!.related as JsonObject).Instance).toMatchObject({ InstanceId: "i-9" });
  });

  it("links instances that take turns in the regions of an account other than the first", () => {
    const other = "444455556666";
    const scoped = (
      account: string,
      region: string,
      type: ResourceType,
      id: string,
      properties: JsonObject,
    ) => ({
      ...resource(type, id, region, properties),
      account,
    });
    const scopes = [
      [ACCOUNT, "us-east-1"],
      [ACCOUNT, "eu-west-1"],
      [other, "us-east-1"],
      [other, "eu-west-1"],
    ] as const;
    const groups = scopes.map(([account, region]) =>
      scoped(account, region, "AWS::EC2::SecurityGroup", "sg-1", {
        GroupId: "sg-1",
        Description: `${account} ${region}`,
      }),
    );
    const instances = [2, 3, 2, 3, 1, 0].map((scope, index) =>
      scoped(scopes[scope]![0], scopes[scope]![1], "AWS::EC2::Instance", `i-${index}`, {
        SecurityGroups: [{ GroupId: "sg-1" }],
      }),
    );
    const inventory = new Inventory({ resources: [...groups, ...instances], today: "2026-12-07" });
    for (const instance of instances) {
      expect((inventory.documentOf(instance).related as JsonObject).SecurityGroups).toEqual([
        { GroupId: "sg-1", Description: `${instance.account} ${instance.region}` },
      ]);
    }
  });

  it("links each instance to the group of its own account and region when the same id is in several", () => {
    const at = (account: string, region: string, type: ResourceType, id: string, properties: JsonObject) => ({
      ...resource(type, id, region, properties),
      account,
    });
    const scopes = [
      [ACCOUNT, "us-east-1"],
      ["444455556666", "us-east-1"],
      [ACCOUNT, "eu-west-1"],
    ] as const;
    const groups = scopes.map(([account, region]) =>
      at(account, region, "AWS::EC2::SecurityGroup", "sg-1", {
        GroupId: "sg-1",
        Description: `${account} ${region}`,
      }),
    );
    // Instances alternate between the scopes, and the second scope has no managed node.
    const instances = [0, 1, 2, 0, 2, 1].map((scope, index) =>
      at(scopes[scope]![0], scopes[scope]![1], "AWS::EC2::Instance", `i-${index}`, {
        InstanceId: `i-${index}`,
        SecurityGroups: [{ GroupId: "sg-1" }],
      }),
    );
    const nodes = [2, 0].map((scope) =>
      at(scopes[scope]![0], scopes[scope]![1], "AWS::SSM::ManagedInstanceInventory", "i-0", {
        InstanceId: "i-0",
      }),
    );
    const scoped = new Inventory({ resources: [...instances, ...nodes, ...groups], today: "2026-12-07" });
    for (const instance of instances) {
      const related = scoped.documentOf(instance).related as JsonObject;
      expect(related.SecurityGroups).toEqual([
        { GroupId: "sg-1", Description: `${instance.account} ${instance.region}` },
      ]);
      const node = nodes.find(
        (n) => n.account === instance.account && n.region === instance.region && n.id === instance.id,
      );
      expect(related.ManagedInstance).toEqual(node ? node.properties : null);
    }
    expect(
      groups.map((group) =>
        ((scoped.documentOf(group).related as JsonObject).Instances as JsonObject[]).map((i) => i.InstanceId),
      ),
    ).toEqual([
      ["i-0", "i-3"],
      ["i-1", "i-5"],
      ["i-2", "i-4"],
    ]);
    expect(
      nodes.map(
        (node) => ((scoped.documentOf(node).related as JsonObject).Instance as JsonObject | null)?.InstanceId,
      ),
    ).toEqual([undefined, "i-0"]);
  });

  it("gives instances that share a profile its roles of their own account, each in a list of its own", () => {
    const other = "444455556666";
    const profileArn = `arn:aws:iam::${ACCOUNT}:instance-profile/shared`;
    const profile = resource("AWS::IAM::InstanceProfile", "shared", "global", {
      Arn: profileArn,
      Roles: [{ RoleName: "web" }, { RoleName: "missing" }, { RoleName: "batch" }],
    });
    const roleIn = (account: string, name: string) => ({
      ...resource("AWS::IAM::Role", name, "global", { RoleName: name, Marker: `${account} ${name}` }),
      account,
    });
    const roles = [roleIn(ACCOUNT, "web"), roleIn(ACCOUNT, "batch"), roleIn(other, "web")];
    // Instances of the two accounts alternate, so each account's roles are found again after the other's.
    const instances = [ACCOUNT, other, ACCOUNT, other].map((account, index) => ({
      ...resource("AWS::EC2::Instance", `i-${index}`, "us-east-1", {
        InstanceId: `i-${index}`,
        IamInstanceProfile: { Arn: profileArn },
      }),
      account,
    }));
    const shared = new Inventory({ resources: [profile, ...roles, ...instances], today: "2026-12-07" });
    const rolesOf = (index: number) =>
      (shared.documentOf(instances[index]!).related as JsonObject).Roles as JsonObject[];
    const markers = (index: number) => rolesOf(index).map((role) => role.Marker);
    expect(markers(0)).toEqual([`${ACCOUNT} web`, `${ACCOUNT} batch`]);
    expect(markers(1)).toEqual([`${other} web`]);
    expect(markers(2)).toEqual(markers(0));
    expect(markers(3)).toEqual(markers(1));
    expect(rolesOf(2)).not.toBe(rolesOf(0));
    expect(rolesOf(2)[0]).toBe(rolesOf(0)[0]);
  });

  it("links instances, security groups and managed nodes only once one of them is asked for", () => {
    // Rules on principals alone (access keys, policies) must not pay for linking every instance.
    let reads = 0;
    const server = resource("AWS::EC2::Instance", "i-7", "us-east-1", { InstanceId: "i-7" });
    Object.defineProperty(server.properties, "SecurityGroups", {
      enumerable: true,
      get: () => {
        reads += 1;
        return [{ GroupId: "sg-7" }];
      },
    });
    const sg = resource("AWS::EC2::SecurityGroup", "sg-7", "us-east-1", { GroupId: "sg-7" });
    const node = resource("AWS::SSM::ManagedInstanceInventory", "i-7", "us-east-1", { InstanceId: "i-7" });
    const lazy = new Inventory({
      resources: [server, sg, node, alice, operators],
      shapesChecked: true,
      today: "2026-12-07",
    });
    expect((lazy.documentOf(alice).related as JsonObject).Policies).toHaveLength(2);
    expect(reads).toBe(0);
    expect((lazy.documentOf(sg).related as JsonObject).Instances).toEqual([
      { InstanceId: "i-7", State: null, PublicIpAddress: null, KeyName: null },
    ]);
    expect((lazy.documentOf(node).related as JsonObject).Instance).toMatchObject({ InstanceId: "i-7" });
    expect(lazy.documentOf(server).related).toMatchObject({ ManagedInstance: { InstanceId: "i-7" } });
    // Linked once, and every later ask gets the same documents.
    const linked = reads;
    expect(lazy.documentOf(sg)).toBe(lazy.documentOf(sg));
    expect(reads).toBe(linked);
  });

  it("links a managed node listed twice to its instance both times, and to the last of an instance listed twice", () => {
    const first = resource("AWS::EC2::Instance", "i-5", "us-east-1", { InstanceId: "i-5", KeyName: "first" });
    const last = resource("AWS::EC2::Instance", "i-5", "us-east-1", { InstanceId: "i-5", KeyName: "last" });
    const nodes = [1, 2].map((copy) =>
      resource("AWS::SSM::ManagedInstanceInventory", "i-5", "us-east-1", { InstanceId: "i-5", Copy: copy }),
    );
    const twice = new Inventory({ resources: [first, ...nodes, last], today: "2026-12-07" });
    const linked = nodes.map((node) => (twice.documentOf(node).related as JsonObject).Instance);
    expect(linked).toEqual([
      { InstanceId: "i-5", State: null, PublicIpAddress: null, KeyName: "last" },
      { InstanceId: "i-5", State: null, PublicIpAddress: null, KeyName: "last" },
    ]);
    // Each node's document has a summary of its own.
    expect(linked[0]).not.toBe(linked[1]);
    expect((twice.documentOf(first).related as JsonObject).ManagedInstance).toEqual(nodes[1]!.properties);
  });

  it("lists an instance in the last of a security group listed twice, and in the group of its own region", () => {
    const groups = ["first", "last"].map((copy) =>
      resource("AWS::EC2::SecurityGroup", "sg-5", "us-east-1", { GroupId: "sg-5", Copy: copy }),
    );
    const elsewhere = resource("AWS::EC2::SecurityGroup", "sg-5", "eu-west-1", { GroupId: "sg-5" });
    const server = resource("AWS::EC2::Instance", "i-6", "us-east-1", {
      InstanceId: "i-6",
      SecurityGroups: [{ GroupId: "sg-5" }],
    });
    const twice = new Inventory({ resources: [...groups, elsewhere, server], today: "2026-12-07" });
    const listed = [...groups, elsewhere].map(
      (group) => ((twice.documentOf(group).related as JsonObject).Instances as JsonObject[]).length,
    );
    expect(listed).toEqual([0, 1, 0]);
    expect((twice.documentOf(server).related as JsonObject).SecurityGroups).toEqual([groups[1]!.properties]);
  });

  it("lists the resources read, then the stand-ins, each type in the order read", () => {
    const key = resource("AWS::IAM::AccessKey", "AKIA1", "global", { UserName: "bob", Status: "Active" });
    const carol = resource("AWS::IAM::User", "carol", "global", { UserName: "carol" });
    const listed = new Inventory({
      resources: [key, carol],
      scopes: [{ account: ACCOUNT, region: "eu-west-1" }],
      today: "2026-12-07",
    });
    expect(listed.resources.map((r) => `${r.type} ${r.id}`)).toEqual([
      "AWS::IAM::AccessKey AKIA1",
      "AWS::IAM::User carol",
      "AWS::SSM::Document SSM-SessionManagerRunShell",
      "AWS::IAM::User bob",
    ]);
    expect(listed.ofType("AWS::IAM::User").map((user) => user.id)).toEqual(["carol", "bob"]);
  });

  it("leaves the canonical properties untouched", () => {
    expect("related" in instance.properties).toBe(false);
  });
});
