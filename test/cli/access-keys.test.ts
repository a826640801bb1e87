import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

/**
 * Access keys in a snapshot: held to their canonical shape like every resource, judged on their
 * user, their age counted to the run's today (`ACCESS_BASELINE_TODAY` fixes it).
 */

const dir = await mkdtemp(join(tmpdir(), "access-keys-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

const ACCOUNT = "111122223333";

function snapshot(key: Record<string, unknown>): Record<string, unknown> {
  const iam = (type: string, id: string, properties: Record<string, unknown>) => ({
    type,
    id,
    account: ACCOUNT,
    region: "global",
    source: { kind: "snapshot" },
    properties,
  });
  return {
    format: "access-baseline/snapshot",
    version: 1,
    createdAt: "2026-11-20T09:30:00.000Z",
    tool: { name: "access-baseline", version: "0.0.0" },
    scopes: [{ account: ACCOUNT, region: "us-east-1" }],
    resources: [
      iam("AWS::IAM::User", "dave", { UserName: "dave", Path: "/" }),
      iam("AWS::IAM::AccessKey", "dave/access_key_1", {
        Name: "dave/access_key_1",
        UserName: "dave",
        ...key,
      }),
    ],
    collectionErrors: [],
  };
}

async function check(name: string, key: Record<string, unknown>) {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(snapshot(key)));
  return runCli(
    [
      "check",
      "--snapshot",
      path,
      "--rule",
      "long-lived-access-keys",
      "--fail-on",
      "warning",
      "--format",
      "json",
    ],
    {
      env: { ACCESS_BASELINE_TODAY: "2026-12-01" },
    },
  );
}

describe("access keys in a snapshot", () => {
  it("fail their user with the key's age on the day ACCESS_BASELINE_TODAY gives", async () => {
    const run = await check("active", {
      Status: "Active",
      CreateDate: "2025-08-15T10:21:00+00:00",
      AccessKeyLastUsed: {
        LastUsedDate: "2026-11-24T17:02:00+00:00",
        ServiceName: "s3",
        Region: "eu-west-1",
      },
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { results: { status: string; message: string }[] };
    expect(report.results.map((result) => [result.status, result.message])).toEqual([
      [
        "fail",
        "IAM user dave has active access keys: dave/access_key_1 (473 days old, last used 2026-11-24 (s3, eu-west-1))",
      ],
    ]);
  });

  it("refuse a snapshot whose key status is not one AWS writes (lowercase active)", async () => {
    const run = await check("lowercase", { Status: "active", CreateDate: "2025-08-15T10:21:00+00:00" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Status/);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("refuse a snapshot whose key creation date is not ISO 8601", async () => {
    const run = await check("odd-date", { Status: "Active", CreateDate: "15/08/2025" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/CreateDate/);
  });

  it("make a creation date after today an error, never a pass", async () => {
    const run = await check("future", { Status: "Active", CreateDate: "2027-01-01T00:00:00Z" });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { results: { status: string; message: string }[] };
    expect(report.results).toEqual([
      expect.objectContaining({
        status: "error",
        message: expect.stringMatching(/created on 2027-01-01, after today \(2026-12-01\)/),
      }),
    ]);
  });
});
