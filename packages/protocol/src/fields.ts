/**
 * The field vocabulary of the protocol: plain data, so the client's guard can
 * interpret it without a schema library and the collector can turn it into zod.
 */

interface FieldBase {
  /** What the field means, for docs/protocol.md and docs/privacy.md. */
  doc: string;
  /** An event whose required field is missing or invalid is dropped whole. */
  required?: boolean;
}

/** A closed-vocabulary string: anything not listed is dropped. */
export interface EnumField extends FieldBase {
  kind: "enum";
  values: readonly string[];
}

/**
 * A string that must match `pattern` whole. `screened` also runs the personal-data
 * detectors over it; `"segments"` runs them over each literal segment of a route
 * (between slashes, `:param` placeholders skipped), so that words of different
 * segments never read together as one token.
 */
export interface StringField extends FieldBase {
  kind: "string";
  pattern: RegExp;
  maxLength: number;
  screened?: boolean | "segments";
}

export interface IntField extends FieldBase {
  kind: "int";
  min: number;
  max: number;
}

export interface NumberField extends FieldBase {
  kind: "number";
  min: number;
  max: number;
}

export interface BooleanField extends FieldBase {
  kind: "boolean";
}

/** A list; invalid items are dropped one by one, items past `maxItems` are dropped. */
export interface ArrayField extends FieldBase {
  kind: "array";
  of: Field;
  maxItems: number;
}

export interface ObjectField extends FieldBase {
  kind: "object";
  fields: Readonly<Record<string, Field>>;
}

/** Free keys (matching `key`) with primitive values: only additionalData uses it. */
export interface RecordField extends FieldBase {
  kind: "record";
  key: StringField;
  value: StringField;
  maxKeys: number;
}

export type Field =
  | EnumField
  | StringField
  | IntField
  | NumberField
  | BooleanField
  | ArrayField
  | ObjectField
  | RecordField;

type Options<F> = Omit<F, "kind" | "doc">;

export const enumOf = (values: readonly string[], doc: string, o: { required?: boolean } = {}): EnumField => ({
  kind: "enum",
  values,
  doc,
  ...o,
});
export const str = (doc: string, o: Options<StringField>): StringField => ({ kind: "string", doc, ...o });
export const int = (doc: string, o: Options<IntField>): IntField => ({ kind: "int", doc, ...o });
export const num = (doc: string, o: Options<NumberField>): NumberField => ({ kind: "number", doc, ...o });
export const bool = (doc: string, o: { required?: boolean } = {}): BooleanField => ({ kind: "boolean", doc, ...o });
export const arrayOf = (of: Field, doc: string, o: Options<Omit<ArrayField, "of">>): ArrayField => ({
  kind: "array",
  of,
  doc,
  ...o,
});
export const obj = (fields: Record<string, Field>, doc: string, o: { required?: boolean } = {}): ObjectField => ({
  kind: "object",
  fields,
  doc,
  ...o,
});
