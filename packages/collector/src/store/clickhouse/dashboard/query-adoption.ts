/**
 * Plugin, social provider and feature adoption: active installations whose
 * configuration (latest init at or before the end of the range) lists each
 * item. Only the protocol's vocabularies count, as in the DuckDB store.
 */
import type { AdoptionAggregate, DashboardQuery } from "../../dashboard-types.js";
import { VOCABULARIES } from "../../dashboard-vocabulary.js";
import { num, Params } from "../sql.js";
import { configsSql } from "./config-sql.js";
import { countActive, type PanelContext, selectAll } from "./panel-sql.js";

export async function queryAdoption(context: PanelContext, query: DashboardQuery): Promise<AdoptionAggregate> {
  const params = new Params();
  const [rows, active] = await Promise.all([
    // each configuration fans out to its items and a `configured` row, weighted by its installations
    selectAll<{ list: string; item: string; n: unknown }>(
      context,
      `SELECT pair.1 AS list, pair.2 AS item, sum(n) AS n
        FROM (${await configsSql(context, query, params)})
        ARRAY JOIN arrayConcat(arrayMap(x -> ('plugins', x), plugins), arrayMap(x -> ('socialProviders', x), providers),
          arrayMap(x -> ('features', x), features), [('configured', '')]) AS pair
        GROUP BY list, item`,
      params,
    ),
    countActive(context, query),
  ]);
  const out: AdoptionAggregate = { active, configured: 0, plugins: [], socialProviders: [], features: [] };
  for (const row of rows) {
    if (row.list === "configured") {
      out.configured = num(row.n);
      continue;
    }
    const vocabulary = VOCABULARIES.find((v) => v.name === row.list)!;
    if (vocabulary.values.includes(row.item)) out[vocabulary.name].push({ value: row.item, installations: num(row.n) });
  }
  return out;
}
