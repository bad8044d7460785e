/**
 * Plugins, social providers and features as bits. A configuration's lists
 * become three 64-bit masks when it is interned (dash_configs), so adoption
 * is one pass of bit tests over the population's configurations instead of
 * unnesting three lists per installation (measured: 30-40 ms down to a few).
 *
 * The vocabularies are the protocol's closed ones, so no value outside them
 * can reach a configuration. Bit positions follow their order, which can
 * change between versions: the rollups store a fingerprint of these lists
 * and are rebuilt when it changes (rollup-schema.ts).
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

export const PLUGIN_BITS: readonly string[] = KNOWN_PLUGINS;
export const PROVIDER_BITS: readonly string[] = SOCIAL_PROVIDERS;
export const FEATURE_BITS: readonly string[] = FEATURE_VALUES;

for (const [name, list] of Object.entries({ PLUGIN_BITS, PROVIDER_BITS, FEATURE_BITS })) {
  if (list.length > 64) throw new Error(`${name} has ${list.length} values; a mask holds 64`);
}

/** A number that changes when any list changes. */
export function vocabularyFingerprint(): number {
  const digest = createHash("sha256").update(JSON.stringify([PLUGIN_BITS, PROVIDER_BITS, FEATURE_BITS])).digest();
  return digest.readUIntBE(0, 6);
}

/** SQL: the mask of a VARCHAR[] expression against a vocabulary (values outside it add nothing). */
export function maskSql(list: string, vocabulary: readonly string[]): string {
  const values = `[${vocabulary.map((v) => `'${v}'`).join(", ")}]`;
  return `coalesce(list_sum(list_transform(list_distinct(${list}), v -> (1::UBIGINT << (list_position(${values}, v) - 1)))), 0)::UBIGINT`;
}
