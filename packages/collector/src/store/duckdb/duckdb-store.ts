/**
 * @module The embedded default store: one DuckDB file, and beside it the
 * ingest log (`<file>.log/`, see ingest-log.ts).
 *
 * A group is acknowledged once it is appended to the log and fsynced; DuckDB
 * takes the log in large blocks, in the background. Why: inserting and
 * committing each group in DuckDB cost about 10 µs of DuckDB CPU per event
 * and put a serial DuckDB transaction on every request's path, which capped
 * ingest near 45k events/s on two cores; an fsynced append costs the event
 * loop little, and DuckDB's bulk reader loads a block of 100k events at about
 * 2.5 µs per event. Nothing is lost: what was acknowledged is in the log
 * until the transaction that loads it commits, and an open (after kill -9,
 * say) loads whatever the log still holds before it serves.
 *
 * Reads stay exact: every read first loads what the log holds, so a read sees
 * every batch acknowledged before it began. Erasure does the same, so it also
 * removes what was still in the log. Repeats are answered as duplicates from
 * a window of recent ids (see recent-ids.ts); one older than the window is
 * answered as accepted and still stored once (see segment-load.ts).
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
import { encodeBatches, encodeEvents, unstorable } from "./encode.js";
import { IngestLog, type Segment } from "./ingest-log.js";
import { eraseInstallation, queryOverview, queryRecent } from "./queries.js";
import { RecentIds } from "./recent-ids.js";
import { loadedSegment, loadSecret, migrate, nextBatchNumber } from "./schema.js";
import { loadSegment, type SegmentSummary, summarizeSegment } from "./segment-load.js";

export interface DuckDBStoreOptions {
  /** The database file; its directory is created if missing. `:memory:` for a throwaway store. */
  path: string;
  /** DuckDB worker threads. @default one per core, less one for the event loop (at least 1) */
  threads?: number;
  /** Milliseconds clock for received_at, injectable for tests. @default Date.now */
  now?: () => number;
  /** How stale the dashboard's rollups may be before a dashboard read catches them up (see DuckDBDashboard). @default 0 */
  dashboardLagMs?: number;
  /** The ingest log's sizes and timing (see LogOptions). */
  log?: Partial<LogOptions>;
  /** Told about a background load that failed (it is retried: on the next timer, read or insert). */
  onError?: (error: unknown) => void;
}

export interface LogOptions {
  /**
   * Events in the log that start a load at once. Two of DuckDB's row groups (122,880 rows) or more
   * are written straight to the database file instead of through DuckDB's WAL: a block of 250,000
   * loaded at 3.8 µs of CPU per event, one of 100,000 at 5.8. @default 250000
   */
  blockEvents: number;
  /** Milliseconds after an append that a smaller block is loaded anyway (every read loads at once). @default 5000 */
  intervalMs: number;
  /** Events in the log, at most: past it, an insert waits for a load (and the ingest queue fills, then answers 503). @default 1000000 */
  maxEvents: number;
  /** Ids kept in the recent-id window, at least those still in the log (about 80 bytes each). @default 500000 */
  recentIds: number;
}

const DEFAULT_LOG: LogOptions = { blockEvents: 250_000, intervalMs: 5000, maxEvents: 1_000_000, recentIds: 500_000 };

interface Parts {
  instance: DuckDBInstance;
  connections: DuckDBConnection[];
  reader: DuckDBConnection;
  /** Loads, erasures and checkpoints, one at a time. */
  committer: DuckDBConnection;
  log: IngestLog;
  /** Segments left by an earlier process, to load before anything else. */
  leftovers: Segment[];
  /** The temp directory holding an in-memory store's log; removed on close. */
  tempDir: string | undefined;
  /** The dashboard's rollups and queries, on a connection of their own. */
  dashboard: DuckDBDashboard;
  idSecret: Uint8Array;
  now: () => number;
  logOptions: LogOptions;
  onError: (error: unknown) => void;
}

export class DuckDBEventStore implements EventStore {
  readonly idSecret: Uint8Array;
  readonly #parts: Parts;
  readonly #reads = new Serial();
  /** Inserts, one at a time in call order: each sees the ids of the ones before as repeats. */
  readonly #appends = new Serial();
  /** Loads, erasures and checkpoints on the committer connection. */
  readonly #commits = new Serial();
  readonly #recent: RecentIds;
  /** Segments sealed and not yet loaded, oldest first, with what they hold. */
  readonly #sealed: Segment[] = [];
  /** What each segment written by this process holds, until it is loaded. */
  readonly #summaries = new Map<number, SegmentSummary>();
  #loadQueued = false;
  #timer: NodeJS.Timeout | undefined;
  /** The number of the next batch; assigned in call order, which is also load order. Set by open(). */
  #nextBatch = 0;
  #closed = false;

  private constructor(parts: Parts) {
    this.#parts = parts;
    this.idSecret = parts.idSecret;
    this.#recent = new RecentIds(parts.logOptions.recentIds);
    this.#sealed.push(...parts.leftovers);
  }

  static async open(options: DuckDBStoreOptions): Promise<DuckDBEventStore> {
    if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
    // one core stays with Node's event loop, which parses and validates every request: on two cores, a
    // second DuckDB worker mostly added thread hand-offs to each commit (12-20% more CPU per event)
    const config = { threads: String(options.threads ?? Math.max(1, availableParallelism() - 1)) };
    const instance = await DuckDBInstance.create(options.path, config);
    const tempDir = options.path === ":memory:" ? mkdtempSync(join(tmpdir(), "collector-log-")) : undefined;
    try {
      // the committer also runs migrations and erasures
      const [committer, reader] = [await instance.connect(), await instance.connect()];
      await migrate(committer);
      const loaded = await loadedSegment(committer);
      const { log, leftovers } = await IngestLog.open(tempDir ?? `${options.path}.log`, loaded);
      // a segment whose load committed just before a crash, which then kept its files from being removed
      for (const segment of leftovers.filter((s) => s.number <= loaded)) await log.remove(segment);
      const store = new DuckDBEventStore({
        instance,
        connections: [committer, reader],
        reader,
        committer,
        log,
        leftovers: leftovers.filter((s) => s.number > loaded),
        tempDir,
        dashboard: await DuckDBDashboard.open({ instance, lagMs: options.dashboardLagMs }),
        idSecret: await loadSecret(committer, () => new Uint8Array(randomBytes(32))),
        now: options.now ?? Date.now,
        logOptions: { ...DEFAULT_LOG, ...options.log },
        onError: options.onError ?? (() => {}),
      });
      // what a crashed process left in the log is stored first, and new batches are numbered after it
      await store.#commits.run(() => store.#loadSealed());
      store.#nextBatch = await nextBatchNumber(committer);
      return store;
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /** Acknowledged events that DuckDB has not loaded yet: those of the segments this process wrote and has not loaded. */
  get unloadedEvents(): number {
    let events = 0;
    for (const summary of this.#summaries.values()) events += summary.events;
    return events;
  }

  insert(batches: readonly IngestBatch[]): Promise<InsertResult[]> {
    if (this.#closed) return Promise.reject(new Error("the store is closed"));
    // written in call order; the fsync is awaited outside, so the next group's write can overlap it.
    // Not an async function: its frame would hold on to the batches until the fsync is done.
    return this.#appends.run(() => this.#append(batches)).then(({ results, durable }) => durable.then(() => results));
  }

  async #append(batches: readonly IngestBatch[]): Promise<{ results: InsertResult[]; durable: Promise<void> }> {
    const { log } = this.#parts;
    if (log.broken) throw log.broken;
    for (const batch of batches) {
      const reason = unstorable(batch);
      if (reason) throw new Error(`the group cannot be stored: ${reason}`);
    }
    while (this.unloadedEvents >= this.#parts.logOptions.maxEvents) await this.#loadNow();
    const results: InsertResult[] = [];
    const fresh: { batch: IngestBatch; number: number }[] = [];
    const range = { minId: "", maxId: "", minTs: 0, maxTs: 0 };
    let count = 0;
    for (const batch of batches) {
      // ids are claimed now: anything that then fails breaks the log (below), or a retry would be
      // answered as a duplicate of events that were never written
      const events = batch.events.filter((event) => this.#recent.claim(event.id));
      results.push({ accepted: events.length, duplicates: batch.events.length - events.length });
      if (events.length === 0) continue;
      fresh.push({ batch: events.length === batch.events.length ? batch : { ...batch, events }, number: 0 });
      for (const { id, ts } of events) {
        if (count++ === 0) Object.assign(range, { minId: id, maxId: id, minTs: ts, maxTs: ts });
        if (id < range.minId) range.minId = id;
        if (id > range.maxId) range.maxId = id;
        if (ts < range.minTs) range.minTs = ts;
        if (ts > range.maxTs) range.maxTs = ts;
      }
    }
    if (fresh.length === 0) return { results, durable: Promise.resolve() };
    // numbers of a failed append are not reused: a gap costs nothing
    for (const entry of fresh) entry.number = this.#nextBatch++;
    let written: Awaited<ReturnType<IngestLog["append"]>>;
    try {
      written = await log.append(encodeEvents(fresh), [encodeBatches(fresh, this.#parts.now())]);
    } catch (error) {
      throw log.fail(error);
    }
    const { segment, durable } = written;
    this.#recent.wroteTo(segment);
    this.#summarize(segment, count, { ...range, firstBatch: fresh[0]!.number, lastBatch: fresh.at(-1)!.number });
    this.#scheduleLoad();
    return { results, durable };
  }

  #summarize(segment: number, events: number, range: Required<SegmentSummary>["range"]): void {
    const summary = this.#summaries.get(segment);
    if (!summary?.range) {
      this.#summaries.set(segment, { events, range, verified: true });
      return;
    }
    const r = summary.range;
    summary.events += events;
    if (range.minId < r.minId) r.minId = range.minId;
    if (range.maxId > r.maxId) r.maxId = range.maxId;
    r.minTs = Math.min(r.minTs, range.minTs);
    r.maxTs = Math.max(r.maxTs, range.maxTs);
    r.lastBatch = range.lastBatch;
  }

  /** A full block loads at once; a smaller one after the interval (a read loads it sooner). */
  #scheduleLoad(): void {
    if (this.unloadedEvents >= this.#parts.logOptions.blockEvents) {
      this.#kick();
      return;
    }
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#kick();
    }, this.#parts.logOptions.intervalMs);
    // the log holds it durably: a pending load must not keep the process alive
    this.#timer.unref();
  }

  /** Queues a background load unless one is already waiting to start. */
  #kick(): void {
    if (this.#loadQueued || this.#closed) return;
    this.#loadQueued = true;
    this.#commits
      .run(() => {
        this.#loadQueued = false;
        return this.#loadSealed(true);
      })
      .catch((error) => this.#parts.onError(error));
  }

  /** Loads everything acknowledged so far; rejects when a load fails. */
  #loadNow(): Promise<void> {
    return this.#commits.run(() => this.#loadSealed(true));
  }

  /** On the committer's turn: seals the current segment (when `seal`), then loads every sealed one in order. */
  async #loadSealed(seal = false): Promise<void> {
    if (seal) {
      const sealed = await this.#parts.log.seal();
      if (sealed) this.#sealed.push(sealed);
    }
    const { committer, dashboard, log } = this.#parts;
    // after a failed write a segment may hold half a group: the restart loads it with every check
    if (log.broken) throw log.broken;
    while (this.#sealed.length > 0) {
      const segment = this.#sealed[0]!;
      // a leftover from an earlier process is summarized from its files
      const summary = this.#summaries.get(segment.number) ?? (await summarizeSegment(committer, segment));
      await loadSegment(committer, segment, summary);
      this.#sealed.shift();
      this.#summaries.delete(segment.number);
      this.#recent.loaded(segment.number);
      // lets a dashboard read skip its query for new batches when there are none
      if (summary.range) dashboard.noteCommitted(summary.range.lastBatch);
      await log.remove(segment);
    }
  }

  /** Before a read: load what was acknowledged, so the read sees it; a failed load leaves the read on what is loaded. */
  async #sync(): Promise<void> {
    if (this.#summaries.size === 0 && this.#sealed.length === 0) return;
    await this.#loadNow().catch((error) => this.#parts.onError(error));
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
      // in line with the loads, after one that takes in what the log still holds
      this.#commits.run(async () => {
        const { committer } = this.#parts;
        await this.#loadSealed(true);
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
    // not through #read: a health probe must not start a load
    return this.#reads.run(async () => {
      if (this.#closed) throw new Error("the store is closed");
      if (this.#parts.log.broken) throw this.#parts.log.broken;
      await this.#parts.reader.run("SELECT 1");
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#appends.idle();
    const { committer, log } = this.#parts;
    await this.#commits.run(async () => {
      // what fails to load stays in the log, and the next open loads it
      await this.#loadSealed(true).catch((error) => this.#parts.onError(error));
      await committer.run("CHECKPOINT").catch(() => {});
    });
    // a stopped log may fail to close its files; the database must still be closed cleanly
    await log.close().catch((error) => this.#parts.onError(error));
    await this.#reads.idle();
    await this.#parts.dashboard.close();
    for (const connection of this.#parts.connections) connection.closeSync();
    this.#parts.instance.closeSync();
    if (this.#parts.tempDir) rmSync(this.#parts.tempDir, { recursive: true, force: true });
  }

  async #dashboard<T>(task: (dashboard: DuckDBDashboard) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("the store is closed");
    await this.#sync();
    return task(this.#parts.dashboard);
  }

  async #read<T>(task: (reader: DuckDBConnection) => Promise<T>): Promise<T> {
    await this.#sync();
    return this.#reads.run(() => {
      if (this.#closed) throw new Error("the store is closed");
      return task(this.#parts.reader);
    });
  }
}
