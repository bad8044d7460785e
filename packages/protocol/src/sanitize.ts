/**
 * The allow-list, interpreted: keep what a declaration allows, drop everything
 * else. A value that fails its declaration is dropped, never "cleaned", because
 * a cleaned value still carries part of what it was.
 */

import { EVENT_TYPES, type EventType } from "./catalog.js";
import { detectPersonalData } from "./detectors.js";
import { ADDITIONAL_DATA, ENVELOPE, EVENT_HEADER } from "./envelope.js";
import { EVENT_PROPS, ROUTE_FIELD } from "./events.js";
import type { Field, RecordField, StringField } from "./fields.js";

/** Why a value was dropped, for debug output and the collector's metrics. Never includes the value. */
export interface Drop {
  path: string;
  reason: string;
}
export type OnDrop = (drop: Drop) => void;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function checkString(field: StringField, value: unknown): string | undefined {
  if (typeof value !== "string") return "not a string";
  if (value.length > field.maxLength) return "too long";
  if (field.screened === "segments") return checkRoute(field, value);
  if (!field.pattern.test(value)) return "does not match its pattern";
  if (field.screened) {
    const found = detectPersonalData(value);
    if (found) return `looks like ${found}`;
  }
  return undefined;
}

/** Whether a route may travel as it is: its pattern, then each segment through the detectors. */
export const isReportableRoute = (route: string): boolean => checkString(ROUTE_FIELD, route) === undefined;

/** A file a route may name (`/.well-known/jwks.json`): its name is screened, its extension is not a top-level domain. */
const FILE_NAME = /^([a-z][a-z0-9-]*)\.(json|xml|txt)$/;

/**
 * Verdicts on routes already seen, per field. A service reports a few hundred
 * templates over and over, and checking one (pattern, then each segment through
 * the detectors) cost about 0.5 µs, a third of screening an api_request event
 * on the collector. Bounded: past MAX_ROUTE_VERDICTS distinct routes (a hostile
 * sender's), new ones are checked every time instead of remembered.
 */
const routeVerdicts = new WeakMap<StringField, Map<string, string | undefined>>();
export const MAX_ROUTE_VERDICTS = 1024;

function checkRoute(field: StringField, route: string): string | undefined {
  let verdicts = routeVerdicts.get(field);
  if (!verdicts) {
    verdicts = new Map();
    routeVerdicts.set(field, verdicts);
  }
  if (verdicts.has(route)) return verdicts.get(route);
  const verdict = field.pattern.test(route) ? screenSegments(route) : "does not match its pattern";
  if (verdicts.size < MAX_ROUTE_VERDICTS) verdicts.set(route, verdict);
  return verdict;
}

/** A route's literal segments through the detectors: `/acme.io` and `/user/<uuid>` match ROUTE but may not travel. */
function screenSegments(route: string): string | undefined {
  for (const segment of route.split("/")) {
    if (segment === "" || segment.startsWith(":")) continue;
    const found = detectPersonalData(FILE_NAME.exec(segment)?.[1] ?? segment);
    if (found) return `a segment looks like ${found}`;
  }
  return undefined;
}

function sanitizeRecord(field: RecordField, value: unknown, path: string, onDrop: OnDrop): unknown {
  if (!isPlainObject(value)) return undefined;
  const out: Record<string, string | number | boolean> = {};
  let kept = 0;
  for (const key of Object.keys(value)) {
    const at = `${path}.${key.slice(0, 32)}`;
    if (kept >= field.maxKeys) {
      onDrop({ path: at, reason: `more than ${field.maxKeys} keys` });
      continue;
    }
    const keyProblem = FORBIDDEN_KEYS.has(key) ? "reserved key" : checkString(field.key, key);
    if (keyProblem) {
      onDrop({ path: at, reason: `key ${keyProblem}` });
      continue;
    }
    const v = value[key];
    let problem: string | undefined;
    if (typeof v === "boolean") problem = undefined;
    else if (typeof v === "number")
      problem = Number.isFinite(v) && Math.abs(v) < 1e15 ? undefined : "not a finite number";
    else problem = checkString(field.value, v);
    if (problem) {
      onDrop({ path: at, reason: problem });
      continue;
    }
    out[key] = v as string | number | boolean;
    kept++;
  }
  return out;
}

/** The value of a field that holds no other field, or undefined; such a value never reports drops. */
function sanitizeLeaf(field: Field, value: unknown): unknown {
  switch (field.kind) {
    case "enum":
      return typeof value === "string" && field.values.includes(value) ? value : undefined;
    case "string":
      return checkString(field, value) === undefined ? value : undefined;
    case "int":
      return Number.isInteger(value) && (value as number) >= field.min && (value as number) <= field.max
        ? value
        : undefined;
    case "number":
      return typeof value === "number" && Number.isFinite(value) && value >= field.min && value <= field.max
        ? value
        : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
    default:
      return sanitize(field, value);
  }
}

const holdsFields = (field: Field) => field.kind === "array" || field.kind === "object" || field.kind === "record";

const NO_DROPS: OnDrop = () => {};

// Paths are built only for a drop or for a field that holds others: the collector runs this on
// every event it receives, and a path string per value was most of its garbage.
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** The value as the declaration allows it, or undefined if it must not travel at all. */
export function sanitize(field: Field, value: unknown, path = "", onDrop: OnDrop = NO_DROPS): unknown {
  switch (field.kind) {
    case "array": {
      if (!Array.isArray(value)) return undefined;
      const out: unknown[] = [];
      const nested = holdsFields(field.of);
      for (let i = 0; i < value.length; i++) {
        if (out.length >= field.maxItems) {
          onDrop({ path: `${path}[${i}]`, reason: `more than ${field.maxItems} items` });
          break;
        }
        const item = nested ? sanitize(field.of, value[i], `${path}[${i}]`, onDrop) : sanitizeLeaf(field.of, value[i]);
        if (item === undefined) onDrop({ path: `${path}[${i}]`, reason: describe(field.of, value[i]) });
        else out.push(item);
      }
      return out;
    }
    case "object": {
      if (!isPlainObject(value)) return undefined;
      const out: Record<string, unknown> = {};
      for (const key in field.fields) {
        const sub = field.fields[key]!;
        const raw = value[key];
        if (raw === undefined || raw === null) {
          if (sub.required) return undefined;
          continue;
        }
        const clean = holdsFields(sub) ? sanitize(sub, raw, join(path, key), onDrop) : sanitizeLeaf(sub, raw);
        if (clean === undefined) {
          if (sub.required) return undefined;
          onDrop({ path: join(path, key), reason: describe(sub, raw) });
          continue;
        }
        out[key] = clean;
      }
      for (const key of Object.keys(value)) {
        if (!(key in field.fields))
          onDrop({ path: path ? `${path}.${key.slice(0, 32)}` : key, reason: "undeclared field" });
      }
      return out;
    }
    case "record":
      return sanitizeRecord(field, value, path, onDrop);
    default:
      return sanitizeLeaf(field, value);
  }
}

/** A reason in words, for a value that failed its field. */
function describe(field: Field, value: unknown): string {
  if (field.kind === "string") return checkString(field, value) ?? "invalid";
  if (field.kind === "enum") return "not one of the declared values";
  return `not a valid ${field.kind}`;
}

export const isEventType = (t: unknown): t is EventType =>
  typeof t === "string" && (EVENT_TYPES as readonly string[]).includes(t);

export interface WireEvent {
  id: string;
  type: EventType;
  ts: number;
  props: Record<string, unknown>;
}

/** An event reduced to its declared fields, or undefined when it cannot travel (unknown type, invalid required field). */
export function sanitizeEvent(event: unknown, onDrop: OnDrop = () => {}): WireEvent | undefined {
  const header = sanitize(EVENT_HEADER, event) as Omit<WireEvent, "props"> | undefined;
  if (!header || !isEventType(header.type)) return undefined;
  const props = sanitize(EVENT_PROPS[header.type], (event as { props?: unknown }).props ?? {}, "props", onDrop);
  if (props === undefined) return undefined;
  // a literal, not a spread: a spread cost a third of this function on the collector's hot path
  return { id: header.id, type: header.type, ts: header.ts, props: props as Record<string, unknown> };
}

export interface WireEnvelope {
  installationId: string;
  idKind: "persistent" | "ephemeral";
  sdkVersion: string;
  sentAt: number;
  dropped?: number;
  context: Record<string, unknown>;
  additionalData?: Record<string, string | number | boolean>;
}

export function sanitizeEnvelope(envelope: unknown, onDrop: OnDrop = () => {}): WireEnvelope | undefined {
  return sanitize(ENVELOPE, envelope, "", onDrop) as WireEnvelope | undefined;
}

export function sanitizeAdditionalData(
  data: unknown,
  onDrop: OnDrop = () => {},
): Record<string, string | number | boolean> {
  return (sanitize(ADDITIONAL_DATA, data, "additionalData", onDrop) as Record<string, string | number | boolean>) ?? {};
}

/** A batch as it travels: the envelope, the protocol version, and its events. */
export interface WireBatch extends WireEnvelope {
  v: number;
  events: WireEvent[];
}
