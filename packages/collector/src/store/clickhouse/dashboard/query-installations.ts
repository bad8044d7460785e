/**
 * Installations over time, straight from the events: daily and weekly
 * distinct installations, and new ones (first event ever on that day, whatever
 * its context, with a matching event that day).
 */
import type { DashboardQuery, InstallationsAggregate } from "../../dashboard-types.js";
import { dayMs, num } from "../sql.js";
import { countActive, type PanelContext, scope, selectScoped } from "./panel-sql.js";

export async function queryInstallations(
  context: PanelContext,
  query: DashboardQuery,
): Promise<InstallationsAggregate> {
  const { db } = context;
  const days = scope(context, query);
  const weeks = scope(context, query);
  const fromDay = weeks.params.add(new Date(query.from).toISOString().slice(0, 10), "Date");
  const [dayRows, weekRows, active] = await Promise.all([
    // an installation's first day ever is read over all its events, filter or not: "new" is a fact
    // about the installation, and the filter only decides whether that day is shown
    selectScoped<{ day: string; active: unknown; new: unknown }>(
      context,
      days,
      (from) => `WITH firsts AS (
          SELECT installation_id, min(toDate(ts)) AS first FROM ${db}.events
          WHERE installation_id IN (SELECT installation_id FROM ${from})
          GROUP BY installation_id
        )
        SELECT e.day AS day, uniqExact(e.installation_id) AS active,
          uniqExactIf(e.installation_id, e.day = f.first) AS new
        FROM (SELECT toDate(ts) AS day, installation_id FROM ${from}) AS e
        INNER JOIN firsts AS f ON e.installation_id = f.installation_id
        GROUP BY day ORDER BY day`,
    ),
    // a week cut by the range starts at the range's first day
    selectScoped<{ week: string; active: unknown }>(
      context,
      weeks,
      (from) => `SELECT greatest(toMonday(toDate(ts)), ${fromDay}) AS week, uniqExact(installation_id) AS active
        FROM ${from} GROUP BY week ORDER BY week`,
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
