/**
 * Folds newly stored batches into the rollup tables.
 *
 * Batches are numbered in commit order and commits are serialized (see
 * duckdb-store.ts), so "every batch up to N" is a stable set once N is
 * visible: the rollups remember the last batch they include (the watermark in
 * dash_state) and a catch-up reads only the batches after it, in chunks, each
 * chunk one transaction (a crash mid-way leaves the rollups at the previous
 * chunk, never half-counted).
 *
 * Every day is the UTC date of the event's `ts` (the client's clock), not of
 * its arrival.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { chainMaintenanceSql } from "./chain-sql.js";
import { configColumnsSql, itemsSql } from "./config-sql.js";
import {
  ACTIVITY_ALL,
  ACTIVITY_COUNTS,
  BUCKET_COLUMNS,
  CLASS_COLUMNS,
  INITS_CURRENT,
  PRESENCE_COUNTS,
  PRESENCE_TABLES,
  REQUEST_SUMS,
} from "./rollup-schema.js";

const SEGMENT_MATCH = `s.runtime = n.runtime AND s.framework IS NOT DISTINCT FROM n.framework
  AND s.environment = n.environment AND s.data IS NOT DISTINCT FROM n.data`;

const LABEL_MATCH = `l.kind = n.kind AND l.a IS NOT DISTINCT FROM n.a AND l.b IS NOT DISTINCT FROM n.b`;

/** Which stored rows a stage reads: the batches, and their events. */
export interface StageSelection {
  /** A condition on `batches`. */
  batches: string;
  /** A condition on `events e`. */
  events: string;
}

/** Dictionaries first, then the selected events with their installation, segment and labels resolved. */
export function stageSql(selection: StageSelection): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE dash_nb AS
      SELECT batch, installation_id, runtime, runtime_version, framework, environment, additional_data::VARCHAR AS data
      FROM batches WHERE ${selection.batches}`,
    `INSERT INTO dash_installations
      SELECT (SELECT coalesce(max(inst), 0) FROM dash_installations) + row_number() OVER (ORDER BY installation_id),
        installation_id, DATE '9999-12-31', 0, 0
      FROM (SELECT DISTINCT installation_id FROM dash_nb) n ANTI JOIN dash_installations d USING (installation_id)`,
    `INSERT INTO dash_segments
      SELECT (SELECT coalesce(max(seg), 0) FROM dash_segments)
          + row_number() OVER (ORDER BY runtime, framework, environment, data),
        runtime, framework, environment, data
      FROM (SELECT DISTINCT runtime, framework, environment, data FROM dash_nb) n
      WHERE NOT EXISTS (SELECT 1 FROM dash_segments s WHERE ${SEGMENT_MATCH})`,
    // one row per batch: events then join on the batch number alone
    `CREATE OR REPLACE TEMP TABLE dash_nbc AS
      SELECT n.batch, i.inst, s.seg, n.runtime, n.runtime_version
      FROM dash_nb n JOIN dash_installations i USING (installation_id) JOIN dash_segments s ON ${SEGMENT_MATCH}`,
    `CREATE OR REPLACE TEMP TABLE dash_ne AS
      SELECT e.type, e.ts, e.ts::DATE AS day, e.count, e.route, e.method, e.status, e.duration_sum_ms, e.duration_buckets,
        CASE WHEN e.type <> 'api_request' THEN e.props END AS props, c.inst, c.seg, c.runtime, c.runtime_version
      FROM events e JOIN dash_nbc c USING (batch)
      WHERE ${selection.events}`,
    `CREATE OR REPLACE TEMP TABLE dash_ne_err AS
      SELECT day, inst, seg, x[1] AS type_name, x[2] AS code_name, count AS n
      FROM (SELECT *, json_extract_string(props, ['$.type', '$.code']) AS x FROM dash_ne WHERE type = 'error')`,
    `CREATE OR REPLACE TEMP TABLE dash_ne_auth AS
      SELECT day, inst, seg, type = 'auth_success' AS success, x[1] AS method, x[2] AS provider, x[3] AS kind,
        CASE WHEN type = 'auth_failure' THEN x[4] END AS reason, count AS n
      FROM (
        SELECT *, json_extract_string(props, ['$.method', '$.provider', '$.kind', '$.reason']) AS x
        FROM dash_ne WHERE type IN ('auth_success', 'auth_failure')
      )`,
    `INSERT INTO dash_labels
      SELECT (SELECT coalesce(max(id), 0) FROM dash_labels) + row_number() OVER (ORDER BY kind, a, b), kind, a, b
      FROM (
        SELECT DISTINCT 'rv' AS kind, runtime AS a, runtime_version AS b FROM dash_nb
        UNION SELECT 'route', route, method FROM dash_ne WHERE type = 'api_request'
        UNION SELECT 'code', code_name, NULL FROM dash_ne_err
        UNION SELECT 'type', type_name, NULL FROM dash_ne_err
        UNION SELECT 'auth', method, provider FROM dash_ne_auth
        UNION SELECT 'reason', reason, NULL FROM dash_ne_auth WHERE NOT success
        UNION SELECT 'authkind', kind, NULL FROM dash_ne_auth
      ) n
      WHERE NOT EXISTS (SELECT 1 FROM dash_labels l WHERE ${LABEL_MATCH})`,
  ];
}

const label = (kind: string, a: string, b = "NULL") =>
  `JOIN dash_labels ${kind}_l ON ${kind}_l.kind = '${kind}' AND ${kind}_l.a IS NOT DISTINCT FROM ${a} AND ${kind}_l.b IS NOT DISTINCT FROM ${b}`;

/** The new presence rows of each table, as temp tables dash_src_<kind>. */
function presenceSourcesSql(): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE dash_src_activity AS
      SELECT DISTINCT day, inst, seg, rv_l.id AS rv FROM dash_ne ${label("rv", "runtime", "runtime_version")}`,
    `CREATE OR REPLACE TEMP TABLE dash_src_activity_all AS SELECT DISTINCT day, inst FROM dash_src_activity`,
    `CREATE OR REPLACE TEMP TABLE dash_src_route AS
      SELECT DISTINCT day, route_l.id AS key, inst, seg FROM dash_ne ${label("route", "route", "method")}
      WHERE type = 'api_request'`,
    `CREATE OR REPLACE TEMP TABLE dash_src_code AS
      SELECT DISTINCT day, code_l.id AS key, inst, seg FROM dash_ne_err ${label("code", "code_name")}`,
    `CREATE OR REPLACE TEMP TABLE dash_src_type AS
      SELECT DISTINCT day, type_l.id AS key, inst, seg FROM dash_ne_err ${label("type", "type_name")}`,
    `CREATE OR REPLACE TEMP TABLE dash_src_auth AS
      SELECT DISTINCT day, auth_l.id AS key, inst, seg FROM dash_ne_auth ${label("auth", "method", "provider")}`,
    `CREATE OR REPLACE TEMP TABLE dash_src_reason AS
      SELECT DISTINCT day, reason_l.id AS key, inst, seg FROM dash_ne_auth ${label("reason", "reason")}
      WHERE NOT success`,
  ];
}

/** Installations' context and segment counts (for the DISTINCT fallback) and first days (for "new"). */
function installationsSql(): string[] {
  return [
    `INSERT INTO dash_contexts
      SELECT DISTINCT inst, seg, rv FROM dash_src_activity ANTI JOIN dash_contexts USING (inst, seg, rv)`,
    `UPDATE dash_installations i SET contexts = c.n, segments = c.s, first_day = least(i.first_day, c.first_day)
      FROM (
        SELECT t.inst, x.n, x.s, t.first_day
        FROM (SELECT inst, min(day) AS first_day FROM dash_src_activity GROUP BY inst) t
        JOIN (SELECT inst, count(*) AS n, count(DISTINCT seg) AS s FROM dash_contexts GROUP BY inst) x USING (inst)
      ) c
      WHERE i.inst = c.inst AND (i.contexts <> c.n OR c.first_day < i.first_day)`,
  ];
}

/** The sum tables: their key columns (`_all` twins drop `seg`) and additive columns. */
export const SUM_SPECS = [
  { table: "dash_requests", keys: ["day", "seg", "key"], sums: REQUEST_SUMS },
  { table: "dash_errors", keys: ["day", "seg", "type_key", "code_key"], sums: ["occurrences"] },
  { table: "dash_auth", keys: ["day", "seg", "auth_key", "success", "kind_key", "reason_key"], sums: ["occurrences"] },
].flatMap((spec) => [
  spec,
  { table: `${spec.table}_all`, keys: spec.keys.filter((k) => k !== "seg"), sums: spec.sums },
]);

/**
 * Additive totals are appended, never updated in place: a catch-up adds one
 * row per touched key, an erasure adds the installation's share negated, and
 * queries sum whatever is there. (Merging each chunk into place cost more than
 * the rest of a catch-up, and left the tables out of day order, which costs
 * every read.) compactSql folds the duplicates away once a table has grown.
 */
function appendSums(sign: 1 | -1): string[] {
  return SUM_SPECS.flatMap(({ table, keys, sums }) => {
    const source = `dash_sum_${table.replace("dash_", "")}`;
    const isAll = table.endsWith("_all");
    const signed = sums.map((c) => (sign === 1 ? c : `-${c}`)).join(", ");
    return [
      ...(isAll
        ? [
            `CREATE OR REPLACE TEMP TABLE ${source} AS
              SELECT ${keys.join(", ")}, ${sums.map((c) => `sum(${c}) AS ${c}`).join(", ")}
              FROM ${source.replace("_all", "")} GROUP BY ALL`,
          ]
        : []),
      `INSERT INTO ${table} (${keys.join(", ")}, ${sums.join(", ")}) SELECT ${keys.join(", ")}, ${signed} FROM ${source} ORDER BY day`,
    ];
  });
}

/** Every append-only table: the sums, and the unfiltered activity and presence counts. */
export const COMPACTED = [
  ...SUM_SPECS,
  { table: ACTIVITY_COUNTS, keys: ["day", "prev"], sums: ["n"], type: "BIGINT" },
  ...Object.values(PRESENCE_COUNTS).map((table) => ({
    table,
    keys: ["day", "key", "prev"],
    sums: ["n"],
    type: "BIGINT",
  })),
];

/**
 * What the chain just maintained (dash_chain) changed, counted by (day,
 * `key`…, prev) into a counts table: +1 for a new row, -1/+1 for a relinked one.
 */
function chainCountsSql(table: string, keys: readonly string[]): string {
  const k = keys.map((c) => `${c}, `).join("");
  return `INSERT INTO ${table} (day, ${k}prev, n)
      SELECT day, ${k}prev, sum(n) FROM (
        SELECT day, ${k}link AS prev, 1 AS n FROM dash_chain WHERE origin = 'new'
        UNION ALL SELECT day, ${k}old, -1 FROM dash_chain WHERE origin = 'stored' AND old IS DISTINCT FROM link
        UNION ALL SELECT day, ${k}link, 1 FROM dash_chain WHERE origin = 'stored' AND old IS DISTINCT FROM link
      ) GROUP BY ALL HAVING sum(n) <> 0`;
}

/**
 * Rewrites an append-only table with one row per key, in day order, without
 * the rows an erasure brought to zero: zone maps then skip every row group
 * outside a query's range.
 */
export function compactSql(table: string): string {
  const spec: { keys: readonly string[]; sums: readonly string[]; type?: string } = COMPACTED.find(
    (s) => s.table === table,
  )!;
  // sum() of a BIGINT is a HUGEINT, which DuckDB reads about 100x slower (measured: 360 ms against
  // 2 ms for 0.7M rows): keep the column's type
  return `CREATE OR REPLACE TABLE ${table} AS
    SELECT ${spec.keys.join(", ")}, ${spec.sums.map((c) => `sum(${c})::${spec.type ?? "DOUBLE"} AS ${c}`).join(", ")}
    FROM ${table} GROUP BY ALL HAVING sum(${spec.sums[0]}) <> 0 ORDER BY day, ${spec.keys.slice(1).join(", ")}`;
}

/** Sums of the staged events (dash_ne), added to the sum tables, or subtracted with sign -1. */
export function sumsSql(sign: 1 | -1 = 1): string[] {
  const classes = CLASS_COLUMNS.map(
    (c, i) => `coalesce(sum(count) FILTER (status // 100 = ${i + 1}), 0)::DOUBLE AS ${c}`,
  );
  const buckets = BUCKET_COLUMNS.map((b, i) => `sum(coalesce(duration_buckets[${i + 1}], 0))::DOUBLE AS ${b}`);
  return [
    `CREATE OR REPLACE TEMP TABLE dash_sum_requests AS
      SELECT day, seg, route_l.id AS key, sum(count)::DOUBLE AS requests,
        ${classes.join(", ")},
        sum(coalesce(duration_sum_ms, 0)) AS duration_sum, ${buckets.join(", ")}
      FROM dash_ne ${label("route", "route", "method")} WHERE type = 'api_request' GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE dash_sum_errors AS
      SELECT day, seg, type_l.id AS type_key, code_l.id AS code_key, sum(n)::DOUBLE AS occurrences
      FROM dash_ne_err ${label("type", "type_name")} ${label("code", "code_name")} GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE dash_sum_auth AS
      SELECT x.day, x.seg, auth_l.id AS auth_key, x.success, authkind_l.id AS kind_key, reason_l.id AS reason_key,
        sum(x.n)::DOUBLE AS occurrences
      FROM dash_ne_auth x ${label("auth", "x.method", "x.provider")} ${label("authkind", "x.kind")}
      LEFT JOIN dash_labels reason_l
        ON NOT x.success AND reason_l.kind = 'reason' AND reason_l.a IS NOT DISTINCT FROM x.reason AND reason_l.b IS NULL
      GROUP BY ALL`,
    ...appendSums(sign),
  ];
}

/**
 * Each installation's last init of each day, by event time; of two inits with
 * the same time, the one whose configuration signature sorts last. The
 * configurations are interned: thousands of installations share a few
 * hundred, and each distinct props text is parsed once.
 */
function initsSql(): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE dash_init_props AS SELECT DISTINCT props FROM dash_ne WHERE type = 'init'`,
    `CREATE OR REPLACE TEMP TABLE dash_init_configs AS ${configColumnsSql()}`,
    `CREATE OR REPLACE TEMP TABLE dash_fresh_configs AS
      SELECT (SELECT coalesce(max(cfg), 0) FROM dash_configs) + row_number() OVER (ORDER BY sig) AS cfg,
        sig, version, db_kind, db_adapter, plugins, providers, features
      FROM (SELECT DISTINCT ON (sig) * FROM dash_init_configs) n ANTI JOIN dash_configs USING (sig)`,
    `INSERT INTO dash_configs SELECT * FROM dash_fresh_configs`,
    `INSERT INTO dash_config_items ${itemsSql("dash_fresh_configs")}`,
    `INSERT INTO dash_labels
      SELECT (SELECT coalesce(max(id), 0) FROM dash_labels) + row_number() OVER (ORDER BY kind, a), kind, a, NULL
      FROM (
        SELECT DISTINCT 'version' AS kind, version AS a FROM dash_fresh_configs
        UNION SELECT 'dbkind', db_kind FROM dash_fresh_configs
        UNION SELECT 'adapter', db_adapter FROM dash_fresh_configs
      ) n
      WHERE NOT EXISTS (SELECT 1 FROM dash_labels l WHERE l.kind = n.kind AND l.a IS NOT DISTINCT FROM n.a AND l.b IS NULL)`,
    `CREATE OR REPLACE TEMP TABLE dash_new_inits AS
      SELECT ne.day, ne.inst, ne.ts, c.cfg, c.sig
      FROM dash_ne ne JOIN dash_init_configs x USING (props) JOIN dash_configs c USING (sig)
      WHERE ne.type = 'init'`,
    // a stored init of the same installation and day competes with the new ones
    // the configuration's version and database ride along as labels: the population reads them without a join
    `CREATE OR REPLACE TEMP TABLE dash_latest_inits AS
      SELECT l.*, version_l.id AS version_key, dbkind_l.id AS kind_key, adapter_l.id AS adapter_key FROM (
      SELECT day, inst, max(ts) AS ts, arg_max(cfg, (ts, sig)) AS cfg FROM (
        SELECT day, inst, ts, cfg, sig FROM dash_new_inits
        UNION ALL
        SELECT i.day, i.inst, i.ts, i.cfg, c.sig FROM dash_inits i JOIN dash_configs c USING (cfg)
        WHERE i.day BETWEEN (SELECT min(day) FROM dash_new_inits) AND (SELECT max(day) FROM dash_new_inits)
          AND EXISTS (SELECT 1 FROM dash_new_inits n WHERE n.inst = i.inst AND n.day = i.day)
      ) GROUP BY day, inst) l JOIN dash_configs c USING (cfg)
      ${label("version", "c.version")} ${label("dbkind", "c.db_kind")} ${label("adapter", "c.db_adapter")}`,
    ...chainMaintenanceSql({
      table: "dash_inits",
      member: ["inst"],
      source: "dash_latest_inits",
      link: "next",
      values: ["ts", "cfg", "version_key", "kind_key", "adapter_key"],
    }),
    // each touched installation's latest init: its newest new day replaces the stored one unless
    // that one is later (late data); a new init of the same day already won against it above
    `CREATE OR REPLACE TEMP TABLE dash_cur_new AS
      SELECT inst, max(day) AS day, arg_max(cfg, day) AS cfg, arg_max(version_key, day) AS version_key,
        arg_max(kind_key, day) AS kind_key, arg_max(adapter_key, day) AS adapter_key
      FROM dash_latest_inits GROUP BY inst`,
    `DELETE FROM ${INITS_CURRENT} c USING dash_cur_new n WHERE c.inst = n.inst AND c.day <= n.day`,
    `INSERT INTO ${INITS_CURRENT} (inst, day, cfg, version_key, kind_key, adapter_key)
      SELECT inst, day, cfg, version_key, kind_key, adapter_key FROM dash_cur_new ANTI JOIN ${INITS_CURRENT} USING (inst)`,
  ];
}

const TEMP_TABLES = [
  "dash_nb",
  "dash_nbc",
  "dash_ne",
  "dash_ne_err",
  "dash_ne_auth",
  ...Object.keys(PRESENCE_TABLES).map((k) => `dash_src_${k}`),
  "dash_src_activity_all",
  "dash_pm",
  "dash_pold",
  "dash_anchor",
  "dash_chain",
  ...["requests", "errors", "auth"].flatMap((t) => [`dash_sum_${t}`, `dash_sum_${t}_all`]),
  "dash_init_props",
  "dash_init_configs",
  "dash_fresh_configs",
  "dash_new_inits",
  "dash_latest_inits",
  "dash_cur_new",
];

/** Every statement of one chunk, in order, ending with the new watermark. */
export function catchUpSql(lo: number, hi: number): string[] {
  const presence = Object.entries(PRESENCE_TABLES).flatMap(([kind, table]) => [
    ...chainMaintenanceSql({
      table,
      member: kind === "activity" ? ["inst", "seg", "rv"] : ["key", "inst", "seg"],
      source: `dash_src_${kind}`,
      link: "prev",
    }),
    ...(kind === "activity" ? [] : [chainCountsSql(`${table}_counts`, ["key"])]),
  ]);
  return [
    ...stageSql({ batches: `batch > ${lo} AND batch <= ${hi}`, events: `e.batch > ${lo} AND e.batch <= ${hi}` }),
    ...presenceSourcesSql(),
    ...installationsSql(),
    ...presence,
    ...chainMaintenanceSql({ table: ACTIVITY_ALL, member: ["inst"], source: "dash_src_activity_all", link: "prev" }),
    // what changed in that chain, counted by (day, prev)
    chainCountsSql(ACTIVITY_COUNTS, []),
    ...sumsSql(),
    ...initsSql(),
    `UPDATE dash_state SET value = ${hi} WHERE key = 'watermark'`,
  ];
}

/** Frees the chunk's temp tables (DuckDB keeps their memory until they are dropped). */
export const DROP_TEMP_SQL = TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS ${t}`).join("; ");

export interface CatchUpOptions {
  connection: DuckDBConnection;
  /** The batch the rollups include up to. */
  watermark: number;
  /** Batches per chunk (one transaction each). @default 100000 */
  maxBatches?: number;
  /** Called after each chunk, e.g. to report progress of a large rebuild. */
  onChunk?: (progress: { watermark: number; latest: number }) => void;
}

/** Folds every batch after `watermark` into the rollups; resolves to the new watermark. */
export async function catchUp(options: CatchUpOptions): Promise<number> {
  const { connection } = options;
  const chunk = options.maxBatches ?? 100_000;
  let watermark = options.watermark;
  for (;;) {
    // batches are appended in number order, so zone maps skip everything at or below the watermark
    const reader = await connection.runAndReadAll(
      `SELECT max(batch), min(batch) FROM batches WHERE batch > $1::BIGINT`,
      [watermark],
    );
    const [maxValue, minValue] = reader.getRowsJS()[0] ?? [];
    if (maxValue === null || maxValue === undefined) return watermark;
    const latest = Number(maxValue);
    // skip gaps (failed groups, erased batches) so a chunk always holds batches
    const lo = Math.max(watermark, Number(minValue) - 1);
    const hi = Math.min(latest, lo + chunk);
    await connection.run("BEGIN TRANSACTION");
    try {
      for (const statement of catchUpSql(lo, hi)) await connection.run(statement);
      await connection.run("COMMIT");
    } catch (error) {
      await connection.run("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      await connection.run(DROP_TEMP_SQL).catch(() => {});
    }
    watermark = hi;
    options.onChunk?.({ watermark, latest });
    await compactGrown(connection);
  }
}

/**
 * Compacts each sum table that has grown by a quarter (and 10,000 rows) since
 * it was last compacted: appends are cheap, and this keeps the duplicates they
 * leave to a bounded share of the table.
 */
async function compactGrown(connection: DuckDBConnection): Promise<void> {
  for (const { table } of COMPACTED) {
    const reader = await connection.runAndReadAll(
      `SELECT (SELECT count(*) FROM ${table}), (SELECT value FROM dash_state WHERE key = 'compacted:${table}')`,
    );
    const [rowsNow, rowsThen] = (reader.getRowsJS()[0] ?? [0, null]).map((v) => Number(v ?? 0));
    if (rowsNow! <= rowsThen! * 1.25 + 10_000) continue;
    await connection.run("BEGIN TRANSACTION");
    try {
      await connection.run(compactSql(table));
      await connection.run(
        `INSERT OR REPLACE INTO dash_state VALUES ('compacted:${table}', (SELECT count(*) FROM ${table}))`,
      );
      await connection.run("COMMIT");
    } catch (error) {
      await connection.run("ROLLBACK").catch(() => {});
      throw error;
    }
  }
}
