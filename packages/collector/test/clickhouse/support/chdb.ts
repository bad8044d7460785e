/**
 * ClickHouse for the parity suites: chdb, the ClickHouse engine embedded in
 * Node, behind the real `@clickhouse/client` (createChdbConnection). chdb is
 * about 540 MB, so it is not a dependency of any package: `npm run
 * test:clickhouse` installs it into .cache/chdb first (scripts/ensure-chdb.mjs)
 * and these files load it from there.
 *
 * chdb binds one data directory per process (a second OS process opening the
 * same directory fails with "Cannot lock file …/status"), so each test file
 * uses one directory, and separate databases in it for separate stores.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from "@clickhouse/client";
import { ClickHouseEventStore } from "../../../src/store/clickhouse/clickhouse-store.js";
import { REPO_ROOT } from "../../support/collector.js";

const CACHE = join(REPO_ROOT, ".cache", "chdb");

interface ChdbConnectionModule {
  createChdbConnection(options: { path: string }): unknown;
}

let loaded: ChdbConnectionModule | undefined;

function chdbConnection(): ChdbConnectionModule {
  if (loaded) return loaded;
  if (!existsSync(join(CACHE, "node_modules", "chdb", "package.json"))) {
    throw new Error("chdb is not installed: run `npm run test:clickhouse` (it installs chdb into .cache/chdb first)");
  }
  const require = createRequire(join(CACHE, "package.json"));
  loaded = require("chdb/connection") as ChdbConnectionModule;
  return loaded;
}

/** One chdb data directory for a test file; `client()` gives a new client on it. */
export interface ChdbSession {
  path: string;
  client(): ClickHouseClient;
  /** The rows a query answers, on a client of its own (to look at the tables beneath a store). */
  rows<T>(query: string): Promise<T[]>;
  /** A fresh store in a database of its own (a new replica when given an existing database). */
  openStore(options?: {
    database?: string;
    now?: () => number;
    dashboardSettleMs?: number;
  }): Promise<ClickHouseEventStore>;
  /** Removes the directory; every client on it must be closed first. */
  remove(): void;
}

export function chdbSession(): ChdbSession {
  const path = mkdtempSync(join(tmpdir(), "collector-chdb-"));
  const { createChdbConnection } = chdbConnection();
  // chdb's connection implements @clickhouse/client's Connection contract (it is loaded from
  // .cache, so TypeScript sees no declaration of it here)
  const client = () =>
    createClient({ connection: createChdbConnection({ path }) as ClickHouseClientConfigOptions["connection"] });
  return {
    path,
    client,
    rows: async <T>(query: string) => {
      const c = client();
      try {
        return (await (await c.query({ query, format: "JSONEachRow" })).json()) as T[];
      } finally {
        await c.close();
      }
    },
    openStore: (options = {}) =>
      ClickHouseEventStore.open({
        client: client(),
        database: options.database ?? `t_${randomUUID().replaceAll("-", "")}`,
        now: options.now,
        dashboardSettleMs: options.dashboardSettleMs,
      }),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}
