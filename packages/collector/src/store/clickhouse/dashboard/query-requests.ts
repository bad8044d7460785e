/**
 * API request patterns: per route and method, requests, installations,
 * status classes, summed latency and the summed histogram (dash_requests);
 * and requests per day and status class.
 */
import type { DashboardQuery, RequestsAggregate } from "../../dashboard-types.js";
import { BUCKETS } from "../schema.js";
import { dayMs, num, Params } from "../sql.js";
import { countActive, installationsByLabel, labelKey, type PanelContext, selectAll, sums } from "./panel-sql.js";

const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"];

const CLASS_COLUMNS = CLASSES.map((_, i) => `c${i + 1}`);

/** c1 … c5: requests of each status class. */
const CLASS_SUMS = CLASSES.map((_, i) => `sum(c${i + 1}) AS c${i + 1}`).join(", ");

type ClassRow = Record<`c${number}`, unknown>;

export async function queryRequests(context: PanelContext, query: DashboardQuery): Promise<RequestsAggregate> {
  const routeParams = new Params();
  const dailyParams = new Params();
  const [routeRows, dailyRows, installations, active] = await Promise.all([
    selectAll<
      {
        route: string | null;
        method: string | null;
        requests: unknown;
        duration: unknown;
        buckets: unknown[];
      } & ClassRow
    >(
      context,
      `SELECT route, method, sum(requests) AS requests, ${CLASS_SUMS}, sum(duration) AS duration,
          sumForEach(buckets) AS buckets
        FROM ${sums(context, query, routeParams, "requests", { columns: ["route", "method", "requests", ...CLASS_COLUMNS, "duration", "buckets"] })}
        GROUP BY route, method`,
      routeParams,
    ),
    selectAll<{ day: string } & ClassRow>(
      context,
      `SELECT day, ${CLASS_SUMS} FROM ${sums(context, query, dailyParams, "requests", { columns: CLASS_COLUMNS })} GROUP BY day ORDER BY day`,
      dailyParams,
    ),
    installationsByLabel(context, query, ["route"]),
    countActive(context, query),
  ]);

  const byRoute = installations.get("route")!.labels;
  const classesOf = (row: ClassRow) => CLASSES.map((_, i) => num(row[`c${i + 1}`]));
  const routes = routeRows.map((row) => {
    const statusClasses: Record<string, number> = {};
    classesOf(row).forEach((n, i) => {
      if (n > 0) statusClasses[CLASSES[i]!] = n;
    });
    return {
      route: String(row.route),
      method: String(row.method),
      requests: num(row.requests),
      installations: byRoute.get(labelKey(row.route, row.method)) ?? 0,
      statusClasses,
      durationSumMs: num(row.duration),
      // an empty group's sumForEach is [], where DuckDB's sums are zeros
      buckets: Array.from({ length: BUCKETS }, (_, i) => num(row.buckets[i])),
    };
  });
  routes.sort((x, y) => y.requests - x.requests || x.route.localeCompare(y.route) || x.method.localeCompare(y.method));
  const daily = dailyRows.flatMap((row) =>
    classesOf(row).flatMap((requests, i) =>
      requests > 0 ? [{ day: dayMs(row.day), statusClass: CLASSES[i]!, requests }] : [],
    ),
  );
  return { active, routes, daily };
}
