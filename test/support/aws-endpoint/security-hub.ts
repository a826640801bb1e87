import { FakeError, type Request } from "./protocol.js";

/**
 * Security Hub's BatchImportFindings (REST-JSON: `POST /findings/import`, as the SDK sends it).
 * Findings whose Id the world lists in `securityHub.refuse` come back in FailedFindings; every
 * imported finding is kept in `securityHub.imported`, so tests can see what arrived.
 */
export function handleSecurityHub(request: Request): unknown {
  if (request.operation !== "BatchImportFindings") {
    throw new FakeError("InvalidAction", `unexpected securityhub operation ${request.operation}`, 400);
  }
  const findings = request.params.Findings;
  if (!Array.isArray(findings) || findings.length === 0 || findings.length > 100) {
    throw new FakeError("InvalidInputException", "Findings must hold 1 to 100 findings", 400);
  }
  const hub = (request.world.securityHub ??= { imported: [] });
  const refuse = new Set(hub.refuse ?? []);
  const failed: { Id: string; ErrorCode: string; ErrorMessage: string }[] = [];
  let success = 0;
  for (const finding of findings as Record<string, unknown>[]) {
    const id = String(finding.Id);
    const productArn = String(finding.ProductArn);
    if (refuse.has(id)) {
      failed.push({
        Id: id,
        ErrorCode: "InvalidInput",
        ErrorMessage: `Finding ${id} was refused (scripted)`,
      });
    } else if (!productArn.includes(`:securityhub:${request.region}:`)) {
      failed.push({
        Id: id,
        ErrorCode: "AccessDenied",
        ErrorMessage: `ProductArn is not in ${request.region}`,
      });
    } else {
      hub.imported.push(finding);
      success += 1;
    }
  }
  return { FailedCount: failed.length, SuccessCount: success, FailedFindings: failed };
}
