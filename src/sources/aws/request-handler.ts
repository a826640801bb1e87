import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { rootCertificates } from "node:tls";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { HttpProxyAgent, HttpsProxyAgent } from "hpagent";
import { getProxyForUrl } from "proxy-from-env";
import type { NetworkEnvironment } from "./network-environment.js";

/**
 * The HTTP layer under every SDK client. Which proxy a request goes through (if any) depends on
 * its endpoint, as with the AWS CLI: `NO_PROXY` may exempt some hosts, and `HTTP_PROXY` and
 * `HTTPS_PROXY` differ. So the choice is made per request, and each route (direct, or one
 * proxy) keeps its own SDK handler and connection pool.
 */

export interface RequestHandlerSettings {
  network: NetworkEnvironment;
  connectTimeoutMs: number;
  /** The longest one attempt may take, from sending the request to the end of the answer. */
  readTimeoutMs: number;
}

type HandleArguments = Parameters<NodeHttpHandler["handle"]>;
type HandleResult = ReturnType<NodeHttpHandler["handle"]>;
type HandlerOption = Parameters<NodeHttpHandler["updateHttpClientConfig"]>;

/** The SDK's default pool size per agent, kept for proxied routes too. */
const MAX_SOCKETS = 50;

export class ProxyRoutingHandler {
  private readonly routes = new Map<string, NodeHttpHandler>();
  private readonly trusted: string[] | undefined;

  constructor(private readonly settings: RequestHandlerSettings) {
    // Extra authorities, as AWS_CA_BUNDLE is meant: the public ones stay trusted too.
    this.trusted =
      settings.network.caBundle !== undefined ? [...rootCertificates, settings.network.caBundle] : undefined;
  }

  handle(...[request, options]: HandleArguments): HandleResult {
    const port = request.port !== undefined ? `:${request.port}` : "";
    const proxy = this.proxyFor(`${request.protocol}//${request.hostname}${port}/`);
    return this.route(proxy).handle(request, options);
  }

  updateHttpClientConfig(...[key, value]: HandlerOption): void {
    for (const handler of this.routes.values()) handler.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    for (const handler of this.routes.values()) handler.destroy();
    this.routes.clear();
  }

  /** The proxy URL for an endpoint, or "" to connect directly. */
  private proxyFor(endpoint: string): string {
    const proxy = getProxyForUrl(endpoint);
    if (proxy === "") return "";
    const [scheme = "", rest = ""] = proxy.split("://", 2);
    // proxy-from-env gives a scheme-less proxy the endpoint's scheme; the AWS CLI uses http.
    return scheme !== "http" && this.settings.network.schemelessProxies.has(rest) ? `http://${rest}` : proxy;
  }

  private route(proxy: string): NodeHttpHandler {
    const existing = this.routes.get(proxy);
    if (existing) return existing;
    const ca = this.trusted !== undefined ? { ca: this.trusted } : {};
    const pool = { keepAlive: true, maxSockets: MAX_SOCKETS };
    const agents =
      proxy === ""
        ? { httpAgent: new HttpAgent(pool), httpsAgent: new HttpsAgent({ ...pool, ...ca }) }
        : {
            httpAgent: new HttpProxyAgent({ ...pool, proxy, proxyRequestOptions: { ...ca } }),
            httpsAgent: new HttpsProxyAgent({ ...pool, ...ca, proxy, proxyRequestOptions: { ...ca } }),
          };
    const handler = new NodeHttpHandler({
      ...agents,
      connectionTimeout: this.settings.connectTimeoutMs,
      requestTimeout: this.settings.readTimeoutMs,
      throwOnRequestTimeout: true,
    });
    this.routes.set(proxy, handler);
    return handler;
  }
}
