// proxy-from-env ships no type declarations; this is the one function used.
declare module "proxy-from-env" {
  /** The proxy URL for a request to `url` under the *_PROXY and NO_PROXY variables, or "". */
  export function getProxyForUrl(url: string | URL): string;
}
