/**
 * A real HTTP endpoint on 127.0.0.1 that records every request the client
 * makes, byte for byte, and answers as a test scripts it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import type { WireBatch } from "@better-auth-telemetry/protocol";

export interface SinkRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  /** The bytes as they arrived (compressed if the client compressed them). */
  raw: Buffer;
  /** The decoded body text. */
  text: string;
  batch?: WireBatch;
  at: number;
}

export type SinkAction = { status: number; headers?: Record<string, string>; body?: string } | "hang" | "reset";

export interface Sink {
  url: string;
  requests: SinkRequest[];
  /** Every batch received, in order. */
  batches(): WireBatch[];
  /** Every byte received, decoded, joined: what a privacy assertion searches. */
  allText(): string;
  /** Decides the answer to the n-th request (0-based). Default: 202. */
  respond: (n: number, request: SinkRequest) => SinkAction;
  waitFor(predicate: (s: Sink) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSink(respond?: Sink["respond"], port = 0): Promise<Sink> {
  const requests: SinkRequest[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const sink: Sink = {
    url: "",
    requests,
    respond: respond ?? (() => ({ status: 202 })),
    batches: () => requests.flatMap((r) => (r.batch ? [r.batch] : [])),
    allText: () => requests.map((r) => `${r.url}\n${JSON.stringify(r.headers)}\n${r.text}`).join("\n"),
    async waitFor(predicate, timeoutMs = 10_000) {
      const start = Date.now();
      while (!predicate(sink)) {
        if (Date.now() - start > timeoutMs) throw new Error("sink: timed out waiting");
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let text = "";
      try {
        text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
      } catch {
        text = raw.toString("latin1");
      }
      const entry: SinkRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        raw,
        text,
        at: Date.now(),
      };
      try {
        entry.batch = text ? (JSON.parse(text) as WireBatch) : undefined;
      } catch {}
      const n = requests.length;
      requests.push(entry);
      const action = sink.respond(n, entry);
      if (action === "hang") {
        hanging.add(res);
        return;
      }
      if (action === "reset") {
        req.socket.destroy();
        return;
      }
      res.writeHead(action.status, { "content-type": "application/json", ...action.headers });
      res.end(action.body ?? "{}");
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
  return sink;
}

/** A port on 127.0.0.1 that nothing listens on: connections are refused. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/v1/events`;
}
