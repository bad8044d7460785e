/**
 * Group commits into DuckDB. A group is written as two JSON files (its
 * events, and its batches' envelopes once each) that DuckDB reads with
 * read_json, its bulk reader, straight into `events` and `batches` inside one
 * transaction. There are two file slots, so a group's files can be written
 * while another group commits, when the caller overlaps them.
 *
 * Why this shape (measured on the 2-core bench machine):
 * - read_json: about 7 µs of DuckDB CPU per event for parse and insert; the
 *   appender cost 6 to 17 µs per event on the event loop, and from_json on a
 *   bound parameter 13 µs.
 * - Straight into `events`, not through a staging table first: the earlier
 *   stage-then-move pipeline inserted every row twice and ran five statements
 *   per group, and its dedupe scanned every stored id (about 30 µs of DuckDB
 *   CPU per event at the bench's group sizes, against about 16 µs now).
 * - Dedupe is part of the insert (an anti-join on id and ts, see schema.ts), so
 *   the common case, no repeats, costs no extra statement; the repeats per
 *   batch are counted only when the insert stored fewer rows than it was given.
 *
 * A group is one call into DuckDB (see commitGroup).
 */
import { closeSync, ftruncateSync, openSync, rmSync, writeSync, writevSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { IngestBatch, InsertResult } from "../event-store.js";
import { Serial } from "../serial.js";
import { BATCH_SHAPE, EVENT_SHAPE, encodeBatches, encodeEvents } from "./encode.js";

interface Slot {
  eventsFile: string;
  batchesFile: string;
  /** Open descriptors of the two files, from the slot's first use until removeFiles. */
  fds?: { events: number; batches: number };
}

/**
 * Replaces a file's content. Written over the old bytes and cut to length,
 * the file keeps its pages in the page cache; truncating it first and writing
 * anew made the kernel free and zero them again for every group.
 */
function overwrite(fd: number, pieces: Buffer[]): void {
  const total = pieces.reduce((n, piece) => n + piece.length, 0);
  let written = writevSync(fd, pieces, 0);
  if (written < total) {
    // a short write (past the system's limit on pieces per call, say): the rest from one buffer
    const all = Buffer.concat(pieces, total);
    while (written < total) written += writeSync(fd, all, written, total - written, written);
  }
  ftruncateSync(fd, total);
}

/** A SQL string literal: DuckDB's standard strings have one escape, a doubled quote. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** read_json's `columns` argument for a shape: {id: 'UUID', ...}. */
const columns = (shape: Record<string, string>) =>
  `{${Object.entries(shape)
    .map(([name, type]) => `${name}: '${type}'`)
    .join(", ")}}`;

const readJson = (file: string, shape: Record<string, string>) =>
  `read_json(${literal(file)}, format = 'array', columns = ${columns(shape)})`;

/**
 * The whole commit of a group, as one call:
 * - the events not already stored: a retry carries the same id and ts (see
 *   schema.ts). The anti-join is told the group's id and ts ranges, known
 *   here: without them it scans every stored id (10 ms per group at 200k
 *   rows, growing with the table); with them zone maps skip the row groups
 *   outside the ranges, and ids are time-ordered (UUIDv7), so that is all but
 *   the newest. DuckDB orders UUIDs as their lower-case text, which the
 *   protocol's pattern requires;
 * - the envelopes of the batches that stored at least one event;
 * - the commit, then the rows stored per batch (batch numbers are new, so
 *   every row with one is from this group; only this connection writes).
 * One call, not one per step: each call waits for a turn of the event loop,
 * which under load is busy with the next requests.
 */
function commitGroup(slot: Slot, group: { range: GroupRange; first: number; last: number; receivedAt: number }) {
  const { range, first, last } = group;
  const ofGroup = `batch BETWEEN ${Math.trunc(first)} AND ${Math.trunc(last)}`;
  return `BEGIN TRANSACTION;
INSERT INTO events
SELECT s.id, s.n, s.t, epoch_ms(s.ts), coalesce(s.c, 1), s.r, s.m, s.s, s.ds, s.dm, s.b, s.p
FROM ${readJson(slot.eventsFile, EVENT_SHAPE)} s
ANTI JOIN (
  SELECT id, ts FROM events
  WHERE id BETWEEN ${literal(range.minId)}::UUID AND ${literal(range.maxId)}::UUID
    AND ts BETWEEN epoch_ms(${Math.trunc(range.minTs)}::BIGINT) AND epoch_ms(${Math.trunc(range.maxTs)}::BIGINT)
) x ON x.id = s.id AND x.ts = epoch_ms(s.ts);
INSERT INTO batches
SELECT n, epoch_ms(${Math.trunc(group.receivedAt)}::BIGINT), i, src, k, v, rt, rv, pf, ar, fw, fv, env, pv, ad
FROM ${readJson(slot.batchesFile, BATCH_SHAPE)}
WHERE n IN (SELECT batch FROM events WHERE ${ofGroup});
COMMIT;
SELECT batch, count(*)::INTEGER FROM events WHERE ${ofGroup} GROUP BY batch;`;
}

interface GroupRange {
  minId: string;
  maxId: string;
  minTs: number;
  maxTs: number;
}

/** The smallest and largest id and ts of a group that has at least one event. */
function rangeOf(batches: readonly IngestBatch[]): GroupRange {
  let range: GroupRange | undefined;
  for (const batch of batches) {
    for (const { id, ts } of batch.events) {
      if (!range) range = { minId: id, maxId: id, minTs: ts, maxTs: ts };
      if (id < range.minId) range.minId = id;
      if (id > range.maxId) range.maxId = id;
      if (ts < range.minTs) range.minTs = ts;
      if (ts > range.maxTs) range.maxTs = ts;
    }
  }
  if (!range) throw new Error("a group without events has no range");
  return range;
}

export class GroupWriter {
  readonly #committer: DuckDBConnection;
  readonly #slots: readonly Slot[];
  readonly #free: Slot[];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  /** Commits run one at a time on the committer connection, in call order. */
  readonly #commits = new Serial();

  private constructor(parts: { committer: DuckDBConnection; slots: Slot[] }) {
    this.#committer = parts.committer;
    this.#slots = parts.slots;
    this.#free = [...parts.slots];
  }

  /**
   * The slots' files are named `${stagePrefix}events-0.json` and so on: next to
   * the database, so they sit on the same disk and under the same permissions.
   */
  static create(options: { committer: DuckDBConnection; stagePrefix: string }): GroupWriter {
    const { committer, stagePrefix } = options;
    const slots: Slot[] = [0, 1].map((k) => ({
      eventsFile: `${stagePrefix}events-${k}.json`,
      batchesFile: `${stagePrefix}batches-${k}.json`,
    }));
    return new GroupWriter({ committer, slots });
  }

  /**
   * Stores the group in one transaction; batch i gets the number firstBatch + i.
   * Up to two calls overlap (one writes its files while the other commits);
   * their commits happen in call order.
   */
  async write(options: {
    batches: readonly IngestBatch[];
    firstBatch: number;
    receivedAt: number;
  }): Promise<InsertResult[]> {
    const { batches, firstBatch } = options;
    if (!batches.some((b) => b.events.length > 0)) return batches.map(() => ({ accepted: 0, duplicates: 0 }));
    const slot = await this.#acquire();
    try {
      // written before waiting for the commit in progress, so the encoding overlaps it
      slot.fds ??= { events: openSync(slot.eventsFile, "w"), batches: openSync(slot.batchesFile, "w") };
      overwrite(slot.fds.events, encodeEvents(batches, firstBatch));
      overwrite(slot.fds.batches, [Buffer.from(encodeBatches(batches, firstBatch))]);
      return await this.#commits.run(() => this.#commit(slot, options));
    } finally {
      this.#release(slot);
    }
  }

  /** Removes the slots' files; call once every write has settled. */
  removeFiles(): void {
    for (const slot of this.#slots) {
      if (slot.fds) {
        closeSync(slot.fds.events);
        closeSync(slot.fds.batches);
        slot.fds = undefined;
      }
      rmSync(slot.eventsFile, { force: true });
      rmSync(slot.batchesFile, { force: true });
    }
  }

  /** Runs `task` on the committer connection between two commits (erasure, checkpoint). */
  exclusive<T>(task: (committer: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#commits.run(() => task(this.#committer));
  }

  async #commit(
    slot: Slot,
    options: { batches: readonly IngestBatch[]; firstBatch: number; receivedAt: number },
  ): Promise<InsertResult[]> {
    const { batches, firstBatch } = options;
    const stored = new Array<number>(batches.length).fill(0);
    try {
      const sql = commitGroup(slot, {
        range: rangeOf(batches),
        first: firstBatch,
        last: firstBatch + batches.length - 1,
        receivedAt: options.receivedAt,
      });
      const reader = await this.#committer.runAndReadAll(sql);
      for (const [n, count] of reader.getRowsJS() as [bigint, number][]) stored[Number(n) - firstBatch] = count;
    } catch (error) {
      // a failed statement leaves the transaction open and aborted (a no-op once committed)
      await this.#committer.run("ROLLBACK").catch(() => {});
      throw error;
    }
    return batches.map((batch, i) => ({ accepted: stored[i]!, duplicates: batch.events.length - stored[i]! }));
  }

  #acquire(): Promise<Slot> {
    const slot = this.#free.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(slot: Slot): void {
    const next = this.#waiting.shift();
    if (next) next(slot);
    else this.#free.push(slot);
  }
}
