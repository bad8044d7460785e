/**
 * A group of batches as `events` rows for JSONEachRow: each event with its
 * batch's envelope flattened beside it. Props and additionalData stay objects
 * here; the insert reads them into String columns as their JSON text
 * (input_format_json_read_objects_as_strings), so nothing is stringified twice.
 */
import type { IngestBatch, TypedProps } from "../event-store.js";

export interface EventRow {
  id: string;
  type: string;
  ts: number;
  received_at: number;
  count: number;
  [column: string]: unknown;
}

/**
 * The rows of the events to store. `receivedAtMicros[i]` stamps batch i: one
 * microsecond apart within a group, so "most recently stored" orders batches
 * as the DuckDB store's batch numbers do.
 */
export function encodeRows(
  batches: readonly IngestBatch[],
  receivedAtMicros: readonly number[],
  keep: (batch: number, id: string, ts: number) => boolean,
): EventRow[] {
  const rows: EventRow[] = [];
  batches.forEach((batch, i) => {
    const { envelope } = batch;
    const c = envelope.context;
    const shared = {
      received_at: receivedAtMicros[i]!,
      installation_id: envelope.installationId,
      source: envelope.source,
      id_kind: envelope.idKind,
      sdk_version: envelope.sdkVersion,
      runtime: c.runtime,
      runtime_version: c.runtimeVersion ?? null,
      platform: c.platform ?? null,
      arch: c.arch ?? null,
      framework: c.framework ?? null,
      framework_version: c.frameworkVersion ?? null,
      environment: c.environment,
      provider: c.provider ?? null,
      additional_data: envelope.additionalData ?? null,
    };
    for (const event of batch.events) {
      if (!keep(i, event.id, event.ts)) continue;
      const p = event.props as TypedProps;
      // `method` is the HTTP method on api_request only; on auth events it is the sign-in method and stays in props
      const http = event.type === "api_request";
      rows.push({
        id: event.id,
        type: event.type,
        ts: event.ts,
        count: p.count ?? 1,
        route: p.route ?? null,
        method: http ? (p.method ?? null) : null,
        status: p.status ?? null,
        duration_sum_ms: p.duration?.sumMs ?? null,
        duration_max_ms: p.duration?.maxMs ?? null,
        duration_buckets: p.duration?.buckets ?? [],
        props: event.props,
        ...shared,
      });
    }
  });
  return rows;
}
