/**
 * @module Starts and stops a whole collector: store, app, listener. The CLI
 * and the end-to-end tests both go through here, so the tests run what ships.
 */
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./http/app.js";
import type { PublicMode } from "./http/public-mode.js";
import type { CollectorLimits, Services } from "./http/services.js";
import { openClickHouseStore } from "./store/clickhouse/connect.js";
import { DuckDBEventStore, type LogOptions } from "./store/duckdb/duckdb-store.js";
import type { EventStore } from "./store/event-store.js";

export interface StartOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 8787 */
  port?: number;
  /** DuckDB file to open, unless `store` or `clickhouseUrl` is given. */
  dbPath?: string;
  /** A ClickHouse URL to open instead of the DuckDB file, unless `store` is given (see store/clickhouse/connect.ts). */
  clickhouseUrl?: string | undefined;
  /** For the store opened from `clickhouseUrl` (see ClickHouseStoreOptions.dashboardSettleMs). @default 60000 */
  clickhouseSettleMs?: number | undefined;
  /** A store to use instead of opening `dbPath`; the collector closes it on close(). */
  store?: EventStore;
  /** DuckDB worker threads for the store opened from `dbPath`. @default one per core, less one for the event loop */
  duckdbThreads?: number | undefined;
  readToken?: string | undefined;
  tls?: { certPath: string; keyPath: string } | undefined;
  trustProxy?: boolean | number | string;
  logLevel?: string;
  limits?: Partial<CollectorLimits>;
  /** Public mode (see AppOptions.publicMode). */
  publicMode?: PublicMode | undefined;
  /** For the store opened from `dbPath`: how stale the dashboard may be before a read catches it up. @default 0 */
  dashboardLagMs?: number | undefined;
  /** For the store opened from `dbPath`: its ingest log's timing and size (see DuckDBStoreOptions.log). */
  ingestLog?: Partial<LogOptions> | undefined;
}

export interface RunningCollector {
  /** Where it listens, e.g. http://127.0.0.1:8787 */
  url: string;
  app: FastifyInstance;
  services: Services;
  /** Stops accepting, answers in-flight requests, commits what is queued, closes the store. */
  close(): Promise<void>;
}

export async function startCollector(options: StartOptions): Promise<RunningCollector> {
  // the store opens before the app and its logger exist; a background load can fail only later
  let reportStoreError = (error: unknown) => console.error("loading the ingest log into DuckDB failed:", error);
  const store =
    options.store ??
    (options.clickhouseUrl
      ? await openClickHouseStore({ url: options.clickhouseUrl, dashboardSettleMs: options.clickhouseSettleMs })
      : await DuckDBEventStore.open({
          path: options.dbPath ?? "./data/collector.duckdb",
          threads: options.duckdbThreads,
          dashboardLagMs: options.dashboardLagMs,
          log: options.ingestLog,
          onError: (error) => reportStoreError(error),
        }));
  let built: Awaited<ReturnType<typeof buildApp>>;
  try {
    built = await buildApp({
      store,
      readToken: options.readToken,
      limits: options.limits,
      trustProxy: options.trustProxy,
      logLevel: options.logLevel,
      publicMode: options.publicMode,
      https: options.tls && { cert: readFileSync(options.tls.certPath), key: readFileSync(options.tls.keyPath) },
    });
    await built.app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 8787 });
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  const { app, services } = built;
  reportStoreError = (error) =>
    app.log.error({ err: error }, "loading the ingest log into DuckDB failed; it is retried");
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host ?? "127.0.0.1";
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? "https" : "http"}://${shown}:${port}`,
    app,
    services,
    close: () => {
      closing ??= (async () => {
        services.state.draining = true;
        // Fastify stops listening, closes idle connections and waits for in-flight requests,
        // which are themselves waiting for their commit
        await app.close();
        await services.queue.drain();
        await services.store.close();
      })();
      return closing;
    },
  };
}
