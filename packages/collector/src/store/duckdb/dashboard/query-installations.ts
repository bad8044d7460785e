/**
 * Installations over time, from dash_activity_counts (unfiltered: the
 * segment-free chain already counted by day and prev) or dash_seen_activity
 * (filtered) in one scan: an installation's row on a day
 * means it sent an event that day. For installations seen in one context
 * (and for every installation in the unfiltered table), a row is counted
 * - for its day (daily active),
 * - for its week when `prev` lies before the week (or the range) starts,
 * - for the range when `prev` lies before the range starts,
 * - as new when its day is the installation's first day ever.
 * Installations seen in several contexts are counted apart with DISTINCT.
 */
import type { DashboardQuery, InstallationsAggregate } from "../../dashboard-types.js";
import {
  dayMs,
  dayRange,
  instIn,
  isFiltered,
  num,
  type PanelContext,
  Params,
  rows,
  segmentCondition,
} from "./dashboard-sql.js";
import { ACTIVITY_COUNTS } from "./rollup-schema.js";

/** Monday 00:00 UTC of the day's ISO week, or the range start if later. */
export function weekOf(day: number, from: number): number {
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return Math.max(day - weekday * 86_400_000, from);
}

export async function queryInstallations(
  context: PanelContext,
  query: DashboardQuery,
): Promise<InstallationsAggregate> {
  const { connection, multi } = context;
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params, "s.seg");
  const week = `greatest(date_trunc('week', day)::DATE, ${a})`;
  // rows are first grouped by (day, prev): a few thousand groups, on which the week and range tests are cheap
  const countsOf = (grouped: string) => `SELECT 'day' AS part, day, sum(n), sum(n) FILTER (prev = '-infinity'::DATE),
       sum(n) FILTER (prev < ${week}), sum(n) FILTER (prev < ${a})
     FROM (${grouped}) GROUP BY day`;
  const counts = (source: string) => countsOf(`SELECT day, prev, count(*) AS n FROM ${source} GROUP BY day, prev`);
  const q = `(SELECT day, inst, prev FROM dash_seen_activity s WHERE s.day >= ${a} AND s.day < ${b} AND ${segment})`;
  const result = !isFiltered(query.filter)
    ? // one chain per installation: count(*) is exact, and prev = -infinity is its first day ever
      await rows(
        connection,
        countsOf(`SELECT day, prev, sum(n) AS n FROM ${ACTIVITY_COUNTS} WHERE day >= ${a} AND day < ${b} GROUP BY ALL`),
        params,
      )
    : multi.contexts.length === 0
      ? await rows(connection, counts(q), params)
      : // installations seen in one context (nearly all) are counted from their chain; the rest with DISTINCT
        await rows(
          connection,
          `WITH multi AS (
             SELECT q.*, i.first_day FROM ${q} q JOIN dash_installations i USING (inst) WHERE ${instIn(multi.contexts)}
           )
           ${counts(`(SELECT * FROM ${q} WHERE NOT ${instIn(multi.contexts)})`)}
           UNION ALL
           SELECT 'multi-day', day, count(DISTINCT inst), count(DISTINCT inst) FILTER (day = first_day), 0, 0
           FROM multi GROUP BY day
           UNION ALL
           SELECT 'multi-week', ${week}, count(DISTINCT inst), 0, 0, 0 FROM multi GROUP BY 2
           UNION ALL
           SELECT 'multi-range', NULL, count(DISTINCT inst), count(DISTINCT inst) FILTER (day = first_day), 0, 0
           FROM multi`,
          params,
        );

  const days = new Map<number, { day: number; active: number; new: number }>();
  const weeks = new Map<number, number>();
  const dayEntry = (day: number) => {
    const entry = days.get(day) ?? { day, active: 0, new: 0 };
    days.set(day, entry);
    return entry;
  };
  let active = 0;
  let fresh = 0;
  for (const [part, dayValue, count, newCount, weekFirsts, rangeFirsts] of result) {
    const day = dayValue === null ? 0 : dayMs(dayValue);
    if (part === "day" || part === "multi-day") {
      const entry = dayEntry(day);
      entry.active += num(count);
      entry.new += num(newCount);
      if (part === "day") {
        const w = weekOf(day, query.from);
        weeks.set(w, (weeks.get(w) ?? 0) + num(weekFirsts));
        active += num(rangeFirsts);
        fresh += num(newCount);
      }
    } else if (part === "multi-week") {
      weeks.set(day, (weeks.get(day) ?? 0) + num(count));
    } else {
      active += num(count);
      fresh += num(newCount);
    }
  }
  return {
    active,
    new: fresh,
    days: [...days.values()].sort((x, y) => x.day - y.day),
    weeks: [...weeks.entries()].sort(([x], [y]) => x - y).map(([w, n]) => ({ week: w, active: n })),
  };
}
