/**
 * The collector's settings, from command-line flags and environment variables
 * (a flag wins over its variable). One table declares every setting: the
 * parser, `--help` and docs/collector.md all follow it.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_PUBLIC_K } from "./http/public-mode.js";
import { type CollectorLimits, DEFAULT_LIMITS } from "./http/services.js";
import type { RateLimit } from "./ingest/limits.js";

export interface CollectorConfig {
  host: string;
  port: number;
  dbPath: string;
  /** A ClickHouse URL: store events there instead of the DuckDB file (many replicas can share it). */
  clickhouseUrl: string | undefined;
  /** ClickHouse store: how long after its last insert a day is answered from events rather than its rollup. */
  clickhouseSettleMs: number;
  readToken: string | undefined;
  tls: { certPath: string; keyPath: string } | undefined;
  trustProxy: boolean | number | string;
  logLevel: string;
  limits: CollectorLimits;
  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  drainTimeoutMs: number;
  /** DuckDB worker threads; undefined lets DuckDB use every core. */
  duckdbThreads: number | undefined;
  /** Public mode (--public) and its k; undefined: a private collector. */
  publicMode: { k: number } | undefined;
  /** How stale the dashboard's rollups may be before a read catches them up. */
  dashboardLagMs: number;
  /** The DuckDB store's ingest log: how soon a block is loaded, and how many events it may hold. */
  ingestLog: { intervalMs: number; maxEvents: number };
}

interface Setting {
  flag: string;
  env: string;
  doc: string;
  fallback?: string;
  /** A switch: `--flag` alone; its variable is on when 1, true, on or yes. */
  boolean?: true;
}

export const SETTINGS: readonly Setting[] = [
  {
    flag: "host",
    env: "COLLECTOR_HOST",
    doc: "Address to listen on (0.0.0.0 for all interfaces).",
    fallback: "127.0.0.1",
  },
  {
    flag: "port",
    env: "COLLECTOR_PORT",
    doc: "Port to listen on; PORT is read too. 0 picks a free one.",
    fallback: "8787",
  },
  {
    flag: "db",
    env: "COLLECTOR_DB",
    doc: "DuckDB file; its directory is created.",
    fallback: "./data/collector.duckdb",
  },
  {
    flag: "clickhouse",
    env: "COLLECTOR_CLICKHOUSE_URL",
    doc: "ClickHouse URL, http(s)://user:password@host:8123/database: store events there instead of the DuckDB file, so many collector replicas can share one store. Prefer the variable: flags show in `ps`.",
  },
  {
    flag: "clickhouse-settle-ms",
    env: "COLLECTOR_CLICKHOUSE_SETTLE_MS",
    doc: "ClickHouse store: a day changed within this long is answered from events, not its rollup; keep it above the time an insert takes to become visible plus the clock skew between ClickHouse servers.",
    fallback: "60000",
  },
  {
    flag: "read-token",
    env: "COLLECTOR_READ_TOKEN",
    doc: "Bearer token for the read API and /metrics. Without one, they answer loopback clients only.",
  },
  {
    flag: "read-token-file",
    env: "COLLECTOR_READ_TOKEN_FILE",
    doc: "File holding the read token (keeps it out of `ps`).",
  },
  { flag: "tls-cert", env: "COLLECTOR_TLS_CERT", doc: "PEM certificate: serve HTTPS (with --tls-key)." },
  { flag: "tls-key", env: "COLLECTOR_TLS_KEY", doc: "PEM private key for --tls-cert." },
  {
    flag: "trust-proxy",
    env: "COLLECTOR_TRUST_PROXY",
    doc: "Take the client IP from X-Forwarded-For (true, a hop count, or proxy addresses); used for the per-IP limit only.",
    fallback: "false",
  },
  {
    flag: "log-level",
    env: "COLLECTOR_LOG_LEVEL",
    doc: "fatal, error, warn, info, debug, trace or silent.",
    fallback: "info",
  },
  {
    flag: "rate-limit-ip",
    env: "COLLECTOR_RATE_LIMIT_IP",
    doc: "Requests per second and burst per client IP, as RATE:BURST, or off.",
    fallback: "200:1000",
  },
  {
    flag: "rate-limit-installation",
    env: "COLLECTOR_RATE_LIMIT_INSTALLATION",
    doc: "Ingest requests per second and burst per installation id, as RATE:BURST, or off.",
    fallback: "2:60",
  },
  {
    flag: "max-queued-events",
    env: "COLLECTOR_MAX_QUEUED_EVENTS",
    doc: "Events waiting for their commit; past it, 503.",
    fallback: String(DEFAULT_LIMITS.maxQueuedEvents),
  },
  {
    flag: "max-body-bytes",
    env: "COLLECTOR_MAX_BODY_BYTES",
    doc: "Request body size on the wire.",
    fallback: String(DEFAULT_LIMITS.maxBodyBytes),
  },
  {
    flag: "max-decoded-bytes",
    env: "COLLECTOR_MAX_DECODED_BYTES",
    doc: "Request body size after gunzip.",
    fallback: String(DEFAULT_LIMITS.maxDecodedBytes),
  },
  {
    flag: "drain-timeout-ms",
    env: "COLLECTOR_DRAIN_TIMEOUT_MS",
    doc: "Longest graceful shutdown before exiting 1.",
    fallback: "30000",
  },
  {
    flag: "duckdb-threads",
    env: "COLLECTOR_DUCKDB_THREADS",
    doc: "DuckDB worker threads (default: one per core, less one for the event loop).",
  },
  {
    flag: "log-interval-ms",
    env: "COLLECTOR_LOG_INTERVAL_MS",
    doc: "DuckDB store: acknowledged events wait in the fsynced ingest log at most this long before DuckDB loads them (a read loads them at once).",
    fallback: "5000",
  },
  {
    flag: "log-max-events",
    env: "COLLECTOR_LOG_MAX_EVENTS",
    doc: "DuckDB store: events the ingest log may hold before ingest waits for DuckDB (then the queue fills and answers 503).",
    fallback: "1000000",
  },
  {
    flag: "public",
    env: "COLLECTOR_PUBLIC",
    doc: "Public mode: the dashboard and /v1/stats/* answer anyone with aggregates only, hiding groups of fewer than --public-k installations; GET /v1/events answers 404.",
    boolean: true,
  },
  {
    flag: "public-k",
    env: "COLLECTOR_PUBLIC_K",
    doc: "Smallest group, in installations, that public mode shows.",
    fallback: String(DEFAULT_PUBLIC_K),
  },
  {
    flag: "dashboard-lag-ms",
    env: "COLLECTOR_DASHBOARD_LAG_MS",
    doc: "A dashboard read folds new events into the dashboard's rollups first, unless that was done less than this long ago (0: always).",
    fallback: "5000",
  },
];

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseConfig(options: {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}): CollectorConfig {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...options.argv],
      options: Object.fromEntries(
        SETTINGS.map((s) => [s.flag, { type: s.boolean ? ("boolean" as const) : ("string" as const) }]),
      ),
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const get = (flag: string): string | undefined => {
    const setting = SETTINGS.find((s) => s.flag === flag)!;
    const fromEnv = options.env[setting.env] || (flag === "port" ? options.env.PORT : undefined) || undefined;
    return values[flag] ?? fromEnv ?? setting.fallback;
  };
  const cwd = options.cwd ?? process.cwd();
  const cert = get("tls-cert");
  const key = get("tls-key");
  if (Boolean(cert) !== Boolean(key)) throw new ConfigError("--tls-cert and --tls-key go together");
  return {
    host: get("host")!,
    port: integer("port", get("port")!, 0, 65_535),
    dbPath: get("db") === ":memory:" ? ":memory:" : resolve(cwd, get("db")!),
    clickhouseUrl: clickhouseUrl(get("clickhouse")),
    clickhouseSettleMs: integer("clickhouse-settle-ms", get("clickhouse-settle-ms")!, 0, 86_400_000),
    readToken: readToken(get("read-token"), get("read-token-file"), cwd),
    tls: cert && key ? { certPath: resolve(cwd, cert), keyPath: resolve(cwd, key) } : undefined,
    trustProxy: trustProxy(get("trust-proxy")!),
    logLevel: oneOf("log-level", get("log-level")!, ["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    limits: {
      ...DEFAULT_LIMITS,
      perIp: rateLimit("rate-limit-ip", get("rate-limit-ip")!),
      perInstallation: rateLimit("rate-limit-installation", get("rate-limit-installation")!),
      maxQueuedEvents: integer("max-queued-events", get("max-queued-events")!, 500, 10_000_000),
      maxBodyBytes: integer("max-body-bytes", get("max-body-bytes")!, 1024, 64 * 1024 * 1024),
      maxDecodedBytes: integer("max-decoded-bytes", get("max-decoded-bytes")!, 1024, 256 * 1024 * 1024),
    },
    drainTimeoutMs: integer("drain-timeout-ms", get("drain-timeout-ms")!, 0, 3_600_000),
    duckdbThreads:
      get("duckdb-threads") === undefined ? undefined : integer("duckdb-threads", get("duckdb-threads")!, 1, 1024),
    publicMode:
      (values.public as unknown) === true || /^(1|true|on|yes)$/i.test(options.env.COLLECTOR_PUBLIC ?? "")
        ? { k: integer("public-k", get("public-k")!, 1, 1000) }
        : undefined,
    dashboardLagMs: integer("dashboard-lag-ms", get("dashboard-lag-ms")!, 0, 3_600_000),
    ingestLog: {
      intervalMs: integer("log-interval-ms", get("log-interval-ms")!, 0, 3_600_000),
      maxEvents: integer("log-max-events", get("log-max-events")!, 1000, 100_000_000),
    },
  };
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max)
    throw new ConfigError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function clickhouseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("--clickhouse must be a URL, e.g. http://localhost:8123/telemetry");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError("--clickhouse must be an http:// or https:// URL (ClickHouse's HTTP interface)");
  }
  return raw;
}

function oneOf(name: string, raw: string, allowed: readonly string[]): string {
  if (!allowed.includes(raw)) throw new ConfigError(`--${name} must be one of ${allowed.join(", ")}`);
  return raw;
}

function rateLimit(name: string, raw: string): RateLimit {
  if (raw === "off" || raw === "0") return { perSecond: 0, burst: 0 };
  const match = /^(\d+(?:\.\d+)?):(\d+)$/.exec(raw.trim());
  if (!match || Number(match[1]) <= 0 || Number(match[2]) < 1) {
    throw new ConfigError(`--${name} must be RATE:BURST (e.g. 200:1000) or off`);
  }
  return { perSecond: Number(match[1]), burst: Number(match[2]) };
}

function trustProxy(raw: string): boolean | number | string {
  if (raw === "true") return true;
  if (raw === "false" || raw === "") return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

function readToken(token: string | undefined, file: string | undefined, cwd: string): string | undefined {
  if (token && file) throw new ConfigError("give --read-token or --read-token-file, not both");
  let value = token;
  if (file) {
    try {
      value = readFileSync(resolve(cwd, file), "utf8").trim();
    } catch (error) {
      throw new ConfigError(`cannot read --read-token-file: ${(error as Error).message}`);
    }
  }
  if (value === undefined || value === "") return undefined;
  if (value.length < 16) throw new ConfigError("the read token must be at least 16 characters");
  return value;
}

/** The `--help` text, from SETTINGS. */
export function helpText(): string {
  const rows = SETTINGS.map((s) => {
    const fallback = s.fallback === undefined ? "" : ` (default: ${s.fallback})`;
    return `  --${s.flag.padEnd(24)} ${s.env}\n      ${s.doc}${fallback}`;
  });
  return `Usage: better-auth-telemetry-collector serve [flags]\n\nEach flag can also be set by its environment variable.\n\n${rows.join("\n")}\n`;
}
