/**
 * The dashboard's rollup tables: small, typed summaries of `events` and
 * `batches` that every dashboard query reads instead of the raw rows (a raw
 * scan of 10M events costs 0.5-3.5 s per panel on 2 cores; see
 * docs/benchmarks.md). They are derived data: dropping every `dash_*` table and
 * catching up from batch 0 rebuilds them exactly (rollup-catch-up.ts).
 *
 * Three kinds of table:
 *
 * - Dictionaries give every installation, segment and label a small integer,
 *   so the big tables hold integers. A *segment* is one combination of the
 *   dimensions the filters read (runtime, framework, environment,
 *   additionalData); a *label* is a route with its method, a runtime version,
 *   an error code or type, an auth method with its provider, a failure reason.
 *
 * - Presence tables (`dash_seen_*`) hold one row per member, per UTC day on
 *   which it was seen, where a member is an installation in one segment
 *   together with one label (for `dash_seen_activity`: with one runtime
 *   version). `prev` is the member's previous day with a row, or -infinity.
 *   That makes "distinct installations in [a, b)" a count(*) instead of a
 *   count(DISTINCT): the member's first row in the range is the one with
 *   `day >= a AND prev < a`, and there is exactly one such row per member seen
 *   in the range. (DuckDB's grouped count(DISTINCT) over 5.7M rows took 0.5-2.6
 *   s on this machine; the count(*) form 20-40 ms.) An installation seen in
 *   several segments is several members; queries count those installations
 *   with a DISTINCT over their few rows (see `multi` in dashboard-sql.ts).
 *
 * - Sum tables hold additive totals per day and segment (requests with their
 *   status classes and latency histograms, error and auth occurrences). Each
 *   has an `_all` twin without the segment: the unfiltered view reads 10-30x
 *   fewer rows from it.
 *
 * `dash_inits` keeps each installation's last init of each day, pointing at
 * an interned configuration (`dash_configs`), chained by `next`.
 */

import { LATENCY_BUCKETS_MS } from "@better-auth-telemetry/protocol";
import type { DuckDBConnection } from "@duckdb/node-api";
import { vocabularyFingerprint } from "../../dashboard-vocabulary.js";

/** Bump to rebuild every rollup from the raw events on the next open. */
export const ROLLUP_VERSION = 2;

/** Histogram columns b0…b13: one per LATENCY_BUCKETS_MS bound plus the overflow bucket. */
export const BUCKET_COLUMNS = Array.from({ length: LATENCY_BUCKETS_MS.length + 1 }, (_, i) => `b${i}`);

/** The presence tables, by what their `key` column names (a dash_labels id; none for activity). */
export const PRESENCE_TABLES = {
  activity: "dash_seen_activity",
  route: "dash_seen_route",
  code: "dash_seen_error_code",
  type: "dash_seen_error_type",
  auth: "dash_seen_auth",
  reason: "dash_seen_auth_reason",
} as const;

export type PresenceKind = keyof typeof PRESENCE_TABLES;

/**
 * dash_seen_activity without segments: one chain per installation, so the
 * unfiltered overview counts daily, weekly and range-active installations
 * with count(*) alone, and `prev = -infinity` marks an installation's first day.
 */
export const ACTIVITY_ALL = "dash_seen_activity_all";

/**
 * dash_seen_activity_all counted by (day, prev): all the unfiltered
 * installations panel needs, in a few thousand rows instead of a million.
 * Kept as appended +1/-1 rows as chains change, compacted like the sums.
 */
export const ACTIVITY_COUNTS = "dash_activity_counts";

/**
 * The labelled presence tables counted by (day, key, prev), one `_counts`
 * twin each: what the unfiltered view's installations per route, code, type,
 * method and reason need, in 6-12x fewer rows (dash_seen_route: 0.87M rows
 * for 5.7M). They count members, so an installation seen in several segments
 * is subtracted back to one (see countPresence in dashboard-sql.ts). Kept
 * like dash_activity_counts: +1/-1 rows appended as chains change, compacted.
 */
export const PRESENCE_COUNTS = Object.fromEntries(
  Object.entries(PRESENCE_TABLES)
    .filter(([kind]) => kind !== "activity")
    .map(([kind, table]) => [kind, `${table}_counts`]),
) as Record<Exclude<PresenceKind, "activity">, string>;

/**
 * Each installation's latest init (the dash_inits row whose `next` is
 * infinity): when a range ends after the newest one, this is the whole
 * population's configuration, read from 50k rows instead of a scan of every
 * init (query-population.ts).
 */
export const INITS_CURRENT = "dash_inits_current";

/** Requests per status class, as columns: c1 for 1xx … c5 for 5xx. */
export const CLASS_COLUMNS = ["c1", "c2", "c3", "c4", "c5"];

/** The additive columns of the request sums, in table order. */
export const REQUEST_SUMS = ["requests", ...CLASS_COLUMNS, "duration_sum", ...BUCKET_COLUMNS];

/**
 * Sums are DOUBLE: exact for integers below 2^53, and DuckDB sums DOUBLE
 * columns 2-3x faster than UBIGINT ones (measured: 13 vs 35 ms for 16 columns
 * of 340k rows), which is most of the requests panel's time.
 */
const requestSums = REQUEST_SUMS.map((c) => `${c} DOUBLE NOT NULL`).join(", ");

const labelled = (table: string) =>
  `CREATE TABLE IF NOT EXISTS ${table} (day DATE NOT NULL, key INTEGER NOT NULL, inst INTEGER NOT NULL, seg INTEGER NOT NULL, prev DATE NOT NULL)`;

/** Each sum table comes twice: per segment for filtered reads, and `_all` without it for the unfiltered view. */
const sums = (name: string, keys: string, values: string) => [
  `CREATE TABLE IF NOT EXISTS ${name} (day DATE NOT NULL, seg INTEGER NOT NULL, ${keys}, ${values})`,
  `CREATE TABLE IF NOT EXISTS ${name}_all (day DATE NOT NULL, ${keys}, ${values})`,
];

const DDL = [
  `CREATE TABLE IF NOT EXISTS dash_state (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL)`,
  // in how many (segment, runtime version) combinations, and how many segments, the installation was seen
  `CREATE TABLE IF NOT EXISTS dash_installations (
    inst INTEGER NOT NULL, installation_id UUID NOT NULL, first_day DATE NOT NULL,
    contexts INTEGER NOT NULL, segments INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS dash_segments (
    seg INTEGER NOT NULL, runtime VARCHAR NOT NULL, framework VARCHAR, environment VARCHAR NOT NULL, data VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS dash_contexts (inst INTEGER NOT NULL, seg INTEGER NOT NULL, rv INTEGER NOT NULL)`,
  // kind: route (a = route, b = method), rv (a = runtime, b = version), code, type, auth (a = method,
  // b = provider), reason, authkind (sign-in, sign-up), version, dbkind, adapter (of configurations).
  // Integers group on DuckDB's perfect hash: a GROUP BY on a VARCHAR cost 10x more here
  `CREATE TABLE IF NOT EXISTS dash_labels (id INTEGER NOT NULL, kind VARCHAR NOT NULL, a VARCHAR, b VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS dash_configs (
    cfg INTEGER NOT NULL, sig VARCHAR NOT NULL, version VARCHAR, db_kind VARCHAR, db_adapter VARCHAR,
    plugins VARCHAR[] NOT NULL, providers VARCHAR[] NOT NULL, features VARCHAR[] NOT NULL)`,
  // a configuration's lists as rows: list 0 plugins, 1 social providers, 2 features; item: index in vocabulary.ts
  `CREATE TABLE IF NOT EXISTS dash_config_items (cfg INTEGER NOT NULL, list UTINYINT NOT NULL, item USMALLINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS dash_seen_activity (
    day DATE NOT NULL, inst INTEGER NOT NULL, seg INTEGER NOT NULL, rv INTEGER NOT NULL, prev DATE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${ACTIVITY_ALL} (day DATE NOT NULL, inst INTEGER NOT NULL, prev DATE NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${ACTIVITY_COUNTS} (day DATE NOT NULL, prev DATE NOT NULL, n BIGINT NOT NULL)`,
  ...Object.values(PRESENCE_TABLES)
    .filter((t) => t !== PRESENCE_TABLES.activity)
    .map(labelled),
  ...Object.values(PRESENCE_COUNTS).map(
    (t) =>
      `CREATE TABLE IF NOT EXISTS ${t} (day DATE NOT NULL, key INTEGER NOT NULL, prev DATE NOT NULL, n BIGINT NOT NULL)`,
  ),
  ...sums("dash_requests", "key INTEGER NOT NULL", requestSums),
  ...sums("dash_errors", "type_key INTEGER NOT NULL, code_key INTEGER NOT NULL", "occurrences DOUBLE NOT NULL"),
  ...sums(
    "dash_auth",
    "auth_key INTEGER NOT NULL, success BOOLEAN NOT NULL, kind_key INTEGER NOT NULL, reason_key INTEGER",
    "occurrences DOUBLE NOT NULL",
  ),
  // `next`: the installation's next day with an init, or infinity
  // the configuration's version and database as labels, so the population needs no join for them
  `CREATE TABLE IF NOT EXISTS dash_inits (
    day DATE NOT NULL, inst INTEGER NOT NULL, ts TIMESTAMP NOT NULL, cfg INTEGER NOT NULL, next DATE NOT NULL,
    version_key INTEGER NOT NULL, kind_key INTEGER NOT NULL, adapter_key INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${INITS_CURRENT} (
    inst INTEGER NOT NULL, day DATE NOT NULL, cfg INTEGER NOT NULL,
    version_key INTEGER NOT NULL, kind_key INTEGER NOT NULL, adapter_key INTEGER NOT NULL)`,
];

export const SUM_TABLES = ["dash_requests", "dash_errors", "dash_auth"].flatMap((t) => [t, `${t}_all`]);

const ALL_TABLES = [
  "dash_state",
  "dash_installations",
  "dash_segments",
  "dash_contexts",
  "dash_labels",
  "dash_configs",
  "dash_config_items",
  ...Object.values(PRESENCE_TABLES),
  ACTIVITY_ALL,
  ACTIVITY_COUNTS,
  ...Object.values(PRESENCE_COUNTS),
  ...SUM_TABLES,
  "dash_inits",
  INITS_CURRENT,
];

/**
 * Creates the rollup tables; drops and recreates them when they were built by
 * another rollup version or another vocabulary (vocabulary.ts), so the next
 * catch-up rebuilds them from the events. Resolves to the batch number they
 * are caught up to.
 */
export async function migrateRollups(connection: DuckDBConnection): Promise<number> {
  await connection.run(DDL[0]!);
  const version = await readState(connection, "version");
  const vocabulary = await readState(connection, "vocabulary");
  const current = version === ROLLUP_VERSION && vocabulary === vocabularyFingerprint();
  if (version !== undefined && !current) {
    for (const table of ALL_TABLES) await connection.run(`DROP TABLE IF EXISTS ${table}`);
    await connection.run(DDL[0]!);
  }
  for (const statement of DDL) await connection.run(statement);
  if (!current) {
    await connection.run(
      `INSERT OR REPLACE INTO dash_state VALUES ('version', ${ROLLUP_VERSION}), ('vocabulary', ${vocabularyFingerprint()}), ('watermark', 0)`,
    );
  }
  return (await readState(connection, "watermark")) ?? 0;
}

async function readState(connection: DuckDBConnection, key: string): Promise<number | undefined> {
  const reader = await connection.runAndReadAll(`SELECT value FROM dash_state WHERE key = $1`, [key]);
  const value = reader.getRowsJS()[0]?.[0];
  return value === undefined ? undefined : Number(value);
}
