/**
 * What every ClickHouse dashboard panel shares: where it reads (the events of
 * its days that match its filter) and its active installations.
 *
 * Distinct counts (uniqExact) read the table without FINAL: a retry stored
 * twice is the same installation. Sums of `count` read it with FINAL, so an
 * event stored by two replicas racing on one retry is summed once (schema.ts).
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { DashboardQuery } from "../../dashboard-types.js";
import { num, Params, scopeCondition, select } from "../sql.js";

export interface PanelContext {
  client: ClickHouseClient;
  /** The database holding `events`, already checked as an identifier. */
  db: string;
}

export interface Scope {
  /** `<table> [FINAL] WHERE …`, to follow FROM. */
  from: string;
  params: Params;
}

/** The query's events, optionally of some types only, with FINAL when the caller sums. */
export function scope(
  context: PanelContext,
  query: DashboardQuery,
  options: { types?: readonly string[]; final?: boolean } = {},
): Scope {
  const params = new Params();
  // event types are the protocol's constants, not input
  const types = options.types ? `type IN (${options.types.map((t) => `'${t}'`).join(", ")}) AND ` : "";
  return {
    from: `${context.db}.events${options.final ? " FINAL" : ""} WHERE ${types}${scopeCondition(query, params)}`,
    params,
  };
}

/** Active installations: distinct ids with a matching event in the range. */
export async function countActive(context: PanelContext, query: DashboardQuery): Promise<number> {
  const { from, params } = scope(context, query);
  const [row] = await select<{ n: unknown }>(
    context.client,
    `SELECT uniqExact(installation_id) AS n FROM ${from}`,
    params,
  );
  return num(row?.n);
}

/** Runs a scoped SELECT: `sql` receives the FROM clause's text. */
export function selectScoped<T>(context: PanelContext, scoped: Scope, sql: (from: string) => string): Promise<T[]> {
  return select<T>(context.client, sql(scoped.from), scoped.params);
}
