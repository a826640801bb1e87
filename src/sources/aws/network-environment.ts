import { readFileSync } from "node:fs";
import { AwsSetupError } from "./errors.js";

/**
 * The network settings users already have in their environment for the AWS CLI: proxies
 * (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, each also lower-case) and extra
 * certificate authorities (`AWS_CA_BUNDLE`). They are checked once before the first call, so that
 * a typo is one line naming the variable rather than a failure of every call.
 */

export interface NetworkEnvironment {
  /** PEM certificates trusted besides the system's, from `AWS_CA_BUNDLE`. */
  caBundle?: string;
  /**
   * Proxy variables whose value has no scheme (`proxy.example.com:3128`). The AWS CLI takes
   * them as http:// proxies whatever the endpoint's scheme; `proxy-from-env` would give them the
   * endpoint's scheme, so they are told apart here.
   */
  schemelessProxies: ReadonlySet<string>;
}

const PROXY_VARIABLES = ["https_proxy", "http_proxy", "all_proxy"] as const;

export function readNetworkEnvironment(env: NodeJS.ProcessEnv = process.env): NetworkEnvironment {
  const schemelessProxies = new Set<string>();
  for (const lower of PROXY_VARIABLES) {
    for (const name of [lower, lower.toUpperCase()]) {
      const value = env[name];
      if (value === undefined || value === "") continue;
      const hasScheme = value.includes("://");
      // The value is never printed: a proxy URL often carries a user name and password.
      const url = parseUrl(hasScheme ? value : `http://${value}`);
      if (url === undefined || url.hostname === "") {
        throw new AwsSetupError(
          `${name} is not a proxy URL (expected such as http://proxy.example.com:3128)`,
        );
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new AwsSetupError(`${name} must be an http:// or https:// proxy, not ${url.protocol}`);
      }
      if (!hasScheme) schemelessProxies.add(value);
    }
  }
  const bundlePath = env.AWS_CA_BUNDLE;
  if (bundlePath === undefined || bundlePath === "") return { schemelessProxies };
  return { caBundle: readCaBundle(bundlePath), schemelessProxies };
}

function readCaBundle(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new AwsSetupError(`AWS_CA_BUNDLE ${path}: cannot read the certificate bundle (${code})`, {
      cause: error,
    });
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new AwsSetupError(`AWS_CA_BUNDLE ${path}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return text;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
