import { describe, expect, it } from "vitest";
import { EVIDENCE_VALUE_LIMIT, reportedEvidence } from "../../src/report/evidence.js";

describe("reportedEvidence", () => {
  it("keeps small values, bindings and focus as they are", () => {
    const evidence = [
      {
        path: "IpPermissions[0]",
        value: { IpProtocol: "-1" },
        bindings: { source: "::/0" },
        focus: "IpPermissions[0].Ipv6Ranges[0].CidrIpv6",
      },
    ];
    expect(reportedEvidence(evidence)).toEqual(evidence);
  });

  it("leaves out derived related data", () => {
    const [reported] = reportedEvidence([
      { path: "related.Roles[0]", value: { RoleName: "r", related: { Policies: [] } } },
    ]);
    expect(reported!.value).toEqual({ RoleName: "r" });
  });

  it("replaces a long value by a note of its size", () => {
    const big = {
      Statement: Array.from({ length: 200 }, (_, index) => ({ Sid: `S${index}`, Effect: "Allow" })),
    };
    const [reported] = reportedEvidence([{ path: "Document", value: big, bindings: { policy: big } }]);
    const length = JSON.stringify(big).length;
    expect(length).toBeGreaterThan(EVIDENCE_VALUE_LIMIT);
    expect(reported!.value).toEqual({ $omitted: `a value of ${length} characters` });
    expect(reported!.bindings!.policy).toEqual({ $omitted: `a value of ${length} characters` });
  });
});
