/**
 * API request patterns: requests, status classes and summed latency
 * histograms per route and method from dash_requests (or, unfiltered, from
 * dash_requests_all, the same sums without the segment), installations per
 * route from dash_seen_route, and requests per day and status class.
 */
import type { DashboardQuery, RequestsAggregate } from "../../dashboard-types.js";
import {
  countInstallations,
  dayMs,
  dayRange,
  firstsSql,
  isFiltered,
  num,
  type PanelContext,
  Params,
  rows,
  segmentCondition,
} from "./dashboard-sql.js";
import { BUCKET_COLUMNS, CLASS_COLUMNS, PRESENCE_TABLES } from "./rollup-schema.js";

const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"];

export async function queryRequests(context: PanelContext, query: DashboardQuery): Promise<RequestsAggregate> {
  const { connection, labels, multi } = context;
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params);
  const table = isFiltered(query.filter) ? "dash_requests" : "dash_requests_all";
  const range = `day >= ${a} AND day < ${b} AND ${segment}`;
  const sums = ["requests", ...CLASS_COLUMNS, "duration_sum", ...BUCKET_COLUMNS];

  const routeRows = await rows(
    connection,
    `SELECT key, ${sums.map((c) => `sum(${c})`).join(", ")} FROM ${table} WHERE ${range} GROUP BY key`,
    params,
  );
  const dailyRows = await rows(
    connection,
    `SELECT day, ${CLASS_COLUMNS.map((c) => `sum(${c})`).join(", ")} FROM ${table} WHERE ${range} GROUP BY day ORDER BY day`,
    params,
  );
  const firsts = `(${firstsSql({ table: PRESENCE_TABLES.route, columns: "key, inst", a, b, segment })})`;
  const installations = new Map(
    (await rows(connection, countInstallations({ firsts, multi: multi.segments }), params)).map(([key, n]) => [
      num(key),
      num(n),
    ]),
  );

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
