/**
 * Delivery on Node with node:http(s) and node:zlib, reached through
 * process.getBuiltinModule so nothing is imported. Its one reason to exist: the
 * socket is unref'd, so a request to an endpoint that hangs never keeps the
 * host process alive (fetch's sockets would, until the timeout fires).
 */
import type * as Http from "node:http";
import type * as Zlib from "node:zlib";
import { classifyStatus, GZIP_MIN_BYTES, type SendOutcome, type SendRequest, type Transport } from "../transport.js";
import { builtin } from "./builtin.js";
import { unref } from "./timers.js";

type HttpModule = typeof Http;

function gzip(zlib: typeof Zlib | undefined, body: string): Promise<Buffer | undefined> {
  if (!zlib || body.length < GZIP_MIN_BYTES) return Promise.resolve(undefined);
  return new Promise((resolve) => zlib.gzip(body, { level: 6 }, (error, out) => resolve(error ? undefined : out)));
}

/** undefined when this runtime has no node:http to offer. */
export function createNodeTransport(): Transport | undefined {
  const http = builtin<HttpModule>("node:http");
  const https = builtin<HttpModule>("node:https");
  const zlib = builtin<typeof Zlib>("node:zlib");
  if (!http || !https) return undefined;
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets: 2 }),
    "https:": new https.Agent({ keepAlive: true, maxSockets: 2 }),
  };

  return {
    async send(request: SendRequest): Promise<SendOutcome> {
      const url = new URL(request.url);
      const compressed = request.body === undefined ? undefined : await gzip(zlib, request.body);
      const payload = compressed ?? request.body;
      const headers: Record<string, string | number> = {};
      if (payload !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = Buffer.byteLength(payload);
        if (compressed) headers["content-encoding"] = "gzip";
      }
      const lib = url.protocol === "https:" ? https : http;

      return new Promise<SendOutcome>((resolve) => {
        let settled = false;
        const finish = (outcome: SendOutcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(outcome);
        };
        const req = lib.request(
          url,
          { method: request.method ?? "POST", headers, agent: agents[url.protocol as "http:" | "https:"] },
          (res) => {
            res.resume(); // the body is not needed; draining frees the socket for reuse
            res.on("end", () => finish(classifyStatus(res.statusCode ?? 0, res.headers["retry-after"])));
            res.on("error", () => finish({ kind: "retry", error: "response error" }));
          },
        );
        const timer = unref(
          setTimeout(() => {
            req.destroy();
            finish({ kind: "retry", error: "timeout" });
          }, request.timeoutMs),
        );
        req.on("socket", (socket) => socket.unref());
        req.on("error", (error: NodeJS.ErrnoException) => finish({ kind: "retry", error: error.code ?? error.name }));
        req.end(payload);
      });
    },
  };
}
