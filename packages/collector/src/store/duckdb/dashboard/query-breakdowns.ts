/**
 * Breakdowns of the active installations: by context (runtime, runtime
 * version, framework, environment: every value an installation reported in
 * range) and by configuration (Better Auth version, database kind and adapter:
 * its latest init at or before the end of the range).
 *
 * The context rows come from each member's first dash_seen_activity row in
 * the range: one per (installation, segment, runtime version), a few tens of
 * thousands at most, so a count(DISTINCT) over them is cheap; one pass with
 * GROUPING SETS covers the four dimensions. The
 * configuration rows come from the population table (query-population.ts),
 * which the caller has built for this query.
 */
import {
  type BreakdownsAggregate,
  type DashboardQuery,
  emptyBreakdowns,
  type InstallationGroup,
} from "../../dashboard-types.js";
import { dayRange, instIn, num, type PanelContext, Params, rows, segmentCondition, str } from "./dashboard-sql.js";

type ContextDimension = "runtime" | "runtimeVersion" | "framework" | "environment";
const DIMENSIONS: ContextDimension[] = ["runtime", "runtimeVersion", "framework", "environment"];

export async function queryBreakdowns(context: PanelContext, query: DashboardQuery): Promise<BreakdownsAggregate> {
  const { connection, multi, labels } = context;
  const labelOf = (key: unknown) => labels.get(num(key))?.a ?? null;
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params, "f.seg");
  // An installation seen in one context (nearly all) carries it in the population (query-population.ts):
  // count the population per (segment, version), a few thousand rows, and add them up per dimension
  // here; every GROUP BY costs DuckDB a few ms however small, so four in SQL cost more than this loop.
  // The few seen in several contexts are read one row per member in range, counted once per value.
  const single = await rows(
    connection,
    `SELECT m.*, s.runtime, s.framework, s.environment, r.b AS version
     FROM (SELECT seg, rv, count(*) AS n FROM dash_pop WHERE seg IS NOT NULL GROUP BY ALL) m
       JOIN dash_segments s USING (seg) JOIN dash_labels r ON r.id = m.rv`,
    new Params(),
  );
  const several =
    multi.contexts.length === 0
      ? []
      : await rows(
          connection,
          `SELECT m.*, s.runtime, s.framework, s.environment, r.b AS version
           FROM (
             SELECT inst, seg, rv FROM dash_seen_activity f
             WHERE f.day >= ${a} AND f.day < ${b} AND f.prev < ${a} AND ${segment} AND ${instIn(multi.contexts)}
             GROUP BY ALL
           ) m JOIN dash_segments s USING (seg) JOIN dash_labels r ON r.id = m.rv`,
          params,
        );

  const counts = new Map<ContextDimension, Map<string | null, number>>(DIMENSIONS.map((d) => [d, new Map()]));
  const valuesOf = (runtime: unknown, framework: unknown, environment: unknown, version: unknown) => [
    str(runtime),
    version === null ? str(runtime) : `${str(runtime)} ${str(version)}`,
    str(framework),
    str(environment),
  ];
  for (const [, , n, runtime, framework, environment, version] of single) {
    valuesOf(runtime, framework, environment, version).forEach((value, i) => {
      const map = counts.get(DIMENSIONS[i]!)!;
      map.set(value, (map.get(value) ?? 0) + num(n));
    });
  }
  const seen = new Set<string>();
  for (const [inst, , , runtime, framework, environment, version] of several) {
    valuesOf(runtime, framework, environment, version).forEach((value, i) => {
      const key = `${i}|${value}|${inst}`;
      if (seen.has(key)) return;
      seen.add(key);
      const map = counts.get(DIMENSIONS[i]!)!;
      map.set(value, (map.get(value) ?? 0) + 1);
    });
  }

  // configuration dimensions, from the population (query-population.ts): one GROUP BY, split here
  const config = await rows(
    connection,
    `SELECT cfg IS NOT NULL, version_key, kind_key, adapter_key, count(*) FROM dash_pop GROUP BY ALL`,
    new Params(),
  );

  const out = emptyBreakdowns(0);
  for (const [dimension, map] of counts) {
    for (const [value, installations] of map) out[dimension].push({ value, installations });
  }
  for (const [configured, version, kind, adapter, n] of config) {
    out.active += num(n);
    if (configured !== true) continue;
    out.configured += num(n);
    addTo(out.betterAuthVersion, labelOf(version), num(n));
    addTo(out.databaseKind, labelOf(kind), num(n));
    addTo(out.databaseAdapter, labelOf(adapter), num(n));
  }
  // active installations without a known configuration count under null
  const unknown = out.active - out.configured;
  for (const dimension of ["betterAuthVersion", "databaseKind", "databaseAdapter"] as const) {
    if (unknown > 0) addTo(out[dimension], null, unknown);
  }
  return out;
}

function addTo(groups: InstallationGroup[], value: string | null, installations: number): void {
  const existing = groups.find((g) => g.value === value);
  if (existing) existing.installations += installations;
  else groups.push({ value, installations });
}
