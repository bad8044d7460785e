/**
 * Plugin, social provider and feature adoption: active installations whose
 * configuration (latest init at or before the end of the range) lists each
 * item. Only the protocol's vocabularies count, as in the DuckDB store.
 */
import type { AdoptionAggregate, DashboardQuery } from "../../dashboard-types.js";
import { VOCABULARIES } from "../../dashboard-vocabulary.js";
import { num } from "../sql.js";
import { configsSql } from "./config-sql.js";
import { countActive, type PanelContext, scope, selectScoped } from "./panel-sql.js";

export async function queryAdoption(context: PanelContext, query: DashboardQuery): Promise<AdoptionAggregate> {
  const configs = scope(context, query);
  const [rows, active] = await Promise.all([
    // one pass over the configurations (a WITH clause would run once per reference): each fans out to
    // its items and a `configured` row
    selectScoped<{ list: string; item: string; n: unknown }>(
      context,
      configs,
      () => `SELECT pair.1 AS list, pair.2 AS item, count() AS n
        FROM (${configsSql(context, query, configs)})
        ARRAY JOIN arrayConcat(arrayMap(x -> ('plugins', x), plugins), arrayMap(x -> ('socialProviders', x), providers),
          arrayMap(x -> ('features', x), features), [('configured', '')]) AS pair
        GROUP BY list, item`,
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
