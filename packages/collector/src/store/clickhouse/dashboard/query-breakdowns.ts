/**
 * Breakdowns of the active installations: by context (each installation
 * counts under every runtime, version, framework and environment it reported
 * in range) and by configuration (Better Auth version, database kind and
 * adapter of its latest init; those without one count under null).
 */
import type { BreakdownsAggregate, DashboardQuery, InstallationGroup } from "../../dashboard-types.js";
import { num, str } from "../sql.js";
import { configsSql } from "./config-sql.js";
import { countActive, type PanelContext, scope, selectScoped } from "./panel-sql.js";

type Dimension = "runtime" | "runtimeVersion" | "framework" | "environment";
type ConfigDimension = "betterAuthVersion" | "databaseKind" | "databaseAdapter";

interface Row {
  dim: string;
  value: string | null;
  n: unknown;
}

export async function queryBreakdowns(context: PanelContext, query: DashboardQuery): Promise<BreakdownsAggregate> {
  const configs = scope(context, query);
  const [contextRows, configRows, active] = await Promise.all([
    // one scan: each event row fans out to its four (dimension, value) pairs
    selectScoped<Row>(
      context,
      scope(context, query),
      (from) => `SELECT pair.1 AS dim, pair.2 AS value, uniqExact(installation_id) AS n
        FROM (
          SELECT installation_id, [
            ('runtime', toNullable(toString(runtime))),
            ('runtimeVersion', toNullable(if(runtime_version IS NULL, toString(runtime), concat(toString(runtime), ' ', toString(runtime_version))))),
            ('framework', CAST(framework AS Nullable(String))),
            ('environment', toNullable(toString(environment)))
          ] AS pairs
          FROM ${from}
        ) ARRAY JOIN pairs AS pair
        GROUP BY dim, value`,
    ),
    // one pass over the configurations (a WITH clause would run once per reference): each fans out to
    // its three values and a `configured` row
    selectScoped<Row>(
      context,
      configs,
      () => `SELECT pair.1 AS dim, pair.2 AS value, count() AS n
        FROM (${configsSql(context, query, configs)})
        ARRAY JOIN [('betterAuthVersion', version), ('databaseKind', db_kind), ('databaseAdapter', db_adapter),
          ('configured', NULL)] AS pair
        GROUP BY dim, value`,
    ),
    countActive(context, query),
  ]);

  const out: BreakdownsAggregate = {
    active,
    runtime: [],
    runtimeVersion: [],
    framework: [],
    environment: [],
    configured: 0,
    betterAuthVersion: [],
    databaseKind: [],
    databaseAdapter: [],
  };
  for (const row of contextRows) out[row.dim as Dimension].push({ value: str(row.value), installations: num(row.n) });
  for (const row of configRows) {
    if (row.dim === "configured") out.configured = num(row.n);
    else addTo(out[row.dim as ConfigDimension], str(row.value), num(row.n));
  }
  // active installations without a configuration count under null, with those whose init lacks the value
  const unknown = active - out.configured;
  if (unknown > 0) {
    for (const dimension of ["betterAuthVersion", "databaseKind", "databaseAdapter"] as const) {
      addTo(out[dimension], null, unknown);
    }
  }
  return out;
}

function addTo(groups: InstallationGroup[], value: string | null, installations: number): void {
  const existing = groups.find((g) => g.value === value);
  if (existing) existing.installations += installations;
  else groups.push({ value, installations });
}
