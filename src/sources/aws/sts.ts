import { partitionOfArn } from "../../model/resource-types.js";
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentials, CredentialProvider } from "./clients.js";
import { memoizeCredentials } from "./credentials.js";

export interface CallerIdentity {
  account: string;
  arn: string;
  /** `aws`, `aws-cn`, `aws-us-gov`, …: the partition every ARN of the account is in. */
  partition: string;
}

export async function readCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const output = await sts.send(new GetCallerIdentityCommand({}));
  const account = output.Account ?? "";
  const arn = output.Arn ?? "";
  if (!/^\d{12}$/.test(account)) throw new Error(`GetCallerIdentity returned no account id (${account})`);
  // The partition of every ARN the scan builds comes from here; guessing `aws` for an identity
  // of another partition would build ARNs no policy of the account names.
  if (!/^arn:aws[a-z-]*:/.test(arn)) {
    throw new Error(`GetCallerIdentity returned no ARN of the identity (${JSON.stringify(arn)})`);
  }
  return { account, arn, partition: partitionOfArn(arn) };
}

export { partitionOfArn as partitionOf };

export interface AssumeRoleParams {
  roleArn: string;
  sessionName: string;
  externalId?: string;
}

/**
 * Credentials of an assumed role, through `sts` (whose own credentials are the source). The
 * first call assumes the role; later calls reuse the credentials until shortly before they
 * expire, so a long scan keeps working past the session's hour.
 */
export function assumedRoleCredentials(sts: STSClient, params: AssumeRoleParams): CredentialProvider {
  return memoizeCredentials(async (): Promise<AwsCredentials> => {
    const output = await sts.send(
      new AssumeRoleCommand({
        RoleArn: params.roleArn,
        RoleSessionName: params.sessionName,
        ...(params.externalId !== undefined ? { ExternalId: params.externalId } : {}),
      }),
    );
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`AssumeRole returned no credentials for ${params.roleArn}`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
  });
}
