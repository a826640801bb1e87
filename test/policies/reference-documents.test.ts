import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR } from "../../src/assets.js";
import { evaluateRules } from "../../src/engine/evaluate.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import type { RuleResult } from "../../src/engine/result.js";
import { Inventory } from "../../src/model/inventory.js";
import type { JsonObject, Resource } from "../../src/model/resource.js";
import { REPO } from "../support/cli.js";

/**
 * The reference documents in policies/ must satisfy the whole pack, and each protective element
 * in them must matter: removing it makes the rule that guards it fail.
 */
const ACCOUNT = "111122223333";
const REGION = "us-east-1";

async function policy(name: string): Promise<JsonObject> {
  return JSON.parse(await readFile(join(REPO, "policies", name), "utf8")) as JsonObject;
}

const userPolicy = await policy("session-manager-user-policy.json");
const trustPolicy = await policy("assume-role-trust-policy.json");
const preferences = await policy("session-manager-preferences.json");
const startSessionPattern = await policy("session-start-event-pattern.json");
const { rules, problems } = await loadRuleDirectories([BUILTIN_RULES_DIR], REPO);

type Mutation = (documents: {
  user: JsonObject;
  trust: JsonObject;
  preferences: JsonObject;
  pattern: JsonObject;
}) => void;

function inventoryOf(mutate: Mutation = () => {}): Inventory {
  const documents = structuredClone({
    user: userPolicy,
    trust: trustPolicy,
    preferences,
    pattern: startSessionPattern,
  });
  mutate(documents);
  const resource = (
    type: Resource["type"],
    id: string,
    region: string,
    properties: JsonObject,
  ): Resource => ({
    type,
    id,
    account: ACCOUNT,
    region,
    source: { kind: "snapshot" },
    properties,
  });
  return new Inventory({
    resources: [
      resource("AWS::IAM::User", "alice", "global", {
        UserName: "alice",
        Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        UserPolicyList: [{ PolicyName: "session-manager-user", PolicyDocument: documents.user }],
        GroupList: [],
        AttachedManagedPolicies: [],
      }),
      resource("AWS::IAM::Role", "SessionOperator", "global", {
        RoleName: "SessionOperator",
        Arn: `arn:aws:iam::${ACCOUNT}:role/SessionOperator`,
        AssumeRolePolicyDocument: documents.trust,
        RolePolicyList: [{ PolicyName: "session-manager-user", PolicyDocument: documents.user }],
        AttachedManagedPolicies: [],
        InstanceProfileList: [],
      }),
      resource("AWS::SSM::Document", "SSM-SessionManagerRunShell", REGION, {
        Name: "SSM-SessionManagerRunShell",
        DocumentType: "Session",
        DocumentFormat: "JSON",
        Content: documents.preferences,
      }),
      resource("AWS::Events::Rule", "session-start-alert", REGION, {
        Name: "session-start-alert",
        State: "ENABLED",
        EventPattern: documents.pattern,
        Targets: [{ Id: "notify", Arn: `arn:aws:sns:${REGION}:${ACCOUNT}:session-alerts` }],
      }),
      resource("AWS::CloudTrail::Trail", "management-events", REGION, {
        Name: "management-events",
        IsMultiRegionTrail: true,
        IsLogging: true,
      }),
    ],
    scopes: [{ account: ACCOUNT, region: REGION }],
  });
}

function evaluate(mutate?: Mutation): RuleResult[] {
  return evaluateRules(rules, inventoryOf(mutate), { params: new Map() });
}

const statement = (document: JsonObject, sid: string) =>
  (document.Statement as JsonObject[]).find((s) => s.Sid === sid)!;
const inputs = (documents: { preferences: JsonObject }) => documents.preferences.inputs as JsonObject;

describe("the reference documents in policies/", () => {
  it("pass every rule of the pack", () => {
    expect(problems).toEqual([]);
    const results = evaluate();
    expect(results.filter((r) => r.status === "fail" || r.status === "error")).toEqual([]);
    // Every rule that applies to these resources judged them.
    const judged = new Set(results.filter((r) => r.status === "pass").map((r) => r.ruleId));
    for (const id of [
      "role-session-name-condition",
      "start-session-document-access-check",
      "start-session-source-condition",
      "session-termination-scoped",
      "session-kms-permission",
      "session-logging-enabled",
      "session-logs-encrypted",
      "session-kms-encryption",
      "session-timeouts",
      "session-run-as",
      "port-forwarding-documents-limited",
      "session-start-alerting",
    ]) {
      expect(judged, id).toContain(id);
    }
  });

  it.each<[string, string, Mutation]>([
    [
      "the session-name condition of the trust policy",
      "role-session-name-condition",
      ({ trust }) => delete (trust.Statement as JsonObject[])[0]!.Condition,
    ],
    [
      "the session-document access check",
      "start-session-document-access-check",
      ({ user }) =>
        delete (
          statement(user, "StartSessionsWithApprovedDocumentsFromTrustedNetworks").Condition as JsonObject
        ).BoolIfExists,
    ],
    [
      "the source IP condition",
      "start-session-source-condition",
      ({ user }) =>
        delete (
          statement(user, "StartSessionsWithApprovedDocumentsFromTrustedNetworks").Condition as JsonObject
        ).IpAddress,
    ],
    [
      "the scoping of termination to the user's own sessions",
      "session-termination-scoped",
      ({ user }) => (statement(user, "TerminateAndResumeOnlyOwnSessions").Resource = "*"),
    ],
    [
      "the permission on the session key",
      "session-kms-permission",
      ({ user }) =>
        (user.Statement = (user.Statement as JsonObject[]).filter(
          (s) => s.Sid !== "EncryptSessionDataWithTheSessionKey",
        )),
    ],
    [
      "both log destinations",
      "session-logging-enabled",
      (documents) => {
        inputs(documents).s3BucketName = "";
        inputs(documents).cloudWatchLogGroupName = "";
      },
    ],
    [
      "S3 log encryption",
      "session-logs-encrypted",
      (documents) => (inputs(documents).s3EncryptionEnabled = false),
    ],
    [
      "CloudWatch Logs encryption",
      "session-logs-encrypted",
      (documents) => (inputs(documents).cloudWatchEncryptionEnabled = false),
    ],
    ["the session KMS key", "session-kms-encryption", (documents) => delete inputs(documents).kmsKeyId],
    [
      "the maximum session duration",
      "session-timeouts",
      (documents) => delete inputs(documents).maxSessionDuration,
    ],
    [
      "a short idle timeout",
      "session-timeouts",
      (documents) => (inputs(documents).idleSessionTimeout = "60"),
    ],
    ["run as a named OS user", "session-run-as", (documents) => (inputs(documents).runAsEnabled = false)],
    [
      "the resource-tag condition on the instances",
      "port-forwarding-documents-limited",
      ({ user }) =>
        delete (statement(user, "StartSessionsOnTaggedInstancesFromTrustedNetworks").Condition as JsonObject)
          .StringEquals,
    ],
    [
      "the StartSession event name in the alert's pattern",
      "session-start-alerting",
      ({ pattern }) => ((pattern.detail as JsonObject).eventName = ["StartSessions"]),
    ],
  ])("fail %s without it (%s)", (_element, ruleId, mutate) => {
    const failing = evaluate(mutate).filter((r) => r.status === "fail" || r.status === "error");
    expect(failing.map((r) => r.ruleId)).toContain(ruleId);
    expect(failing.every((r) => r.status === "fail")).toBe(true);
  });
});
