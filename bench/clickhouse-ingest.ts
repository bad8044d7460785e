/**
 * Collector ingest throughput on the ClickHouse store (chdb, embedded in the
 * collector's process), beside the DuckDB store: events per second
 * acknowledged with 200, batches of 50 events, the load generator of
 * bench/collector-ingest.ts, rounds alternating between the two stores.
 * After each round the collector is stopped (SIGTERM: drain, commit, close)
 * and its store opened directly: every acknowledged event must be stored.
 *
 * chdb runs ClickHouse inside the collector's process, so its merges and
 * inserts share the collector's two cores here; against a ClickHouse server
 * on other machines, the collector would spend only the client side.
 *
 * Run: node scripts/ensure-chdb.mjs && node --import tsx --conditions=source bench/clickhouse-ingest.ts
 *      [--rounds 3] [--seconds 5] [--connections 64] [--no-write]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chdbClient } from "./lib/chdb.js";
import { loadAverage, median, writeSection } from "./lib/report.js";
import {
  collectorArgs,
  loadIngestLog,
  measureRound,
  type Round,
  startServer,
  stopServer,
  storedInDuckDB,
} from "./lib/server-process.js";

const loadBefore = loadAverage();
const COMMAND = "node scripts/ensure-chdb.mjs && node --import tsx --conditions=source bench/clickhouse-ingest.ts";
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "64" },
    "no-write": { type: "boolean", default: false },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const EVENTS_PER_BATCH = 50;
async function storedInClickHouse(path: string): Promise<number> {
  const client = chdbClient(path);
  const rows = await (
    await client.query({ query: "SELECT count() AS n FROM bench.events FINAL", format: "JSONEachRow" })
  ).json<{ n: string | number }>();
  await client.close();
  return Number(rows[0]!.n);
}

/** Every acknowledged event must be in the store once the collector has exited, or the run fails. */
async function round(store: "duckdb" | "clickhouse", dir: string, n: number): Promise<Round & { stored: number }> {
  const path = join(dir, `${store}-${n}`);
  const args = store === "duckdb" ? collectorArgs(`${path}.duckdb`) : ["bench/lib/chdb-collector-server.ts", path];
  const { child, url } = await startServer(args);
  const result = await measureRound(child, url, {
    seconds: SECONDS,
    connections: CONNECTIONS,
    eventsPerBatch: EVENTS_PER_BATCH,
    // the DuckDB store acknowledges from its ingest log: count until DuckDB holds everything
    settle: store === "duckdb" ? () => loadIngestLog(url) : undefined,
  });
  const code = await stopServer(child);
  if (code !== 0) throw new Error(`the ${store} collector exited with ${code} on SIGTERM`);
  const stored = store === "duckdb" ? await storedInDuckDB(`${path}.duckdb`) : await storedInClickHouse(path);
  if (stored < result.acked) throw new Error(`${store}: acknowledged ${result.acked} events, stored ${stored}`);
  return { ...result, stored };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const dir = mkdtempSync(join(tmpdir(), "clickhouse-ingest-"));
const rounds: Record<"duckdb" | "clickhouse", (Round & { stored: number })[]> = { duckdb: [], clickhouse: [] };
try {
  for (let n = 0; n < ROUNDS; n++) {
    for (const store of ["duckdb", "clickhouse"] as const) {
      const r = await round(store, dir, n);
      rounds[store].push(r);
      console.log(
        `round ${n + 1}/${ROUNDS} ${store}: ${fmt(r.settledPerSecond)} ev/s, ${r.acked} acked, ${r.stored} stored`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const row = (name: string, list: Round[]) =>
  `| ${name} | ${fmt(median(list.map((r) => r.settledPerSecond)))} | ${median(list.map((r) => r.cpuMicros)).toFixed(1)} µs | ${median(list.map((r) => r.p50)).toFixed(1)} ms | ${median(list.map((r) => r.p99)).toFixed(1)} ms | ${list.reduce((n, r) => n + r.errors, 0)} |`;
const body = `Events per second acknowledged with 200 and stored (for DuckDB, whose collector acknowledges from its fsynced ingest log, the time until DuckDB has loaded every acknowledged event is counted too), batches of ${EVENTS_PER_BATCH} events, ${CONNECTIONS} keep-alive connections from one load-generator process (bench/collector-load.ts), ${ROUNDS} rounds of ${SECONDS} s alternating between the stores; medians. Each round starts on an empty store; after it the collector is stopped with SIGTERM and the store opened directly: every acknowledged event was stored, in every round. The ClickHouse store runs on chdb 3.4.0 inside the collector's process (no server here), so ClickHouse's own insert and merge work is counted in the collector's CPU and shares its two cores. Load average before: ${loadBefore}; after: ${loadAverage()}.

| store | events/s | CPU per event | p50 latency | p99 latency | non-200 |
| --- | --: | --: | --: | --: | --: |
${row("DuckDB (embedded default)", rounds.duckdb)}
${row("ClickHouse (chdb, in process)", rounds.clickhouse)}

Per round (events/s): DuckDB ${rounds.duckdb.map((r) => fmt(r.settledPerSecond)).join(", ")}; ClickHouse ${rounds.clickhouse.map((r) => fmt(r.settledPerSecond)).join(", ")}.`;
console.log(`\n${body}\n`);
if (!values["no-write"])
  writeSection("clickhouse-ingest", "ClickHouse store: ingest throughput beside DuckDB", COMMAND, body);
