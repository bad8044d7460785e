/**
 * Loads a sealed ingest-log segment (see ingest-log.ts) into `events` and
 * `batches`, in one DuckDB transaction that also records the segment as
 * loaded, so a crash either side of the commit neither loses it nor loads it
 * twice. DuckDB's bulk JSON reader does the parsing on DuckDB's thread: at
 * the log's block sizes (tens of thousands of events) it costs about 2.5 µs
 * of CPU per event, against about 10 µs per event when every group of a few
 * hundred was its own transaction (measured on the 2-core bench machine).
 *
 * - Only events whose batch has its envelope line in the segment are taken,
 *   when the segment was left by a crash: a group may then have reached the
 *   events file but not the batches file, and it was never acknowledged. A
 *   segment this process wrote through a log that never failed is whole.
 * - Events already stored are skipped: the ingest queue and the store's
 *   recent-id window catch most repeats before they reach the log, and this
 *   step catches the rest (a retry after a restart, or after the window moved
 *   on). A retry carries the same id and ts (see schema.ts). The repeats are
 *   found first from the segment's ids and ts alone, told the segment's id and
 *   ts ranges so zone maps confine the search to the newest row groups (ids are
 *   time-ordered UUIDv7; DuckDB orders UUIDs as their lower-case text, which
 *   the protocol's pattern requires); the insert then leaves out that short
 *   list. One anti-join over the whole rows instead built a hash table of every
 *   row of the segment: 6.2 µs per event for the insert, against about 3.
 * - An envelope is stored only when at least one of its events was.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { BATCH_SHAPE, EVENT_SHAPE } from "./encode.js";
import type { Segment } from "./ingest-log.js";

/** What a segment holds: its event count and the ranges its rows span (absent when it holds no event). */
export interface SegmentSummary {
  events: number;
  /** Written by this process through a log that never failed: every group in it is whole. */
  verified?: boolean;
  range?: {
    minId: string;
    maxId: string;
    minTs: number;
    maxTs: number;
    firstBatch: number;
    lastBatch: number;
  };
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

const ms = (value: number) => `epoch_ms(${Math.trunc(value)}::BIGINT)`;

/** Loads the segment and resolves to the number of its events that were stored (the rest were repeats). */
export async function loadSegment(
  connection: DuckDBConnection,
  segment: Segment,
  summary: SegmentSummary,
): Promise<number> {
  const mark = `INSERT OR REPLACE INTO meta VALUES ('loaded_segment', ${literal(String(segment.number))})`;
  const { range } = summary;
  if (!range) {
    await connection.run(mark);
    return 0;
  }
  const ofSegment = `batch BETWEEN ${Math.trunc(range.firstBatch)} AND ${Math.trunc(range.lastBatch)}`;
  // only a segment left by a crash can hold a group without its envelope line (see ingest-log.ts)
  const whole = summary.verified ? "" : `AND s.n IN (SELECT n FROM ${readJson(segment.batchesFile, { n: "BIGINT" })})`;
  const sql = `BEGIN TRANSACTION;
CREATE OR REPLACE TEMP TABLE load_repeats AS
SELECT s.id FROM ${readJson(segment.eventsFile, { id: "UUID", ts: "BIGINT" })} s
SEMI JOIN (
  SELECT id, ts FROM events
  WHERE id BETWEEN ${literal(range.minId)}::UUID AND ${literal(range.maxId)}::UUID
    AND ts BETWEEN ${ms(range.minTs)} AND ${ms(range.maxTs)}
) x ON x.id = s.id AND x.ts = epoch_ms(s.ts);
INSERT INTO events
SELECT s.id, s.n, s.t, epoch_ms(s.ts), coalesce(s.c, 1), s.r, s.m, s.s, s.ds, s.dm, s.b, s.p
FROM ${readJson(segment.eventsFile, EVENT_SHAPE)} s
WHERE s.id NOT IN (SELECT id FROM load_repeats) ${whole};
INSERT INTO batches
SELECT n, epoch_ms(ra), i, src, k, v, rt, rv, pf, ar, fw, fv, env, pv, ad
FROM ${readJson(segment.batchesFile, BATCH_SHAPE)}
WHERE n IN (SELECT batch FROM events WHERE ${ofSegment});
${mark};
COMMIT;
SELECT count(*)::BIGINT FROM events WHERE ${ofSegment};`;
  try {
    const reader = await connection.runAndReadAll(sql);
    return Number(reader.getRowsJS()[0]?.[0] ?? 0);
  } catch (error) {
    // a failed statement leaves the transaction open and aborted (a no-op once committed)
    await connection.run("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Reads a segment left from an earlier process to learn its summary (a live one is summarized as it is written). */
export async function summarizeSegment(connection: DuckDBConnection, segment: Segment): Promise<SegmentSummary> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*)::BIGINT, min(id)::VARCHAR, max(id)::VARCHAR, min(ts), max(ts), min(n), max(n)
     FROM ${readJson(segment.eventsFile, { id: "UUID", ts: "BIGINT", n: "BIGINT" })}`,
  );
  const [events, minId, maxId, minTs, maxTs, firstBatch, lastBatch] = reader.getRowsJS()[0] ?? [];
  if (!events || typeof minId !== "string" || typeof maxId !== "string") return { events: 0 };
  return {
    events: Number(events),
    range: {
      minId,
      maxId,
      minTs: Number(minTs),
      maxTs: Number(maxTs),
      firstBatch: Number(firstBatch),
      lastBatch: Number(lastBatch),
    },
  };
}
