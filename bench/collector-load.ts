/**
 * The load generator of bench/collector-ingest.ts: keep-alive connections, each
 * POSTing a fresh batch as soon as the previous one is answered. Every batch has
 * new event ids (a repeated body would be deduplicated and cost the collector
 * nothing), built from a template so the generator stays cheap.
 */

import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  eventsPerBatch: number;
}

export interface LoadResult {
  /** Events in batches answered 200, and the seconds it took (the tail of in-flight requests included). */
  ackedEvents: number;
  seconds: number;
  requests: number;
  statuses: Record<string, number>;
  latenciesMs: number[];
  /** Ids of acknowledged events, when `collectIds` is set. */
  ids?: string[];
}

const EVENT_TEMPLATES = [
  `"type":"api_request","ts":TS,"props":{"route":"/sign-in/email","method":"POST","status":200,"source":"handler","count":3,"duration":{"sumMs":41.5,"maxMs":22.1,"buckets":[0,0,0,1,1,1,0,0,0,0,0,0,0,0]}}}`,
  `"type":"api_request","ts":TS,"props":{"route":"/get-session","method":"GET","status":200,"source":"handler","count":12,"duration":{"sumMs":30.2,"maxMs":6.3,"buckets":[2,5,4,1,0,0,0,0,0,0,0,0,0,0]}}}`,
  `"type":"auth_success","ts":TS,"props":{"method":"email","kind":"sign-in","count":2}}`,
  `"type":"auth_failure","ts":TS,"props":{"method":"social","provider":"github","kind":"sign-in","reason":"INVALID_TOKEN","count":1}}`,
  `"type":"error","ts":TS,"props":{"type":"APIError","code":"INVALID_EMAIL_OR_PASSWORD","status":401,"route":"/sign-in/email","count":1}}`,
];

/**
 * Builds unique UUIDv7-shaped ids: the time, 40 random bits per maker, and a
 * 32-bit counter. Every connection has its own maker, all starting together,
 * so the random part must keep makers apart: with the 16 bits it once had,
 * two of 256 connections shared it in about 4 runs of 10, their ids collided
 * in the same millisecond, and the collector rightly stored those once.
 */
function idMaker(): () => string {
  const run = randomBytes(5).toString("hex");
  let counter = 0;
  return () => {
    const ms = Date.now().toString(16).padStart(12, "0");
    counter = (counter + 1) >>> 0;
    return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${run.slice(0, 3)}-8${run.slice(3, 6)}-${run.slice(6, 10)}${counter.toString(16).padStart(8, "0")}`;
  };
}

export function batchMaker(eventsPerBatch: number): () => { body: string; ids: string[] } {
  const nextId = idMaker();
  const installationId = randomUUID();
  const head = `{"v":1,"installationId":"${installationId}","idKind":"persistent","sdkVersion":"0.1.0","sentAt":SENT,"context":{"runtime":"node","runtimeVersion":"20.20.2","platform":"linux","arch":"x64","framework":"hono","frameworkVersion":"4.13.19","environment":"production"},"additionalData":{"region":"eu-west","tier":"pro"},"events":[`;
  return () => {
    const now = Date.now();
    const ts = String(now - (now % 10_000));
    const ids: string[] = [];
    const parts: string[] = [];
    for (let i = 0; i < eventsPerBatch; i++) {
      const id = nextId();
      ids.push(id);
      parts.push(`{"id":"${id}",${EVENT_TEMPLATES[i % EVENT_TEMPLATES.length]!.replace("TS", ts)}`);
    }
    return { body: `${head.replace("SENT", String(now))}${parts.join(",")}]}`, ids };
  };
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: "/v1/events",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        res.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
      },
    );
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

export async function runLoad(options: LoadOptions & { collectIds?: boolean }): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const result: LoadResult = { ackedEvents: 0, seconds: 0, requests: 0, statuses: {}, latenciesMs: [] };
  if (options.collectIds) result.ids = [];
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    const next = batchMaker(options.eventsPerBatch);
    while (performance.now() < deadline) {
      const { body, ids } = next();
      const { status, ms } = await post(agent, url, body);
      result.requests++;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      result.latenciesMs.push(ms);
      if (status === 200) {
        result.ackedEvents += ids.length;
        if (result.ids) for (const id of ids) result.ids.push(id);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  result.seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return result;
}
