/**
 * Erasing an installation from the rollups, together with its events.
 *
 * Sums do not know which installation contributed what, so the
 * installation's share is computed from its own events (staged exactly as a
 * catch-up stages them) and appended negated; that costs in proportion to the
 * installation's events, not the store's. Its presence, init and context
 * rows go, and so do labels, segments and configurations no other
 * installation uses (a custom route's name can be as telling as the id).
 *
 * The rollup changes commit only after `deleteEvents` succeeded, in one
 * transaction, so the rollups never lose an installation whose events stay,
 * nor keep one whose events are gone. The caller holds off catch-ups
 * meanwhile (DuckDBDashboard runs this in its serial), after catching up:
 * every event of the installation up to the watermark is in the rollups, and
 * none after it will be.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { COMPACTED, DROP_TEMP_SQL, stageSql, sumsSql } from "./rollup-catch-up.js";
import { ACTIVITY_ALL, ACTIVITY_COUNTS, INITS_CURRENT, PRESENCE_COUNTS, PRESENCE_TABLES } from "./rollup-schema.js";

/** The tables that reference each kind of label. */
const LABEL_USERS: Record<string, string> = {
  rv: "SELECT rv FROM dash_contexts",
  route: `SELECT key FROM ${PRESENCE_TABLES.route}`,
  code: `SELECT key FROM ${PRESENCE_TABLES.code}`,
  type: `SELECT key FROM ${PRESENCE_TABLES.type}`,
  auth: `SELECT key FROM ${PRESENCE_TABLES.auth}`,
  reason: `SELECT key FROM ${PRESENCE_TABLES.reason}`,
  authkind: "SELECT kind_key FROM dash_auth",
  version: "SELECT version_key FROM dash_inits",
  dbkind: "SELECT kind_key FROM dash_inits",
  adapter: "SELECT adapter_key FROM dash_inits",
};

/**
 * Folds an append-only table's rows of the erased installation's days (and,
 * per segment, of its segments) into one row per key: no negated row stays to
 * show what was erased, and only those days are rewritten.
 */
function foldTouched(spec: { table: string; keys: readonly string[]; sums: readonly string[] }): string[] {
  const where = `day IN (SELECT day FROM dash_gone_days)${
    spec.keys.includes("seg") ? " AND seg IN (SELECT seg FROM dash_gone_segs)" : ""
  }`;
  return [
    `CREATE OR REPLACE TEMP TABLE dash_folded AS
      SELECT ${spec.keys.join(", ")}, ${spec.sums.map((c) => `sum(${c}) AS ${c}`).join(", ")}
      FROM ${spec.table} WHERE ${where} GROUP BY ALL HAVING sum(${spec.sums[0]}) <> 0`,
    `DELETE FROM ${spec.table} WHERE ${where}`,
    `INSERT INTO ${spec.table} (${spec.keys.join(", ")}, ${spec.sums.join(", ")})
      SELECT ${spec.keys.join(", ")}, ${spec.sums.join(", ")} FROM dash_folded ORDER BY day`,
  ];
}

export async function eraseFromRollups<T>(options: {
  connection: DuckDBConnection;
  installationId: string;
  watermark: number;
  /** Deletes the raw events; the rollup changes commit only if it resolves. */
  deleteEvents: () => Promise<T>;
}): Promise<T> {
  const { connection, watermark } = options;
  const found = await connection.runAndReadAll(`SELECT inst FROM dash_installations WHERE installation_id = $1::UUID`, [
    options.installationId,
  ]);
  const inst = found.getRowsJS()[0]?.[0];
  if (inst === undefined) return options.deleteEvents();
  const id = Number(inst);
  // the id is a validated UUID; it is bound here and only the integer is inlined below
  await connection.run("BEGIN TRANSACTION");
  try {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE dash_gone AS
        SELECT batch FROM batches WHERE installation_id = $1::UUID AND batch <= ${watermark}`,
      [options.installationId],
    );
    const statements = [
      `CREATE OR REPLACE TEMP TABLE dash_gone_days AS SELECT DISTINCT day FROM ${ACTIVITY_ALL} WHERE inst = ${id}`,
      `CREATE OR REPLACE TEMP TABLE dash_gone_segs AS SELECT DISTINCT seg FROM dash_contexts WHERE inst = ${id}`,
      ...stageSql({ batches: `batch IN (SELECT batch FROM dash_gone)`, events: `e.batch <= ${watermark}` }),
      ...sumsSql(-1),
      `INSERT INTO ${ACTIVITY_COUNTS} SELECT day, prev, -count(*) FROM ${ACTIVITY_ALL} WHERE inst = ${id} GROUP BY ALL`,
      ...Object.entries(PRESENCE_COUNTS).map(
        ([kind, counts]) =>
          `INSERT INTO ${counts} SELECT day, key, prev, -count(*) FROM ${PRESENCE_TABLES[kind as keyof typeof PRESENCE_COUNTS]}
            WHERE inst = ${id} GROUP BY ALL`,
      ),
      ...[...Object.values(PRESENCE_TABLES), ACTIVITY_ALL].map((t) => `DELETE FROM ${t} WHERE inst = ${id}`),
      `DELETE FROM dash_inits WHERE inst = ${id}`,
      `DELETE FROM ${INITS_CURRENT} WHERE inst = ${id}`,
      `DELETE FROM dash_contexts WHERE inst = ${id}`,
      `DELETE FROM dash_installations WHERE inst = ${id}`,
      `DELETE FROM dash_segments WHERE seg NOT IN (SELECT seg FROM dash_contexts)`,
      ...Object.entries(LABEL_USERS).map(
        ([kind, users]) => `DELETE FROM dash_labels WHERE kind = '${kind}' AND id NOT IN (${users})`,
      ),
      `DELETE FROM dash_configs WHERE cfg NOT IN (SELECT cfg FROM dash_inits)`,
      `DELETE FROM dash_config_items WHERE cfg NOT IN (SELECT cfg FROM dash_configs)`,
      // the negated rows would show exactly what was erased: fold them away in the same transaction
      ...COMPACTED.flatMap(foldTouched),
    ];
    for (const statement of statements) await connection.run(statement);
    const result = await options.deleteEvents();
    await connection.run("COMMIT");
    // write the result to the file (best effort, like the event erasure's own checkpoint, which
    // DuckDB skipped while this transaction was open)
    await connection.run(DROP_TEMP_SQL);
    await connection.run("CHECKPOINT").catch(() => {});
    return result;
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await connection
      .run(`${DROP_TEMP_SQL}; DROP TABLE IF EXISTS dash_gone; DROP TABLE IF EXISTS dash_gone_days;
        DROP TABLE IF EXISTS dash_gone_segs; DROP TABLE IF EXISTS dash_folded`)
      .catch(() => {});
  }
}
