import { fromIni, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { AwsSetupError } from "./errors.js";
import type { AwsCredentials, CredentialProvider } from "./clients.js";

/**
 * The credentials the scan starts from: the named profile's (`--profile`, which may itself use
 * SSO, a credential process or a role), or the SDK's default chain (environment, SSO, shared
 * config and credentials files, web identity, container and instance metadata).
 */
export function baseCredentials(profile: string | undefined): CredentialProvider {
  const provider = profile !== undefined ? fromIni({ profile }) : fromNodeProviderChain();
  return memoizeCredentials(provider);
}

/** Fails with one clear line when no credentials can be had, before any call is made. */
export async function checkCredentials(
  provider: CredentialProvider,
  profile: string | undefined,
): Promise<void> {
  try {
    await provider();
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\s+/g, " ").trim() : String(error);
    const where = profile !== undefined ? `profile ${profile}` : "the default credential chain";
    throw new AwsSetupError(`cannot get AWS credentials from ${where}: ${reason}`, { cause: error });
  }
}

/** Credentials are refreshed this long before they expire, so no call goes out with stale ones. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * One set of credentials shared by every client of an account, fetched once however many
 * clients ask at the same moment, and fetched again only when it is about to expire.
 */
export function memoizeCredentials(provider: () => Promise<AwsCredentials>): CredentialProvider {
  let current: Promise<AwsCredentials> | undefined;
  let expiresAt = Number.POSITIVE_INFINITY;
  return async () => {
    if (current === undefined || Date.now() > expiresAt - REFRESH_MARGIN_MS) {
      const pending = provider();
      current = pending;
      expiresAt = Number.POSITIVE_INFINITY;
      pending.then(
        (credentials) => {
          if (current === pending) expiresAt = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
        },
        () => {
          // A failure is not remembered: the next caller tries again.
          if (current === pending) current = undefined;
        },
      );
    }
    return current;
  };
}
