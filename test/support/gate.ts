import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "./cli.js";

/**
 * A small, fully controlled setup for the gate's CLI tests: security groups in a snapshot and the
 * one-rule fixture pack `group-has-description` (severity note), which fails every group without a
 * description. The built-in pack would add findings these tests do not care about.
 */

export const ACCOUNT = "111122223333";

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "access-baseline-gate-"));
}

/** Writes `snapshot.json` with one security group per id; those in `described` have a description. */
export async function writeGroups(
  dir: string,
  ids: readonly string[],
  described: readonly string[] = [],
  name = "snapshot.json",
): Promise<string> {
  const snapshot = {
    format: "access-baseline/snapshot",
    version: 1,
    createdAt: "2026-11-20T09:30:00.000Z",
    tool: { name: "access-baseline", version: "0.1.0" },
    scopes: [{ account: ACCOUNT, region: "eu-west-1" }],
    resources: ids.map((id) => ({
      type: "AWS::EC2::SecurityGroup",
      id,
      arn: `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/${id}`,
      account: ACCOUNT,
      region: "eu-west-1",
      source: { kind: "aws-live" },
      properties: {
        GroupId: id,
        IpPermissions: [],
        ...(described.includes(id) ? { Description: "web servers" } : {}),
      },
    })),
    collectionErrors: [],
  };
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(snapshot));
  return file;
}

/** `check` on a snapshot with only the fixture rule, failing on notes. */
export function checkArgs(snapshot: string, ...extra: string[]): string[] {
  return [
    "check",
    "--snapshot",
    snapshot,
    "--no-builtin-rules",
    "--rules",
    join(FIXTURES, "rules/good"),
    "--fail-on",
    "note",
    ...extra,
  ];
}

export interface JsonOutput {
  summary: { byStatus: Record<string, number> };
  baseline?: { file: string; new: number; unchanged: number; absent: number; unseen: number };
  results: {
    ruleId: string;
    status: string;
    resource: { id: string };
    location: { uri: string; file?: string; line?: number; column?: number };
    fingerprint?: string;
    baselineState?: string;
    waiver?: Record<string, unknown>;
  }[];
  waivers: Record<string, unknown>[];
  inputProblems: { file: string; line?: number; message: string }[];
}
