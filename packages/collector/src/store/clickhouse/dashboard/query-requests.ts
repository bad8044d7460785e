/**
 * API request patterns: per route and method, requests, installations,
 * status classes, summed latency and the summed histogram; and requests per
 * day and status class.
 */
import type { DashboardQuery, RequestsAggregate } from "../../dashboard-types.js";
import { BUCKETS } from "../schema.js";
import { dayMs, num } from "../sql.js";
import { countActive, type PanelContext, scope, selectScoped } from "./panel-sql.js";

const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/** c1 … c5: requests of each status class (a record's status stands for all its `count` requests). */
const CLASS_SUMS = CLASSES.map((_, i) => `sumIf(count, ifNull(intDiv(status, 100), 0) = ${i + 1}) AS c${i + 1}`).join(
  ", ",
);

type ClassRow = Record<`c${number}`, unknown>;

export async function queryRequests(context: PanelContext, query: DashboardQuery): Promise<RequestsAggregate> {
  const requests = () => scope(context, query, { types: ["api_request"], final: true });
  const [routeRows, dailyRows, active] = await Promise.all([
    // a histogram shorter than the bounds counts 0 in the missing buckets; one longer is cut, as DuckDB reads it
    selectScoped<
      {
        route: string | null;
        method: string | null;
        requests: unknown;
        installations: unknown;
        duration: unknown;
        buckets: unknown[];
      } & ClassRow
    >(
      context,
      requests(),
      (
        from,
      ) => `SELECT route, method, sum(count) AS requests, uniqExact(installation_id) AS installations, ${CLASS_SUMS},
          sum(ifNull(duration_sum_ms, 0)) AS duration, sumForEach(arrayResize(duration_buckets, ${BUCKETS})) AS buckets
        FROM ${from} GROUP BY route, method`,
    ),
    selectScoped<{ day: string } & ClassRow>(
      context,
      requests(),
      (from) => `SELECT toDate(ts) AS day, ${CLASS_SUMS} FROM ${from} GROUP BY day ORDER BY day`,
    ),
    countActive(context, query),
  ]);

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
      installations: num(row.installations),
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
