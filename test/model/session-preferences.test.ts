import { describe, expect, it } from "vitest";
import { Inventory } from "../../src/model/inventory.js";
import type { Resource } from "../../src/model/resource.js";
import { SESSION_MANAGER_DEFAULTS, withPreferenceDefaults } from "../../src/model/session-preferences.js";
import { unknownValue } from "../../src/model/unknown.js";

function document(name: string, content: unknown): Resource {
  return {
    type: "AWS::SSM::Document",
    id: name,
    account: "111122223333",
    region: "eu-west-1",
    source: { kind: "aws-live" },
    properties: { Name: name, DocumentType: "Session", Content: content as never },
  };
}

const inputsOf = (properties: Record<string, unknown>) => (properties.Content as { inputs: unknown }).inputs;

describe("Session Manager preference defaults", () => {
  it("are AWS's documented defaults: 20-minute idle timeout, no maximum, run-as disabled, no key, no logs", () => {
    expect(SESSION_MANAGER_DEFAULTS).toEqual({
      idleSessionTimeout: "20",
      maxSessionDuration: "",
      runAsEnabled: false,
      runAsDefaultUser: "",
      kmsKeyId: "",
      s3BucketName: "",
      cloudWatchLogGroupName: "",
    });
  });

  it("fill the inputs a preferences document leaves out, null or empty, and keep the others", () => {
    const resource = document("SSM-SessionManagerRunShell", {
      schemaVersion: "1.0",
      inputs: {
        idleSessionTimeout: "",
        maxSessionDuration: "60",
        runAsEnabled: null,
        s3EncryptionEnabled: false,
      },
    });
    expect(inputsOf(withPreferenceDefaults(resource))).toEqual({
      ...SESSION_MANAGER_DEFAULTS,
      idleSessionTimeout: "20",
      maxSessionDuration: "60",
      runAsEnabled: false,
      s3EncryptionEnabled: false,
    });
    // The resource itself is not changed: what was read stays as it was read.
    expect(inputsOf(resource.properties)).toMatchObject({ idleSessionTimeout: "" });
  });

  it("leave other documents and unknown inputs alone", () => {
    const other = document("AWS-StartPortForwardingSession", { inputs: {} });
    expect(withPreferenceDefaults(other)).toBe(other.properties);
    const unknown = document("SSM-SessionManagerRunShell", { inputs: unknownValue("known after apply") });
    expect(withPreferenceDefaults(unknown)).toBe(unknown.properties);
  });

  it("are what rules see, for a collected document and for a region without one", () => {
    const collected = document("SSM-SessionManagerRunShell", { inputs: { kmsKeyId: "alias/sessions" } });
    const inventory = new Inventory({
      resources: [collected],
      scopes: [
        { account: "111122223333", region: "eu-west-1" },
        { account: "111122223333", region: "us-east-1" },
      ],
    });
    const [first, standIn] = inventory.ofType("AWS::SSM::Document");
    expect(inputsOf(inventory.documentOf(first!))).toEqual({
      ...SESSION_MANAGER_DEFAULTS,
      kmsKeyId: "alias/sessions",
    });
    expect(standIn!.region).toBe("us-east-1");
    expect(inputsOf(inventory.documentOf(standIn!))).toEqual(SESSION_MANAGER_DEFAULTS);
  });
});

describe("the preferences document a rule sees", () => {
  it("has the defaults filled in and keeps what relations gave it (the region's event rules and trails)", () => {
    const preferences = document("SSM-SessionManagerRunShell", { schemaVersion: "1.0", inputs: {} });
    const rule: Resource = {
      type: "AWS::Events::Rule",
      id: "session-started",
      account: "111122223333",
      region: "eu-west-1",
      source: { kind: "aws-live" },
      properties: {
        Name: "session-started",
        State: "ENABLED",
        EventPattern: { source: ["aws.ssm"] },
        Targets: [],
      },
    };
    const inventory = new Inventory({
      resources: [preferences, rule],
      scopes: [{ account: "111122223333", region: "eu-west-1" }],
      collectionErrors: [],
    });
    const seen = inventory.documentOf(preferences) as Record<string, unknown>;
    expect((inputsOf(seen) as Record<string, unknown>).idleSessionTimeout).toBe("20");
    expect((seen.related as { EventRules: unknown[] }).EventRules).toEqual([rule.properties]);
  });
});
