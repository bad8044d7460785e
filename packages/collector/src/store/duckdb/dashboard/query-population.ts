/**
 * The population a query covers: its active installations (any event in the
 * range that matches the filter) and each one's configuration, the latest
 * init at or before the end of the range (the dash_inits row before the
 * range's end whose `next` init is at or after it; null without one).
 *
 * Every panel needs the population's size, and two need its configurations,
 * so it is built once per query into the temp table
 * `dash_pop(inst, cfg, version_key, kind_key, adapter_key)` (labels) of
 * the dashboard's connection and read from there (duckdb-dashboard.ts keeps
 * track of which query it holds).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { DashboardQuery } from "../../dashboard-types.js";
import { dayRange, isFiltered, Params, segmentCondition } from "./dashboard-sql.js";
import { ACTIVITY_ALL } from "./rollup-schema.js";

export async function buildPopulation(connection: DuckDBConnection, query: DashboardQuery): Promise<void> {
  const params = new Params();
  const { a, b } = dayRange(query, params);
  // unfiltered, the segment-free chain holds one first row per installation: no DISTINCT needed
  const active = isFiltered(query.filter)
    ? `SELECT DISTINCT inst FROM dash_seen_activity
       WHERE day >= ${a} AND day < ${b} AND prev < ${a} AND ${segmentCondition(query.filter, params)}`
    : `SELECT inst FROM ${ACTIVITY_ALL} WHERE day >= ${a} AND day < ${b} AND prev < ${a}`;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE dash_pop AS
     WITH active AS (${active}),
     latest AS (SELECT inst, cfg, version_key, kind_key, adapter_key FROM dash_inits WHERE day < ${b} AND next >= ${b})
     SELECT active.inst, latest.cfg, latest.version_key, latest.kind_key, latest.adapter_key
     FROM active LEFT JOIN latest USING (inst)`,
    params.values,
  );
}

/** The population's size alone, without building dash_pop: what the panels that only need a denominator ask. */
export async function countActive(connection: DuckDBConnection, query: DashboardQuery): Promise<number> {
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const sql = isFiltered(query.filter)
    ? `SELECT count(DISTINCT inst) FROM dash_seen_activity
       WHERE day >= ${a} AND day < ${b} AND prev < ${a} AND ${segmentCondition(query.filter, params)}`
    : `SELECT count(*) FROM ${ACTIVITY_ALL} WHERE day >= ${a} AND day < ${b} AND prev < ${a}`;
  const reader = await connection.runAndReadAll(sql, params.values);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}
