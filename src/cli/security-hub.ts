import { BatchImportFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { AwsSecurityFinding } from "@aws-sdk/client-securityhub";
import type { CredentialProvider } from "../sources/aws/clients.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "../sources/aws/clients.js";

/**
 * Sends ASFF findings to Security Hub (`--security-hub`) with BatchImportFindings, at most 100 per
 * call as the API allows, each to the Security Hub of the region its ProductArn names. Nothing is
 * lost silently: every finding Security Hub refuses (FailedFindings) is returned with its reason,
 * and a batch whose call fails returns every finding of the batch as failed.
 *
 * It belongs to the command line, not to report/ (which renders and never calls out) nor to
 * sources/ (which reads inputs: its operation table is the read-only collector's, and every call
 * there must be allowed by the scanner policy). Sending is a write with a permission of its own,
 * `policies/security-hub-import-policy.json`; the findings come in as plain ASFF objects.
 */

export const IMPORT_BATCH_SIZE = 100;

/** The IAM action the import needs, in `policies/security-hub-import-policy.json`. */
export const IMPORT_ACTION = "securityhub:BatchImportFindings";

export interface ImportSettings {
  credentials: CredentialProvider;
  endpoint?: string;
  profile?: string;
  maxAttempts?: number;
}

export interface FailedImport {
  id: string;
  code: string;
  message: string;
}

export interface ImportOutcome {
  batches: number;
  imported: number;
  failed: FailedImport[];
}

/** Only what the import reads of a finding; the rest is sent as it is. */
export interface ImportableFinding {
  Id: string;
  ProductArn: string;
}

export async function importFindings(
  findings: readonly ImportableFinding[],
  settings: ImportSettings,
): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { batches: 0, imported: 0, failed: [] };
  const byRegion = new Map<string, ImportableFinding[]>();
  for (const finding of findings) {
    const region = finding.ProductArn.split(":")[3] ?? "";
    const group = byRegion.get(region);
    if (group) group.push(finding);
    else byRegion.set(region, [finding]);
  }
  for (const [region, group] of byRegion) {
    const client = new SecurityHubClient({
      region,
      credentials: settings.credentials,
      ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
      ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
      ...(settings.maxAttempts !== undefined ? { maxAttempts: settings.maxAttempts } : {}),
      requestHandler: {
        connectionTimeout: DEFAULT_CONNECT_TIMEOUT_MS,
        requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    });
    try {
      for (let start = 0; start < group.length; start += IMPORT_BATCH_SIZE) {
        const batch = group.slice(start, start + IMPORT_BATCH_SIZE);
        outcome.batches += 1;
        await sendBatch(client, region, batch, outcome);
      }
    } finally {
      client.destroy();
    }
  }
  return outcome;
}

async function sendBatch(
  client: SecurityHubClient,
  region: string,
  batch: readonly ImportableFinding[],
  outcome: ImportOutcome,
): Promise<void> {
  try {
    const answer = await client.send(
      new BatchImportFindingsCommand({ Findings: batch as unknown as AwsSecurityFinding[] }),
    );
    const failed = answer.FailedFindings ?? [];
    for (const failure of failed) {
      outcome.failed.push({
        id: failure.Id ?? "(no id)",
        code: failure.ErrorCode ?? "Unknown",
        message: failure.ErrorMessage ?? "no reason given",
      });
    }
    // Whatever the answer does not account for is neither imported nor refused: say so.
    const counted = (answer.SuccessCount ?? 0) + (answer.FailedCount ?? failed.length);
    outcome.imported += answer.SuccessCount ?? 0;
    if (typeof answer.SuccessCount !== "number" || counted !== batch.length) {
      const refused = new Set(failed.map((failure) => failure.Id));
      for (const finding of batch.filter((entry) => !refused.has(entry.Id))) {
        outcome.failed.push({
          id: finding.Id,
          code: "UnaccountedFor",
          message: `Security Hub in ${region} answered for ${counted} of ${batch.length} findings`,
        });
      }
      outcome.imported -= answer.SuccessCount ?? 0;
    }
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message.replace(/\s+/g, " ").trim() : String(error);
    for (const finding of batch) {
      outcome.failed.push({
        id: finding.Id,
        code: name,
        message: `BatchImportFindings in ${region}: ${message}`,
      });
    }
  }
}
