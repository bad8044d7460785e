/**
 * Errors: occurrences (dash_errors) and installations (dash_presence) per
 * code and per type, installations with any error, and the daily series of
 * the most frequent codes.
 */
import type { DashboardQuery, DashboardQueryOptions, ErrorsAggregate } from "../../dashboard-types.js";
import { dayMs, num, Params, str } from "../sql.js";
import { countActive, installationsByLabel, labelKey, type PanelContext, selectAll, sums } from "./panel-sql.js";

interface Group {
  key: string | null;
  occurrences: unknown;
}

export async function queryErrors(
  context: PanelContext,
  query: DashboardQuery,
  options: DashboardQueryOptions = {},
): Promise<ErrorsAggregate> {
  const grouped = (column: "code" | "error_type") => {
    const params = new Params();
    return selectAll<Group>(
      context,
      `SELECT ${column} AS key, sum(occurrences) AS occurrences FROM ${sums(context, query, params, "errors", { columns: [column, "occurrences"] })} GROUP BY key`,
      params,
    );
  };
  const dailyParams = new Params();
  const [codes, types, installations, daily, active] = await Promise.all([
    grouped("code"),
    grouped("error_type"),
    installationsByLabel(context, query, ["code", "type"], { totals: true }),
    // every code's days: the few shown are picked below, after the same ranking as the DuckDB store's
    selectAll<{ day: string; code: string | null; occurrences: unknown }>(
      context,
      `SELECT day, code, sum(occurrences) AS occurrences FROM ${sums(context, query, dailyParams, "errors", { columns: ["code", "occurrences"] })}
        GROUP BY day, code ORDER BY day, code`,
      dailyParams,
    ),
    countActive(context, query),
  ]);

  const byCode = installations.get("code")!;
  const byType = installations.get("type")!;
  const out: ErrorsAggregate = {
    active,
    total: { occurrences: 0, installations: byCode.total },
    codes: codes.map((g) => ({
      code: str(g.key),
      occurrences: num(g.occurrences),
      installations: byCode.labels.get(labelKey(str(g.key))) ?? 0,
    })),
    types: types.map((g) => ({
      type: str(g.key),
      occurrences: num(g.occurrences),
      installations: byType.labels.get(labelKey(str(g.key))) ?? 0,
    })),
    daily: [],
  };
  for (const c of out.codes) out.total.occurrences += c.occurrences;
  out.codes.sort((x, y) => y.occurrences - x.occurrences || String(x.code).localeCompare(String(y.code)));
  out.types.sort((x, y) => y.occurrences - x.occurrences || String(x.type).localeCompare(String(y.type)));
  const top = new Set(out.codes.slice(0, Math.max(0, Math.trunc(options.seriesCodes ?? 8))).map((c) => c.code));
  out.daily = daily
    .filter((d) => top.has(str(d.code)))
    .map((d) => ({ day: dayMs(d.day), code: str(d.code), occurrences: num(d.occurrences) }));
  return out;
}
