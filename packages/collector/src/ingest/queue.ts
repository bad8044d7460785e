/**
 * The bounded ingest queue and its group commit. Requests enqueue their batch
 * and wait; whenever the store can take a group, everything that has arrived
 * goes as one commit, and each request is answered when its commit is done.
 * Under load the groups grow by themselves (no timer, no added latency when
 * idle), and a commit's fixed cost (fsync, statement setup) is shared by many
 * requests. maxGroupsInFlight groups may be in the store at once, so a store
 * can prepare one while it commits another; the collector uses one (larger
 * groups, see DEFAULT_LIMITS in http/services.ts).
 * The bound is in events, counting those being committed: past it, 503.
 */
import { CollectorError } from "../http/errors.js";
import type { EventStore, IngestBatch, InsertResult } from "../store/event-store.js";

export interface CommitInfo {
  batches: number;
  events: number;
  seconds: number;
}

export interface IngestQueueOptions {
  store: EventStore;
  /** Events waiting or being committed, at most. */
  maxQueuedEvents: number;
  /** Events in one commit, at most (a group ends at a batch boundary). @default 20000 */
  maxGroupEvents?: number;
  /** Groups handed to the store and not yet committed, at most. @default 2 */
  maxGroupsInFlight?: number;
  /** Seconds a client should wait after a 503 queue_full. @default 1 */
  retryAfterSeconds?: number;
  onCommit?: (info: CommitInfo) => void;
  onCommitError?: (error: unknown, info: Omit<CommitInfo, "seconds">) => void;
}

interface Pending {
  /** Released once the batch is handed to the store, which copies what it keeps. */
  batch: IngestBatch | undefined;
  events: number;
  resolve: (result: InsertResult) => void;
  reject: (error: unknown) => void;
}

export class IngestQueue {
  readonly #options: IngestQueueOptions;
  readonly #maxGroupEvents: number;
  readonly #maxInFlight: number;
  #pending: Pending[] = [];
  #depth = 0;
  #inFlight = 0;
  #scheduled = false;
  #closed = false;
  /** Every batch not yet answered, for settle(). */
  readonly #outstanding = new Set<Promise<unknown>>();

  constructor(options: IngestQueueOptions) {
    this.#options = options;
    this.#maxGroupEvents = options.maxGroupEvents ?? 20_000;
    this.#maxInFlight = options.maxGroupsInFlight ?? 2;
  }

  /** Events waiting or being committed. */
  get depth(): number {
    return this.#depth;
  }

  /** Batches waiting (not counting the groups being committed). */
  get waiting(): number {
    return this.#pending.length;
  }

  get isFull(): boolean {
    return this.#depth >= this.#options.maxQueuedEvents;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Resolves once the batch is committed; rejects with queue_full, shutting_down or store_unavailable. */
  enqueue(batch: IngestBatch): Promise<InsertResult> {
    if (this.#closed) {
      return Promise.reject(
        new CollectorError({ code: "shutting_down", message: "the collector is shutting down", retryAfter: 5 }),
      );
    }
    const size = batch.events.length;
    if (size === 0) return Promise.resolve({ accepted: 0, duplicates: 0 });
    if (this.#depth + size > this.#options.maxQueuedEvents) {
      return Promise.reject(
        new CollectorError({
          code: "queue_full",
          message: "the ingest queue is full; retry later",
          retryAfter: this.#options.retryAfterSeconds ?? 1,
        }),
      );
    }
    this.#depth += size;
    const promise = new Promise<InsertResult>((resolve, reject) =>
      this.#pending.push({ batch, events: size, resolve, reject }),
    );
    const settled = promise.then(
      () => {},
      () => {},
    );
    this.#outstanding.add(settled);
    void settled.then(() => this.#outstanding.delete(settled));
    this.#schedule();
    return promise;
  }

  /** Resolves when every batch enqueued before this call has been committed (or has failed). */
  async settle(): Promise<void> {
    await Promise.all([...this.#outstanding]);
  }

  /** Refuses new batches, then waits for the queued ones. */
  drain(): Promise<void> {
    this.#closed = true;
    return this.settle();
  }

  /**
   * Starts groups on the next turn of the event loop, not at once: requests whose
   * bodies have already arrived get parsed first and join the group, instead of a
   * commit leaving with the first one alone.
   */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#inFlight < this.#maxInFlight && this.#pending.length > 0) void this.#commit(this.#takeGroup());
    });
  }

  async #commit(group: Pending[]): Promise<void> {
    this.#inFlight++;
    const events = group.reduce((n, p) => n + p.events, 0);
    const info = { batches: group.length, events };
    const started = performance.now();
    try {
      const results = await this.#handOff(group);
      this.#options.onCommit?.({ ...info, seconds: (performance.now() - started) / 1000 });
      group.forEach((p, i) => {
        p.resolve(results[i] ?? { accepted: 0, duplicates: 0 });
      });
    } catch (error) {
      this.#options.onCommitError?.(error, info);
      const refusal = new CollectorError({
        code: "store_unavailable",
        message: "the batch could not be stored; retry later",
        retryAfter: 5,
        cause: error,
      });
      for (const p of group) p.reject(refusal);
    } finally {
      this.#depth -= events;
      this.#inFlight--;
      if (this.#pending.length > 0) this.#schedule();
    }
  }

  /**
   * Gives the group's batches to the store and lets go of them here: a commit
   * takes milliseconds, and batches kept that long get promoted to V8's old
   * generation and collected there, hundreds at a time (the garbage collector
   * took 12-14% of the event loop at 256 connections).
   */
  #handOff(group: Pending[]): Promise<InsertResult[]> {
    const batches = group.map((p) => p.batch!);
    for (const p of group) p.batch = undefined;
    return this.#options.store.insert(batches);
  }

  #takeGroup(): Pending[] {
    let events = 0;
    let n = 0;
    while (n < this.#pending.length) {
      const size = this.#pending[n]!.events;
      if (n > 0 && events + size > this.#maxGroupEvents) break;
      events += size;
      n++;
    }
    return this.#pending.splice(0, n);
  }
}
