/**
 * Each active installation's configuration: its latest `init` at or before
 * the end of the range, whatever that init's context (a long-running server
 * sends one at start, so it can predate the range). Latest by ts; of two at
 * the same millisecond, the one whose canonical text (`sig`) sorts last: the
 * DuckDB store's tie-break (duckdb/dashboard/config-sql.ts), with the same
 * lists in the same order.
 *
 * Features come from the protocol's declaration (vocabulary.ts), so a feature
 * added there is read here without touching this file.
 */
import type { DashboardQuery } from "../../dashboard-types.js";
import { FEATURE_FIELDS } from "../../dashboard-vocabulary.js";
import { jsonText, msParam } from "../sql.js";
import type { PanelContext, Scope } from "./panel-sql.js";

const quote = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

/** Features in use: booleans that are on, by name; enums as `name=value`. Sorted, like DuckDB's list_sort. */
function featuresSql(): string {
  const items = FEATURE_FIELDS.map(([name, field]) => {
    const value = jsonText("props", "features", name);
    return field.kind === "boolean"
      ? `if(${value} = 'true', ${quote(name)}, NULL)`
      : `if(${value} IS NOT NULL, concat(${quote(`${name}=`)}, ${value}), NULL)`;
  });
  return `arraySort(arrayMap(x -> assumeNotNull(x), arrayFilter(x -> x IS NOT NULL, [${items.join(", ")}])))`;
}

/**
 * SQL of a relation `configs(installation_id, version, db_kind, db_adapter,
 * plugins, providers, features)`: one row per active installation of `active`
 * (the query's scope) that has a configuration.
 *
 * The latest init's time is found first, on two columns; only the inits at
 * that time (one per installation, or the few of a tie) have their props
 * read: reading every init's props (a JSON parse per feature) cost seconds.
 */
export function configsSql(context: PanelContext, query: DashboardQuery, active: Scope): string {
  const end = msParam(active.params, query.to);
  const inits = `${context.db}.events WHERE type = 'init' AND ts < ${end}`;
  const list = (path: string) => `arraySort(arrayDistinct(JSONExtract(props, '${path}', 'Array(String)')))`;
  return `SELECT installation_id, c.1 AS version, c.2 AS db_kind, c.3 AS db_adapter,
      c.4 AS plugins, c.5 AS providers, c.6 AS features
    FROM (
      SELECT installation_id, argMax(tuple(version, db_kind, db_adapter, plugins, providers, features), sig) AS c
      FROM (
        SELECT installation_id, version, db_kind, db_adapter, plugins, providers, features,
          concatWithSeparator('|', ifNull(version, ''), ifNull(db_kind, ''), ifNull(db_adapter, ''),
            arrayStringConcat(plugins, ','), arrayStringConcat(providers, ','), arrayStringConcat(features, ',')) AS sig
        FROM (
          SELECT installation_id, ${jsonText("props", "betterAuthVersion")} AS version,
            ${jsonText("props", "database", "kind")} AS db_kind, ${jsonText("props", "database", "adapter")} AS db_adapter,
            ${list("plugins")} AS plugins, ${list("socialProviders")} AS providers, ${featuresSql()} AS features
          FROM ${inits} AND (installation_id, ts) IN (
            SELECT installation_id, max(ts) FROM ${inits}
              AND installation_id IN (SELECT installation_id FROM ${active.from})
            GROUP BY installation_id
          )
        )
      )
      GROUP BY installation_id
    )`;
}
