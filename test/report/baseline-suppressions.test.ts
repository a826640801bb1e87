import { describe, expect, it } from "vitest";
import { parseBaseline } from "../../src/report/baseline.js";

/** Which results of a SARIF baseline without `properties.status` count as the baseline's failures. */

function sarifWith(suppressions: unknown[] | undefined): string {
  return JSON.stringify({
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "access-baseline" } },
        results: [
          {
            ruleId: "ssh-from-internet",
            properties: {
              resourceType: "AWS::EC2::SecurityGroup",
              resourceId: "sg-0123",
              account: "111122223333",
              region: "eu-west-1",
            },
            partialFingerprints: { primaryLocationLineHash: "0123456789abcdef0123456789abcdef:1" },
            ...(suppressions === undefined ? {} : { suppressions }),
          },
        ],
      },
    ],
  });
}

describe("SARIF baseline suppressions", () => {
  it("takes an unsuppressed result for a failure", () => {
    expect(parseBaseline(sarifWith(undefined), "b.sarif").fingerprints.size).toBe(1);
    expect(parseBaseline(sarifWith([]), "b.sarif").fingerprints.size).toBe(1);
  });

  it("does not take a suppression without a status for an open failure: SARIF reads it as accepted", () => {
    expect(parseBaseline(sarifWith([{ kind: "external" }]), "b.sarif").fingerprints.size).toBe(0);
    expect(
      parseBaseline(sarifWith([{ kind: "inSource", status: "accepted" }]), "b.sarif").fingerprints.size,
    ).toBe(0);
  });

  it("takes a result whose suppression is under review or rejected for a failure", () => {
    for (const status of ["underReview", "rejected"]) {
      expect(parseBaseline(sarifWith([{ kind: "external", status }]), "b.sarif").fingerprints.size).toBe(1);
    }
  });

  it("lists for the ASFF output the same failures as it fingerprints, whatever the suppression", () => {
    // A status-less suppression listed as a failure would be archived in Security Hub as resolved
    // when the finding is no longer there, though the baseline had accepted it.
    const cases: (unknown[] | undefined)[] = [
      undefined,
      [],
      [{ kind: "external" }],
      [{ kind: "inSource", status: "accepted" }],
      [{ kind: "external", status: "underReview" }],
      [{ kind: "external", status: "rejected" }],
    ];
    for (const suppressions of cases) {
      const baseline = parseBaseline(sarifWith(suppressions), "b.sarif");
      expect([...(baseline.findings?.keys() ?? [])], JSON.stringify(suppressions)).toEqual([
        ...baseline.fingerprints,
      ]);
    }
    expect(
      parseBaseline(sarifWith(undefined), "b.sarif").findings?.get("0123456789abcdef0123456789abcdef:1"),
    ).toEqual({
      ruleId: "ssh-from-internet",
      resourceType: "AWS::EC2::SecurityGroup",
      resourceId: "sg-0123",
      account: "111122223333",
      region: "eu-west-1",
    });
  });
});
