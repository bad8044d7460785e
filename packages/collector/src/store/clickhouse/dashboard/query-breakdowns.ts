/**
 * Breakdowns of the active installations: by context (each installation
 * counts under every runtime, version, framework and environment it reported
 * in range) and by configuration (Better Auth version, database kind and
 * adapter of its latest init; those without one count under null).
 */
import {
  type BreakdownsAggregate,
  type DashboardQuery,
  emptyBreakdowns,
  type InstallationGroup,
} from "../../dashboard-types.js";
import { num, Params, str } from "../sql.js";
import { configsSql } from "./config-sql.js";
import { countActive, daysOf, filterOf, type PanelContext, rollup, selectAll } from "./panel-sql.js";

type Dimension = "runtime" | "runtimeVersion" | "framework" | "environment";
type ConfigDimension = "betterAuthVersion" | "databaseKind" | "databaseAdapter";

interface Row {
  dim: string;
  value: string | null;
  n: unknown;
}

export async function queryBreakdowns(context: PanelContext, query: DashboardQuery): Promise<BreakdownsAggregate> {
  const configParams = new Params();
  // one small query per dimension: measured faster than one pass fanning each row out to four pairs
  const dimension = (dim: Dimension, value: string, columns: string[]) => {
    const params = new Params();
    const rows = rollup(context, "activity", daysOf(query), filterOf(query, params), {
      columns: [...columns, "installation_id"],
    });
    return selectAll<Row>(
      context,
      `SELECT '${dim}' AS dim, ${value} AS value, uniqExact(installation_id) AS n FROM ${rows} GROUP BY value`,
      params,
    );
  };
  const [runtimes, versions, frameworks, environments, configRows, active] = await Promise.all([
    dimension("runtime", "toNullable(toString(runtime))", ["runtime"]),
    dimension(
      "runtimeVersion",
      "toNullable(if(runtime_version IS NULL, toString(runtime), concat(toString(runtime), ' ', toString(runtime_version))))",
      ["runtime", "runtime_version"],
    ),
    dimension("framework", "CAST(framework AS Nullable(String))", ["framework"]),
    dimension("environment", "toNullable(toString(environment))", ["environment"]),
    // each configuration fans out to its three values and a `configured` row, weighted by its installations
    selectAll<Row>(
      context,
      `SELECT pair.1 AS dim, pair.2 AS value, sum(n) AS n
        FROM (${await configsSql(context, query, configParams)})
        ARRAY JOIN [('betterAuthVersion', version), ('databaseKind', db_kind), ('databaseAdapter', db_adapter),
          ('configured', NULL)] AS pair
        GROUP BY dim, value`,
      configParams,
    ),
    countActive(context, query),
  ]);

  const out = emptyBreakdowns(active);
  for (const row of [...runtimes, ...versions, ...frameworks, ...environments])
    out[row.dim as Dimension].push({ value: str(row.value), installations: num(row.n) });
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
