/**
 * API request patterns: requests, status classes and summed latency
 * histograms per route and method from dash_requests (or, unfiltered, from
 * dash_requests_all, the same sums without the segment), installations per
 * route from dash_seen_route, and requests per day and status class.
 */
import type { DashboardQuery, RequestsAggregate } from "../../dashboard-types.js";
import {
  dayMs,
  dayRange,
  isFiltered,
  num,
  type PanelContext,
  Params,
  presenceInstallationsSql,
  rows,
  segmentCondition,
} from "./dashboard-sql.js";
import { BUCKET_COLUMNS, CLASS_COLUMNS } from "./rollup-schema.js";

const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"];

export async function queryRequests(context: PanelContext, query: DashboardQuery): Promise<RequestsAggregate> {
  const { connection, labels, multi } = context;
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params);
  const table = isFiltered(query.filter) ? "dash_requests" : "dash_requests_all";
  const range = `day >= ${a} AND day < ${b} AND ${segment}`;
  const sums = ["requests", ...CLASS_COLUMNS, "duration_sum", ...BUCKET_COLUMNS];

  // one statement (each costs a round trip and a plan), one branch per grouping: the per-route
  // sums, the daily status classes (padded to the same columns), installations per route. (Grouping
  // by (day, route) once and summing those groups twice measured no faster, and 2x slower unfiltered.)
  const pad = (n: number) => ", NULL".repeat(n);
  const result = await rows(
    connection,
    `SELECT 0 AS part, key, NULL::DATE AS day, ${sums.map((c) => `sum(${c})`).join(", ")}
       FROM ${table} WHERE ${range} GROUP BY key
     UNION ALL SELECT 1, NULL, day, NULL, ${CLASS_COLUMNS.map((c) => `sum(${c})`).join(", ")}${pad(sums.length - 1 - CLASS_COLUMNS.length)}
       FROM ${table} WHERE ${range} GROUP BY day
     UNION ALL SELECT 2, key, NULL, installations${pad(sums.length - 1)}
       FROM (${presenceInstallationsSql({ kind: "route", query, a, b, segment, multi: multi.segments })})`,
    params,
  );
  const routeRows = result.filter((row) => row[0] === 0).map((row) => [row[1], ...row.slice(3)]);
  const dailyRows = result
    .filter((row) => row[0] === 1)
    .map((row) => [row[2], ...row.slice(4, 4 + CLASS_COLUMNS.length)])
    .sort(([x], [y]) => dayMs(x) - dayMs(y));
  const installations = new Map(result.filter((row) => row[0] === 2).map((row) => [num(row[1]), num(row[3])]));

  const routes = routeRows.map(([key, requests, ...rest]) => {
    const classes = rest.slice(0, CLASSES.length);
    const [durationSum, ...buckets] = rest.slice(CLASSES.length);
    const statusClasses: Record<string, number> = {};
    CLASSES.forEach((c, i) => {
      if (num(classes[i]) > 0) statusClasses[c] = num(classes[i]);
    });
    const label = labels.get(num(key));
    return {
      route: String(label?.a),
      method: String(label?.b),
      requests: num(requests),
      installations: installations.get(num(key)) ?? 0,
      statusClasses,
      durationSumMs: num(durationSum),
      buckets: buckets.map(num),
    };
  });
  routes.sort((x, y) => y.requests - x.requests || x.route.localeCompare(y.route) || x.method.localeCompare(y.method));
  const daily = dailyRows.flatMap(([day, ...classes]) =>
    CLASSES.flatMap((statusClass, i) =>
      num(classes[i]) > 0 ? [{ day: dayMs(day), statusClass, requests: num(classes[i]) }] : [],
    ),
  );
  return { active: context.active, routes, daily };
}
