/**
 * SQL pieces every dashboard query shares: bound parameters, the day range,
 * the filter as a set of segments, and the count of distinct installations
 * from a presence table (see rollup-schema.ts).
 */
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import type { DashboardFilter, DashboardQuery } from "../../dashboard-types.js";

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

/** Installations seen in more than one context: their presence rows need a DISTINCT. */
export const MULTI = `(SELECT inst FROM dash_installations WHERE contexts > 1)`;

/**
 * Distinct installations per group, from a relation `firsts(inst, <group columns>)`
 * holding each member's first presence row in the range. Members of installations
 * seen in one context are installations: count(*). The rest get a DISTINCT.
 */
export function countInstallations(options: { firsts: string; group: readonly string[] }): string {
  const g = options.group.join(", ");
  const select = g ? `${g}, ` : "";
  const groupBy = g ? `GROUP BY ${g}` : "";
  return `SELECT ${select}sum(n)::BIGINT AS installations FROM (
      SELECT ${select}count(*) AS n FROM ${options.firsts} WHERE inst NOT IN ${MULTI} ${groupBy}
      UNION ALL
      SELECT ${select}count(DISTINCT inst) AS n FROM ${options.firsts} WHERE inst IN ${MULTI} ${groupBy}
    ) ${groupBy}`;
}

/** Each member's first row of a presence table in the range, filtered. */
export function firstsSql(options: { table: string; columns: string; a: string; b: string; segment: string }): string {
  return `SELECT ${options.columns} FROM ${options.table}
    WHERE day >= ${options.a} AND day < ${options.b} AND prev < ${options.a} AND ${options.segment}`;
}

export async function rows(connection: DuckDBConnection, sql: string, params: Params): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql, params.values)).getRowsJS() as unknown[][];
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** A DATE as Unix ms at 00:00 UTC. */
export const dayMs = (v: unknown): number => (v instanceof Date ? v.getTime() : Date.parse(String(v)));
