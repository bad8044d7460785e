/**
 * SQL pieces every dashboard query shares: bound parameters, the day range,
 * the filter as a set of segments, and the count of distinct installations
 * from a presence table (see rollup-schema.ts).
 */
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import type { DashboardFilter, DashboardQuery } from "../../dashboard-types.js";
import { INITS_CURRENT, PRESENCE_COUNTS, PRESENCE_TABLES } from "./rollup-schema.js";

/** Collects bound parameters; `add` returns the placeholder. */
export class Params {
  readonly values: DuckDBValue[] = [];
  add(value: DuckDBValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The range's first day and the day after it, as DATE placeholders. */
export function dayRange(query: DashboardQuery, params: Params): { a: string; b: string } {
  return { a: `${params.add(isoDay(query.from))}::DATE`, b: `${params.add(isoDay(query.to))}::DATE` };
}

/**
 * The filter as a condition on a `seg` column, or "true" without a filter.
 * Segments are few (one per distinct context), so this is a small semi-join.
 */
export function segmentCondition(filter: DashboardFilter, params: Params, column = "seg"): string {
  const clauses: string[] = [];
  if (filter.runtime !== undefined) clauses.push(`runtime = ${params.add(filter.runtime)}`);
  if (filter.framework !== undefined) clauses.push(`framework = ${params.add(filter.framework)}`);
  if (filter.environment !== undefined) clauses.push(`environment = ${params.add(filter.environment)}`);
  for (const { key, value } of filter.data ?? []) {
    // keys match DATA_KEY (letters, digits, _ and -), so quoting the path segment is enough
    clauses.push(`json_extract_string(data, ${params.add(`$."${key}"`)}) = ${params.add(value)}`);
  }
  if (clauses.length === 0) return "true";
  return `${column} IN (SELECT seg FROM dash_segments WHERE ${clauses.join(" AND ")})`;
}

export const isFiltered = (filter: DashboardFilter) =>
  filter.runtime !== undefined ||
  filter.framework !== undefined ||
  filter.environment !== undefined ||
  (filter.data?.length ?? 0) > 0;

/**
 * The installations that are more than one member of a presence table: seen
 * in several contexts (segment and runtime version: dash_seen_activity) or
 * several segments (the labelled tables). Few or none; the dashboard reads
 * them once per rollup state and inlines them into its queries.
 */
export interface Multi {
  contexts: readonly number[];
  segments: readonly number[];
}

export async function readMulti(connection: DuckDBConnection): Promise<Multi> {
  const reader = await connection.runAndReadAll(
    `SELECT inst, segments > 1 FROM dash_installations WHERE contexts > 1 ORDER BY inst`,
  );
  const found = reader.getRowsJS() as [number, boolean][];
  return {
    contexts: found.map(([inst]) => Number(inst)),
    segments: found.filter(([, segments]) => segments).map(([inst]) => Number(inst)),
  };
}

/** The day of the newest latest init (Unix ms), or null without any: see query-population.ts. */
export async function readNewestInit(connection: DuckDBConnection): Promise<number | null> {
  const reader = await connection.runAndReadAll(`SELECT max(day) FROM ${INITS_CURRENT}`);
  const value = reader.getRowsJS()[0]?.[0];
  return value === null || value === undefined ? null : dayMs(value);
}

/** SQL: whether `inst` is one of these installations (integers from the store, inlined). */
export const instIn = (ids: readonly number[]): string =>
  ids.length === 0 ? "false" : `inst IN (${ids.map((id) => Math.trunc(id)).join(", ")})`;

/**
 * Distinct installations per key, from a relation `firsts(key, inst)` holding
 * each member's first presence row in the range, in one scan: the rows of
 * installations that are one member each are counted; the few that are
 * several members (`multi`) are grouped by installation first.
 */
export function countInstallations(options: { firsts: string; multi: readonly number[] }): string {
  if (options.multi.length === 0) return `SELECT key, count(*) AS installations FROM ${options.firsts} GROUP BY key`;
  return `SELECT key, sum(CASE WHEN m IS NULL THEN n ELSE 1 END)::BIGINT AS installations FROM (
      SELECT key, m, count(*) AS n
      FROM (SELECT key, CASE WHEN ${instIn(options.multi)} THEN inst END AS m FROM ${options.firsts})
      GROUP BY key, m
    ) GROUP BY key`;
}

/**
 * Distinct installations per key of a labelled presence table in the range:
 * `(key, installations)` rows. Filtered, from the members' first rows
 * (countInstallations). Unfiltered, from the table's `_counts` twin, which
 * counts members by (day, key, prev) in 6-12x fewer rows; an installation
 * seen in several segments is several members there, so its extra members
 * are subtracted, from its own first rows (a scan of one column for a few
 * installations).
 */
export function presenceInstallationsSql(options: {
  kind: Exclude<keyof typeof PRESENCE_TABLES, "activity">;
  query: DashboardQuery;
  a: string;
  b: string;
  segment: string;
  multi: readonly number[];
}): string {
  const { kind, a, b, segment, multi } = options;
  const table = PRESENCE_TABLES[kind];
  if (isFiltered(options.query.filter)) {
    return countInstallations({ firsts: `(${firstsSql({ table, columns: "key, inst", a, b, segment })})`, multi });
  }
  const counts = `SELECT key, n FROM ${PRESENCE_COUNTS[kind]} WHERE day >= ${a} AND day < ${b} AND prev < ${a}`;
  const extra =
    multi.length === 0
      ? ""
      : `UNION ALL SELECT key, count(DISTINCT inst) - count(*) FROM ${table}
         WHERE day >= ${a} AND day < ${b} AND prev < ${a} AND ${instIn(multi)} GROUP BY key`;
  return `SELECT key, sum(n)::BIGINT AS installations FROM (${counts} ${extra}) GROUP BY key HAVING sum(n) <> 0`;
}

/** Each member's first row of a presence table in the range, filtered. */
export function firstsSql(options: { table: string; columns: string; a: string; b: string; segment: string }): string {
  return `SELECT ${options.columns} FROM ${options.table}
    WHERE day >= ${options.a} AND day < ${options.b} AND prev < ${options.a} AND ${options.segment}`;
}

/** A label of dash_labels: `a` and `b` as the catch-up stored them (route and method, code, method and provider…). */
export interface Label {
  a: string | null;
  b: string | null;
}

/**
 * Labels by id; a few thousand at most. New labels get ids above every
 * existing one, so `known` is completed with the ids above its largest; after
 * an erasure (which deletes labels, whose ids may then be given again) pass none.
 */
export async function readLabels(
  connection: DuckDBConnection,
  known?: Map<number, Label>,
): Promise<Map<number, Label>> {
  const labels = new Map(known ?? []);
  let above = 0;
  for (const id of labels.keys()) above = Math.max(above, id);
  const reader = await connection.runAndReadAll(`SELECT id, a, b FROM dash_labels WHERE id > $1`, [above]);
  for (const [id, a, b] of reader.getRowsJS() as [number, string | null, string | null][])
    labels.set(Number(id), { a, b });
  return labels;
}

/** What a panel query gets besides its query: the reader's connection and the rollup state it reads. */
export interface PanelContext {
  connection: DuckDBConnection;
  /** Active installations of the query (the population's size). */
  active: number;
  multi: Multi;
  labels: Map<number, Label>;
}

export async function rows(connection: DuckDBConnection, sql: string, params: Params): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, params.values)).getRowsJS() as unknown[][];
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** A DATE as Unix ms at 00:00 UTC. */
export const dayMs = (v: unknown): number => (v instanceof Date ? v.getTime() : Date.parse(String(v)));
