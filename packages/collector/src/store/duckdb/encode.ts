/**
 * A group as the two lines it adds to the ingest log's files (see
 * ingest-log.ts), which DuckDB later reads with read_json: JSON.stringify on
 * the event loop instead of a native call per value (the appender cost 6 to
 * 17 µs per event on the main thread).
 */
import { UUID, type WireEvent } from "@better-auth-telemetry/protocol";
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
  ra: "BIGINT",
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

const UINT32 = 2 ** 32 - 1;
/** Unix ms that DuckDB's TIMESTAMP holds, and that the protocol allows. */
const MAX_TS = 8.64e15;

const within = (value: unknown, max: number) =>
  value === undefined || (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max);

/**
 * Why DuckDB could not load this batch's rows, or undefined when it can. The
 * protocol's declarations already keep every value in range; this holds the
 * store to it, because a row DuckDB refuses would fail the load of the whole
 * log segment it is in, after it was acknowledged.
 */
export function unstorable(batch: IngestBatch): string | undefined {
  if (!UUID.test(batch.envelope.installationId)) return "installationId is not a UUID";
  for (const event of batch.events) {
    const p = event.props as TypedProps;
    if (!UUID.test(event.id)) return "an event id is not a UUID";
    if (!within(event.ts, MAX_TS)) return `ts ${event.ts} is out of range`;
    if (!within(p.count, UINT32) || !within(p.status, 65535)) return "count or status is out of range";
    if (p.duration?.buckets?.some((n) => !within(n, UINT32))) return "a latency bucket is out of range";
  }
  return undefined;
}

const COMMA = Buffer.from(",");
const END = Buffer.from(",\n");

/**
 * The group's event rows as one log line, each row tagged with its batch's
 * number, in pieces for a vectored write: a batch's rows are one small
 * string, cheap to turn into bytes. One string for the whole group cost
 * about twice as much on the event loop (V8 builds a large JSON.stringify
 * result as a rope that has to be flattened before writing). Empty when no
 * batch has an event.
 */
export function encodeEvents(batches: readonly { batch: IngestBatch; number: number }[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (const { batch, number } of batches) {
    if (batch.events.length === 0) continue;
    const rows = Buffer.from(JSON.stringify(batch.events.map((event) => eventRow(event, number))));
    // the batch's "[...]" without its brackets, joined to the others by commas
    if (pieces.length > 0) pieces.push(COMMA);
    pieces.push(rows.subarray(1, rows.length - 1));
  }
  if (pieces.length > 0) pieces.push(END);
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

/** The group's envelopes as one log line, one row per batch, received at `receivedAt` (Unix ms). */
export function encodeBatches(batches: readonly { batch: IngestBatch; number: number }[], receivedAt: number): Buffer {
  const rows = batches.map(({ batch: { envelope }, number }) => {
    const c = envelope.context;
    return {
      n: number,
      ra: receivedAt,
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
    };
  });
  const json = JSON.stringify(rows);
  return Buffer.from(`${json.slice(1, -1)},\n`);
}
