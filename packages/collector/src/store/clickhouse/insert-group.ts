/**
 * One insert() call: find which of the group's events are already stored,
 * then write the rest as one INSERT (one block, so each replica writes large
 * parts rather than one per request), resolving once ClickHouse acknowledged.
 *
 * The store is shared by every replica, so "already stored" is asked of
 * ClickHouse, not of memory. Two replicas can still both pass the check with
 * one retried event before either inserted it: both insert it, and the table
 * keeps one (ReplacingMergeTree, FINAL at query time; see schema.ts). The
 * duplicate counts they report are then each a little low; what is stored
 * and counted is exact.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { IngestBatch, InsertResult } from "../event-store.js";
import { encodeRows } from "./encode.js";
import { num, Params, select } from "./sql.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GroupInsert {
  client: ClickHouseClient;
  db: string;
  batches: readonly IngestBatch[];
  /** Microseconds stamping each batch (see encodeRows). */
  receivedAtMicros: readonly number[];
}

export async function insertGroup(options: GroupInsert): Promise<InsertResult[]> {
  const { client, db, batches } = options;
  const stored = await storedKeys(client, db, batches);
  const results = batches.map(() => ({ accepted: 0, duplicates: 0 }));
  // a retry carries the same id and ts: the DuckDB store's test for a repeat, too
  const rows = encodeRows(batches, options.receivedAtMicros, (batch, id, ts) => {
    const repeat = stored.has(`${id.toLowerCase()}|${ts}`);
    results[batch]![repeat ? "duplicates" : "accepted"]++;
    return !repeat;
  });
  if (rows.length > 0) {
    await client.insert({
      table: `${db}.events`,
      values: rows,
      format: "JSONEachRow",
      clickhouse_settings: {
        // props and additionalData objects land in String columns as their JSON text
        input_format_json_read_objects_as_strings: 1,
        // an acknowledged insert is written, not buffered for later (async inserts stay off)
        async_insert: 0,
      },
    });
  }
  return results;
}

/** `id|ts` of the group's events that the table already holds. */
async function storedKeys(client: ClickHouseClient, db: string, batches: readonly IngestBatch[]): Promise<Set<string>> {
  const ids: string[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const batch of batches) {
    for (const event of batch.events) {
      // validated upstream; checked again because the ids are inlined below
      if (!UUID.test(event.id)) throw new Error(`not a UUID: ${JSON.stringify(event.id)}`);
      ids.push(event.id);
      lo = Math.min(lo, event.ts);
      hi = Math.max(hi, event.ts);
    }
  }
  if (ids.length === 0) return new Set();
  const params = new Params();
  // the ids go inline, in the request body: as a bound parameter they would travel in the
  // URL of an HTTP request, and a group of thousands can exceed the server's URL limit.
  // The ts bounds prune months (partitions) and days (the primary index).
  // aliases differ from the column names: ClickHouse would read an alias named `ts` in WHERE too
  const rows = await select<{ event_id: string; ts_ms: unknown }>(
    client,
    `SELECT DISTINCT toString(id) AS event_id, toUnixTimestamp64Milli(ts) AS ts_ms FROM ${db}.events
     WHERE ts >= fromUnixTimestamp64Milli(${params.add(lo, "Int64")}, 'UTC')
       AND ts <= fromUnixTimestamp64Milli(${params.add(hi, "Int64")}, 'UTC')
       AND id IN (${ids.map((id) => `'${id}'`).join(", ")})`,
    params,
  );
  return new Set(rows.map((r) => `${r.event_id.toLowerCase()}|${num(r.ts_ms)}`));
}
