import { describe, expect, it } from "vitest";
import { mergeRuns } from "../../src/campaign/history.js";
import { factsFor, ownerOf } from "../../src/campaign/owners.js";
import { buildCampaignView } from "../../src/campaign/view.js";
import { resourceKey } from "../../src/campaign/model.js";
import { renderCampaignMarkdown } from "../../src/campaign/markdown.js";
import { ACCOUNT, group, instance, item, run, SSH_22_FROM_ANYWHERE } from "./builders.js";

const OWNER_TAGS = ["Team", "Owner"];

describe("ownerOf", () => {
  it("takes the first owner tag present, in the order given", () => {
    expect(ownerOf(instance("i-01", { tags: { Owner: "alice", Team: "web" } }), OWNER_TAGS)).toBe("web");
    expect(ownerOf(instance("i-01", { tags: { Owner: "alice" } }), OWNER_TAGS)).toBe("alice");
    expect(
      ownerOf(instance("i-01", { tags: { Owner: "alice", Team: "web" } }), ["CostCenter", "Owner"]),
    ).toBe("alice");
  });

  it("puts untagged resources, blank tags and resources without facts under no owner", () => {
    expect(ownerOf(instance("i-01", { tags: { Name: "x" } }), OWNER_TAGS)).toBe("no owner");
    expect(ownerOf(instance("i-01", { tags: { Team: "  " } }), OWNER_TAGS)).toBe("no owner");
    expect(ownerOf(undefined, OWNER_TAGS)).toBe("no owner");
  });

  it("gives a managed node the facts of the instance with its id", () => {
    const fact = instance("i-0000000000000001", { tags: { Team: "data" } });
    const facts = new Map([[resourceKey(fact), fact]]);
    const node = {
      type: "AWS::SSM::ManagedInstanceInventory",
      id: "i-0000000000000001",
      account: ACCOUNT,
      region: "us-east-1",
    };
    expect(factsFor(node, facts)).toBe(fact);
    expect(factsFor({ ...node, region: "eu-west-1" }, facts)).toBeUndefined();
  });
});

describe("the campaign view", () => {
  const web = instance("i-0000000000000001", { tags: { Team: "web", Name: "app" } });
  const data = instance("i-0000000000000002", { tags: { Team: "data" }, region: "eu-west-1" });
  const sshGroup = group("sg-0000000000000001", { tags: { Owner: "network" } });

  const first = run(
    "1.json",
    "2026-11-01T00:00:00Z",
    [
      item("instance-key-pair", "AWS::EC2::Instance", web.id),
      item("instance-managed-by-ssm", "AWS::EC2::Instance", web.id),
      item("instance-key-pair", "AWS::EC2::Instance", data.id, { region: "eu-west-1" }),
      item("ssh-from-internet", "AWS::EC2::SecurityGroup", sshGroup.id, {
        evidence: [{ path: "IpPermissions[0]", value: SSH_22_FROM_ANYWHERE }],
      }),
      item("instance-key-pair", "AWS::EC2::Instance", "i-0000000000000009"),
    ],
    [web, data, sshGroup],
  );
  const second = run(
    "2.json",
    "2026-11-08T00:00:00Z",
    [
      item("instance-key-pair", "AWS::EC2::Instance", data.id, { region: "eu-west-1" }),
      item("ssh-from-internet", "AWS::EC2::SecurityGroup", sshGroup.id, {
        evidence: [{ path: "IpPermissions[0]", value: SSH_22_FROM_ANYWHERE }],
      }),
      item("ssm-agent-version", "AWS::SSM::ManagedInstanceInventory", data.id, {
        region: "eu-west-1",
        status: "error",
      }),
    ],
    [web, data, sshGroup],
  );
  const view = buildCampaignView(mergeRuns([second, first]), { ownerTags: OWNER_TAGS });

  it("groups the newest open items by owner, then account and region", () => {
    const owners = Object.fromEntries(view.owners.map((owner) => [owner.owner, owner]));
    expect(view.owners.map((owner) => owner.owner)).toEqual(["data", "network", "web", "no owner"]);
    expect(owners.data!.openItems).toBe(2);
    expect(owners.data!.groups.map((g) => [g.account, g.region, g.resources.length])).toEqual([
      [ACCOUNT, "eu-west-1", 2],
    ]);
    // The managed node is a resource of its own, owned through its instance's tags.
    expect(
      owners.data!.groups[0]!.resources.map((row) => [row.type, row.items.map((open) => open.ruleId)]),
    ).toEqual([
      ["AWS::EC2::Instance", ["instance-key-pair"]],
      ["AWS::SSM::ManagedInstanceInventory", ["ssm-agent-version"]],
    ]);
    expect(owners.network!.openItems).toBe(1);
  });

  it("shows owners that reached zero as done, with their peak", () => {
    const web = view.owners.find((owner) => owner.owner === "web")!;
    expect(web).toMatchObject({ openItems: 0, peak: 2, done: true, groups: [] });
    expect(view.owners.find((owner) => owner.owner === "no owner")).toMatchObject({
      openItems: 0,
      done: true,
    });
  });

  it("draws a burn-down point for every owner at every run", () => {
    const web = view.burnDown.filter((point) => point.owner === "web").map((point) => point.open);
    expect(web).toEqual([2, 0]);
    expect(view.burnDown).toHaveLength(view.owners.length * 2);
  });

  it("says when each open item was first and last seen", () => {
    const [row, node] = view.owners.find((owner) => owner.owner === "data")!.groups[0]!.resources;
    const keyPair = row!.items.find((open) => open.ruleId === "instance-key-pair")!;
    expect([keyPair.firstSeen, keyPair.lastSeen]).toEqual([
      "2026-11-01T00:00:00.000Z",
      "2026-11-08T00:00:00.000Z",
    ]);
    const agent = node!.items.find((open) => open.ruleId === "ssm-agent-version")!;
    expect(agent.firstSeen).toBe("2026-11-08T00:00:00.000Z");
  });

  it("counts results that could not be evaluated as open, and says so", () => {
    expect(view.notEvaluated).toBe(1);
    expect(view.points.map((point) => [point.open, point.notEvaluated])).toEqual([
      [5, 0],
      [3, 1],
    ]);
  });
});

describe("an owner whose resources a failed listing may hide", () => {
  const web = instance("i-0000000000000001", { tags: { Team: "web" } });
  const data = instance("i-0000000000000002", { tags: { Team: "data" }, region: "eu-west-1" });
  const first = run(
    "1.json",
    "2026-11-01T00:00:00Z",
    [
      item("instance-key-pair", "AWS::EC2::Instance", web.id),
      item("instance-key-pair", "AWS::EC2::Instance", data.id, { region: "eu-west-1" }),
    ],
    [web, data],
  );
  // The next week DescribeInstances was denied in us-east-1: no instance there, an error on the account.
  const second = run(
    "2.json",
    "2026-11-08T00:00:00Z",
    [item("instance-key-pair", "AWS::::Account", ACCOUNT, { status: "error" })],
    [],
  );
  const view = buildCampaignView(mergeRuns([first, second]), { ownerTags: OWNER_TAGS });
  const owners = Object.fromEntries(view.owners.map((owner) => [owner.owner, owner]));

  it("is not done, and says why", () => {
    expect(owners.web).toMatchObject({ openItems: 0, unjudged: 1, done: false });
    expect(renderCampaignMarkdown(view)).toContain(
      "| web | 0 | 0 | not known: 1 result not evaluated where its resources are |",
    );
  });

  it("but an owner whose resources are elsewhere is done", () => {
    expect(owners.data).toMatchObject({ openItems: 0, unjudged: 0, done: true });
  });
});

describe("spellings of one owner", () => {
  const before = instance("i-0000000000000001", { tags: { Team: "web" } });
  const spellings = ["Web", "web\u00a0", "\uff57\uff45\uff42", "web\u200b", "WEB"];

  it.each(spellings)("%j is the same owner as web: web is not shown as done", (spelling) => {
    const after = instance("i-0000000000000001", { tags: { Team: spelling } });
    const view = buildCampaignView(
      mergeRuns([
        run("1.json", "2026-11-01T00:00:00Z", [item("instance-key-pair", after.type, after.id)], [before]),
        run("2.json", "2026-11-08T00:00:00Z", [item("instance-key-pair", after.type, after.id)], [after]),
      ]),
      { ownerTags: OWNER_TAGS },
    );
    expect(view.owners).toHaveLength(1);
    expect(view.owners[0]).toMatchObject({ openItems: 1, done: false });
    // Shown under the spelling of the newest state.
    expect(view.owners[0]!.owner).toBe(spelling.trim());
  });

  it("a tag of invisible characters only is no owner", () => {
    expect(ownerOf(instance("i-01", { tags: { Team: "\u200b", Owner: "alice" } }), OWNER_TAGS)).toBe("alice");
    expect(ownerOf(instance("i-01", { tags: { Team: "\u200b\u2060" } }), OWNER_TAGS)).toBe("no owner");
  });
});
