/**
 * Folds repeated events of one flush window into one record with a count (and,
 * for api_request, a latency histogram), so a server taking thousands of
 * requests a second sends a few kilobytes a minute and every call still counts.
 *
 * Props are checked against the protocol once, when a new key first appears;
 * repeats only bump numbers. The number of keys per window is capped.
 */
import {
  EVENT_PROPS,
  type EventType,
  LATENCY_BUCKETS_MS,
  sanitize,
  type WireEvent,
} from "@better-auth-telemetry/protocol";
import { uuidv7 } from "./uuid.js";

type Aggregated = Exclude<EventType, "init">;

interface Duration {
  sumMs: number;
  maxMs: number;
  buckets: number[];
}

interface AggregateRecord {
  type: Aggregated;
  props: Record<string, unknown> & { count: number; duration?: Duration };
}

export type AddResult = "added" | "merged" | "invalid" | "full";

// the fields that tell two events apart: every declared field but the counters
const KEY_FIELDS: Record<Aggregated, string[]> = Object.fromEntries(
  (["api_request", "error", "auth_success", "auth_failure"] as const).map((type) => {
    const field = EVENT_PROPS[type];
    const names = field.kind === "object" ? Object.keys(field.fields) : [];
    return [type, names.filter((n) => n !== "count" && n !== "duration")];
  }),
) as Record<Aggregated, string[]>;

// a request without a source came through the handler: the same record as one that says so
const fieldValue = (input: Record<string, unknown>, name: string): unknown =>
  name === "source" ? (input.source ?? "handler") : input[name];

export function bucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length;
}

function durationOf(input: unknown): number {
  return typeof input === "number" && Number.isFinite(input) && input >= 0 ? Math.min(input, 1e9) : 0;
}

/** A trie of Maps, one level per key field, with the record at the leaf. */
type Trie = Map<unknown, Trie | AggregateRecord>;

/**
 * Records are found by walking one Map level per distinguishing field. Field
 * values are usually the same string objects each time (route templates, codes)
 * whose hashes are cached, so a repeat costs a few lookups and allocates nothing;
 * building a string key per call cost five times as much.
 */
export class Aggregator {
  private records: AggregateRecord[] = [];
  private index: Trie = new Map();
  private windowStart = Date.now();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.records.length;
  }

  add(type: Aggregated, input: Record<string, unknown>): AddResult {
    const fields = KEY_FIELDS[type];
    let node: Trie = this.index;
    let value: unknown = type;
    for (let i = 0; i <= fields.length; i++) {
      const next = node.get(value);
      if (next === undefined) return this.insert(type, input, node, value, i);
      if (i === fields.length) {
        const existing = next as AggregateRecord;
        existing.props.count++;
        if (existing.props.duration) this.observe(existing.props.duration, durationOf(input.durationMs));
        return "merged";
      }
      node = next as Trie;
      value = fieldValue(input, fields[i]!);
    }
    return "invalid"; // unreachable: the loop returns at the leaf
  }

  /** Creates the missing levels from `level` down and the record at the leaf. */
  private insert(
    type: Aggregated,
    input: Record<string, unknown>,
    node: Trie,
    value: unknown,
    level: number,
  ): AddResult {
    if (this.records.length >= this.maxKeys) return "full";
    const record = this.create(type, input);
    if (!record) return "invalid";
    const fields = KEY_FIELDS[type];
    for (let i = level; i < fields.length; i++) {
      const child: Trie = new Map();
      node.set(value, child);
      node = child;
      value = fieldValue(input, fields[i]!);
    }
    node.set(value, record);
    this.records.push(record);
    return "added";
  }

  /** A new record, checked against the protocol once; undefined when it may not travel. */
  private create(type: Aggregated, input: Record<string, unknown>): AggregateRecord | undefined {
    const draft: Record<string, unknown> = { count: 1 };
    for (const name of KEY_FIELDS[type]) if (input[name] !== undefined) draft[name] = input[name];
    if (type === "api_request") {
      draft.source ??= "handler";
      draft.duration = { sumMs: 0, maxMs: 0, buckets: new Array(LATENCY_BUCKETS_MS.length + 1).fill(0) };
    }
    const props = sanitize(EVENT_PROPS[type], draft, "props") as AggregateRecord["props"] | undefined;
    if (!props) return undefined;
    if (props.duration) this.observe(props.duration, durationOf(input.durationMs));
    return { type, props };
  }

  private observe(d: Duration, ms: number): void {
    d.sumMs += ms;
    if (ms > d.maxMs) d.maxMs = ms;
    const i = bucketIndex(ms);
    d.buckets[i] = (d.buckets[i] ?? 0) + 1;
  }

  /** The window's records as events, and a fresh window. */
  drain(now = Date.now()): WireEvent[] {
    const ts = this.windowStart;
    this.windowStart = now;
    if (this.records.length === 0) return [];
    const events: WireEvent[] = this.records.map((record) => {
      const props = record.props;
      if (props.duration) props.duration.sumMs = Math.round(props.duration.sumMs * 1000) / 1000;
      return { id: uuidv7(now), type: record.type, ts, props };
    });
    this.records = [];
    this.index = new Map();
    return events;
  }
}
