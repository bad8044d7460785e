/**
 * How an `init` event's props become a configuration row (dash_configs): the
 * SQL is generated from the protocol's declaration of `features`, so a feature
 * added to the protocol shows up on the dashboard without touching this file.
 *
 * A feature is "in use" when it is a boolean that is true, or an enum, which
 * is reported as `name=value` (`cookieCacheStrategy=jwt`). Numbers (lengths,
 * ages, counts) are not adoption and are left out.
 */
import { FEATURE_FIELDS, VOCABULARIES } from "../../dashboard-vocabulary.js";

const FEATURES = FEATURE_FIELDS;

const FIXED_PATHS = ["$.betterAuthVersion", "$.database.kind", "$.database.adapter"];

/**
 * SELECT list over a relation with a `props` column: version, db_kind,
 * db_adapter, plugins, providers, features (sorted lists), and `sig`, a
 * canonical text of all of them that identifies the configuration.
 */
export function configColumnsSql(): string {
  const paths = [...FIXED_PATHS, ...FEATURES.map(([name]) => `$.features.${name}`)];
  const features = FEATURES.map(([name, field], i) => {
    const value = `x[${FIXED_PATHS.length + i + 1}]`;
    return field.kind === "boolean"
      ? `CASE WHEN ${value} = 'true' THEN '${name}' END`
      : `CASE WHEN ${value} IS NOT NULL THEN '${name}=' || ${value} END`;
  });
  return `SELECT props, version, db_kind, db_adapter, plugins, providers, features,
      concat_ws('|', coalesce(version, ''), coalesce(db_kind, ''), coalesce(db_adapter, ''),
        array_to_string(plugins, ','), array_to_string(providers, ','), array_to_string(features, ',')) AS sig
    FROM (
      SELECT props, x[1] AS version, x[2] AS db_kind, x[3] AS db_adapter,
        list_sort(list_distinct(json_extract_string(props, '$.plugins[*]'))) AS plugins,
        list_sort(list_distinct(json_extract_string(props, '$.socialProviders[*]'))) AS providers,
        list_sort(list_filter([${features.join(", ")}], f -> f IS NOT NULL)) AS features
      FROM (SELECT props, json_extract_string(props, [${paths.map((p) => `'${p}'`).join(", ")}]) AS x FROM dash_init_props)
    )`;
}

/**
 * When a configuration is interned (dash_configs), its three lists are also
 * stored as rows of dash_config_items (cfg, list, item), so adoption is one
 * join of the population's configurations with their items and a GROUP BY on
 * two integers (measured under load: 8-80 ms, against 110-330 ms for unnesting
 * the lists and 220-420 ms for testing bit masks).
 */
/** SQL: the item rows (cfg, list, item) of the configurations in `configs` (a relation with cfg and the lists). */
export function itemsSql(configs: string): string {
  return VOCABULARIES.map(
    ({ column, values }, list) =>
      `SELECT cfg, ${list}::UTINYINT AS list, (list_position([${values.map((v) => `'${v}'`).join(", ")}], v) - 1)::USMALLINT AS item
       FROM ${configs}, unnest(${column}) AS t(v) WHERE list_position([${values.map((v) => `'${v}'`).join(", ")}], v) IS NOT NULL`,
  ).join("\n UNION ALL ");
}
