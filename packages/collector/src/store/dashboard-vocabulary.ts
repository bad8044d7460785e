/**
 * What the adoption panel can name: plugins, social providers and features,
 * from the protocol's closed vocabularies, so every store reports the same
 * values in the same order and no value outside them can reach a
 * configuration.
 *
 * The DuckDB store numbers the items by their position here (dash_config_items,
 * see duckdb/dashboard/config-sql.ts). Positions can change between versions,
 * so its rollups store a fingerprint of these lists and are rebuilt when it
 * changes (duckdb/dashboard/rollup-schema.ts).
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
