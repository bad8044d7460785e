/**
 * Plugins, social providers and features as small integers. When a
 * configuration is interned (dash_configs), its three lists are also stored
 * as rows of dash_config_items (cfg, list, item), so adoption is one join of
 * the population's configurations with their items and a GROUP BY on two
 * integers (measured under load: 8-80 ms, against 110-330 ms for unnesting
 * the lists and 220-420 ms for testing bit masks).
 *
 * The vocabularies are the protocol's closed ones, so no value outside them
 * can reach a configuration. Item numbers follow their order, which can change
 * between versions: the rollups store a fingerprint of these lists and are
 * rebuilt when it changes (rollup-schema.ts).
 */
import { createHash } from "node:crypto";
import { EVENT_PROPS, type Field, KNOWN_PLUGINS, SOCIAL_PROVIDERS } from "@better-auth-telemetry/protocol";

const fieldsOf = (field: Field | undefined): Readonly<Record<string, Field>> =>
  field?.kind === "object" ? field.fields : {};

/** The init features a configuration reports: booleans (on or off) and enums (their value); numbers are not adoption. */
export const FEATURE_FIELDS = Object.entries(fieldsOf(fieldsOf(EVENT_PROPS.init).features)).filter(
  ([, f]) => f.kind === "boolean" || f.kind === "enum",
);

/** Every feature value the dashboard can report: booleans by name, enum values as `name=value`. */
export const FEATURE_VALUES: readonly string[] = FEATURE_FIELDS.flatMap(([name, field]) =>
  field.kind === "enum" ? field.values.map((v) => `${name}=${v}`) : [name],
);

/** The lists of a configuration, by their number in dash_config_items.list, with their column in dash_configs. */
export const VOCABULARIES = [
  { name: "plugins", column: "plugins", values: KNOWN_PLUGINS as readonly string[] },
  { name: "socialProviders", column: "providers", values: SOCIAL_PROVIDERS as readonly string[] },
  { name: "features", column: "features", values: FEATURE_VALUES },
] as const;

/** A number that changes when any list changes. */
export function vocabularyFingerprint(): number {
  const digest = createHash("sha256")
    .update(JSON.stringify(VOCABULARIES.map((v) => v.values)))
    .digest();
  return digest.readUIntBE(0, 6);
}

/** SQL: the item rows (cfg, list, item) of the configurations in `configs` (a relation with cfg and the lists). */
export function itemsSql(configs: string): string {
  return VOCABULARIES.map(
    ({ column, values }, list) =>
      `SELECT cfg, ${list}::UTINYINT AS list, (list_position([${values.map((v) => `'${v}'`).join(", ")}], v) - 1)::USMALLINT AS item
       FROM ${configs}, unnest(${column}) AS t(v) WHERE list_position([${values.map((v) => `'${v}'`).join(", ")}], v) IS NOT NULL`,
  ).join("\n UNION ALL ");
}
