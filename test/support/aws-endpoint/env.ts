import type { FakeWorld } from "./world.js";

/**
 * The environment a live-collection test runs the SDK in: the world's base key, a region, and
 * nothing from the machine (no shared config or credentials files, no instance metadata, which
 * would be a call off this machine, no proxies or certificate authorities of the machine's
 * network), so that every request goes straight to the loopback endpoint.
 */
export function awsTestEnv(
  world: FakeWorld,
  extra: Record<string, string> = {},
): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: world.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: world.base.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_DEFAULT_PROFILE: undefined,
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: undefined,
    AWS_CONFIG_FILE: "/nonexistent/access-baseline-tests/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/access-baseline-tests/credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_ROLE_ARN: undefined,
    AWS_MAX_ATTEMPTS: undefined,
    AWS_RETRY_MODE: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...Object.fromEntries(
      ["https_proxy", "http_proxy", "all_proxy", "no_proxy"].flatMap((name) => [
        [name, undefined],
        [name.toUpperCase(), undefined],
      ]),
    ),
    AWS_CA_BUNDLE: undefined,
    ...extra,
  };
}
