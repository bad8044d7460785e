/**
 * Collector ingest throughput: events per second acknowledged (200) and durably
 * stored, batches of 50 events, against a bare node:http server that only
 * JSON-parses the same requests. Same load generator, same run, rounds
 * alternating between the servers; medians and their ratio go to docs/benchmarks.md.
 *
 * A third server, the durable floor (collector-fsync-server.ts), is the bare
 * one plus a group-committed append and fdatasync of each body before the
 * answer: the least any server that acknowledges durably must do. Its ratio
 * to bare bounds what durable acknowledgement can reach on this machine.
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
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { median, writeSection } from "./lib/report.js";
import {
  collectorArgs,
  loadIngestLog,
  measureRound,
  type Round,
  startServer,
  stopServer,
  storedInDuckDB,
} from "./lib/server-process.js";

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
async function baselineRound(args: string[], connections: number): Promise<Round> {
  const { child, url } = await startServer(args);
  const round = await measureRound(child, url, { seconds: SECONDS, connections, eventsPerBatch: EVENTS_PER_BATCH });
  await stopServer(child);
  return round;
}

/** Every acknowledged event must be in the file once the collector has exited, or the run fails. */
async function collectorRound(options: {
  dir: string;
  round: number;
  connections: number;
}): Promise<Round & { stored: number }> {
  const db = join(options.dir, `round-${options.connections}-${options.round}.duckdb`);
  const { child, url } = await startServer(collectorArgs(db));
  const round = await measureRound(child, url, {
    seconds: SECONDS,
    connections: options.connections,
    eventsPerBatch: EVENTS_PER_BATCH,
    settle: () => loadIngestLog(url),
  });
  const code = await stopServer(child);
  if (code !== 0) throw new Error(`the collector exited with ${code} on SIGTERM`);
  const stored = await storedInDuckDB(db);
  if (stored < round.acked) throw new Error(`acknowledged ${round.acked} events but only ${stored} are stored`);
  return { ...round, stored };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const row = (name: string, rounds: Round[], throughput: number) =>
  `| ${name} | ${fmt(throughput)} | ${fmt(median(rounds.map((r) => r.eventsPerSecond)))} | ${median(rounds.map((r) => r.cpuMicros)).toFixed(1)} µs | ${median(rounds.map((r) => r.p50)).toFixed(1)} ms | ${median(rounds.map((r) => r.p99)).toFixed(1)} ms | ${rounds.reduce((n, r) => n + r.errors, 0)} |`;

/** Alternating rounds of both servers at one connection count; the markdown for it. */
async function compare(dir: string, connections: number): Promise<string> {
  const bare: Round[] = [];
  const floor: Round[] = [];
  const collector: (Round & { stored: number })[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await baselineRound(["bench/collector-bare-server.ts"], connections));
    const appendFile = join(dir, `floor-${connections}-${round}.ndjson`);
    floor.push(await baselineRound(["bench/collector-fsync-server.ts", appendFile], connections));
    collector.push(await collectorRound({ dir, round, connections }));
    const b = bare.at(-1)!;
    const f = floor.at(-1)!;
    const c = collector.at(-1)!;
    console.log(
      `${connections} connections, round ${round + 1}/${ROUNDS}: bare ${fmt(b.eventsPerSecond)} ev/s, floor ${fmt(f.eventsPerSecond)} ev/s, collector ${fmt(c.eventsPerSecond)} ev/s (${c.acked} acked, ${c.stored} stored, ${c.errors} non-200)`,
    );
  }
  const bareMedian = median(bare.map((r) => r.settledPerSecond));
  const floorMedian = median(floor.map((r) => r.settledPerSecond));
  const collectorMedian = median(collector.map((r) => r.settledPerSecond));
  const ratios = bare.map((b, i) => collector[i]!.settledPerSecond / b.settledPerSecond);
  return `### ${connections} connections

| server | events/s stored | events/s acknowledged | CPU per event | p50 latency | p99 latency | non-200 |
| --- | --: | --: | --: | --: | --: | --: |
${row("bare node:http, JSON.parse only", bare, bareMedian)}
${row("durable floor: bare + group-committed append and fdatasync", floor, floorMedian)}
${row("collector (Fastify, wire check, allow-list, fsynced ingest log, DuckDB bulk loads)", collector, collectorMedian)}

Ratio collector / bare: **${(collectorMedian / bareMedian).toFixed(2)}** of the medians, ${median(ratios).toFixed(2)} median of the rounds' ratios (target ≥ 0.5). Durable floor / bare: **${(floorMedian / bareMedian).toFixed(2)}**; collector / durable floor: **${(collectorMedian / floorMedian).toFixed(2)}**. Collector: **${fmt(collectorMedian)} events/s** stored in DuckDB (target ≥ 50,000). Per round (events/s stored): bare ${bare.map((r) => fmt(r.settledPerSecond)).join(", ")}; collector ${collector.map((r) => fmt(r.settledPerSecond)).join(", ")}.`;
}

const dir = mkdtempSync(join(tmpdir(), "collector-bench-"));
const sections: string[] = [];
try {
  for (const connections of CONNECTION_COUNTS) sections.push(await compare(dir, connections));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const body = `Events acknowledged with 200, batches of ${EVENTS_PER_BATCH} events, keep-alive connections from one load-generator process (a fresh body with new event ids for every request), ${ROUNDS} rounds of ${SECONDS} s alternating between the servers; medians. The collector acknowledges once a batch is in its fsynced ingest log and loads the log into DuckDB in the background, so **events/s stored** counts the time until DuckDB holds every acknowledged event: after the load stops, one read (which first loads what the log holds) is timed and added to the round's seconds. The bare server stores nothing, and the durable floor's file is the store; their two figures are the same. The floor appends each raw body and fdatasyncs before answering (group commit), with no validation, privacy filter, dedupe or queryable store: the least a server that acknowledges durably must do. Each collector round starts on an empty DuckDB file; after it the collector is stopped with SIGTERM and the file is opened directly: every acknowledged event was present in every round. CPU is the server process's user + system time per acknowledged event, all its threads included, the final load too; it is less sensitive than throughput to other work on the machine.

${sections.join("\n\n")}`;
console.log(`\n${body}\n`);
if (!values["no-write"]) writeSection("collector-ingest", "Collector ingest throughput", COMMAND, body);
