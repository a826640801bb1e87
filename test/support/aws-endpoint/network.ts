import { readFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

/**
 * What stands between a scanner and AWS in the networks users work in, on loopback: a forward
 * proxy, a TLS endpoint whose authority is not a public one, and an endpoint that accepts
 * connections and never answers.
 */

/** A self-signed certificate for 127.0.0.1 and localhost, valid until 2126; a test key only. */
export const LOOPBACK_CERTIFICATE = fileURLToPath(new URL("loopback-tls.crt", import.meta.url));
const LOOPBACK_KEY = fileURLToPath(new URL("loopback-tls.key", import.meta.url));

export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

export interface ForwardProxy extends LoopbackServer {
  /** Tunnels opened with CONNECT. */
  tunnels: number;
  /** Plain requests forwarded (absolute-form, `GET http://host/path`). */
  forwarded: number;
}

/**
 * A forward proxy as corporate networks run them: CONNECT opens a tunnel to the host and port
 * asked for; a plain request with an absolute URL is forwarded to it.
 */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const sockets = new Set<Socket>();
  const proxy: ForwardProxy = { url: "", tunnels: 0, forwarded: 0, close: async () => {} };
  const server = createHttpServer((request, response) => {
    proxy.forwarded += 1;
    const target = new URL(request.url ?? "/");
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  });
  server.on("connect", (request, client: Socket, head: Buffer) => {
    proxy.tunnels += 1;
    const [host = "", port = ""] = (request.url ?? "").split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  proxy.url = await listen(server, "http");
  proxy.close = () => close(server, sockets);
  return proxy;
}

/** HTTPS on loopback with the test certificate, passing every request on to `target` (http). */
export async function startTlsFront(target: string): Promise<LoopbackServer> {
  const server = createHttpsServer(
    { cert: readFileSync(LOOPBACK_CERTIFICATE), key: readFileSync(LOOPBACK_KEY) },
    (request, response) => {
      const upstream = httpRequest(
        new URL(request.url ?? "/", target),
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => response.destroy());
      request.pipe(upstream);
    },
  );
  const url = await listen(server, "https");
  return { url, close: () => close(server, new Set()) };
}

/** Accepts connections and reads requests, and never answers. */
export async function startSilentEndpoint(): Promise<LoopbackServer> {
  const server = createHttpServer(() => {
    // Deliberately no answer.
  });
  const url = await listen(server, "http");
  return { url, close: () => close(server, new Set()) };
}

async function listen(server: Server, scheme: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}
