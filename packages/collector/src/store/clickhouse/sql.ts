/**
 * SQL pieces the ClickHouse store's queries share: bound parameters, reading
 * values as DuckDB's json_extract_string reads them, the dashboard's scope
 * (a day range and a filter), and turning JSON result cells into numbers.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { DashboardFilter, DashboardQuery } from "../dashboard-types.js";

/** Collects named query parameters; `add` returns the placeholder, e.g. `{p0:String}`. */
export class Params {
  readonly values: Record<string, unknown> = {};
  #next = 0;
  add(value: unknown, type: string): string {
    const name = `p${this.#next++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}

/** A database name, checked before it is spliced into SQL as an identifier. */
export function identifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new Error(`not a valid ClickHouse database name: ${name}`);
  return name;
}

/**
 * A JSON member as text, as the DuckDB store's json_extract_string answers:
 * a string unquoted, a number or boolean as its JSON text, null when absent
 * or null. Both stores must read `props` alike, or their groups differ.
 */
export function jsonText(column: string, ...path: string[]): string {
  return jsonAt([column, ...path.map((p) => `'${p.replaceAll("'", "''")}'`)].join(", "));
}

/** jsonText over JSON function arguments as written: a column, then keys (literals or placeholders). */
const jsonAt = (at: string) =>
  `multiIf(JSONType(${at}) = 'String', JSONExtractString(${at}), JSONType(${at}) = 'Null', NULL, JSONExtractRaw(${at}))`;

/** Unix milliseconds as a DateTime64(3) literal expression. */
export const msParam = (params: Params, ms: number) =>
  `fromUnixTimestamp64Milli(${params.add(Math.trunc(ms), "Int64")}, 'UTC')`;

/**
 * The events a dashboard query covers: its days, and its filter on each
 * event's batch context (dashboard-types.ts). The filter is a plain WHERE on
 * the envelope columns stored beside every event.
 */
export function scopeCondition(query: DashboardQuery, params: Params): string {
  return `ts >= ${msParam(params, query.from)} AND ts < ${msParam(params, query.to)} AND ${filterCondition(query.filter, params)}`;
}

export function filterCondition(filter: DashboardFilter, params: Params): string {
  const clauses: string[] = [];
  if (filter.runtime !== undefined) clauses.push(`runtime = ${params.add(filter.runtime, "String")}`);
  // framework is nullable: NULL = 'x' is NULL, which WHERE treats as false, as DuckDB does
  if (filter.framework !== undefined) clauses.push(`framework = ${params.add(filter.framework, "String")}`);
  if (filter.environment !== undefined) clauses.push(`environment = ${params.add(filter.environment, "String")}`);
  for (const { key, value } of filter.data ?? []) {
    // a number or boolean matches its JSON text (`42`, `true`), a string its value
    const text = jsonAt(`additional_data, ${params.add(key, "String")}`);
    clauses.push(`ifNull(${text} = ${params.add(value, "String")}, 0)`);
  }
  return clauses.length ? clauses.map((c) => `(${c})`).join(" AND ") : "1";
}

/** Runs a SELECT and returns its rows as objects (JSONEachRow). */
export async function select<T = Record<string, unknown>>(
  client: ClickHouseClient,
  query: string,
  params: Params = new Params(),
): Promise<T[]> {
  const result = await client.query({ query, query_params: params.values, format: "JSONEachRow" });
  return (await result.json()) as T[];
}

/** A cell as a number: 64-bit integers come back as JSON strings from a server. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** A Date cell ('2026-01-05') as Unix ms at 00:00 UTC. */
export const dayMs = (v: unknown): number => Date.parse(`${String(v)}T00:00:00Z`);
