/**
 * Each active installation's configuration: its latest `init` at or before
 * the end of the range, from dash_inits (each installation's last init of
 * each day; rollup-tables.ts). Latest by ts; of two at the same millisecond,
 * the one whose canonical text (`sig`) sorts last: the DuckDB store's
 * tie-break (duckdb/dashboard/config-sql.ts), with the same lists in the same
 * order.
 */
import type { DashboardQuery } from "../../dashboard-types.js";
import { type Params, select } from "../sql.js";
import { activeSql, daysOf, type PanelContext, rollup } from "./panel-sql.js";
import { CONFIG_COLUMNS } from "./rollup-tables.js";

/** The day of the newest init any rollup holds (dash_inits_latest), once per snapshot; null without one. */
function newestInitDay(context: PanelContext): Promise<string | null> {
  let day = context.snapshot.memo.get("newest-init") as Promise<string | null> | undefined;
  if (!day) {
    day = select<{ day: string | null }>(
      context.client,
      `SELECT if(count() = 0, NULL, toString(toDate(max(latest.1)))) AS day FROM ${context.db}.dash_inits_latest`,
    ).then(([row]) => row?.day ?? null);
    context.snapshot.memo.set("newest-init", day);
  }
  return day;
}

/**
 * SQL of a relation `configs(n, version, db_kind, db_adapter, plugins,
 * providers, features)`: the configurations of the query's active
 * installations (each one's latest init before the range's last day ends,
 * whatever that init's context: a long-running server sends one at start, so
 * it can predate the range), with how many installations have each. Those
 * without an init are not in it.
 *
 * When no stored init is as late as the range's end (the usual case: a range
 * up to today), each installation's latest init ever is the one: read from
 * dash_inits_latest (one row per installation) and the live days, not from
 * every day's inits (a max over 1M (ts, sig) tuples took 0.7 s at 10M events).
 * Otherwise the latest ts comes first, on a number, and only the inits at
 * that ts compare their sig.
 */
export async function configsSql(context: PanelContext, query: DashboardQuery, params: Params): Promise<string> {
  const { b } = daysOf(query);
  const newest = await newestInitDay(context);
  const active = `installation_id IN (${activeSql(context, query, params)})`;
  let latest: string;
  if (newest === null || newest < b) {
    const live = rollup(context, "inits", { b }, active, {
      columns: ["installation_id", "init_ts", "sig"],
      only: "live",
    });
    latest = `SELECT installation_id, max(l) AS l FROM (
        SELECT installation_id, latest AS l FROM ${context.db}.dash_inits_latest WHERE ${active}
        UNION ALL SELECT installation_id, (init_ts, sig) AS l FROM ${live}
      ) GROUP BY installation_id`;
  } else {
    const inits = () => rollup(context, "inits", { b }, active, { columns: ["installation_id", "init_ts", "sig"] });
    latest = `SELECT installation_id, (t, max(sig)) AS l FROM ${inits()}
      WHERE (installation_id, init_ts) IN (SELECT installation_id, max(init_ts) FROM ${inits()} GROUP BY installation_id)
      GROUP BY installation_id, init_ts AS t`;
  }
  // the configurations' columns: dash_configs, and the live days' inits (not in it until rebuilt). A
  // configuration can be there more than once (unmerged parts, live rows), always alike: ANY takes one
  const liveConfigs = rollup(context, "inits", { b }, "1", { columns: CONFIG_COLUMNS, only: "live" });
  return `SELECT counts.n AS n, configs.ba_version AS version, configs.db_kind AS db_kind, configs.db_adapter AS db_adapter,
      configs.plugins AS plugins, configs.providers AS providers, configs.features AS features
    FROM (SELECT l.2 AS sig, count() AS n FROM (${latest}) GROUP BY sig) AS counts
    ANY INNER JOIN (
      SELECT ${CONFIG_COLUMNS.join(", ")} FROM ${context.db}.dash_configs
      UNION ALL SELECT ${CONFIG_COLUMNS.join(", ")} FROM ${liveConfigs}
    ) AS configs ON counts.sig = configs.sig`;
}
