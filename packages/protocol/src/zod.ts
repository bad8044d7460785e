/**
 * @module The wire schema as zod, derived from the same declarations as the
 * client's guard. It checks structure and types; patterns are the guard's job
 * (a value failing its pattern is dropped, a value of the wrong type rejects the batch).
 */
import { z } from "zod";
import { EVENT_TYPES } from "./catalog.js";
import { ENVELOPE, LIMITS } from "./envelope.js";
import { EVENT_PROPS } from "./events.js";
import type { Field } from "./fields.js";
import { PROTOCOL_VERSION } from "./version.js";

/** The zod type that checks a field's shape and type (not its pattern or range). */
export function toZod(field: Field): z.ZodType {
  let schema: z.ZodType;
  switch (field.kind) {
    case "enum":
    case "string":
      schema = z.string().max(4096);
      break;
    case "int":
      schema = z.number().int();
      break;
    case "number":
      schema = z.number();
      break;
    case "boolean":
      schema = z.boolean();
      break;
    case "array":
      schema = z.array(toZod(field.of)).max(field.maxItems);
      break;
    case "object":
      schema = z.object(Object.fromEntries(Object.entries(field.fields).map(([k, f]) => [k, toZod(f)])));
      break;
    case "record":
      schema = z
        .record(z.string().max(field.key.maxLength * 4), z.union([z.string().max(4096), z.number(), z.boolean()]))
        .refine((r) => Object.keys(r).length <= field.maxKeys, `at most ${field.maxKeys} keys`);
      break;
  }
  return field.required ? schema : schema.optional();
}

const eventSchema = z.discriminatedUnion(
  "type",
  EVENT_TYPES.map((type) =>
    z.object({
      id: z.string().max(64),
      type: z.literal(type),
      ts: z.number().int(),
      props: toZod({ ...EVENT_PROPS[type], required: true }),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** A batch as the collector accepts it on POST /v1/events. */
export const wireBatchSchema = (toZod({ ...ENVELOPE, required: true }) as z.ZodObject).extend({
  v: z.literal(PROTOCOL_VERSION),
  events: z.array(eventSchema).min(1).max(LIMITS.maxEventsPerBatch),
});

export type WireBatchInput = z.infer<typeof wireBatchSchema>;
