/**
 * Dashboard queries at scale: 10,000,000 synthetic events (50,000
 * installations, 1,000 routes, 90 days; bench/lib/synthetic-events.ts) written
 * straight into a DuckDB store file, then every dashboard panel timed through
 * the StatsService (exactly what GET / and /v1/stats/* run, minus HTTP), alone
 * and as the whole overview page (all six panels for one query, as a page view
 * asks them). Each timed run starts cold: the store drops its cached
 * population first. Also measured: building the rollups from scratch, an
 * incremental catch-up, an erasure, and raw-SQL baselines over `events`.
 * Results go to docs/benchmarks.md.
 *
 * Run: node --import tsx --conditions=source bench/dashboard-queries.ts
 *      [--events 10000000] [--installations 50000] [--days 90] [--routes 1000]
 *      [--runs 20] [--db PATH (reuse or keep the store)] [--no-write]
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { uuidv7 } from "../packages/collector/src/ingest/ids.js";
import { StatsService } from "../packages/collector/src/stats/stats-service.js";
import { DuckDBEventStore } from "../packages/collector/src/store/duckdb/duckdb-store.js";
import type { IngestBatch } from "../packages/collector/src/store/event-store.js";
import { DAY, FIXTURE_OPTIONS, ms, PANELS, START, views } from "./lib/dashboard-views.js";
import { loadAverage, median, percentile, writeSection } from "./lib/report.js";
import { createSyntheticStore } from "./lib/synthetic-events.js";

const COMMAND = "node --import tsx --conditions=source bench/dashboard-queries.ts";
const { values } = parseArgs({
  options: {
    ...FIXTURE_OPTIONS,
    runs: { type: "string", default: "20" },
    db: { type: "string" },
    "no-write": { type: "boolean", default: false },
  },
});
const EVENTS = Number(values.events);
const DAYS = Number(values.days);
const RUNS = Number(values.runs);
const TARGET_MS = 100;

const loadBefore = loadAverage();

// ---- 1. the store
const dir = values.db ? undefined : mkdtempSync(join(tmpdir(), "dashboard-bench-"));
const path = values.db ?? join(dir!, "events.duckdb");
let generation: { seconds: number; events: number; batches: number; installationDays: number } | undefined;
if (!existsSync(path)) {
  const started = performance.now();
  const { instance, connection, written } = await createSyntheticStore(path, {
    events: EVENTS,
    installations: Number(values.installations),
    days: DAYS,
    routes: Number(values.routes),
    startMs: START,
  });
  generation = { seconds: (performance.now() - started) / 1000, ...written };
  connection.closeSync();
  instance.closeSync();
  console.log(`generated ${written.events} events in ${generation.seconds.toFixed(0)} s`);
}

// the installations an erasure will be timed on: the busiest one, and one with a single batch
const erasable: string[] = [];
{
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (const order of ["DESC", "ASC"]) {
    const reader = await connection.runAndReadAll(
      `SELECT installation_id::VARCHAR FROM batches GROUP BY 1 ORDER BY count(*) ${order}, 1 LIMIT 1`,
    );
    erasable.push(String(reader.getRowsJS()[0]![0]));
  }
  connection.closeSync();
  instance.closeSync();
}

const store = await DuckDBEventStore.open({ path });
const buildStarted = performance.now();
await store.refreshDashboard();
const buildSeconds = (performance.now() - buildStarted) / 1000;
console.log(`rollups built in ${buildSeconds.toFixed(0)} s`);
const stats = new StatsService({ store, k: null, now: () => START + DAYS * DAY - 1 });

// ---- 2. the panels and the overview
const SCENARIOS = views(DAYS);

interface Timing {
  scenario: string;
  panels: Record<string, number[]>;
  overview: number[];
  /** CPU time of this process (DuckDB's threads included) per page view: what the load of other processes does not inflate. */
  overviewCpu: number[];
}
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const timings: Timing[] = [];
for (const scenario of SCENARIOS) {
  const request = { from: scenario.from, to: scenario.to, filter: scenario.filter };
  const timing: Timing = { scenario: scenario.name, panels: {}, overview: [], overviewCpu: [] };
  // one untimed warm-up run, then RUNS timed ones, each from a cold population
  for (let run = -1; run < RUNS; run++) {
    // the page view: six panels asked at once, as GET / does
    await store.refreshDashboard();
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(PANELS.map((panel) => stats[panel](request)));
    if (run >= 0) {
      timing.overview.push(performance.now() - started);
      timing.overviewCpu.push(cpuMs(cpu));
    }
    // each panel alone (one API call), population included
    for (const panel of PANELS) {
      await store.refreshDashboard();
      const alone = performance.now();
      await stats[panel](request);
      const elapsed = performance.now() - alone;
      if (run >= 0) timing.panels[panel] = [...(timing.panels[panel] ?? []), elapsed];
    }
  }
  timings.push(timing);
  console.log(
    `${scenario.name}: overview p50 ${ms(median(timing.overview))} ms, p95 ${ms(percentile(timing.overview, 95))} ms`,
  );
}

// ---- 3. keeping up: an incremental catch-up, and erasures
function delta(batches: number): IngestBatch[] {
  const ts = START + (DAYS - 1) * DAY + 12 * 3_600_000;
  return Array.from({ length: batches }, (_, b) => ({
    envelope: {
      source: "sdk",
      installationId: `0000${(b % 50_000).toString(16).padStart(4, "0")}-0000-4000-8000-${b.toString(16).padStart(12, "0")}`,
      idKind: "persistent",
      sdkVersion: "0.1.0",
      context: { runtime: "node", runtimeVersion: "22.21.1", framework: "next", environment: "production" },
      additionalData: { region: "eu-west-1" },
    },
    events: Array.from({ length: 50 }, (_, e) => ({
      id: uuidv7(ts + e),
      type: "api_request" as const,
      ts: ts + e,
      props: {
        route: `/plugin${e % 20}/op${b % 10}`,
        method: "POST",
        status: 200,
        source: "handler",
        count: 3,
        duration: { sumMs: 30, buckets: [0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      },
    })),
  }));
}
const catchUps: number[] = [];
for (let round = 0; round < 3; round++) {
  await store.insert(delta(200));
  const started = performance.now();
  await store.refreshDashboard();
  catchUps.push(performance.now() - started);
}

const erasures: { id: string; events: number; ms: number }[] = [];
for (const id of erasable) {
  const started = performance.now();
  const events = await store.eraseInstallation(id);
  erasures.push({ id, events, ms: performance.now() - started });
}
await store.close();

// ---- 4. raw-SQL baselines and table sizes (the store is closed: open the file directly)
const instance = await DuckDBInstance.create(path);
const connection = await instance.connect();
const timestamp = (t: number) => `TIMESTAMP '${new Date(t).toISOString().replace("T", " ").replace("Z", "")}'`;
const thirtyDays = SCENARIOS[0]!;
const range = `e.ts >= ${timestamp(thirtyDays.from)} AND e.ts < ${timestamp(thirtyDays.to)}`;
const BASELINES: [string, string][] = [
  [
    "daily active installations (count DISTINCT over events ⋈ batches)",
    `SELECT e.ts::DATE, count(DISTINCT b.installation_id) FROM events e JOIN batches b USING (batch) WHERE ${range} GROUP BY 1`,
  ],
  [
    "requests and installations per route",
    `SELECT route, method, sum(count), count(DISTINCT b.installation_id) FROM events e JOIN batches b USING (batch)
     WHERE e.type = 'api_request' AND ${range} GROUP BY ALL`,
  ],
  [
    "error codes (JSON extraction)",
    `SELECT e.props->>'$.code', sum(count), count(DISTINCT b.installation_id) FROM events e JOIN batches b USING (batch)
     WHERE e.type = 'error' AND ${range} GROUP BY 1`,
  ],
];
const baselines: { name: string; ms: number }[] = [];
for (const [name, sql] of BASELINES) {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await connection.runAndReadAll(sql);
    runs.push(performance.now() - started);
  }
  baselines.push({ name, ms: median(runs) });
}
// exact counts: duckdb_tables().estimated_size still counts deleted rows (dash_inits_current, rewritten
// per catch-up, showed 63k rows for its 46k)
const tables = (
  await connection.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE table_name IN ('events', 'batches') OR table_name LIKE 'dash_%'`,
  )
).getRowsJS() as [string][];
const sizes: [string, number][] = [];
for (const [name] of tables) {
  const counted = await connection.runAndReadAll(`SELECT count(*) FROM "${name}"`);
  sizes.push([name, Number(counted.getRowsJS()[0]![0])]);
}
sizes.sort(([, x], [, y]) => y - x);
connection.closeSync();
instance.closeSync();
if (dir) rmSync(dir, { recursive: true, force: true });
const loadAfter = loadAverage();

// ---- 5. report
const defaultView = timings[0]!;
const p95 = percentile(defaultView.overview, 95);
const lines: string[] = [];
lines.push(
  `${EVENTS.toLocaleString("en-US")} synthetic events (${Number(values.installations).toLocaleString("en-US")} installations, ${values.routes} routes, ${DAYS} days; bench/lib/synthetic-events.ts) written into the store file by DuckDB itself` +
    (generation
      ? ` in ${generation.seconds.toFixed(0)} s (${generation.batches.toLocaleString("en-US")} batches, ${generation.installationDays.toLocaleString("en-US")} installation-days).`
      : " (a reused file)."),
  `Rollups built from scratch in ${buildSeconds.toFixed(0)} s (the first dashboard read after an upgrade or an import pays this once).`,
  `Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter} — the machine was shared; every figure is a median or a percentile of ${RUNS} runs.`,
  "",
  `**The whole overview page (six panels, one query), default view: p95 ${ms(p95)} ms** (target: under ${TARGET_MS} ms): ${p95 < TARGET_MS ? "met" : "missed"}.`,
  "",
  "Overview (the six panels of one page view, asked at once as GET / does, each run cold), wall ms, and the process's CPU ms per view (DuckDB's threads included; other processes' load does not inflate it):",
  "",
  "| view | p50 | p95 | CPU p50 |",
  "| --- | ---: | ---: | ---: |",
  ...timings.map(
    (t) =>
      `| ${t.scenario} | ${ms(median(t.overview))} | ${ms(percentile(t.overview, 95))} | ${ms(median(t.overviewCpu))} |`,
  ),
  "",
  "Each panel alone (one stats API call, cold, population included), ms p50 / p95:",
  "",
  `| panel | ${timings.map((t) => t.scenario).join(" | ")} |`,
  `| --- | ${timings.map(() => "---:").join(" | ")} |`,
  ...PANELS.map(
    (panel) =>
      `| ${panel} | ${timings.map((t) => `${ms(median(t.panels[panel]!))} / ${ms(percentile(t.panels[panel]!, 95))}`).join(" | ")} |`,
  ),
  "",
  `Keeping up: folding 10,000 new events (200 batches) into the rollups took ${catchUps.map(ms).join(", ")} ms (three rounds). ` +
    `Erasing an installation (its events and its share of every rollup): ${erasures.map((e) => `${e.events.toLocaleString("en-US")} events in ${ms(e.ms)} ms`).join("; ")}.`,
  "",
  "Without rollups (plain SQL over `events`, last 30 days, median of 3):",
  "",
  "| query | ms |",
  "| --- | ---: |",
  ...baselines.map((b) => `| ${b.name} | ${ms(b.ms)} |`),
  "",
  "Rows per table:",
  "",
  "| table | rows |",
  "| --- | ---: |",
  ...sizes.map(([name, rows]) => `| ${name} | ${Number(rows).toLocaleString("en-US")} |`),
);
const body = lines.join("\n");
console.log(body);
if (!values["no-write"]) writeSection("dashboard-queries", "Dashboard: query times at 10M events", COMMAND, body);
