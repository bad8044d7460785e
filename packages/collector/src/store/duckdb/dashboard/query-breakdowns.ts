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
import type { DuckDBConnection } from "@duckdb/node-api";
import type { BreakdownsAggregate, DashboardQuery, InstallationGroup } from "../../dashboard-types.js";
import { dayRange, num, Params, rows, segmentCondition, str } from "./dashboard-sql.js";

type ContextDimension = "runtime" | "runtimeVersion" | "framework" | "environment";
type ConfigDimension = "betterAuthVersion" | "databaseKind" | "databaseAdapter";

export async function queryBreakdowns(
  connection: DuckDBConnection,
  query: DashboardQuery,
): Promise<BreakdownsAggregate> {
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params, "f.seg");
  const context = await rows(
    connection,
    `WITH l AS (
       SELECT f.inst, s.runtime, s.framework, s.environment, s.runtime || coalesce(' ' || r.b, '') AS runtime_version
       FROM dash_seen_activity f JOIN dash_segments s USING (seg) JOIN dash_labels r ON r.id = f.rv
       WHERE f.day >= ${a} AND f.day < ${b} AND f.prev < ${a} AND ${segment}
     )
     SELECT CASE GROUPING(runtime, runtime_version, framework, environment)
         WHEN ${0b0111} THEN 'runtime' WHEN ${0b1011} THEN 'runtimeVersion'
         WHEN ${0b1101} THEN 'framework' ELSE 'environment' END,
       coalesce(runtime_version, runtime, framework, environment), count(DISTINCT inst)
     FROM l GROUP BY GROUPING SETS ((runtime), (runtime_version), (framework), (environment))`,
    params,
  );

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
  for (const [dimension, value, count] of [...context, ...config]) {
    if (dimension === "active") out.active = num(count);
    else if (dimension === "configured") out.configured = num(count);
    else out[dimension as ContextDimension | ConfigDimension].push({ value: str(value), installations: num(count) });
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
