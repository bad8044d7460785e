/**
 * The ClickHouse dashboard's rollup tables: what each holds, its DDL (run by
 * migration 2, schema.ts), and the one SELECT that computes its rows for a set
 * of days from `events`. That SELECT serves twice: a rebuild inserts its rows
 * under a new version (rollups.ts), and a read of a day not yet rebuilt runs
 * it in place of the stored rows (a "live" day), so both paths give the same
 * rows by construction.
 *
 * Every versioned table starts with (day, version): a day's rows are replaced
 * by inserting a whole new version of that day and recording it in dash_days;
 * readers name the (day, version) pairs they read, which the primary index
 * finds without touching superseded versions.
 *
 * - Sums (dash_requests, dash_errors, dash_auth) add `count` over
 *   `events FINAL`: a retry stored twice by racing replicas is summed once.
 *   Each has an `_all` twin without the context columns, for unfiltered
 *   views (30x fewer rows for requests).
 * - Presence (dash_activity, dash_presence) holds one row per installation
 *   and day (and context, and label): distinct installations over a range
 *   are a uniqExact over the range's rows, merged across days, never summed.
 *   Distinct sets need no FINAL: a duplicate row is the same installation.
 * - dash_inits holds each installation's last init of each day (by ts, then
 *   canonical configuration text `sig`), with the configuration parsed.
 * - Three tables are not versioned, because what they keep is idempotent
 *   (inserting a row again changes nothing), so every rebuild just inserts
 *   its days' rows, and they only lose rows by erasure:
 *   dash_first_seen, each installation's first day ever (a minimum);
 *   dash_inits_latest, each installation's latest (init ts, sig) ever (a
 *   maximum: the configuration of every range that ends after the newest
 *   init, read from 50k rows instead of a scan of every day's inits);
 *   dash_configs, each configuration's columns by its `sig`.
 *
 * The context columns are the events' own (runtime, framework, environment,
 * additional_data), so the dashboard filter is the same WHERE as on events
 * (sql.ts, filterCondition).
 */
import { LATENCY_BUCKETS_MS } from "@better-auth-telemetry/protocol";
import { FEATURE_FIELDS } from "../../dashboard-vocabulary.js";
import { jsonText } from "../sql.js";

/** The columns every dashboard filter reads, in the events' own types. */
const CONTEXT_COLUMNS = ["runtime", "framework", "environment", "additional_data"];
const CONTEXT_DDL = `runtime LowCardinality(String), framework LowCardinality(Nullable(String)),
  environment LowCardinality(String), additional_data Nullable(String)`;

export interface RollupTable {
  name: string;
  /** Column definitions after `day Date, version UInt64`. */
  ddl: string;
  /** ORDER BY columns after (day, version), if any (not nullable ones: ClickHouse refuses them in a key). */
  order: string;
  /** The columns after day, in table order: what reads select and `build` returns after `day`. */
  columns: readonly string[];
  /**
   * SELECT of (day, ...columns) for the days `days` (a condition on `toDate(ts)`
   * inlined by the caller), from `db.events`.
   */
  build: (db: string, days: string) => string;
}

/** The histogram's length (schema.ts's BUCKETS; not imported from there, which imports this file). */
const BUCKETS = LATENCY_BUCKETS_MS.length + 1;

const CLASS_SUMS = [1, 2, 3, 4, 5]
  .map((c) => `sumIf(count, ifNull(intDiv(status, 100), 0) = ${c}) AS c${c}`)
  .join(", ");

/** FINAL over the events of some days and types: each event once, however many replicas stored it. */
const finalEvents = (db: string, types: string, days: string) =>
  `${db}.events FINAL WHERE type IN (${types}) AND toDate(ts) IN (${days})`;

function requests(context: boolean): RollupTable {
  const ctx = context ? CONTEXT_COLUMNS : [];
  return {
    name: context ? "dash_requests" : "dash_requests_all",
    ddl: `${context ? `${CONTEXT_DDL}, ` : ""}route Nullable(String), method LowCardinality(Nullable(String)),
      requests UInt64, c1 UInt64, c2 UInt64, c3 UInt64, c4 UInt64, c5 UInt64, duration Float64, buckets Array(UInt64)`,
    order: context ? "runtime" : "",
    columns: [...ctx, "route", "method", "requests", "c1", "c2", "c3", "c4", "c5", "duration", "buckets"],
    // a histogram shorter than the bounds counts 0 in the missing buckets; one longer is cut, as DuckDB reads it
    build: (db, days) => `SELECT toDate(ts) AS day, ${[...ctx, "route", "method"].join(", ")},
        sum(count) AS requests, ${CLASS_SUMS}, sum(ifNull(duration_sum_ms, 0)) AS duration,
        sumForEach(arrayResize(duration_buckets, ${BUCKETS})) AS buckets
      FROM ${finalEvents(db, "'api_request'", days)}
      GROUP BY ${["day", ...ctx, "route", "method"].join(", ")}`,
  };
}

function errors(context: boolean): RollupTable {
  const ctx = context ? CONTEXT_COLUMNS : [];
  return {
    name: context ? "dash_errors" : "dash_errors_all",
    ddl: `${context ? `${CONTEXT_DDL}, ` : ""}code Nullable(String), error_type Nullable(String), occurrences UInt64`,
    order: context ? "runtime" : "",
    columns: [...ctx, "code", "error_type", "occurrences"],
    build: (db, days) => `SELECT day, ${[...ctx, "code", "error_type"].join(", ")}, sum(count) AS occurrences
      FROM (
        SELECT toDate(ts) AS day, ${ctx.map((c) => `${c}, `).join("")}count,
          ${jsonText("props", "code")} AS code, ${jsonText("props", "type")} AS error_type
        FROM ${finalEvents(db, "'error'", days)}
      )
      GROUP BY ${["day", ...ctx, "code", "error_type"].join(", ")}`,
  };
}

// the aliases are not column names: `method` and `provider` are columns of events (the HTTP method,
// the hosting provider), and ClickHouse would substitute an alias of that name in the WHERE
function auth(context: boolean): RollupTable {
  const ctx = context ? CONTEXT_COLUMNS : [];
  const keys = [...ctx, "success", "sign_in_method", "social_provider", "auth_kind", "failure_reason"];
  return {
    name: context ? "dash_auth" : "dash_auth_all",
    ddl: `${context ? `${CONTEXT_DDL}, ` : ""}success UInt8, sign_in_method Nullable(String),
      social_provider Nullable(String), auth_kind Nullable(String), failure_reason Nullable(String), occurrences UInt64`,
    order: context ? "runtime" : "",
    columns: [...keys, "occurrences"],
    // reasons are read from failures only: a success's reason (none is sent) is not kept
    build: (db, days) => `SELECT day, ${keys.join(", ")}, sum(count) AS occurrences
      FROM (
        SELECT toDate(ts) AS day, ${ctx.map((c) => `${c}, `).join("")}count, toUInt8(type = 'auth_success') AS success,
          ${jsonText("props", "method")} AS sign_in_method, ${jsonText("props", "provider")} AS social_provider,
          ${jsonText("props", "kind")} AS auth_kind, if(success = 1, NULL, ${jsonText("props", "reason")}) AS failure_reason
        FROM ${finalEvents(db, "'auth_success', 'auth_failure'", days)}
      )
      GROUP BY day, ${keys.join(", ")}`,
  };
}

/** Installations per day and context, with the runtime version: active counts and the context breakdowns. */
const ACTIVITY: RollupTable = {
  name: "dash_activity",
  ddl: `${CONTEXT_DDL}, runtime_version LowCardinality(Nullable(String)), installation_id UUID`,
  order: "runtime, installation_id",
  columns: [...CONTEXT_COLUMNS, "runtime_version", "installation_id"],
  build: (
    db,
    days,
  ) => `SELECT DISTINCT toDate(ts) AS day, ${CONTEXT_COLUMNS.join(", ")}, runtime_version, installation_id
    FROM ${db}.events WHERE toDate(ts) IN (${days})`,
};

/** A label as JSON text of its parts, e.g. `["/sign-in/email","POST"]`: one grouping column per kind of label. */
const label = (...parts: string[]) =>
  `toJSONString([${parts.map((p) => `CAST(${p} AS Nullable(String))`).join(", ")}])`;

/**
 * Installations per day, context and label: `kind` is route (label: route,
 * method), code, type (of errors), auth (sign-in method, social provider),
 * reason (of failures).
 */
const PRESENCE: RollupTable = {
  name: "dash_presence",
  ddl: `kind LowCardinality(String), label LowCardinality(String), ${CONTEXT_DDL}, installation_id UUID`,
  order: "kind, label",
  columns: ["kind", "label", ...CONTEXT_COLUMNS, "installation_id"],
  build: (
    db,
    days,
  ) => `SELECT DISTINCT day, pair.1 AS kind, pair.2 AS label, ${CONTEXT_COLUMNS.join(", ")}, installation_id
    FROM (
      SELECT toDate(ts) AS day, ${CONTEXT_COLUMNS.join(", ")}, installation_id, multiIf(
        type = 'api_request', [('route', ${label("route", "method")})],
        type = 'error', [('code', ${label(jsonText("props", "code"))}), ('type', ${label(jsonText("props", "type"))})],
        type = 'auth_success', [('auth', ${label(jsonText("props", "method"), jsonText("props", "provider"))})],
        [('auth', ${label(jsonText("props", "method"), jsonText("props", "provider"))}),
          ('reason', ${label(jsonText("props", "reason"))})]) AS pairs
      FROM ${db}.events WHERE type IN ('api_request', 'error', 'auth_success', 'auth_failure') AND toDate(ts) IN (${days})
    ) ARRAY JOIN pairs AS pair`,
};

const quote = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/**
 * Features in use: booleans that are on, by name; enums as `name=value`.
 * Sorted, like DuckDB's list_sort. They come from the protocol's declaration
 * (vocabulary.ts), so a feature added there is read without touching this
 * file (and changes BUILD_FINGERPRINT, so the stored inits are rebuilt).
 */
function featuresSql(): string {
  const items = FEATURE_FIELDS.map(([name, field]) => {
    const value = jsonText("props", "features", name);
    return field.kind === "boolean"
      ? `if(${value} = 'true', ${quote(name)}, NULL)`
      : `if(${value} IS NOT NULL, concat(${quote(`${name}=`)}, ${value}), NULL)`;
  });
  return `arraySort(arrayMap(x -> assumeNotNull(x), arrayFilter(x -> x IS NOT NULL, [${items.join(", ")}])))`;
}

/**
 * Each installation's last init of each day: latest by ts; of two at the same
 * millisecond, the one whose canonical text (`sig`) sorts last, the DuckDB
 * store's tie-break (duckdb/dashboard/config-sql.ts), with the same lists in
 * the same order. Only the inits at each day's latest time have their props
 * parsed (a JSON parse per feature is the expensive part).
 */
const CONFIG_DDL = `sig String, ba_version Nullable(String), db_kind Nullable(String), db_adapter Nullable(String),
  plugins Array(String), providers Array(String), features Array(String)`;

/** dash_configs' columns, which dash_inits carries too. */
export const CONFIG_COLUMNS = ["sig", "ba_version", "db_kind", "db_adapter", "plugins", "providers", "features"];

const INITS: RollupTable = {
  name: "dash_inits",
  ddl: `installation_id UUID, init_ts DateTime64(3, 'UTC'), ${CONFIG_DDL}`,
  order: "installation_id",
  columns: [
    "installation_id",
    "init_ts",
    "sig",
    "ba_version",
    "db_kind",
    "db_adapter",
    "plugins",
    "providers",
    "features",
  ],
  build: (db, days) => {
    const inits = `${db}.events WHERE type = 'init' AND toDate(ts) IN (${days})`;
    const list = (path: string) => `arraySort(arrayDistinct(JSONExtract(props, '${path}', 'Array(String)')))`;
    // every row of a (day, installation) group has the group's latest ts: the greatest sig wins the tie
    return `SELECT day, installation_id, init_ts, sig,
        c.1 AS ba_version, c.2 AS db_kind, c.3 AS db_adapter, c.4 AS plugins, c.5 AS providers, c.6 AS features
      FROM (
        SELECT day, installation_id, max(at) AS init_ts, max(s) AS sig, argMax(tuple(v, k, a, pl, pr, fe), s) AS c
        FROM (
          SELECT toDate(ts) AS day, installation_id, ts AS at, ${jsonText("props", "betterAuthVersion")} AS v,
            ${jsonText("props", "database", "kind")} AS k, ${jsonText("props", "database", "adapter")} AS a,
            ${list("plugins")} AS pl, ${list("socialProviders")} AS pr, ${featuresSql()} AS fe,
            concatWithSeparator('|', ifNull(v, ''), ifNull(k, ''), ifNull(a, ''),
              arrayStringConcat(pl, ','), arrayStringConcat(pr, ','), arrayStringConcat(fe, ',')) AS s
          FROM ${inits} AND (installation_id, ts) IN (
            SELECT installation_id, max(ts) FROM ${inits} GROUP BY installation_id, toDate(ts)
          )
        )
        GROUP BY day, installation_id
      )`;
  },
};

/** The versioned tables, by what the panels call them. */
export const ROLLUPS = {
  activity: ACTIVITY,
  presence: PRESENCE,
  requests: requests(true),
  requestsAll: requests(false),
  errors: errors(true),
  errorsAll: errors(false),
  auth: auth(true),
  authAll: auth(false),
  inits: INITS,
} as const satisfies Record<string, RollupTable>;

export type RollupName = keyof typeof ROLLUPS;

/** Each installation's first day ever, from the events of `days`: rows for dash_first_seen. */
export const firstSeenSql = (db: string, days: string) =>
  `SELECT installation_id, min(toDate(ts)) AS first_day FROM ${db}.events WHERE toDate(ts) IN (${days})
   GROUP BY installation_id`;

/**
 * The DDL of migration 2: the rollups, and the bookkeeping that says which
 * days they hold (rollups.ts):
 *
 * - dash_touched: the last time each day's events changed, by ClickHouse's
 *   clock. A materialized view stamps every insert into `events` (the retry
 *   a racing replica stores too); an erasure stamps its days itself.
 * - dash_days: each rebuild of a day: its version, and up to which touch
 *   it is known complete (`covered`), and the build fingerprint (which
 *   rollup SQL and vocabulary built it).
 */
export function rollupDdl(db: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.dash_touched (
      day Date, at SimpleAggregateFunction(max, DateTime64(6, 'UTC'))
    ) ENGINE = AggregatingMergeTree ORDER BY day`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.dash_touched_mv TO ${db}.dash_touched AS
      SELECT toDate(ts) AS day, max(now64(6, 'UTC')) AS at FROM ${db}.events GROUP BY day`,
    // events stored before the view existed: every day counts as touched now (idempotent: a maximum)
    `INSERT INTO ${db}.dash_touched SELECT toDate(ts) AS day, now64(6, 'UTC') AS at FROM ${db}.events GROUP BY day`,
    `CREATE TABLE IF NOT EXISTS ${db}.dash_days (
      day Date, version UInt64, covered DateTime64(6, 'UTC'), build UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY day`,
    `CREATE TABLE IF NOT EXISTS ${db}.dash_first_seen (
      installation_id UUID, first_day SimpleAggregateFunction(min, Date)
    ) ENGINE = AggregatingMergeTree ORDER BY installation_id`,
    `CREATE TABLE IF NOT EXISTS ${db}.dash_inits_latest (
      installation_id UUID, latest SimpleAggregateFunction(max, Tuple(DateTime64(3, 'UTC'), String))
    ) ENGINE = AggregatingMergeTree ORDER BY installation_id`,
    `CREATE TABLE IF NOT EXISTS ${db}.dash_configs (${CONFIG_DDL}) ENGINE = ReplacingMergeTree ORDER BY sig`,
    ...Object.values(ROLLUPS).map(
      (t: RollupTable) =>
        `CREATE TABLE IF NOT EXISTS ${db}.${t.name} (day Date, version UInt64, ${t.ddl})
        ENGINE = MergeTree PARTITION BY toYYYYMM(day) ORDER BY (day, version${t.order ? `, ${t.order}` : ""})`,
    ),
  ];
}
