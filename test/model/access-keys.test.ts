import { describe, expect, it } from "vitest";
import { accessKeyUse, utcDateOf } from "../../src/model/access-key-use.js";
import { canonicalShapeProblem } from "../../src/model/canonical.js";
import { Inventory } from "../../src/model/inventory.js";
import type { JsonObject, Resource, ResourceType, SourceKind } from "../../src/model/resource.js";
import { isUnknown } from "../../src/model/unknown.js";

const ACCOUNT = "111122223333";
const TODAY = "2026-12-01";

function resource(
  type: ResourceType,
  id: string,
  properties: JsonObject,
  kind: SourceKind = "aws-live",
  account = ACCOUNT,
): Resource {
  return { type, id, account, region: "global", source: { kind }, properties };
}

function key(id: string, properties: JsonObject, kind: SourceKind = "aws-live"): Resource {
  return resource("AWS::IAM::AccessKey", id, { Name: id, UserName: "alice", ...properties }, kind);
}

describe("an access key's age and last use", () => {
  it("counts whole UTC days to today and names the last use", () => {
    const use = accessKeyUse(
      key("AKIA1", {
        Status: "Active",
        CreateDate: "2025-08-15T10:21:00Z",
        AccessKeyLastUsed: { LastUsedDate: "2026-11-24T17:02:00Z", ServiceName: "s3", Region: "eu-west-1" },
      }),
      TODAY,
    );
    expect(use).toEqual({
      AgeDays: 473,
      Planned: false,
      LastUse: "2026-11-24 (s3, eu-west-1)",
      Summary: "AKIA1 (473 days old, last used 2026-11-24 (s3, eu-west-1))",
    });
  });

  it('says "never used" when the last use is missing or has only N/A service and region', () => {
    expect(accessKeyUse(key("AKIA2", { Status: "Active", CreateDate: "2026-11-30" }), TODAY).Summary).toBe(
      "AKIA2 (1 day old, never used)",
    );
    const na = accessKeyUse(
      key("AKIA3", {
        Status: "Active",
        CreateDate: "2026-11-30T00:00:00Z",
        AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" },
      }),
      TODAY,
    );
    expect(na.LastUse).toBe("never used");
  });

  it("reads offsets into UTC dates", () => {
    expect(utcDateOf("2026-08-01T00:30:00+02:00")).toBe("2026-07-31");
    expect(utcDateOf("2026-08-01T23:30:00-0200")).toBe("2026-08-02");
    expect(utcDateOf("2026-08-01T10:00:00.123Z")).toBe("2026-08-01");
    expect(utcDateOf("2026-08-01")).toBe("2026-08-01");
  });

  it.each([
    ["a date in another format", "08/01/2026"],
    ["a day that does not exist", "2026-02-30T00:00:00Z"],
    ["an hour that does not exist", "2026-02-01T25:00:00Z"],
    ["epoch seconds", 1785000000],
    ["an empty text", ""],
  ])("makes %s an unknown age, never a young key", (_name, created) => {
    const use = accessKeyUse(key("AKIA4", { Status: "Active", CreateDate: created }), TODAY);
    expect(isUnknown(use.AgeDays)).toBe(true);
    expect(use.Summary).toBe("AKIA4 (age unknown, never used)");
  });

  it("makes a creation date after today an unknown age", () => {
    const use = accessKeyUse(key("AKIA5", { Status: "Active", CreateDate: "2027-01-01T00:00:00Z" }), TODAY);
    expect(use.AgeDays).toEqual({
      $unknown: "access key AKIA5 was created on 2027-01-01, after today (2026-12-01)",
    });
  });

  it("makes an observed key without a creation date an unknown age", () => {
    expect(isUnknown(accessKeyUse(key("AKIA6", { Status: "Active" }), TODAY).AgeDays)).toBe(true);
  });

  it("makes a last use that does not read unknown", () => {
    const use = accessKeyUse(
      key("AKIA7", {
        Status: "Active",
        CreateDate: "2026-11-01",
        AccessKeyLastUsed: { LastUsedDate: "yesterday" },
      }),
      TODAY,
    );
    expect(isUnknown(use.LastUse)).toBe(true);
    expect(use.Summary).toBe("AKIA7 (30 days old, last use unknown)");
  });

  it("takes a key a template would create as a new key", () => {
    const planned = resource(
      "AWS::IAM::AccessKey",
      "CiKey",
      { UserName: "ci", Status: "Active" },
      "cloudformation",
    );
    expect(accessKeyUse(planned, TODAY)).toEqual({
      AgeDays: 0,
      Planned: true,
      LastUse: "not created yet",
      Summary: "CiKey (a new key, not created yet)",
    });
  });
});

describe("the canonical shape of an access key", () => {
  it("accepts what the credential report and a snapshot give", () => {
    expect(
      canonicalShapeProblem(
        key("AKIA1", {
          Status: "Active",
          CreateDate: "2025-08-15T10:21:00.000Z",
          AccessKeyLastUsed: {
            LastUsedDate: "2026-11-24T17:02:00.000Z",
            ServiceName: "s3",
            Region: "eu-west-1",
          },
        }),
      ),
    ).toBeUndefined();
  });

  it("refuses a status written in lowercase, which AWS never returns", () => {
    expect(canonicalShapeProblem(key("AKIA1", { Status: "active" }))).toMatch(/Status/);
  });

  it("refuses a creation date that is not ISO 8601", () => {
    expect(canonicalShapeProblem(key("AKIA1", { Status: "Active", CreateDate: "Aug 15 2025" }))).toMatch(
      /CreateDate/,
    );
  });
});

describe("relations of users and their access keys", () => {
  const alice = resource("AWS::IAM::User", "alice", { UserName: "alice" });
  const bob = resource("AWS::IAM::User", "bob", { UserName: "bob" });
  const otherAlice = resource("AWS::IAM::User", "alice", { UserName: "alice" }, "aws-live", "444455556666");
  const aliceKey = key("AKIA1", { Status: "Active", CreateDate: "2026-11-01T00:00:00Z" });

  it("gives each user its own keys in its own account, with their age on the run's today", () => {
    const inventory = new Inventory({ resources: [alice, bob, otherAlice, aliceKey], today: TODAY });
    const keysOf = (user: Resource) => (inventory.documentOf(user).related as JsonObject).AccessKeys;
    expect(keysOf(alice)).toEqual([
      {
        Name: "AKIA1",
        UserName: "alice",
        Status: "Active",
        CreateDate: "2026-11-01T00:00:00Z",
        AgeDays: 30,
        Planned: false,
        LastUse: "never used",
        Summary: "AKIA1 (30 days old, never used)",
      },
    ]);
    expect(keysOf(bob)).toEqual([]);
    expect(keysOf(otherAlice)).toEqual([]);
    expect(inventory.mayHoldUnknowns).toBe(false);
  });

  it("gives a key whose user a template leaves unknown to every user of its account, as an unknown", () => {
    const planned = resource(
      "AWS::IAM::AccessKey",
      "SomeKey",
      {
        Name: "SomeKey",
        UserName: { $unknown: "UserName comes from parameter Who, which has no default" },
        Status: "Active",
      },
      "cloudformation",
    );
    const inventory = new Inventory({ resources: [alice, bob, planned], today: TODAY });
    expect((inventory.documentOf(bob).related as JsonObject).AccessKeys).toEqual([
      {
        $unknown:
          "the user of access key SomeKey is not known: UserName comes from parameter Who, which has no default",
      },
    ]);
    expect(inventory.mayHoldUnknowns).toBe(true);
  });

  it("matches a key to its user whatever the case of the name, as IAM does", () => {
    const shouted = key("AKIA2", { UserName: "ALICE", Status: "Active", CreateDate: "2026-11-01T00:00:00Z" });
    const inventory = new Inventory({ resources: [alice, shouted], today: TODAY });
    expect(
      ((inventory.documentOf(alice).related as JsonObject).AccessKeys as JsonObject[]).map((k) => k.Name),
    ).toEqual(["AKIA2"]);
    expect(inventory.ofType("AWS::IAM::User")).toHaveLength(1);
  });

  it("judges a key whose user is not in the data on a stand-in user, placed where the key is", () => {
    const planned = resource(
      "AWS::IAM::AccessKey",
      "CiKey",
      { Name: "CiKey", UserName: "ci-bot", Status: "Active" },
      "cloudformation",
    );
    const inventory = new Inventory({ resources: [alice, planned], today: TODAY });
    const standIn = inventory.ofType("AWS::IAM::User").find((user) => user.id === "ci-bot")!;
    expect(standIn).toMatchObject({
      account: ACCOUNT,
      source: planned.source,
      properties: { UserName: "ci-bot" },
    });
    expect(
      ((inventory.documentOf(standIn).related as JsonObject).AccessKeys as JsonObject[]).map((k) => k.Name),
    ).toEqual(["CiKey"]);
  });

  it("gives a key whose user is unknown to a stand-in when its account has no user at all", () => {
    const planned = resource(
      "AWS::IAM::AccessKey",
      "SomeKey",
      { Name: "SomeKey", UserName: { $unknown: "UserName comes from parameter Who" }, Status: "Active" },
      "cloudformation",
    );
    const inventory = new Inventory({ resources: [planned], today: TODAY });
    const [standIn] = inventory.ofType("AWS::IAM::User");
    expect(standIn?.id).toBe("user of SomeKey");
    expect((inventory.documentOf(standIn!).related as JsonObject).AccessKeys).toEqual([
      { $unknown: "the user of access key SomeKey is not known: UserName comes from parameter Who" },
    ]);
  });

  it("says the documents hold unknowns when a key's date does not read, so rules see one", () => {
    const odd = key("AKIA9", { Status: "Active", CreateDate: "2026-02-30" });
    expect(new Inventory({ resources: [alice, odd], today: TODAY }).mayHoldUnknowns).toBe(true);
  });
});
