/**
 * What telemetry costs a Better Auth server: `auth.handler` throughput on cheap
 * endpoints (`/ok`, and `/get-session` without a session) for
 *
 *   - plain:  Better Auth's own `betterAuth`, no telemetry package at all;
 *   - off:    this package's `betterAuth` wrapper with `enabled: false`;
 *   - on:     the wrapper with telemetry on, delivering to a loopback sink.
 *
 * One run, interleaved rounds, medians. The machines are shared and noisy, so
 * the design is about pairing:
 *
 *   - Each worker process holds all three instances and runs rounds of short
 *     batches, the variants in a fresh random order each round; a round's
 *     ratios (on / plain, on / off) compare batches taken moments apart, so
 *     load from elsewhere hits all three alike.
 *   - Instances sharing a process share Better Auth's code and its inline
 *     caches, which favours one instance over another by a few per cent
 *     depending on the order they were created in (two identical `plain`
 *     instances differed by up to 3 %). Each worker creates its instances in a
 *     random order, and there are many workers, so that bias cancels out.
 *   - Throughput is counted per second of the process's CPU time (user +
 *     system), which other tenants disturb far less than wall-clock time; both
 *     are reported.
 *
 * The headline is the median of all rounds' on / plain. Target: ≥ 0.97.
 *
 *   npx tsx --conditions=source bench/auth-handler.ts [--workers 8] [--rounds 40] [--requests 150]
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { median, percentile, writeSection } from "./lib/report.js";

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "8" },
    rounds: { type: "string", default: "40" },
    requests: { type: "string", default: "150" },
    worker: { type: "boolean", default: false },
    path: { type: "string", default: "/ok" },
    sink: { type: "string", default: "" },
    "no-write": { type: "boolean", default: false },
  },
});
const WORKERS = Number(values.workers);
const ROUNDS = Number(values.rounds);
const REQUESTS = Number(values.requests);
const WARMUP_REQUESTS = 800;
const VARIANTS = ["plain", "off", "on"] as const;
const PATHS = ["/ok", "/get-session"];
type Variant = (typeof VARIANTS)[number];

interface Batch {
  /** Requests per second of CPU time. */
  cpu: number;
  /** Requests per second of wall-clock time. */
  wall: number;
}
type Round = Record<Variant, Batch>;
interface WorkerResult {
  order: Variant[];
  rounds: Round[];
  delivered: boolean;
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A worker process: three auth instances, created in a random order, measured in interleaved rounds. */
async function worker(path: string, sinkUrl: string): Promise<WorkerResult> {
  const [{ betterAuth: plainBetterAuth }, { betterAuth }, { default: Database }, { getMigrations }] = await Promise.all(
    [
      import("better-auth"),
      import("better-auth-telemetry"),
      import("better-sqlite3"),
      import("better-auth/db/migration"),
    ],
  );
  const options = () => ({
    database: new Database(":memory:"),
    baseURL: "http://localhost:3000",
    secret: "bench-secret-7c1e9a4b2d6f8e0a3c5b7d9f1e2a4c6b",
    emailAndPassword: { enabled: true },
    // NODE_ENV=production (as deployed) turns rate limiting on, which would answer thousands of /ok with 429
    rateLimit: { enabled: false },
    logger: { disabled: true },
  });
  const telemetry = { endpoint: sinkUrl, installationIdPath: false as const };
  const create: Record<Variant, () => { handler: (r: Request) => Promise<Response>; options: object }> = {
    plain: () => plainBetterAuth(options()),
    off: () => betterAuth({ ...options(), telemetry: { ...telemetry, enabled: false } }),
    on: () => betterAuth({ ...options(), telemetry: { ...telemetry, enabled: true } }),
  };
  const order = shuffle(VARIANTS);
  const instances = {} as Record<Variant, ReturnType<(typeof create)[Variant]>>;
  for (const variant of order) instances[variant] = create[variant]();
  for (const variant of order) await (await getMigrations(instances[variant].options as never)).runMigrations();

  const url = `http://localhost:3000/api/auth${path}`;
  const run = async (variant: Variant, n: number): Promise<Batch> => {
    const { handler } = instances[variant];
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const res = await handler(new Request(url));
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      await res.arrayBuffer();
    }
    const wallMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    return { cpu: n / ((cpu.user + cpu.system) / 1e6), wall: n / (wallMs / 1000) };
  };
  for (const variant of order) await run(variant, WARMUP_REQUESTS);
  const rounds: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = {} as Round;
    for (const variant of shuffle(VARIANTS)) round[variant] = await run(variant, REQUESTS);
    rounds.push(round);
  }
  const on = instances.on as unknown as { $telemetry: { flush(): Promise<void>; status(): { enabled: boolean } } };
  await on.$telemetry.flush();
  return { order, rounds, delivered: on.$telemetry.status().enabled };
}

/** A loopback endpoint that accepts every batch, so the "on" variant really delivers. */
async function startSink() {
  let batches = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      batches++;
      res.writeHead(202).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
  return { url, batches: () => batches, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const spawn = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);

async function runWorker(path: string, sinkUrl: string): Promise<WorkerResult> {
  const args = [...process.execArgv, SELF, "--worker", "--path", path, "--sink", sinkUrl];
  args.push("--rounds", String(ROUNDS), "--requests", String(REQUESTS));
  const { stdout } = await spawn(process.execPath, args, {
    env: { ...process.env, NODE_ENV: "production" },
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as WorkerResult;
}

async function main() {
  const sink = await startSink();
  const results: Record<string, WorkerResult[]> = {};
  for (const path of PATHS) results[path] = [];
  // workers alternate between the endpoints, one at a time: a worker never competes with another for the CPU
  for (let w = 0; w < WORKERS; w++) {
    for (const path of PATHS) results[path]!.push(await runWorker(path, sink.url));
    process.stdout.write(`worker ${w + 1}/${WORKERS}\r`);
  }
  await sink.close();
  const all = Object.values(results).flat();
  if (sink.batches() === 0 || all.some((r) => !r.delivered)) {
    throw new Error("the telemetry-on variant delivered nothing: the comparison would be void");
  }

  const fmt = (v: number) => Math.round(v).toLocaleString("en-US");
  const ratio = (v: number) => v.toFixed(3);
  const rows: string[] = [];
  const summary: string[] = [];
  for (const path of PATHS) {
    for (const clock of ["cpu", "wall"] as const) {
      const rounds = results[path]!.flatMap((r) => r.rounds);
      const of = (v: Variant) => rounds.map((round) => round[v][clock]);
      const onPlain = rounds.map((round) => round.on[clock] / round.plain[clock]);
      const onOff = rounds.map((round) => round.on[clock] / round.off[clock]);
      const perWorker = results[path]!.map((r) =>
        median(r.rounds.map((round) => round.on[clock] / round.plain[clock])),
      );
      const label = clock === "cpu" ? "per CPU second" : "per wall-clock second";
      rows.push(
        `| \`GET ${path}\` | ${label} | ${fmt(median(of("plain")))} | ${fmt(median(of("off")))} | ${fmt(median(of("on")))} | **${ratio(median(onPlain))}** | ${ratio(percentile(perWorker, 10))} – ${ratio(percentile(perWorker, 90))} | ${ratio(median(onOff))} |`,
      );
      summary.push(`${path} ${clock}: on/plain ${ratio(median(onPlain))}, on/off ${ratio(median(onOff))}`);
    }
  }
  const body = `
Requests per second through \`auth.handler\`, sequential, NODE_ENV=production. ${WORKERS} worker processes per endpoint, run one at a time; each holds all three instances (created in a random order), warms each up with ${WARMUP_REQUESTS} requests, then runs ${ROUNDS} rounds of ${REQUESTS} requests per variant, the variants in a fresh random order each round. *plain* is Better Auth's own \`betterAuth\`; *off* is this package's wrapper with \`enabled: false\` (it then adds nothing to the instance); *on* is the wrapper with telemetry on, delivering to a loopback sink (${sink.batches()} batches received). Ratios are taken within a round and the table gives their median over all ${WORKERS * ROUNDS} rounds; the spread column is the 10th–90th percentile of the workers' own medians. Target: on / plain ≥ 0.97.

| endpoint | throughput | plain | off | on | on / plain (median of rounds) | on / plain, workers p10 – p90 | on / off (median of rounds) |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

Better Auth builds its router for every request, so even \`/ok\` costs a few hundred microseconds of CPU. Telemetry adds one plugin to that router (Better Auth calls a plugin's \`onRequest\` and runs its \`after\`-hook matcher on every request; an empty plugin of that shape costs about 2 % here), a route lookup, a per-request logger probe and one \`track\` call.
`;
  console.log(body);
  console.log(summary.join("\n"));
  if (!values["no-write"]) {
    writeSection(
      "auth-handler",
      "auth.handler throughput, telemetry on versus off",
      "npx tsx --conditions=source bench/auth-handler.ts",
      body,
    );
  }
}

if (values.worker) {
  console.log(JSON.stringify(await worker(values.path, values.sink)));
  process.exit(0);
} else {
  await main();
}
