import { describe, expect, it } from "vitest";
import { headlineCounts } from "../../src/campaign/headline.js";
import { mergeRuns } from "../../src/campaign/history.js";
import { buildCampaignView } from "../../src/campaign/view.js";
import { change, figureNow } from "../../src/campaign/format.js";
import { renderCampaignMarkdown } from "../../src/campaign/markdown.js";
import { ACCOUNT, group, instance, item, run, RULES, SSH_22_FROM_ANYWHERE } from "./builders.js";

const rules = new Map(RULES.map((rule) => [rule.id, rule]));
const internet = group("sg-0000000000000001");
const vpnOnly = group("sg-0000000000000002");
const exposed = instance("i-0000000000000001", { securityGroups: [internet.id], publicIp: "198.51.100.7" });
const internal = instance("i-0000000000000002", { securityGroups: [vpnOnly.id] });
const stopped = instance("i-0000000000000003", { securityGroups: [internet.id], state: "terminated" });

describe("headlineCounts", () => {
  it("counts instances behind failing groups, and each other figure by distinct resource", () => {
    const counts = headlineCounts(
      [
        item("ssh-from-internet", "AWS::EC2::SecurityGroup", internet.id),
        item("ssh-from-any-source", "AWS::EC2::SecurityGroup", internet.id),
        item("ssh-from-any-source", "AWS::EC2::SecurityGroup", vpnOnly.id),
        item("exposed-bastion", "AWS::EC2::Instance", exposed.id),
        item("instance-key-pair", "AWS::EC2::Instance", exposed.id),
        item("instance-managed-by-ssm", "AWS::EC2::Instance", internal.id),
        item("ssm-agent-version", "AWS::SSM::ManagedInstanceInventory", exposed.id),
        item("role-session-name-condition", "AWS::IAM::Role", "Admin", { region: "global" }),
        // An attribution rule on a document is no principal.
        item("session-run-as", "AWS::SSM::Document", "SSM-SessionManagerRunShell"),
        // Not evaluated is not failing: it is counted apart.
        item("instance-key-pair", "AWS::EC2::Instance", internal.id, { status: "error" }),
      ],
      [internet, vpnOnly, exposed, internal, stopped],
      rules,
    );
    expect(counts).toEqual({
      "ssh-internet": 1,
      "ssh-anywhere": 2,
      unmanaged: 1,
      "agent-outdated": 1,
      "key-pairs": 1,
      bastions: 1,
      attribution: 1,
    });
  });
});

describe("the headline's change since the previous run", () => {
  const ssh = (id: string) =>
    item("ssh-from-internet", "AWS::EC2::SecurityGroup", id, {
      evidence: [{ path: "IpPermissions[0]", value: SSH_22_FROM_ANYWHERE }],
    });

  it("compares the newest point with the one before", () => {
    const view = buildCampaignView(
      mergeRuns([
        run(
          "1.json",
          "2026-11-01T00:00:00Z",
          [ssh(internet.id), item("instance-key-pair", "AWS::EC2::Instance", internal.id)],
          [internet, exposed, internal],
        ),
        run(
          "2.json",
          "2026-11-08T00:00:00Z",
          [
            item("instance-key-pair", "AWS::EC2::Instance", internal.id),
            item("instance-key-pair", "AWS::EC2::Instance", exposed.id),
          ],
          [internet, exposed, internal],
        ),
      ]),
      { ownerTags: ["Team"] },
    );
    const figures = Object.fromEntries(view.headline.map((figure) => [figure.id, figure]));
    expect(figures["ssh-internet"]).toMatchObject({ current: 0, previous: 1 });
    expect(figures["key-pairs"]).toMatchObject({ current: 2, previous: 1 });
    expect(change(figures["ssh-internet"]!)).toBe("down 1 (from 1)");
    expect(change(figures["key-pairs"]!)).toBe("up 1 (from 1)");
    expect(change(figures.bastions!)).toBe("no change");
  });

  it("gives no change, only a lower bound, for a figure whose results could not be evaluated", () => {
    const view = buildCampaignView(
      mergeRuns([
        run(
          "1.json",
          "2026-11-01T00:00:00Z",
          [ssh(internet.id), item("instance-key-pair", "AWS::EC2::Instance", exposed.id)],
          [internet, exposed],
        ),
        // DescribeInstances denied: the instance rules' errors are on the account, and no instance is known.
        run(
          "2.json",
          "2026-11-08T00:00:00Z",
          [ssh(internet.id), item("instance-key-pair", "AWS::::Account", ACCOUNT, { status: "error" })],
          [internet],
        ),
      ]),
      { ownerTags: ["Team"] },
    );
    const figures = Object.fromEntries(view.headline.map((figure) => [figure.id, figure]));
    expect(figures["key-pairs"]).toMatchObject({ current: 0, previous: 1, notEvaluated: 1 });
    expect(figures["ssh-internet"]).toMatchObject({ current: 0, previous: 1, notEvaluated: 1 });
    expect(change(figures["key-pairs"]!)).toBe("not known: 1 not evaluated");
    expect(figureNow(figures["key-pairs"]!)).toBe("at least 0");
    expect(figures.attribution).toMatchObject({ notEvaluated: 0 });
    expect(renderCampaignMarkdown(view)).toContain(
      "| Instances launched with a key pair | at least 0 | not known: 1 not evaluated |",
    );
  });

  it("has no previous value with a single run", () => {
    const view = buildCampaignView(mergeRuns([run("1.json", "2026-11-01T00:00:00Z", [])]), {
      ownerTags: ["Team"],
    });
    expect(view.headline.every((figure) => figure.previous === undefined)).toBe(true);
    expect(change(view.headline[0]!)).toBe("first run");
  });
});
