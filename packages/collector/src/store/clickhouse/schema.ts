/**
 * The ClickHouse schema, as versioned migrations the collector runs on start.
 *
 * `events` holds one row per event record with its batch's envelope flattened
 * beside it (installation, runtime context, additionalData): ClickHouse reads
 * only the columns a query names, so the repetition costs compressed bytes,
 * not scans, and every dashboard filter is a plain WHERE without a join.
 *
 * - ReplacingMergeTree keyed by the event: a retry that two replicas both
 *   stored (each checked before the other inserted) is one row after a merge,
 *   and queries that sum use FINAL, so it counts once before the merge too.
 *   The sorting key is (type, day, installation, id): every part of it is a
 *   function of the event itself, so two copies of one event always share it;
 *   received_at, which differs between them, stays out of it.
 * - Partitioned by month of ts: a range query skips whole months, and an
 *   erasure rewrites only the parts that hold the installation.
 * - Ordered by type, then day: every dashboard panel reads one or two types
 *   over a day range, which the primary index narrows to those granules.
 *
 * Migration 2 adds the dashboard's rollup tables and the materialized view
 * that stamps the days each insert touches (dashboard/rollup-tables.ts).
 *
 * Every statement is idempotent (IF NOT EXISTS; the one INSERT writes
 * maxima, so a repeat changes nothing), so two replicas starting together
 * may both run a migration; each records it in schema_migrations,
 * whose ReplacingMergeTree folds the repeats. On a cluster, create these
 * tables yourself first (docs/deploy.md): the statements then do nothing.
 */

import { LATENCY_BUCKETS_MS } from "@better-auth-telemetry/protocol";
import type { ClickHouseClient } from "@clickhouse/client";
import { rollupDdl } from "./dashboard/rollup-tables.js";
import { num, select } from "./sql.js";

export interface Migration {
  version: number;
  name: string;
  statements: (db: string) => string[];
}

/** The histogram's length: one bucket per LATENCY_BUCKETS_MS bound plus the overflow bucket. */
export const BUCKETS = LATENCY_BUCKETS_MS.length + 1;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "events and store secret",
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.events (
        id UUID,
        type LowCardinality(String),
        ts DateTime64(3, 'UTC'),
        received_at DateTime64(6, 'UTC') CODEC(Delta, ZSTD),
        count UInt32,
        route Nullable(String),
        method LowCardinality(Nullable(String)),
        status Nullable(UInt16),
        duration_sum_ms Nullable(Float64),
        duration_max_ms Nullable(Float64),
        duration_buckets Array(UInt32),
        props String CODEC(ZSTD),
        installation_id UUID,
        source LowCardinality(String),
        id_kind LowCardinality(String),
        sdk_version LowCardinality(Nullable(String)),
        runtime LowCardinality(String),
        runtime_version LowCardinality(Nullable(String)),
        platform LowCardinality(Nullable(String)),
        arch LowCardinality(Nullable(String)),
        framework LowCardinality(Nullable(String)),
        framework_version LowCardinality(Nullable(String)),
        environment LowCardinality(String),
        provider LowCardinality(Nullable(String)),
        additional_data Nullable(String),
        -- a retry is checked for by id before each insert (see insert-group.ts)
        INDEX id_bloom id TYPE bloom_filter GRANULARITY 4
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(ts)
      ORDER BY (type, toDate(ts), installation_id, id)`,
      // one row per replica that ever started on an empty store; all read the first (see loadSecret)
      `CREATE TABLE IF NOT EXISTS ${db}.store_secret (
        created DateTime64(9, 'UTC') DEFAULT now64(9, 'UTC'),
        secret String
      ) ENGINE = MergeTree ORDER BY (created, secret)`,
    ],
  },
  {
    version: 2,
    // per-day rollups for the dashboard, rebuilt from events FINAL (dashboard/rollups.ts); the first
    // dashboard read after this migration builds them for every stored day
    name: "dashboard rollups",
    statements: rollupDdl,
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * Applies the migrations the store has not recorded, in order, and refuses a
 * store written by a newer collector. Resolves to the version now applied.
 */
export async function migrate(
  client: ClickHouseClient,
  db: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations (
      version UInt32, name String, applied_at DateTime('UTC') DEFAULT now()
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const [row] = await select<{ v: unknown }>(client, `SELECT max(version) AS v FROM ${db}.schema_migrations`);
  const applied = num(row?.v);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (applied > known) {
    throw new Error(
      `the ClickHouse store was written by a newer collector (schema ${applied}, this one knows ${known})`,
    );
  }
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= applied) continue;
    for (const statement of migration.statements(db)) await client.command({ query: statement });
    await client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name }],
      format: "JSONEachRow",
    });
  }
  return Math.max(applied, known);
}

/**
 * After inserting a candidate secret, how long a replica waits before reading
 * the first row back: an insert stamped earlier than ours (another replica
 * starting at the same instant) may still be landing. Without the wait, the
 * test of three replicas starting together failed once in a loaded CI run.
 */
const SECRET_SETTLE_MS = 500;

/**
 * The store's id secret (EventStore.idSecret): the first row of store_secret.
 * A replica that finds none inserts one, waits SECRET_SETTLE_MS and reads the
 * first row back, so replicas starting together on an empty store settle on
 * the same secret, unless an insert took longer than the wait to become
 * visible (see docs/deploy.md: start one replica first). Only the very first
 * start of a store pays the wait.
 */
export async function loadSecret(client: ClickHouseClient, db: string, fresh: () => Uint8Array): Promise<Uint8Array> {
  const first = async () =>
    (
      await select<{ secret: string }>(client, `SELECT secret FROM ${db}.store_secret ORDER BY created, secret LIMIT 1`)
    )[0]?.secret;
  let secret = await first();
  if (secret === undefined) {
    await client.insert({
      table: `${db}.store_secret`,
      values: [{ secret: Buffer.from(fresh()).toString("base64") }],
      format: "JSONEachRow",
    });
    await new Promise((resolve) => setTimeout(resolve, SECRET_SETTLE_MS));
    secret = await first();
  }
  if (secret === undefined) throw new Error("the store secret could not be read back");
  return new Uint8Array(Buffer.from(secret, "base64"));
}
