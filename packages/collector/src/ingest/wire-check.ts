/**
 * The fast path of body validation: a plain walk over the protocol's
 * declarations that answers true only where the zod wire schema
 * (wireBatchSchema, built by the protocol's toZod) would accept the body too.
 * zod costs about 5 µs per event on the event loop; this walk a fraction of
 * that. When it answers false, zod runs and gives the error its code and path,
 * so rejected bodies are answered exactly as before; a body zod would accept
 * but this walk doubts merely takes the slow path.
 *
 * It mirrors toZod (packages/protocol/src/zod.ts): change one, change the
 * other; wire-check.test.ts holds them to it.
 */
import {
  ENVELOPE,
  EVENT_PROPS,
  EVENT_TYPES,
  type EventType,
  type Field,
  LIMITS,
  PROTOCOL_VERSION,
} from "@better-auth-telemetry/protocol";

/** toZod's cap for every string, enum values included. */
const MAX_STRING = 4096;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isString = (value: unknown): boolean => typeof value === "string" && value.length <= MAX_STRING;

/** zod 4's int() accepts safe integers only. */
const isInt = (value: unknown): boolean => Number.isSafeInteger(value);

const isNumber = (value: unknown): boolean => typeof value === "number" && Number.isFinite(value);

/** A present value against its field (an absent one is handled by the object that holds it). */
function conforms(field: Field, value: unknown): boolean {
  switch (field.kind) {
    case "enum":
    case "string":
      return isString(value);
    case "int":
      return isInt(value);
    case "number":
      return isNumber(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      if (!Array.isArray(value) || value.length > field.maxItems) return false;
      for (const item of value) if (!conforms(field.of, item)) return false;
      return true;
    case "object":
      if (!isObject(value)) return false;
      for (const key in field.fields) {
        const sub = field.fields[key]!;
        const item = value[key];
        // zod's optional() takes undefined only: a null is a type error
        if (item === undefined ? sub.required : !conforms(sub, item)) return false;
      }
      return true;
    case "record": {
      if (!isObject(value)) return false;
      let keys = 0;
      for (const key in value) {
        keys++;
        const item = value[key];
        if (key.length > field.key.maxLength * 4 || keys > field.maxKeys) return false;
        if (!(isString(item) || isNumber(item) || typeof item === "boolean")) return false;
      }
      return true;
    }
  }
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

/** The header (id, type, ts) as toZod's eventSchema declares it, then the props of that type. */
function conformsEvent(event: unknown): boolean {
  if (!isObject(event)) return false;
  const { id, type, ts, props } = event;
  if (typeof type !== "string" || !EVENT_TYPE_SET.has(type)) return false;
  if (typeof id !== "string" || id.length > 64 || !isInt(ts)) return false;
  return props !== undefined && conforms(EVENT_PROPS[type as EventType], props);
}

/** True only when wireBatchSchema accepts `body`; false means "ask zod". */
export function conformsToWire(body: unknown): boolean {
  if (!isObject(body) || body.v !== PROTOCOL_VERSION) return false;
  const events = body.events;
  if (!Array.isArray(events) || events.length < 1 || events.length > LIMITS.maxEventsPerBatch) return false;
  if (!conforms(ENVELOPE, body)) return false;
  for (const event of events) if (!conformsEvent(event)) return false;
  return true;
}
