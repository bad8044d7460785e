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
import type { BreakdownsAggregate, DashboardQuery, InstallationGroup } from "../../dashboard-types.js";
import { dayRange, instIn, num, type PanelContext, Params, rows, segmentCondition, str } from "./dashboard-sql.js";

type ContextDimension = "runtime" | "runtimeVersion" | "framework" | "environment";
const DIMENSIONS: ContextDimension[] = ["runtime", "runtimeVersion", "framework", "environment"];
type ConfigDimension = "betterAuthVersion" | "databaseKind" | "databaseAdapter";

export async function queryBreakdowns(context: PanelContext, query: DashboardQuery): Promise<BreakdownsAggregate> {
  const { connection, multi } = context;
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params, "f.seg");
  // one member per installation for nearly all: count members per (segment, version) first, a few
  // thousand rows; the few installations seen in several contexts are counted apart, by installation
  const members = (select: string, where: string) =>
    `WITH m AS (
       SELECT ${select} FROM dash_seen_activity f
       WHERE f.day >= ${a} AND f.day < ${b} AND f.prev < ${a} AND ${segment} AND ${where} GROUP BY ALL
     ),
     l AS (
       SELECT m.*, s.runtime, s.framework, s.environment, s.runtime || coalesce(' ' || r.b, '') AS runtime_version
       FROM m JOIN dash_segments s USING (seg) JOIN dash_labels r ON r.id = m.rv
     )`;
  const dims = (value: string) =>
    ["runtime", "runtime_version", "framework", "environment"]
      .map((column, i) => `SELECT '${DIMENSIONS[i]}', ${column}, ${value} FROM l GROUP BY 2`)
      .join(" UNION ALL ");
  const single = await rows(
    connection,
    `${members("seg, rv, count(*) AS n", `NOT ${instIn(multi.contexts)}`)} ${dims("sum(n)")}`,
    params,
  );
  const several =
    multi.contexts.length === 0
      ? []
      : await rows(
          connection,
          `${members("DISTINCT inst, seg, rv", instIn(multi.contexts))} ${dims("count(DISTINCT inst)")}`,
          params,
        );
  const contextRows = [...single, ...several];

  // configuration dimensions: from the population (query-population.ts), counted per configuration first
  const config = await rows(
    connection,
    `WITH c AS (
       SELECT c.version, c.db_kind, c.db_adapter, p.n
       FROM (SELECT cfg, count(*) AS n FROM dash_pop WHERE cfg IS NOT NULL GROUP BY cfg) p JOIN dash_configs c USING (cfg)
     )
     SELECT 'betterAuthVersion', version, sum(n) FROM c GROUP BY 2
     UNION ALL SELECT 'databaseKind', db_kind, sum(n) FROM c GROUP BY 2
     UNION ALL SELECT 'databaseAdapter', db_adapter, sum(n) FROM c GROUP BY 2
     UNION ALL SELECT 'configured', NULL, count(cfg) FROM dash_pop
     UNION ALL SELECT 'active', NULL, count(*) FROM dash_pop`,
    new Params(),
  );

  const out: BreakdownsAggregate = {
    active: 0,
    runtime: [],
    runtimeVersion: [],
    framework: [],
    environment: [],
    configured: 0,
    betterAuthVersion: [],
    databaseKind: [],
    databaseAdapter: [],
  };
  for (const [dimension, value, count] of [...contextRows, ...config]) {
    if (dimension === "active") out.active = num(count);
    else if (dimension === "configured") out.configured = num(count);
    else addTo(out[dimension as ContextDimension | ConfigDimension], str(value), num(count));
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
