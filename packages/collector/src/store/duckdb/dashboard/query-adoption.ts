/**
 * Plugin, social provider and feature adoption: among the active
 * installations, how many have a configuration (latest init at or before the
 * end of the range) that lists each one. Reads the population table
 * (query-population.ts), which the caller has built for this query: the
 * installations are counted per configuration, joined with the
 * configurations' items (vocabulary.ts) and summed per item.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { AdoptionAggregate } from "../../dashboard-types.js";
import { VOCABULARIES } from "../../dashboard-vocabulary.js";
import { num, Params, rows } from "./dashboard-sql.js";

export async function queryAdoption(connection: DuckDBConnection): Promise<AdoptionAggregate> {
  const result = await rows(
    connection,
    `SELECT list, item, sum(n) FROM (SELECT cfg, count(*) AS n FROM dash_pop WHERE cfg IS NOT NULL GROUP BY cfg) p
       JOIN dash_config_items USING (cfg) GROUP BY ALL
     UNION ALL SELECT 254, 0, count(cfg) FROM dash_pop
     UNION ALL SELECT 255, 0, count(*) FROM dash_pop`,
    new Params(),
  );
  const out: AdoptionAggregate = { active: 0, configured: 0, plugins: [], socialProviders: [], features: [] };
  for (const [list, item, count] of result) {
    if (list === 255) out.active = num(count);
    else if (list === 254) out.configured = num(count);
    else {
      const vocabulary = VOCABULARIES[num(list)]!;
      out[vocabulary.name].push({ value: vocabulary.values[num(item)]!, installations: num(count) });
    }
  }
  return out;
}
