import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { EMPTY_CONFIGURATION } from "../../src/config/config-file.js";
import { evaluateRules } from "../../src/engine/evaluate.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import { prepareRuleSet } from "../../src/engine/rule-set.js";
import { Inventory } from "../../src/model/inventory.js";
import type { Resource } from "../../src/model/resource.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { Harness } from "./support/harness.js";
import { changeEvent, configIdOf, scheduledEvent, toConfigItem } from "./support/to-config-item.js";
import { REPO } from "./support/world.js";

/**
 * The same resources through the CLI's snapshot path and through AWS Config: the example
 * snapshot is checked as `access-baseline check --snapshot` checks it, and each of its resources
 * is turned into the configuration item Config would record and sent to the handler, whose
 * reads are answered from the same snapshot. Every rule must give the same verdict for every
 * resource both ways.
 */

const harness = new Harness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

const snapshot = parseSnapshot(
  readFileSync(new URL("examples/snapshot.json", REPO), "utf8"),
  "examples/snapshot.json",
);
const ITEM_TYPES = [
  "AWS::EC2::SecurityGroup",
  "AWS::EC2::Instance",
  "AWS::IAM::Role",
  "AWS::IAM::User",
  "AWS::IAM::Group",
  "AWS::SSM::ManagedInstanceInventory",
];

async function cliVerdicts(): Promise<Map<string, string>> {
  const { rules, problems } = await loadRuleDirectories([BUILTIN_RULES_DIR]);
  expect(problems).toEqual([]);
  const { rules: enabled, settings } = prepareRuleSet(rules, EMPTY_CONFIGURATION, new Map());
  const inventory = new Inventory(snapshot);
  const byRef = new Map(
    inventory.resources.map((resource) => [`${resource.type}|${resource.region}|${resource.id}`, resource]),
  );
  const verdicts = new Map<string, string>();
  for (const result of evaluateRules(enabled, inventory, settings)) {
    const { type, region, id } = result.resource;
    const resource = byRef.get(`${type}|${region}|${id}`);
    if (!resource) continue;
    verdicts.set(key(result.ruleId, resource), result.status);
  }
  return verdicts;
}

function key(ruleId: string, resource: Pick<Resource, "type" | "region" | "id" | "properties">): string {
  const configId =
    resource.type === "AWS::SSM::Document" ? resource.region : configIdOf(resource as Resource);
  return `${ruleId} ${resource.type} ${configId}`;
}

/** The handler's per-rule statuses, from its evaluation log lines (written even when it fails). */
function loggedVerdicts(
  into: Map<string, string>,
  type: (line: Record<string, unknown>) => string,
  id: (line: Record<string, unknown>) => string,
) {
  for (const line of harness.logs("evaluation")) {
    for (const [ruleId, status] of Object.entries((line.rules ?? {}) as Record<string, string>)) {
      into.set(`${ruleId} ${type(line)} ${id(line)}`, status);
    }
  }
}

describe("parity with the CLI", () => {
  it("gives every rule the same verdict on every resource of the example snapshot", async () => {
    const expected = await cliVerdicts();
    const actual = new Map<string, string>();
    const regions = [...new Set(snapshot.scopes.map((scope) => scope.region))];

    for (const resource of snapshot.resources.filter((candidate) => ITEM_TYPES.includes(candidate.type))) {
      const handler = harness.reset({ resources: snapshot.resources, regions });
      await handler(changeEvent(toConfigItem(resource))).catch(() => undefined);
      loggedVerdicts(
        actual,
        (line) => String(line.resourceType),
        (line) => String(line.resourceId),
      );
    }
    // The preferences of each region, as the periodic rule judges them (reported on the account).
    for (const region of regions) {
      const handler = harness.reset({ resources: snapshot.resources, regions }, {}, region);
      await handler(
        scheduledEvent(
          snapshot.scopes[0]!.account,
          JSON.stringify({
            rules:
              "session-logging-enabled,session-logs-encrypted,session-kms-encryption,session-timeouts,session-run-as,session-start-alerting",
          }),
        ),
      );
      loggedVerdicts(
        actual,
        () => "AWS::SSM::Document",
        () => region,
      );
    }

    const comparable = [...expected].filter(
      ([name]) =>
        ITEM_TYPES.some((type) => name.includes(` ${type} `)) || name.includes(" AWS::SSM::Document "),
    );
    expect(comparable.length).toBeGreaterThan(100);
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries(comparable.sort()));
    // Both ways find something to report, so the comparison is not vacuous.
    expect(new Set([...actual.values()])).toEqual(new Set(["pass", "fail", "not_applicable"]));
  });

  it("judges session-start-alerting per region from the trails and event rules it reads", async () => {
    const account = snapshot.scopes[0]!.account;
    const alerting: Resource[] = [
      {
        type: "AWS::CloudTrail::Trail",
        id: "management-events",
        arn: `arn:aws:cloudtrail:eu-west-1:${account}:trail/management-events`,
        account,
        region: "eu-west-1",
        source: { kind: "aws-live" },
        properties: { Name: "management-events", IsMultiRegionTrail: true, IsLogging: true },
      },
      // Rules that do not alert, listed first: with pages of one rule, the alert is on the fourth.
      ...["build-failed", "nightly-report", "ssm-disabled"].map((name): Resource => ({
        type: "AWS::Events::Rule",
        id: name,
        arn: `arn:aws:events:us-east-1:${account}:rule/${name}`,
        account,
        region: "us-east-1",
        source: { kind: "aws-live" },
        properties: {
          Name: name,
          State: name === "ssm-disabled" ? "DISABLED" : "ENABLED",
          EventPattern: { source: [name === "ssm-disabled" ? "aws.ssm" : "aws.codebuild"] },
          Targets: [{ Id: "notify", Arn: `arn:aws:sns:us-east-1:${account}:other` }],
        },
      })),
      {
        type: "AWS::Events::Rule",
        id: "session-start-alert",
        arn: `arn:aws:events:us-east-1:${account}:rule/session-start-alert`,
        account,
        region: "us-east-1",
        source: { kind: "aws-live" },
        properties: {
          Name: "session-start-alert",
          State: "ENABLED",
          EventPattern: {
            source: ["aws.ssm"],
            "detail-type": ["AWS API Call via CloudTrail"],
            detail: { eventSource: ["ssm.amazonaws.com"], eventName: ["StartSession"] },
          },
          Targets: [{ Id: "notify", Arn: `arn:aws:sns:us-east-1:${account}:session-alerts` }],
        },
      },
    ];
    const world = { ...snapshot, resources: [...snapshot.resources, ...alerting] };
    const expected = new Map<string, string>();
    const inventory = new Inventory(world);
    const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR]);
    const { rules: enabled, settings } = prepareRuleSet(rules, EMPTY_CONFIGURATION, new Map());
    for (const result of evaluateRules(
      enabled.filter((rule) => rule.metadata.id === "session-start-alerting"),
      inventory,
      settings,
    ))
      expected.set(`session-start-alerting AWS::SSM::Document ${result.resource.region}`, result.status);

    const regions = [...new Set(snapshot.scopes.map((scope) => scope.region))];
    const actual = new Map<string, string>();
    for (const region of regions) {
      const handler = harness.reset({ resources: world.resources, regions, pageSize: 1 }, {}, region);
      await handler(scheduledEvent(account, JSON.stringify({ rules: "session-start-alerting" })));
      if (region === "us-east-1")
        expect(harness.fake.reads.filter((read) => read === "events:ListRules")).toHaveLength(4);
      loggedVerdicts(
        actual,
        () => "AWS::SSM::Document",
        () => region,
      );
      // The multi-region trail of eu-west-1 is read in every region it records.
      expect(harness.fake.reads).toEqual(
        expect.arrayContaining([
          "cloudtrail:DescribeTrails",
          "cloudtrail:GetTrailStatus",
          "events:ListRules",
        ]),
      );
    }
    expect(actual).toEqual(expected);
    expect(actual.get("session-start-alerting AWS::SSM::Document us-east-1")).toBe("pass");
    expect([...actual.values()]).toContain("fail");
  });

  it("judges every principal of the account the same way on a schedule", async () => {
    const expected = await cliVerdicts();
    const regions = [...new Set(snapshot.scopes.map((scope) => scope.region))];
    const handler = harness.reset({ resources: snapshot.resources, regions });
    const ids = [
      "role-session-name-condition",
      "session-kms-permission",
      "session-termination-scoped",
      "start-session-document-access-check",
      "start-session-source-condition",
    ];
    await handler(scheduledEvent(snapshot.scopes[0]!.account, JSON.stringify({ rules: ids.join(",") })));
    const actual = new Map<string, string>();
    loggedVerdicts(
      actual,
      (line) => String(line.resourceType),
      (line) => String(line.resourceId),
    );
    const principals = [...expected].filter(
      ([name]) => ids.includes(name.split(" ")[0]!) && /AWS::IAM::(Role|User|Group) /.test(name),
    );
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries(principals.sort()));
  });
});
