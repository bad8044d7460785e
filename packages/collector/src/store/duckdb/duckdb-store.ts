/**
 * @module The embedded default store: one DuckDB file (plus its WAL). A commit
 * returns only after DuckDB has written and fsynced the WAL, so an acknowledged
 * batch survives kill -9; on the next open DuckDB replays the WAL.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
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
import { DuckDBDashboard } from "./dashboard/duckdb-dashboard.js";
import { GroupWriter } from "./group-writer.js";
import { eraseInstallation, queryOverview, queryRecent } from "./queries.js";
import { loadSecret, migrate, nextBatchNumber } from "./schema.js";

export interface DuckDBStoreOptions {
  /** The database file; its directory is created if missing. `:memory:` for a throwaway store. */
  path: string;
  /** DuckDB worker threads. @default one per core, less one for the event loop (at least 1) */
  threads?: number;
  /** Milliseconds clock for received_at, injectable for tests. @default Date.now */
  now?: () => number;
  /** How stale the dashboard's rollups may be before a dashboard read catches them up (see DuckDBDashboard). @default 0 */
  dashboardLagMs?: number;
}

interface Parts {
  instance: DuckDBInstance;
  connections: DuckDBConnection[];
  reader: DuckDBConnection;
  groups: GroupWriter;
  /** The temp directory holding an in-memory store's commit pipeline files; removed on close. */
  tempDir: string | undefined;
  /** The dashboard's rollups and queries, on a connection of their own. */
  dashboard: DuckDBDashboard;
  idSecret: Uint8Array;
  nextBatch: number;
  now: () => number;
}

export class DuckDBEventStore implements EventStore {
  readonly idSecret: Uint8Array;
  readonly #parts: Parts;
  readonly #reads = new Serial();
  /** Inserts not yet settled, so close() can wait for them. */
  readonly #inserts = new Set<Promise<unknown>>();
  /** The number of the next batch; assigned in call order, which is also commit order. */
  #nextBatch: number;
  #closed = false;

  private constructor(parts: Parts) {
    this.#parts = parts;
    this.idSecret = parts.idSecret;
    this.#nextBatch = parts.nextBatch;
  }

  static async open(options: DuckDBStoreOptions): Promise<DuckDBEventStore> {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    // one core stays with Node's event loop, which parses and validates every request: on two cores, a
    // second DuckDB worker mostly added thread hand-offs to each commit (12-20% more CPU per event)
    const config = { threads: String(options.threads ?? Math.max(1, availableParallelism() - 1)) };
    const instance = await DuckDBInstance.create(options.path, config);
    // the commit groups' files (see group-writer.ts): next to the database, or in a private temp directory
    const tempDir = options.path === ":memory:" ? mkdtempSync(join(tmpdir(), "collector-stage-")) : undefined;
    const stagePrefix = tempDir ? join(tempDir, "") : `${options.path}.stage-`;
    try {
      // the committer also runs migrations and erasures
      const [committer, reader] = [await instance.connect(), await instance.connect()];
      await migrate(committer);
      return new DuckDBEventStore({
        instance,
        connections: [committer, reader],
        reader,
        groups: GroupWriter.create({ committer, stagePrefix }),
        tempDir,
        dashboard: await DuckDBDashboard.open({ instance, lagMs: options.dashboardLagMs }),
        idSecret: await loadSecret(committer, () => new Uint8Array(randomBytes(32))),
        nextBatch: await nextBatchNumber(committer),
        now: options.now ?? Date.now,
      });
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  insert(batches: readonly IngestBatch[]): Promise<InsertResult[]> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    const firstBatch = this.#nextBatch;
    // numbers of a failed group are not reused: a gap costs nothing
    this.#nextBatch += batches.length;
    const written = this.#parts.groups.write({ batches, firstBatch, receivedAt: this.#parts.now() });
    // lets a dashboard read skip its query for new batches when there are none
    void written.then(
      () => this.#parts.dashboard.noteCommitted(firstBatch + batches.length - 1),
      () => {},
    );
    const settled = written.then(
      () => {},
      () => {},
    );
    this.#inserts.add(settled);
    void settled.then(() => this.#inserts.delete(settled));
    return written;
  }

  overview(range: TimeRange): Promise<Overview> {
    return this.#read((reader) => queryOverview(reader, range));
  }

  recentEvents(query: RecentEventsQuery): Promise<StoredEvent[]> {
    return this.#read((reader) => queryRecent(reader, query));
  }

  eraseInstallation(installationId: string): Promise<number> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    // the dashboard's rollups forget the installation in the same step (see dashboard/rollup-erase.ts)
    return this.#parts.dashboard.erase(installationId, () =>
      // in line with the commits, so no group is half-moved while rows are deleted
      this.#parts.groups.exclusive(async (committer) => {
        const erased = await eraseInstallation(committer, installationId);
        // fold the WAL, which still holds the erased rows as inserted, into the file; best effort:
        // DuckDB skips a checkpoint while readers hold a snapshot, and the next one will do it
        await committer.run("CHECKPOINT").catch(() => {});
        return erased;
      }),
    );
  }

  dashboardInstallations(query: DashboardQuery): Promise<InstallationsAggregate> {
    return this.#dashboard((d) => d.dashboardInstallations(query));
  }

  dashboardBreakdowns(query: DashboardQuery): Promise<BreakdownsAggregate> {
    return this.#dashboard((d) => d.dashboardBreakdowns(query));
  }

  dashboardAdoption(query: DashboardQuery): Promise<AdoptionAggregate> {
    return this.#dashboard((d) => d.dashboardAdoption(query));
  }

  dashboardErrors(query: DashboardQuery, options?: DashboardQueryOptions): Promise<ErrorsAggregate> {
    return this.#dashboard((d) => d.dashboardErrors(query, options));
  }

  dashboardRequests(query: DashboardQuery): Promise<RequestsAggregate> {
    return this.#dashboard((d) => d.dashboardRequests(query));
  }

  dashboardAuth(query: DashboardQuery): Promise<AuthAggregate> {
    return this.#dashboard((d) => d.dashboardAuth(query));
  }

  /** Folds every stored batch into the dashboard's rollups now and drops its cached population (a bench measures cold page views). */
  refreshDashboard(): Promise<void> {
    return this.#dashboard((d) => d.refresh());
  }

  ping(): Promise<void> {
    return this.#read(async (reader) => {
      await reader.run("SELECT 1");
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#inserts);
    await this.#parts.groups.exclusive(async (committer) => {
      await committer.run("CHECKPOINT").catch(() => {});
    });
    await this.#reads.idle();
    await this.#parts.dashboard.close();
    for (const connection of this.#parts.connections) connection.closeSync();
    this.#parts.instance.closeSync();
    this.#parts.groups.removeFiles();
    if (this.#parts.tempDir) rmSync(this.#parts.tempDir, { recursive: true, force: true });
  }

  #dashboard<T>(task: (dashboard: DuckDBDashboard) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    return task(this.#parts.dashboard);
  }

  #read<T>(task: (reader: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#reads.run(() => {
      if (this.#closed) throw new Error("the store is closed");
      return task(this.#parts.reader);
    });
  }
}
