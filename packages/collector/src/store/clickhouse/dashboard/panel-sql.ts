/**
 * What every ClickHouse dashboard panel shares: the rollup rows of its days
 * (stored versions, or computed from `events` for live days: rollups.ts), its
 * filter, and its active installations.
 *
 * A query's days are [from's day, to's day), as in the DuckDB store: the
 * dashboard always asks for whole days.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { DashboardFilter, DashboardQuery } from "../../dashboard-types.js";
import { filterCondition, num, Params, select } from "../sql.js";
import { ROLLUPS, type RollupName } from "./rollup-tables.js";
import type { Snapshot } from "./rollups.js";

export interface PanelContext {
  client: ClickHouseClient;
  /** The database holding `events`, already checked as an identifier. */
  db: string;
  snapshot: Snapshot;
}

/** ISO days: the first of the range and the one after its last. */
export interface Days {
  a: string;
  b: string;
}

const isoDay = (ms: number) => new Date(Math.floor(ms / 86_400_000) * 86_400_000).toISOString().slice(0, 10);

export const daysOf = (query: DashboardQuery): Days => ({ a: isoDay(query.from), b: isoDay(query.to) });

export const isFiltered = (filter: DashboardFilter) =>
  filter.runtime !== undefined ||
  filter.framework !== undefined ||
  filter.environment !== undefined ||
  (filter.data?.length ?? 0) > 0;

/**
 * A relation (parenthesized, to follow FROM) of a rollup's rows, with `day`,
 * for the days in [a, b) (from the beginning without `a`): the stored
 * versions of the snapshot's stored days, and the rows of its live days
 * computed from `events`; `where` (on the rollup's columns) is applied inside
 * both, so the primary index sees it. `columns` names the ones a query reads
 * (all by default); `only: "live"` leaves out the stored days.
 */
export function rollup(
  context: PanelContext,
  name: RollupName,
  days: { a?: string; b: string },
  where = "1",
  options: { columns?: readonly string[]; only?: "live" } = {},
): string {
  const table = ROLLUPS[name];
  const columns = `day, ${(options.columns ?? table.columns).join(", ")}`;
  const within = (day: string) => (days.a === undefined || day >= days.a) && day < days.b;
  const stored = options.only === "live" ? [] : [...context.snapshot.stored].filter(([day]) => within(day));
  const live = context.snapshot.live.filter(within);
  const parts: string[] = [];
  if (stored.length > 0) {
    // the days and versions are ours (ISO dates, UInt64 digits), not input
    parts.push(`SELECT ${columns} FROM ${context.db}.${table.name}
      WHERE day IN (${stored.map(([day]) => `'${day}'`).join(", ")})
        AND (day, version) IN (${stored.map(([day, version]) => `('${day}', ${version})`).join(", ")}) AND (${where})`);
  }
  if (live.length > 0) {
    parts.push(
      `SELECT ${columns} FROM (${table.build(context.db, live.map((d) => `'${d}'`).join(", "))}) WHERE ${where}`,
    );
  }
  if (parts.length === 0) parts.push(`SELECT ${columns} FROM ${context.db}.${table.name} WHERE 0`);
  return `(${parts.join(" UNION ALL ")})`;
}

/** The filter as a WHERE condition on a rollup's context columns. */
export const filterOf = (query: DashboardQuery, params: Params) => filterCondition(query.filter, params);

/** The active installations' relation: (installation_id), distinct, with a matching event in range. */
export function activeSql(context: PanelContext, query: DashboardQuery, params: Params): string {
  return `SELECT DISTINCT installation_id
    FROM ${rollup(context, "activity", daysOf(query), filterOf(query, params), { columns: ["installation_id"] })}`;
}

/** Active installations: distinct ids with a matching event in the range; asked once per snapshot and query. */
export function countActive(context: PanelContext, query: DashboardQuery): Promise<number> {
  const key = `active:${JSON.stringify(query)}`;
  let count = context.snapshot.memo.get(key) as Promise<number> | undefined;
  if (!count) {
    count = (async () => {
      const params = new Params();
      const [row] = await select<{ n: unknown }>(
        context.client,
        `SELECT uniqExact(installation_id) AS n
        FROM ${rollup(context, "activity", daysOf(query), filterOf(query, params), { columns: ["installation_id"] })}`,
        params,
      );
      return num(row?.n);
    })();
    context.snapshot.memo.set(key, count);
    count.catch(() => context.snapshot.memo.delete(key));
  }
  return count;
}

/** Runs a SELECT on the panel's client. */
export function selectAll<T>(context: PanelContext, sql: string, params: Params = new Params()): Promise<T[]> {
  return select<T>(context.client, sql, params);
}

/** The sums rollup a panel reads: per context when filtered, else its `_all` twin (no context columns, far fewer rows). */
export function sums(
  context: PanelContext,
  query: DashboardQuery,
  params: Params,
  name: "requests" | "errors" | "auth",
  options: { where?: string; columns: readonly string[] },
): string {
  const where = options.where ?? "1";
  return isFiltered(query.filter)
    ? rollup(context, name, daysOf(query), `(${where}) AND ${filterOf(query, params)}`, options)
    : rollup(context, `${name}All`, daysOf(query), where, options);
}

/** A group's key, as the presence labels are written (JSON of its parts, nulls included). */
export const labelKey = (...parts: unknown[]) => JSON.stringify(parts.map((p) => (p === undefined ? null : p)));

/**
 * Distinct installations per label of some kinds of dash_presence (merged
 * across the range's days, never summed), and with `totals` per kind too
 * (`total`; a second aggregation of every row, so only when asked): kind →
 * label key → installations.
 */
export async function installationsByLabel(
  context: PanelContext,
  query: DashboardQuery,
  kinds: readonly string[],
  options: { totals?: boolean } = {},
): Promise<Map<string, { total: number; labels: Map<string, number> }>> {
  const params = new Params();
  // kinds are our constants
  const where = `kind IN (${kinds.map((k) => `'${k}'`).join(", ")}) AND ${filterOf(query, params)}`;
  // the per-kind rows have the default label, '' (a label is a JSON array)
  const rows = await select<{ kind: string; label: string; n: unknown }>(
    context.client,
    `SELECT kind, label, uniqExact(installation_id) AS n
      FROM ${rollup(context, "presence", daysOf(query), where, { columns: ["kind", "label", "installation_id"] })}
      GROUP BY ${options.totals ? "GROUPING SETS ((kind, label), (kind))" : "kind, label"}`,
    params,
  );
  const out = new Map(kinds.map((k) => [k, { total: 0, labels: new Map<string, number>() }]));
  for (const row of rows) {
    const entry = out.get(row.kind);
    if (!entry) continue;
    if (row.label === "") entry.total = num(row.n);
    else entry.labels.set(JSON.stringify(JSON.parse(row.label)), num(row.n));
  }
  return out;
}
