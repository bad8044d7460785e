/**
 * Installations over time, from dash_activity: daily and weekly distinct
 * installations, and new ones (first event ever on that day, whatever its
 * context, with a matching event that day).
 */
import type { DashboardQuery, InstallationsAggregate } from "../../dashboard-types.js";
import { dayMs, num, Params } from "../sql.js";
import { countActive, daysOf, filterOf, type PanelContext, rollup, selectAll } from "./panel-sql.js";

export async function queryInstallations(
  context: PanelContext,
  query: DashboardQuery,
): Promise<InstallationsAggregate> {
  const { db } = context;
  const days = daysOf(query);
  const activity = (params: Params) =>
    rollup(context, "activity", days, filterOf(query, params), { columns: ["installation_id"] });
  const dayParams = new Params();
  const weekParams = new Params();
  const fromDay = weekParams.add(days.a, "Date");
  // an installation's first day ever (dash_first_seen, plus the live days not yet in it): "new" is a
  // fact about the installation whatever the filter, which only decides whether that day is shown
  const live = context.snapshot.live.filter((d) => d < days.b);
  const firsts = `SELECT installation_id, min(first_day) AS first FROM (
      SELECT installation_id, first_day FROM ${db}.dash_first_seen
      ${live.length > 0 ? `UNION ALL SELECT installation_id, toDate(ts) AS first_day FROM ${db}.events WHERE toDate(ts) IN (${live.map((d) => `'${d}'`).join(", ")})` : ""}
    ) GROUP BY installation_id`;
  const [dayRows, weekRows, active] = await Promise.all([
    selectAll<{ day: string; active: unknown; new: unknown }>(
      context,
      `SELECT day, uniqExact(installation_id) AS active, uniqExactIf(installation_id, day = first) AS new
        FROM ${activity(dayParams)} AS e LEFT JOIN (${firsts}) AS f USING (installation_id)
        GROUP BY day ORDER BY day`,
      dayParams,
    ),
    // a week cut by the range starts at the range's first day
    selectAll<{ week: string; active: unknown }>(
      context,
      `SELECT greatest(toMonday(day), ${fromDay}) AS week, uniqExact(installation_id) AS active
        FROM ${activity(weekParams)} GROUP BY week ORDER BY week`,
      weekParams,
    ),
    countActive(context, query),
  ]);
  const out = dayRows.map((r) => ({ day: dayMs(r.day), active: num(r.active), new: num(r.new) }));
  return {
    active,
    new: out.reduce((n, d) => n + d.new, 0),
    days: out,
    weeks: weekRows.map((r) => ({ week: dayMs(r.week), active: num(r.active) })),
  };
}
