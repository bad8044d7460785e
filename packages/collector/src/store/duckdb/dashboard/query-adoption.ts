/**
 * Plugin, social provider and feature adoption: among the active
 * installations, how many have a configuration (latest init at or before the
 * end of the range) that lists each one. Reads the population table
 * (query-population.ts), which the caller has built for this query, and tests
 * each vocabulary bit of the configurations' masks (vocabulary.ts) in one pass.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { AdoptionAggregate, InstallationGroup } from "../../dashboard-types.js";
import { num, Params, rows } from "./dashboard-sql.js";
import { FEATURE_BITS, PLUGIN_BITS, PROVIDER_BITS } from "./vocabulary.js";

const LISTS = [
  ["plugins", "plugin_mask", PLUGIN_BITS],
  ["socialProviders", "provider_mask", PROVIDER_BITS],
  ["features", "feature_mask", FEATURE_BITS],
] as const;

export async function queryAdoption(connection: DuckDBConnection): Promise<AdoptionAggregate> {
  const tests = LISTS.flatMap(([, mask, values]) =>
    values.map((_, bit) => `coalesce(sum(n) FILTER (${mask} & ${1n << BigInt(bit)}::UBIGINT <> 0), 0)`),
  );
  const [row] = await rows(
    connection,
    `SELECT (SELECT count(*) FROM dash_pop), (SELECT count(cfg) FROM dash_pop), ${tests.join(", ")}
     FROM (SELECT cfg, count(*) AS n FROM dash_pop WHERE cfg IS NOT NULL GROUP BY cfg) p JOIN dash_configs c USING (cfg)`,
    new Params(),
  );
  const [active, configured, ...counts] = row ?? [];
  const out: AdoptionAggregate = { active: num(active), configured: num(configured), plugins: [], socialProviders: [], features: [] };
  let i = 0;
  for (const [list, , values] of LISTS) {
    const groups: InstallationGroup[] = out[list];
    for (const value of values) {
      const installations = num(counts[i++]);
      if (installations > 0) groups.push({ value, installations });
    }
  }
  return out;
}
