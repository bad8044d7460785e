/**
 * A commit group as the two JSON documents DuckDB reads with read_json (see
 * group-writer.ts): JSON.stringify on the event loop instead of a native
 * call per value (the appender cost 6 to 17 µs per event on the main thread).
 */
import type { WireEvent } from "@better-auth-telemetry/protocol";
import type { IngestBatch, TypedProps } from "../event-store.js";

/**
 * How DuckDB reads an event row. Props are read as VARCHAR, which makes DuckDB keep
 * the object as compact JSON text; typed as JSON, it would parse them a second time.
 */
export const EVENT_SHAPE: Record<string, string> = {
  id: "UUID",
  n: "BIGINT",
  t: "VARCHAR",
  ts: "BIGINT",
  c: "UINTEGER",
  r: "VARCHAR",
  m: "VARCHAR",
  s: "USMALLINT",
  ds: "DOUBLE",
  dm: "DOUBLE",
  b: "UINTEGER[]",
  p: "VARCHAR",
};

export const BATCH_SHAPE: Record<string, string> = {
  n: "BIGINT",
  i: "UUID",
  src: "VARCHAR",
  k: "VARCHAR",
  v: "VARCHAR",
  rt: "VARCHAR",
  rv: "VARCHAR",
  pf: "VARCHAR",
  ar: "VARCHAR",
  fw: "VARCHAR",
  fv: "VARCHAR",
  env: "VARCHAR",
  pv: "VARCHAR",
  ad: "VARCHAR",
};

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");
const EMPTY = Buffer.from("[]");

/**
 * The group's events as one JSON array of rows, each tagged with its batch
 * number (firstBatch + its index), in pieces for a vectored write: a batch's
 * rows are one small string, cheap to turn into bytes. One string for the
 * whole group cost about twice as much on the event loop (V8 builds a large
 * JSON.stringify result as a rope that has to be flattened before writing).
 */
export function encodeEvents(batches: readonly IngestBatch[], firstBatch: number): Buffer[] {
  const pieces: Buffer[] = [];
  batches.forEach((batch, i) => {
    if (batch.events.length === 0) return;
    const rows = Buffer.from(JSON.stringify(batch.events.map((event) => eventRow(event, firstBatch + i))));
    // the batch's "[...]" without its brackets, joined to the others into one array
    pieces.push(pieces.length === 0 ? OPEN : COMMA, rows.subarray(1, rows.length - 1));
  });
  pieces.push(pieces.length === 0 ? EMPTY : CLOSE);
  return pieces;
}

function eventRow(event: WireEvent, n: number) {
  const p = event.props as TypedProps;
  // `method` is the HTTP method on api_request only; on auth events it is the sign-in method and stays in props
  const http = event.type === "api_request";
  return {
    id: event.id,
    n,
    t: event.type,
    ts: event.ts,
    c: p.count,
    r: p.route,
    m: http ? p.method : undefined,
    s: p.status,
    ds: p.duration?.sumMs,
    dm: p.duration?.maxMs,
    b: p.duration?.buckets,
    p: event.props,
  };
}

/** The group's envelopes, one row per batch; an undefined batch (nothing of it to store) is left out. */
export function encodeBatches(batches: readonly (IngestBatch | undefined)[], firstBatch: number): string {
  const rows: unknown[] = [];
  batches.forEach((batch, i) => {
    if (!batch) return;
    const { envelope } = batch;
    const c = envelope.context;
    rows.push({
      n: firstBatch + i,
      i: envelope.installationId,
      src: envelope.source,
      k: envelope.idKind,
      v: envelope.sdkVersion,
      rt: c.runtime,
      rv: c.runtimeVersion,
      pf: c.platform,
      ar: c.arch,
      fw: c.framework,
      fv: c.frameworkVersion,
      env: c.environment,
      pv: c.provider,
      ad: envelope.additionalData ?? undefined,
    });
  });
  return JSON.stringify(rows);
}
