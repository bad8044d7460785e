/**
 * The DuckDB schema: a star. `events` holds one row per event record with the
 * dimensions every dashboard panel groups or filters by as typed columns (type,
 * time, count, route, method, status) and the latency histogram as a list
 * (`duration_buckets`, aligned with LATENCY_BUCKETS_MS plus an overflow
 * bucket), so percentiles over any filter are a sum of lists. `props` keeps
 * the event's whole allow-listed props as JSON text (`props->>'provider'`):
 * VARCHAR rather than DuckDB's JSON type, which would parse every value again
 * on insert (3 µs per event) to check what JSON.stringify just wrote.
 * `batches` holds what a batch says once for all its events: installation,
 * runtime context, additionalData, and when it was stored. The view
 * `event_rows` joins them for ad-hoc SQL and the dashboard.
 *
 * Why two tables: the envelope repeated on every event row made each commit
 * write ~4x the bytes to the WAL and forced a join into the insert, which
 * DuckDB then cannot run as a batch insert (measured 11.5 µs per event; a plain
 * scan insert of the narrow rows costs 0.9 µs).
 *
 * Why no primary key: in DuckDB 1.5 a key turns every insert into a MERGE that
 * scans the whole id column and keeps an in-memory ART index growing with the
 * table (measured: 85 ms per 1000 events at 1M rows). Dedupe is an anti-join
 * on (id, ts) instead: a retried event carries the same ts, and the group's id
 * and ts ranges let zone maps confine the join to the newest row groups (see
 * segment-load.ts). One process owns the file
 * (DuckDB locks it) and all writes are serialized, so no concurrent insert can
 * slip between the check and the insert.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

export const SCHEMA_VERSION = 1;

/** The columns of `events`. */
export const EVENT_COLUMNS = `id UUID NOT NULL,
    batch BIGINT NOT NULL,
    type VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    count UINTEGER NOT NULL,
    route VARCHAR,
    method VARCHAR,
    status USMALLINT,
    duration_sum_ms DOUBLE,
    duration_max_ms DOUBLE,
    duration_buckets UINTEGER[],
    props VARCHAR NOT NULL`;

const DDL = [
  `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS batches (
    batch BIGINT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    installation_id UUID NOT NULL,
    source VARCHAR NOT NULL,
    id_kind VARCHAR NOT NULL,
    sdk_version VARCHAR,
    runtime VARCHAR NOT NULL,
    runtime_version VARCHAR,
    platform VARCHAR,
    arch VARCHAR,
    framework VARCHAR,
    framework_version VARCHAR,
    environment VARCHAR NOT NULL,
    provider VARCHAR,
    additional_data VARCHAR
  )`,
  `CREATE TABLE IF NOT EXISTS events (${EVENT_COLUMNS})`,
  `CREATE OR REPLACE VIEW event_rows AS
    SELECT e.*, b.* EXCLUDE (batch) FROM events e JOIN batches b USING (batch)`,
];

/** Creates the tables if needed and refuses a file written by a newer collector. */
export async function migrate(connection: DuckDBConnection): Promise<void> {
  for (const statement of DDL) await connection.run(statement);
  const reader = await connection.runAndReadAll(`SELECT value FROM meta WHERE key = 'schema_version'`);
  const stored = reader.getRowsJS()[0]?.[0];
  if (stored === undefined) {
    await connection.run(`INSERT INTO meta VALUES ('schema_version', $1)`, [String(SCHEMA_VERSION)]);
  } else if (Number(stored) > SCHEMA_VERSION) {
    throw new Error(
      `the database was written by a newer collector (schema ${stored}, this one reads ${SCHEMA_VERSION})`,
    );
  }
}

/** The next batch number: batches are numbered in commit order, which is also "most recently stored" order. */
export async function nextBatchNumber(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT coalesce(max(batch), 0)::BIGINT FROM batches`);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0) + 1;
}

/** The last ingest-log segment loaded into the database (see segment-load.ts); 0 before the first. */
export async function loadedSegment(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT value FROM meta WHERE key = 'loaded_segment'`);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}

/** The store's secret (see EventStore.idSecret), created on first open. */
export async function loadSecret(connection: DuckDBConnection, fresh: () => Uint8Array): Promise<Uint8Array> {
  const reader = await connection.runAndReadAll(`SELECT value FROM meta WHERE key = 'id_secret'`);
  const stored = reader.getRowsJS()[0]?.[0];
  if (typeof stored === "string") return new Uint8Array(Buffer.from(stored, "base64"));
  const secret = fresh();
  await connection.run(`INSERT INTO meta VALUES ('id_secret', $1)`, [Buffer.from(secret).toString("base64")]);
  return secret;
}
