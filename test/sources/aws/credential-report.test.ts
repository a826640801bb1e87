import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectLive, type LiveCollectionOptions } from "../../../src/sources/aws/index.js";
import {
  accessKeysFromReport,
  MalformedCredentialReport,
  parseCsv,
} from "../../../src/sources/aws/credential-report.js";
import { awsTestEnv } from "../../support/aws-endpoint/env.js";
import { ACCOUNT, exampleWorld } from "../../support/aws-endpoint/fixtures.js";
import { startAwsEndpoint } from "../../support/aws-endpoint/server.js";
import type { FakeWorld } from "../../support/aws-endpoint/world.js";

/**
 * Access keys from the IAM credential report: the CSV as IAM writes it (quoted fields, `N/A`),
 * and every way the report can fail, each a collection error for access keys, never users
 * without keys.
 */

const SCOPE = { account: ACCOUNT, partition: "aws" };
const KEY_COLUMNS = [1, 2].flatMap((n) =>
  ["active", "last_rotated", "last_used_date", "last_used_region", "last_used_service"].map(
    (field) => `access_key_${n}_${field}`,
  ),
);
const HEADER = ["user", "arn", ...KEY_COLUMNS].join(",");

describe("reading the credential report's CSV", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, and CRLF rows", () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\nlines"\r\nd,,f,\n')).toEqual([
      ["a", "b,c", 'say "hi"', "two\nlines"],
      ["d", "", "f", ""],
    ]);
  });

  it("refuses a quote left open", () => {
    expect(() => parseCsv('a,"b\n')).toThrow(MalformedCredentialReport);
  });

  it("makes each user's keys resources, N/A meaning none, and leaves out the root user", () => {
    const csv = [
      HEADER,
      "<root_account>,arn:aws:iam::111122223333:root,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A",
      'alice,"arn:aws:iam::111122223333:user/alice",true,2025-08-15T10:21:00+00:00,2026-11-24T17:02:00+00:00,eu-west-1,s3,false,2023-03-02T12:00:00+00:00,N/A,N/A,N/A',
      "bob,arn:aws:iam::111122223333:user/bob,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A",
    ].join("\n");
    const keys = accessKeysFromReport(csv, SCOPE);
    expect(keys.map((key) => key.id)).toEqual(["alice/access_key_1", "alice/access_key_2"]);
    expect(keys.map((key) => key.properties)).toEqual([
      {
        Name: "alice/access_key_1",
        UserName: "alice",
        Status: "Active",
        CreateDate: "2025-08-15T10:21:00+00:00",
        AccessKeyLastUsed: {
          LastUsedDate: "2026-11-24T17:02:00+00:00",
          ServiceName: "s3",
          Region: "eu-west-1",
        },
      },
      {
        Name: "alice/access_key_2",
        UserName: "alice",
        Status: "Inactive",
        CreateDate: "2023-03-02T12:00:00+00:00",
      },
    ]);
    expect(keys[0]!.region).toBe("global");
    expect(keys[0]!.arn).toBe("arn:aws:iam::111122223333:user/alice");
  });

  it.each([
    ["an empty report", ""],
    ["a report without the key columns", "user,arn\nalice,arn:aws:iam::111122223333:user/alice\n"],
    ["a row with too few fields", `${HEADER}\nalice,arn,true\n`],
    [
      "a flag that is neither true nor false",
      `${HEADER}\nalice,arn,yes,2025-08-15T10:21:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A\n`,
    ],
  ])("refuses %s", (_name, csv) => {
    expect(() => accessKeysFromReport(csv, SCOPE)).toThrow(MalformedCredentialReport);
  });
});

describe("collecting access keys from the credential report", () => {
  beforeAll(() => {
    for (const [name, value] of Object.entries(awsTestEnv(exampleWorld()))) vi.stubEnv(name, value);
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  const waits: number[] = [];
  const polling = (maxChecks: number) => ({
    maxChecks,
    intervalMs: 2000,
    wait: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
  });

  async function collect(world: FakeWorld, options: Partial<LiveCollectionOptions> = {}) {
    const endpoint = await startAwsEndpoint(world);
    try {
      const result = await collectLive({
        sessionName: "access-baseline-test",
        endpoint: endpoint.url,
        regions: ["us-east-1"],
        credentials: () =>
          Promise.resolve({
            accessKeyId: world.base.accessKeyId,
            secretAccessKey: world.base.secretAccessKey,
          }),
        ...options,
      });
      return { result, counts: endpoint.counts() };
    } finally {
      await endpoint.close();
    }
  }

  const keyErrors = (result: Awaited<ReturnType<typeof collect>>["result"]) =>
    result.collectionErrors.filter((error) => error.resourceTypes.includes("AWS::IAM::AccessKey"));

  it("checks again, within the bound, until the report is complete", async () => {
    const world = exampleWorld();
    world.accounts[0]!.iam.credentialReport = { checksBeforeComplete: 2 };
    waits.length = 0;
    const { result, counts } = await collect(world, { credentialReportPolling: polling(5) });
    expect(keyErrors(result)).toEqual([]);
    expect(counts["iam:GenerateCredentialReport"]).toBe(3);
    expect(waits).toEqual([2000, 2000]);
    expect(result.resources.filter((resource) => resource.type === "AWS::IAM::AccessKey")).toHaveLength(2);
  });

  it("gives up after the last check: a collection error, no keys", async () => {
    const world = exampleWorld();
    world.accounts[0]!.iam.credentialReport = { checksBeforeComplete: 10 };
    const { result, counts } = await collect(world, { credentialReportPolling: polling(3) });
    expect(counts["iam:GenerateCredentialReport"]).toBe(3);
    expect(counts["iam:GetCredentialReport"]).toBeUndefined();
    expect(keyErrors(result)).toEqual([
      expect.objectContaining({
        region: "global",
        operation: "GenerateCredentialReport",
        code: "CredentialReportNotReady",
        message: "the credential report was still STARTED after 3 checks 2 s apart",
      }),
    ]);
  });

  it("makes AccessDenied a collection error naming the action", async () => {
    const world = exampleWorld({
      faults: [{ service: "iam", operation: "GetCredentialReport", code: "AccessDenied", status: 403 }],
    });
    const { result } = await collect(world);
    expect(keyErrors(result)).toEqual([
      expect.objectContaining({ code: "AccessDenied", iamAction: "iam:GetCredentialReport" }),
    ]);
  });

  it("makes a report that does not parse a collection error", async () => {
    const world = exampleWorld();
    world.accounts[0]!.iam.credentialReport = { csv: `${HEADER}\nalice,"arn,true\n` };
    const { result } = await collect(world);
    expect(keyErrors(result)).toEqual([
      expect.objectContaining({
        operation: "GetCredentialReport",
        code: "MalformedCredentialReport",
        message: expect.stringMatching(/^the credential report is malformed: a quote is left open/),
      }),
    ]);
    expect(result.resources.filter((resource) => resource.type === "AWS::IAM::AccessKey")).toEqual([]);
  });
});
