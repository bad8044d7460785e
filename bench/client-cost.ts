/**
 * Host-side cost of telemetry: the CPU time a process spends to record and
 * deliver 100,000 events to a loopback endpoint, for this client, posthog-node 5
 * and @segment/analytics-node 3, each in a fresh child process, rounds
 * interleaved, medians and ratios. Also: heap growth over 1,000,000 events with
 * the endpoint down.
 *
 * Run: node --import tsx --conditions=source bench/client-cost.ts [--rounds 5]
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { median, writeSection } from "./lib/report.js";

const EVENTS = 100_000;
const CHUNK = 1_000;
const self = fileURLToPath(import.meta.url);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};

/** The workload every client records: a realistic mix of requests and auth outcomes. `distinct` gives every request its own route, so nothing aggregates. */
function* workload(distinct = false) {
  const routes = [
    "/get-session",
    "/sign-in/email",
    "/sign-up/email",
    "/sign-out",
    "/callback/:id",
    "/list-sessions",
    "/update-user",
    "/verify-email",
  ];
  for (let i = 0; i < EVENTS; i++) {
    if (i % 10 === 0) yield { type: "auth_success" as const, props: { method: "email" as const } };
    else if (i % 10 === 1)
      yield { type: "auth_failure" as const, props: { method: "email" as const, reason: "INVALID_EMAIL_OR_PASSWORD" } };
    else
      yield {
        type: "api_request" as const,
        props: {
          route: distinct ? `/r${i}` : routes[i % routes.length]!,
          method: "POST",
          status: i % 7 ? 200 : 401,
          durationMs: (i * 7) % 120,
        },
      };
  }
}

const pause = () => new Promise((r) => setImmediate(r));

/** Child mode: record the workload with one client, deliver it, print CPU microseconds. */
async function child(kind: string, endpoint: string) {
  const start = process.cpuUsage();
  if (kind === "ours" || kind === "ours-distinct") {
    const { createTelemetry } = await import("better-auth-telemetry/client");
    const t = createTelemetry({
      enabled: true,
      endpoint,
      installationIdPath: false,
      maxBatchSize: 100,
      maxQueueSize: EVENTS,
    });
    let n = 0;
    for (const e of workload(kind === "ours-distinct")) {
      t.track(e.type, e.props as never);
      if (++n % CHUNK === 0) await pause();
    }
    await t.shutdown({ timeoutMs: 30_000 });
  } else if (kind === "posthog") {
    const { PostHog } = await import("posthog-node");
    const ph = new PostHog("phc_bench", {
      host: endpoint,
      flushAt: 100,
      maxBatchSize: 100,
      maxQueueSize: EVENTS,
      flushInterval: 10_000,
    });
    let n = 0;
    for (const e of workload()) {
      ph.capture({ distinctId: "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b", event: e.type, properties: e.props });
      if (++n % CHUNK === 0) await pause();
    }
    await ph.shutdown(30_000);
  } else if (kind === "segment") {
    const { Analytics } = await import("@segment/analytics-node");
    const a = new Analytics({
      writeKey: "bench",
      host: endpoint,
      path: "/v1/batch",
      maxEventsInBatch: 100,
      flushInterval: 10_000,
    });
    let n = 0;
    for (const e of workload()) {
      a.track({ anonymousId: "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b", event: e.type, properties: e.props });
      if (++n % CHUNK === 0) await pause();
    }
    await a.closeAndFlush({ timeout: 30_000 });
  }
  const cpu = process.cpuUsage(start);
  console.log(JSON.stringify({ cpuUs: cpu.user + cpu.system }));
}

/** Child mode: heap growth over 1,000,000 events with nothing listening. */
async function heapChild(endpoint: string) {
  const { createTelemetry } = await import("better-auth-telemetry/client");
  const gc = (globalThis as { gc?: () => void }).gc!;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const t = createTelemetry({
    enabled: true,
    endpoint,
    installationIdPath: false,
    flushIntervalMs: 50,
    timeoutMs: 200,
  });
  const before = heap();
  for (let round = 0; round < 10; round++) {
    let n = 0;
    for (const e of workload()) {
      t.track(e.type, e.props as never);
      if (++n % 10_000 === 0) await pause();
    }
  }
  await new Promise((r) => setTimeout(r, 200));
  console.log(JSON.stringify({ growth: heap() - before }));
  await t.shutdown({ timeoutMs: 10 });
}

interface Sink {
  url: string;
  counted: () => number;
  reset(): void;
  close(): void;
}

/** Counts delivered events in each client's own format. */
async function startCountingSink(): Promise<Sink> {
  let counted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let raw = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
      try {
        const body = JSON.parse(raw.toString("utf8"));
        if (Array.isArray(body.events)) for (const e of body.events) counted += e.props?.count ?? 1;
        else if (Array.isArray(body.batch)) counted += body.batch.length;
      } catch {}
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":1}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counted: () => counted,
    reset: () => {
      counted = 0;
    },
    close: () => server.close(),
  };
}

function runChild(args: string[], nodeArgs: string[] = []): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "--conditions=source", self, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1)!))
        : reject(new Error(`child ${args[1]} exited ${code}`)),
    );
  });
}

async function main() {
  const rounds = Number(arg("rounds", "5"));
  const sink = await startCountingSink();
  const kinds = ["ours", "ours-distinct", "posthog", "segment"] as const;
  const endpoints = {
    ours: `${sink.url}/v1/events`,
    "ours-distinct": `${sink.url}/v1/events`,
    posthog: sink.url,
    segment: sink.url,
  };
  const cpu: Record<string, number[]> = { ours: [], "ours-distinct": [], posthog: [], segment: [] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of kinds) {
      sink.reset();
      const { cpuUs } = await runChild(["--child", kind, "--endpoint", endpoints[kind]]);
      if (sink.counted() !== EVENTS) throw new Error(`${kind} delivered ${sink.counted()} of ${EVENTS} events`);
      cpu[kind]!.push(cpuUs! / 1000);
      console.log(`round ${r + 1}: ${kind} ${(cpuUs! / 1000).toFixed(0)} ms CPU`);
    }
  }
  sink.close();
  const { growth } = await runChild(["--heap-child", "--endpoint", "http://127.0.0.1:9/v1/events"], ["--expose-gc"]);

  const m = Object.fromEntries(kinds.map((k) => [k, median(cpu[k]!)])) as Record<(typeof kinds)[number], number>;
  const cheaperPeer = Math.min(m.posthog, m.segment);
  const body = `Process CPU time (user + system) to record ${EVENTS.toLocaleString("en")} events and deliver them to a loopback endpoint, each client in a fresh child process, ${rounds} interleaved rounds, medians. Every run's delivered events were counted at the endpoint (100%).

| client | CPU ms (median) | ratio to this client |
| --- | ---: | ---: |
| better-auth-telemetry | ${m.ours.toFixed(0)} | 1.00 |
| better-auth-telemetry, every request a distinct route (nothing aggregates) | ${m["ours-distinct"].toFixed(0)} | ${(m["ours-distinct"] / m.ours).toFixed(2)} |
| posthog-node 5 | ${m.posthog.toFixed(0)} | ${(m.posthog / m.ours).toFixed(2)} |
| @segment/analytics-node 3 | ${m.segment.toFixed(0)} | ${(m.segment / m.ours).toFixed(2)} |

This client costs **${((m.ours / cheaperPeer) * 100).toFixed(1)}%** of the cheaper peer (target: at most 33%); with aggregation defeated (every request a distinct route, one record per event) it costs **${((m["ours-distinct"] / cheaperPeer) * 100).toFixed(1)}%**. Aggregation is most of the difference on the realistic mix: repeated requests travel as counted records with a latency histogram rather than one JSON object each. The CPU time includes loading each client's module.

Heap growth over 1,000,000 events with the endpoint down (connection refused): **${(growth! / 2 ** 20).toFixed(2)} MB** (target: under 8 MB).`;
  console.log(body);
  writeSection(
    "client-cost",
    "Client: host-side cost",
    "node --import tsx --conditions=source bench/client-cost.ts",
    body,
  );
}

if (process.argv.includes("--child")) await child(arg("child", ""), arg("endpoint", ""));
else if (process.argv.includes("--heap-child")) await heapChild(arg("endpoint", ""));
else await main();
