import { describe, expect, it } from "vitest";
import { BUILTIN_RULES_DIR, PACKAGE_ROOT } from "../../src/assets.js";
import { loadRuleDirectories } from "../../src/engine/rule-loader.js";
import type { Resource } from "../../src/model/resource.js";
import { runCheck, snapshotInputs } from "../../src/pipeline/run.js";
import { emptySourceData, type Source, type SourceData } from "../../src/sources/source.js";

const ACCOUNT = "111122223333";
const { rules } = await loadRuleDirectories([BUILTIN_RULES_DIR], PACKAGE_ROOT);
const NO_CONFIGURATION = { rules: new Map(), waivers: [], locate: () => "(none)" };

function liveGroup(id: string, permissions: unknown): Resource {
  return {
    type: "AWS::EC2::SecurityGroup",
    id,
    account: ACCOUNT,
    region: "eu-west-1",
    source: { kind: "aws-live" },
    properties: { GroupId: id, IpPermissions: permissions } as Resource["properties"],
  };
}

function sourceOf(data: Partial<SourceData>): Source {
  return { read: () => Promise.resolve({ ...emptySourceData(), ...data }) };
}

const open = [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }];

describe("the pipeline", () => {
  it("runs any source through relations, evaluation, waivers and the report", async () => {
    const outcome = await runCheck({
      rules,
      configuration: NO_CONFIGURATION,
      paramOverrides: new Map(),
      source: sourceOf({ resources: [liveGroup("sg-1", open)], inputs: ["test"] }),
      today: "2026-12-06",
    });
    const ssh = outcome.report.results.find((result) => result.ruleId === "ssh-from-internet");
    expect(ssh?.status).toBe("fail");
    expect(outcome.report.inputs).toEqual(["test"]);
    expect(outcome.exitCode("error")).toBe(1);
    expect(outcome.exitCode("never")).toBe(0);
  });

  it("exits 2 when a resource does not have its canonical shape, however the source produced it", async () => {
    const outcome = await runCheck({
      rules,
      configuration: NO_CONFIGURATION,
      paramOverrides: new Map(),
      source: sourceOf({ resources: [liveGroup("sg-1", { IpProtocol: "tcp" })] }),
      today: "2026-12-06",
    });
    const statuses = new Set(outcome.report.results.map((result) => result.status));
    expect([...statuses]).toEqual(["error"]);
    expect(outcome.exitCode("never")).toBe(2);
  });
});

describe("what collect writes", () => {
  it("keeps resources that fit and turns one that does not into a collection error for its type there", () => {
    const data = snapshotInputs({
      ...emptySourceData(),
      resources: [liveGroup("sg-good", open), liveGroup("sg-odd", { IpProtocol: "tcp" })],
    });
    expect(data.resources.map((resource) => resource.id)).toEqual(["sg-good"]);
    expect(data.collectionErrors).toEqual([
      {
        account: ACCOUNT,
        region: "eu-west-1",
        service: "ec2",
        operation: "DescribeSecurityGroups",
        code: "UnexpectedShape",
        message: expect.stringContaining(
          "AWS::EC2::SecurityGroup sg-odd read with ec2:DescribeSecurityGroups in 111122223333/eu-west-1 does not have the shape of AWS::EC2::SecurityGroup: IpPermissions: expected array",
        ) as string,
        resourceTypes: ["AWS::EC2::SecurityGroup"],
      },
    ]);
  });
});
