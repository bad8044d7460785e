/**
 * Group commits into DuckDB, two at a time in a pipeline: while one group
 * commits, the next is parsed into its stage. A commit spends much of its time
 * in DuckDB's single-threaded steps and in waiting for event-loop turns, so a
 * second group overlapping it uses CPU that would otherwise sit idle.
 *
 * A group's events are parsed by DuckDB from one JSON document into a slot: a
 * table in an attached in-memory database, shaped like `events`, never written
 * to the WAL. The commit then moves the slot into `events` with a plain scan
 * (which DuckDB runs as a batch insert) and inserts the batches' envelopes.
 *
 * Calls into DuckDB are few on purpose: every awaited call waits for a turn of
 * the event loop, which under load is busy parsing the next requests. With a
 * dozen calls per commit (a bound parameter alone costs three), a commit of 50
 * events spent 90-200 ms waiting. Now a group costs one call to stage (a
 * statement prepared once per slot) and three to commit. Fixed costs per
 * statement are a few milliseconds, so statements are few too. (Inlining the
 * JSON as SQL literals would save calls but made DuckDB's parser ten times
 * slower than parsing the JSON.)
 */
import type { DuckDBConnection, DuckDBPreparedStatement } from "@duckdb/node-api";
import type { IngestBatch, InsertResult } from "../event-store.js";
import { BATCH_SHAPE, EVENT_SHAPE, encodeBatches, encodeEvents } from "./encode.js";
import { EVENT_COLUMNS } from "./schema.js";
import { Serial } from "./serial.js";

interface Slot {
  table: string;
  stage: DuckDBPreparedStatement;
}

/** DuckDB does not give back the memory of rows deleted from a table, so a slot is emptied by recreating it. */
const resetSlot = (table: string) => `CREATE OR REPLACE TABLE ${table} (${EVENT_COLUMNS});`;

const REPEATS_TABLE = `CREATE OR REPLACE TEMP TABLE repeats (batch BIGINT, id UUID);`;

/**
 * Opens the transaction and sets aside the staged events already stored: a
 * retry carries the same id and ts (see schema.ts). The INSERT comes last, so
 * the call's rowsChanged is the number of repeats.
 */
const findRepeats = (slot: Slot) => `BEGIN TRANSACTION;
INSERT INTO repeats SELECT s.batch, s.id FROM ${slot.table} s SEMI JOIN events x ON x.id = s.id AND x.ts = s.ts;`;

const REPEATS_PER_BATCH = `SELECT batch, count(*)::INTEGER FROM repeats GROUP BY batch`;

const INSERT_BATCHES = `INSERT INTO batches
SELECT n, epoch_ms($2::BIGINT), i, src, k, v, rt, rv, pf, ar, fw, fv, env, pv, ad
FROM (SELECT unnest(from_json($1::VARCHAR, '[${BATCH_SHAPE}]'), max_depth := 2))`;

/** Moves the slot into `events`, commits, and empties the slot (and `repeats`, when it was used). */
function moveAndCommit(slot: Slot, repeats: boolean): string {
  const events = repeats
    ? `SELECT s.* FROM ${slot.table} s ANTI JOIN repeats r ON r.id = s.id`
    : `SELECT * FROM ${slot.table}`;
  return `INSERT INTO events ${events};
COMMIT;
${resetSlot(slot.table)}
${repeats ? REPEATS_TABLE : ""}`;
}

export class GroupWriter {
  readonly #stager: DuckDBConnection;
  readonly #committer: DuckDBConnection;
  readonly #insertBatches: DuckDBPreparedStatement;
  readonly #free: Slot[];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  /** Staging runs one group at a time on its connection, commits one at a time on theirs, both in call order. */
  readonly #stages = new Serial();
  readonly #commits = new Serial();

  private constructor(parts: {
    stager: DuckDBConnection;
    committer: DuckDBConnection;
    insertBatches: DuckDBPreparedStatement;
    slots: Slot[];
  }) {
    this.#stager = parts.stager;
    this.#committer = parts.committer;
    this.#insertBatches = parts.insertBatches;
    this.#free = parts.slots;
  }

  static async create(options: { stager: DuckDBConnection; committer: DuckDBConnection }): Promise<GroupWriter> {
    const { stager, committer } = options;
    await stager.run(`ATTACH IF NOT EXISTS ':memory:' AS stage`);
    const slots: Slot[] = [];
    for (const table of ["stage.events_0", "stage.events_1"]) {
      await stager.run(resetSlot(table));
      const stage = await stager.prepare(`INSERT INTO ${table}
        SELECT id, n, t, epoch_ms(ts), coalesce(c, 1), r, m, s, ds, dm, b, p
        FROM (SELECT unnest(from_json($1::VARCHAR, '[${EVENT_SHAPE}]'), max_depth := 2))`);
      slots.push({ table, stage });
    }
    await committer.run(REPEATS_TABLE);
    return new GroupWriter({ stager, committer, insertBatches: await committer.prepare(INSERT_BATCHES), slots });
  }

  /**
   * Stores the group in one transaction; batch i gets the number firstBatch + i.
   * Up to two calls overlap; their commits happen in call order.
   */
  async write(options: {
    batches: readonly IngestBatch[];
    firstBatch: number;
    receivedAt: number;
  }): Promise<InsertResult[]> {
    const slot = await this.#acquire();
    try {
      const staged = this.#stages.run(() => this.#stage(slot, options));
      // queue the commit now, so commits keep call order; it starts once staging is done
      return await this.#commits.run(async () => {
        await staged;
        return this.#commit(slot, options);
      });
    } finally {
      this.#release(slot);
    }
  }

  /** Runs `task` on the committer connection between two commits (erasure, checkpoint). */
  exclusive<T>(task: (committer: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.#commits.run(() => task(this.#committer));
  }

  async #stage(slot: Slot, options: { batches: readonly IngestBatch[]; firstBatch: number }): Promise<void> {
    try {
      slot.stage.bind([encodeEvents(options.batches, options.firstBatch)]);
      await slot.stage.run();
    } catch (error) {
      // half a group must not stay behind for the next one that gets this slot
      await this.#stager.run(resetSlot(slot.table)).catch(() => {});
      throw error;
    }
  }

  async #commit(
    slot: Slot,
    options: { batches: readonly IngestBatch[]; firstBatch: number; receivedAt: number },
  ): Promise<InsertResult[]> {
    const { batches, firstBatch } = options;
    const repeats = new Array<number>(batches.length).fill(0);
    try {
      const found = (await this.#committer.run(findRepeats(slot))).rowsChanged;
      if (found > 0) {
        const reader = await this.#committer.runAndReadAll(REPEATS_PER_BATCH);
        for (const [n, count] of reader.getRowsJS() as [bigint, number][]) repeats[Number(n) - firstBatch] = count;
      }
      // a batch all of whose events were repeats leaves no row
      const stored = batches.map((b, i) => (b.events.length > repeats[i]! ? b : undefined));
      this.#insertBatches.bind([encodeBatches(stored, firstBatch), Math.trunc(options.receivedAt)]);
      await this.#insertBatches.run();
      await this.#committer.run(moveAndCommit(slot, found > 0));
    } catch (error) {
      // a failed statement leaves the transaction open and aborted, and the slot full
      await this.#committer.run("ROLLBACK").catch(() => {});
      await this.#committer.run(`${resetSlot(slot.table)}\n${REPEATS_TABLE}`).catch(() => {});
      throw error;
    }
    return batches.map((batch, i) => ({ accepted: batch.events.length - repeats[i]!, duplicates: repeats[i]! }));
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
