/**
 * @module The scale-out store: every collector replica writes to and reads
 * from one ClickHouse (a server, a cluster, or chdb in tests) through
 * `@clickhouse/client`. The replicas keep no state of their own beyond what
 * is in flight, so any number of them can run behind a load balancer.
 */
import { randomBytes } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import type {
  AdoptionAggregate,
  AuthAggregate,
  BreakdownsAggregate,
  DashboardQuery,
  DashboardQueryOptions,
  ErrorsAggregate,
  InstallationsAggregate,
  RequestsAggregate,
} from "../dashboard-types.js";
import type {
  EventStore,
  IngestBatch,
  InsertResult,
  Overview,
  RecentEventsQuery,
  StoredEvent,
  TimeRange,
} from "../event-store.js";
import { Serial } from "../serial.js";
import type { PanelContext } from "./dashboard/panel-sql.js";
import { queryAdoption } from "./dashboard/query-adoption.js";
import { queryAuth } from "./dashboard/query-auth.js";
import { queryBreakdowns } from "./dashboard/query-breakdowns.js";
import { queryErrors } from "./dashboard/query-errors.js";
import { queryInstallations } from "./dashboard/query-installations.js";
import { queryRequests } from "./dashboard/query-requests.js";
import { ClickHouseRollups } from "./dashboard/rollups.js";
import { dedupeGroup } from "./dedupe-group.js";
import { insertGroup } from "./insert-group.js";
import { eraseInstallation, queryOverview, queryRecent } from "./queries.js";
import { loadSecret, migrate } from "./schema.js";
import { identifier } from "./sql.js";

export interface ClickHouseStoreOptions {
  /** A client for the server (see connect.ts), or for chdb in tests; the store closes it on close(). */
  client: ClickHouseClient;
  /** The database holding the tables; created if missing. @default "default" */
  database?: string;
  /** Milliseconds clock for received_at, injectable for tests. @default Date.now */
  now?: () => number;
  /**
   * How long after its last insert (or erasure) a day is still answered from
   * `events` rather than from its rollup (dashboard/rollups.ts): longer than
   * an insert takes to become visible, plus the clock skew between
   * ClickHouse servers. 0 is only safe when no insert runs concurrently with
   * a dashboard read (tests, benchmarks). @default 60000
   */
  dashboardSettleMs?: number;
}

export class ClickHouseEventStore implements EventStore {
  readonly idSecret: Uint8Array;
  readonly #client: ClickHouseClient;
  readonly #db: string;
  readonly #now: () => number;
  /**
   * This replica's writes (inserts, erasures), one at a time in call order:
   * EventStore.insert promises that a later call sees an earlier one's events
   * as duplicates, which needs the earlier INSERT acknowledged before the
   * later check. The ingest queue already merges waiting batches into one
   * call, so the blocks stay large.
   */
  readonly #writes = new Serial();
  /** The last received_at stamp given, in microseconds: stamps only increase within a replica. */
  #lastStamp = 0;
  #closed = false;
  readonly #rollups: ClickHouseRollups;
  /** Dashboard reads under way: an erasure waits for them, and reads wait for an erasure. */
  readonly #reading = new Set<Promise<unknown>>();
  #erasing: Promise<void> = Promise.resolve();

  private constructor(options: Required<ClickHouseStoreOptions>, idSecret: Uint8Array) {
    this.#client = options.client;
    this.#db = options.database;
    this.#now = options.now;
    this.idSecret = idSecret;
    this.#rollups = new ClickHouseRollups({
      client: options.client,
      db: options.database,
      settleMs: options.dashboardSettleMs,
    });
  }

  /** Runs the migrations, loads the id secret, and returns the store. */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseEventStore> {
    const db = identifier(options.database ?? "default");
    try {
      await migrate(options.client, db);
      const secret = await loadSecret(options.client, db, () => new Uint8Array(randomBytes(32)));
      return new ClickHouseEventStore(
        {
          client: options.client,
          database: db,
          now: options.now ?? Date.now,
          dashboardSettleMs: options.dashboardSettleMs ?? 60_000,
        },
        secret,
      );
    } catch (error) {
      await options.client.close().catch(() => {});
      throw error;
    }
  }

  insert(batches: readonly IngestBatch[]): Promise<InsertResult[]> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    return this.#writes.run(async () => {
      const base = Math.max(this.#now() * 1000, this.#lastStamp + 1);
      this.#lastStamp = base + Math.max(0, batches.length - 1);
      const receivedAtMicros = batches.map((_, i) => base + i);
      const { batches: unique, repeated } = dedupeGroup(batches);
      const results = await insertGroup({ client: this.#client, db: this.#db, batches: unique, receivedAtMicros });
      this.#rollups.noteWrite();
      return results.map((r, i) => ({ accepted: r.accepted, duplicates: r.duplicates + (repeated[i] ?? 0) }));
    });
  }

  overview(range: TimeRange): Promise<Overview> {
    return this.#read(() => queryOverview(this.#client, this.#db, range));
  }

  recentEvents(query: RecentEventsQuery): Promise<StoredEvent[]> {
    return this.#read(() => queryRecent(this.#client, this.#db, query));
  }

  eraseInstallation(installationId: string): Promise<number> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    // in line with this replica's inserts, so none of its own lands after the delete
    return this.#writes.run(async () => {
      let release = () => {};
      const erased = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = this.#erasing;
      this.#erasing = previous.then(() => erased);
      try {
        await Promise.allSettled([...this.#reading]);
        return await this.#rollups.erase(installationId, () =>
          eraseInstallation(this.#client, this.#db, installationId),
        );
      } finally {
        release();
      }
    });
  }

  /**
   * Rebuilds every day whose rollup is behind its events now, whatever the
   * settle margin (benchmarks, and tests that must read the rollups).
   */
  refreshDashboard(): Promise<void> {
    return this.#read(() => this.#rollups.refresh());
  }

  dashboardInstallations(query: DashboardQuery): Promise<InstallationsAggregate> {
    return this.#dashboard((context) => queryInstallations(context, query));
  }

  dashboardBreakdowns(query: DashboardQuery): Promise<BreakdownsAggregate> {
    return this.#dashboard((context) => queryBreakdowns(context, query));
  }

  dashboardAdoption(query: DashboardQuery): Promise<AdoptionAggregate> {
    return this.#dashboard((context) => queryAdoption(context, query));
  }

  dashboardErrors(query: DashboardQuery, options?: DashboardQueryOptions): Promise<ErrorsAggregate> {
    return this.#dashboard((context) => queryErrors(context, query, options));
  }

  dashboardRequests(query: DashboardQuery): Promise<RequestsAggregate> {
    return this.#dashboard((context) => queryRequests(context, query));
  }

  dashboardAuth(query: DashboardQuery): Promise<AuthAggregate> {
    return this.#dashboard((context) => queryAuth(context, query));
  }

  async ping(): Promise<void> {
    if (this.#closed) throw new Error("the store is closed");
    const result = await this.#client.ping();
    if (!result.success) throw result.error;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writes.idle();
    await Promise.allSettled([...this.#reading]);
    await this.#client.close();
  }

  /** A dashboard read: after any erasure under way, on a rollup snapshot the page's panels share. */
  #dashboard<T>(task: (context: PanelContext) => Promise<T>): Promise<T> {
    return this.#read(() => {
      const run = (async () => {
        await this.#erasing;
        const snapshot = await this.#rollups.snapshot();
        return task({ client: this.#client, db: this.#db, snapshot });
      })();
      this.#reading.add(run);
      const done = () => this.#reading.delete(run);
      run.then(done, done);
      return run;
    });
  }

  #read<T>(task: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    return task();
  }
}
