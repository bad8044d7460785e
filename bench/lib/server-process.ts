/**
 * A server under load in its own process, as the ingest benchmarks run it:
 * started from a TypeScript entry, loaded by bench/collector-load.ts, measured
 * by its own CPU time (all its threads, DuckDB's or chdb's included), stopped
 * with SIGTERM, and its store counted afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { runLoad } from "../collector-load.js";
import { percentile } from "./report.js";

const root = new URL("../..", import.meta.url).pathname;

/** The collector's command line on a DuckDB file, with the rate limits off: the generator is one IP. */
export const collectorArgs = (dbPath: string): string[] => [
  "packages/collector/src/cli/main.ts",
  "serve",
  "--port=0",
  `--db=${dbPath}`,
  "--rate-limit-ip=off",
  "--rate-limit-installation=off",
  "--log-level=warn",
];

/** Starts `node --import tsx <args>` and resolves once it prints "listening on <url>". */
export function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
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

/** SIGTERM, then the exit code: a collector drains and commits before it exits 0. */
export function stopServer(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

/** CPU seconds (user + system) the process has used so far, all its threads; NaN where /proc is missing. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export interface Round {
  /** Events acknowledged per second of load. */
  eventsPerSecond: number;
  /**
   * Events acknowledged per second of load plus the `settle` step after it (for
   * the collector: until DuckDB has loaded every acknowledged event), so a store
   * that acknowledges faster than it stores gains nothing here.
   */
  settledPerSecond: number;
  /** The server process's CPU time per acknowledged event, in µs, the settle step included: less sensitive to a busy machine than throughput. */
  cpuMicros: number;
  p50: number;
  p99: number;
  /** Answers other than 200. */
  errors: number;
  acked: number;
}

/** Loads the server for `seconds`, runs `settle`, and summarizes what it acknowledged and what that cost it. */
export async function measureRound(
  child: ChildProcess,
  url: string,
  load: { seconds: number; connections: number; eventsPerBatch: number; settle?: () => Promise<void> },
): Promise<Round> {
  const before = cpuSeconds(child.pid);
  const result = await runLoad({ url, ...load });
  const settleStarted = performance.now();
  await load.settle?.();
  const settleSeconds = (performance.now() - settleStarted) / 1000;
  const cpu = cpuSeconds(child.pid) - before;
  const errors = Object.entries(result.statuses)
    .filter(([status]) => status !== "200")
    .reduce((n, [, count]) => n + count, 0);
  return {
    eventsPerSecond: result.ackedEvents / result.seconds,
    settledPerSecond: result.ackedEvents / (result.seconds + settleSeconds),
    cpuMicros: (cpu * 1e6) / Math.max(1, result.ackedEvents),
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
    errors,
    acked: result.ackedEvents,
  };
}

/** For a collector on the DuckDB store: a read, which first loads everything the ingest log holds. */
export async function loadIngestLog(url: string): Promise<void> {
  const response = await fetch(`${url}/v1/stats/overview`);
  if (!response.ok) throw new Error(`overview answered ${response.status}`);
  await response.arrayBuffer();
}

/** Events in a DuckDB store file, opened directly once its collector has exited. */
export async function storedInDuckDB(path: string): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  const n = Number((await connection.runAndReadAll("SELECT count(*) FROM events")).getRowsJS()[0]![0]);
  connection.closeSync();
  instance.closeSync();
  return n;
}
