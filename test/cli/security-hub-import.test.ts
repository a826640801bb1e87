import { afterEach, describe, expect, it } from "vitest";
import { IMPORT_BATCH_SIZE, importFindings } from "../../src/cli/security-hub.js";
import { exampleWorld } from "../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint, type AwsEndpoint } from "../support/aws-endpoint/server.js";
import type { FakeWorld } from "../support/aws-endpoint/world.js";

let endpoint: AwsEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

function findings(count: number, region = "eu-west-1") {
  return Array.from({ length: count }, (_, index) => ({
    SchemaVersion: "2018-10-08",
    Id: `access-baseline/finding-${region}-${index}`,
    ProductArn: `arn:aws:securityhub:${region}:111122223333:product/111122223333/default`,
  }));
}

async function send(world: FakeWorld, list: ReturnType<typeof findings>) {
  endpoint = await startAwsEndpoint(world);
  return importFindings(list, {
    credentials: () =>
      Promise.resolve({
        accessKeyId: world.base.accessKeyId,
        secretAccessKey: world.base.secretAccessKey,
      }),
    endpoint: endpoint.url,
    maxAttempts: 1,
  });
}

describe("importFindings", () => {
  it("sends batches of at most 100, each to its region's Security Hub", async () => {
    const world = exampleWorld();
    const outcome = await send(world, [...findings(2 * IMPORT_BATCH_SIZE + 1), ...findings(3, "us-east-1")]);
    expect(outcome).toEqual({ batches: 4, imported: 204, failed: [] });
    expect(endpoint!.counts()["securityhub:BatchImportFindings"]).toBe(4);
    expect(endpoint!.calls.map((call) => [call.region, (call.params.Findings as unknown[]).length])).toEqual([
      ["eu-west-1", 100],
      ["eu-west-1", 100],
      ["eu-west-1", 1],
      ["us-east-1", 3],
    ]);
    expect(world.securityHub!.imported).toHaveLength(204);
  });

  it("returns every finding Security Hub refuses, with its reason", async () => {
    const world = exampleWorld({
      securityHub: { imported: [], refuse: ["access-baseline/finding-eu-west-1-1"] },
    });
    const outcome = await send(world, findings(3));
    expect(outcome.imported).toBe(2);
    expect(outcome.failed).toEqual([
      {
        id: "access-baseline/finding-eu-west-1-1",
        code: "InvalidInput",
        message: "Finding access-baseline/finding-eu-west-1-1 was refused (scripted)",
      },
    ]);
  });

  it("counts every finding of a batch whose call fails as failed, never as sent", async () => {
    const world = exampleWorld({
      faults: [{ service: "securityhub", code: "AccessDeniedException", status: 403 }],
    });
    const outcome = await send(world, findings(3));
    expect(outcome.imported).toBe(0);
    expect(outcome.failed.map((failure) => failure.id)).toEqual(findings(3).map((finding) => finding.Id));
    expect(outcome.failed[0]!.message).toMatch(/^BatchImportFindings in eu-west-1: /);
  });
});
