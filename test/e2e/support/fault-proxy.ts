/**
 * A proxy in front of a real collector that misbehaves on demand: slow
 * answers, 500s, 429s with Retry-After, or reset connections. What passes
 * through reaches the real collector unchanged.
 */
import { createServer, request } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault = "none" | "slow" | "error" | "throttle" | "reset";

export interface FaultProxy {
  url: string;
  fault: Fault;
  /** Requests seen per fault mode. */
  seen: Record<Fault, number>;
  /** Every request, in order: the fault it met and when its body had arrived (Date.now()). */
  log: { fault: Fault; at: number }[];
  close(): Promise<void>;
}

export async function startFaultProxy(options: {
  target: string;
  slowMs?: number;
  /** Seconds the 429s' Retry-After asks for. @default 1 */
  retryAfterS?: number;
}): Promise<FaultProxy> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = {
    url: "",
    fault: "none",
    seen: { none: 0, slow: 0, error: 0, throttle: 0, reset: 0 },
    log: [],
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const forward = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, body: Buffer) => {
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    upstream.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const fault = proxy.fault;
      proxy.seen[fault]++;
      proxy.log.push({ fault, at: Date.now() });
      const body = Buffer.concat(chunks);
      switch (fault) {
        case "none":
          return forward(req, res, body);
        case "slow":
          return void setTimeout(() => forward(req, res, body), options.slowMs ?? 3000);
        case "error":
          res.writeHead(500, { "content-type": "application/json" });
          return res.end('{"error":{"code":"internal","message":"injected"}}');
        case "throttle":
          res.writeHead(429, { "content-type": "application/json", "retry-after": String(options.retryAfterS ?? 1) });
          return res.end('{"error":{"code":"rate_limited","message":"injected"}}');
        case "reset":
          return req.socket.destroy();
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
