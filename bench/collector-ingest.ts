/**
 * Collector ingest throughput: events per second acknowledged (200) and durably
 * stored, batches of 50 events, against a bare node:http server that only
 * JSON-parses the same requests. Same load generator, same run, rounds
 * alternating between the two; medians and their ratio go to docs/benchmarks.md.
 *
 * Run: node --import tsx --conditions=source bench/collector-ingest.ts
 *      [--rounds 5] [--seconds 5] [--connections 64,256] [--no-write]
 *
 * Each connection count is measured separately. Group commit shares a
 * commit's fixed cost among the requests waiting for it, so the collector
 * needs concurrent clients to reach its throughput (a deployment has one per
 * app process); the bare server does not care.
 *
 * Each collector round starts on a fresh DuckDB file, and after it the
 * collector is stopped and the file opened directly: every acknowledged event
 * must be in it, or the run fails. The collector runs with its rate limits off
 * (the generator is one IP) and otherwise with its defaults.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { runLoad } from "./collector-load.js";
import { median, percentile, writeSection } from "./lib/report.js";

const COMMAND = "node --import tsx --conditions=source bench/collector-ingest.ts";
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "64,256" },
    "no-write": { type: "boolean", default: false },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTION_COUNTS = values.connections.split(",").map(Number);
const EVENTS_PER_BATCH = 50;
const root = new URL("..", import.meta.url).pathname;

function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=source", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
}

/** CPU seconds (user + system) the process has used so far; NaN where /proc is missing. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Runs the load against a server and measures the server's CPU time while it lasts. */
async function measure(child: ChildProcess, url: string, connections: number) {
  const before = cpuSeconds(child.pid);
  const load = await runLoad({ url, seconds: SECONDS, connections, eventsPerBatch: EVENTS_PER_BATCH });
  const cpu = cpuSeconds(child.pid) - before;
  return { load, cpuMicrosPerEvent: (cpu * 1e6) / Math.max(1, load.ackedEvents) };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

async function storedEvents(dbPath: string): Promise<number> {
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll("SELECT count(*) FROM events");
  const n = Number(reader.getRowsJS()[0]![0]);
  connection.closeSync();
  instance.closeSync();
  return n;
}

interface Round {
  eventsPerSecond: number;
  /** The server process's CPU time per acknowledged event, in µs: less sensitive to a busy machine than throughput. */
  cpuMicros: number;
  p50: number;
  p99: number;
  errors: number;
}

async function bareRound(connections: number): Promise<Round> {
  const { child, url } = await startServer(["bench/collector-bare-server.ts"]);
  const { load, cpuMicrosPerEvent } = await measure(child, url, connections);
  await stop(child);
  return summarize(load, cpuMicrosPerEvent);
}

async function collectorRound(options: {
  dir: string;
  round: number;
  connections: number;
}): Promise<Round & { stored: number; acked: number }> {
  const db = join(options.dir, `round-${options.connections}-${options.round}.duckdb`);
  const { child, url } = await startServer([
    "packages/collector/src/cli/main.ts",
    "serve",
    "--port=0",
    `--db=${db}`,
    "--rate-limit-ip=off",
    "--rate-limit-installation=off",
    "--log-level=warn",
  ]);
  const { load, cpuMicrosPerEvent } = await measure(child, url, options.connections);
  const code = await stop(child);
  if (code !== 0) throw new Error(`the collector exited with ${code} on SIGTERM`);
  const stored = await storedEvents(db);
  if (stored < load.ackedEvents)
    throw new Error(`acknowledged ${load.ackedEvents} events but only ${stored} are stored`);
  return { ...summarize(load, cpuMicrosPerEvent), stored, acked: load.ackedEvents };
}

function summarize(load: Awaited<ReturnType<typeof runLoad>>, cpuMicros: number): Round {
  const errors = Object.entries(load.statuses)
    .filter(([status]) => status !== "200")
    .reduce((n, [, count]) => n + count, 0);
  return {
    eventsPerSecond: load.ackedEvents / load.seconds,
    cpuMicros,
    p50: percentile(load.latenciesMs, 50),
    p99: percentile(load.latenciesMs, 99),
    errors,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const row = (name: string, rounds: Round[], throughput: number) =>
  `| ${name} | ${fmt(throughput)} | ${median(rounds.map((r) => r.cpuMicros)).toFixed(1)} µs | ${median(rounds.map((r) => r.p50)).toFixed(1)} ms | ${median(rounds.map((r) => r.p99)).toFixed(1)} ms | ${rounds.reduce((n, r) => n + r.errors, 0)} |`;

/** Alternating rounds of both servers at one connection count; the markdown for it. */
async function compare(dir: string, connections: number): Promise<string> {
  const bare: Round[] = [];
  const collector: (Round & { stored: number; acked: number })[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareRound(connections));
    collector.push(await collectorRound({ dir, round, connections }));
    const b = bare.at(-1)!;
    const c = collector.at(-1)!;
    console.log(
      `${connections} connections, round ${round + 1}/${ROUNDS}: bare ${fmt(b.eventsPerSecond)} ev/s, collector ${fmt(c.eventsPerSecond)} ev/s (${c.acked} acked, ${c.stored} stored, ${c.errors} non-200)`,
    );
  }
  const bareMedian = median(bare.map((r) => r.eventsPerSecond));
  const collectorMedian = median(collector.map((r) => r.eventsPerSecond));
  return `### ${connections} connections

| server | events/s | CPU per event | p50 latency | p99 latency | non-200 |
| --- | --: | --: | --: | --: | --: |
${row("bare node:http, JSON.parse only", bare, bareMedian)}
${row("collector (Fastify, wire check, allow-list, DuckDB group commit)", collector, collectorMedian)}

Ratio collector / bare: **${(collectorMedian / bareMedian).toFixed(2)}** (target ≥ 0.5). Collector: **${fmt(collectorMedian)} events/s** (target ≥ 50,000). Per round (events/s): bare ${bare.map((r) => fmt(r.eventsPerSecond)).join(", ")}; collector ${collector.map((r) => fmt(r.eventsPerSecond)).join(", ")}.`;
}

const dir = mkdtempSync(join(tmpdir(), "collector-bench-"));
const sections: string[] = [];
try {
  for (const connections of CONNECTION_COUNTS) sections.push(await compare(dir, connections));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const body = `Events per second acknowledged with 200, batches of ${EVENTS_PER_BATCH} events, keep-alive connections from one load-generator process (a fresh body with new event ids for every request), ${ROUNDS} rounds of ${SECONDS} s alternating between the servers; medians. Each collector round starts on an empty DuckDB file; after it the collector is stopped with SIGTERM and the file is opened directly: every acknowledged event was present in every round. CPU is the server process's user + system time per acknowledged event, all its threads included; it is less sensitive than throughput to other work on the machine.

${sections.join("\n\n")}`;
console.log(`\n${body}\n`);
if (!values["no-write"]) writeSection("collector-ingest", "Collector ingest throughput", COMMAND, body);
