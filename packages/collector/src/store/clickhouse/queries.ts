/** The ClickHouse store's raw-event side: overview, recent events, erasure. */
import { EVENT_TYPES, type EventType } from "@better-auth-telemetry/protocol";
import type { ClickHouseClient } from "@clickhouse/client";
import type { EventSource, Overview, RecentEventsQuery, StoredEvent, TimeRange } from "../event-store.js";
import { msParam, num, Params, select } from "./sql.js";

function rangeCondition(range: TimeRange, params: Params): string {
  const clauses: string[] = [];
  if (range.from !== undefined) clauses.push(`ts >= ${msParam(params, range.from)}`);
  if (range.to !== undefined) clauses.push(`ts < ${msParam(params, range.to)}`);
  return clauses.length ? clauses.join(" AND ") : "1";
}

export async function queryOverview(client: ClickHouseClient, db: string, range: TimeRange): Promise<Overview> {
  const params = new Params();
  // FINAL: a retry stored by two replicas is summed once. Counts sum `count`: one record, many occurrences
  const rows = await select<{ type: string | null; n: unknown; installations: unknown }>(
    client,
    `SELECT type, sum(count) AS n, uniqExact(installation_id) AS installations
     FROM ${db}.events FINAL WHERE ${rangeCondition(range, params)}
     GROUP BY GROUPING SETS ((type), ())`,
    params,
  );
  const events = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  let installations = 0;
  for (const row of rows) {
    // the grand total's row has the type's default, ''
    if (!row.type) installations = num(row.installations);
    else if (row.type in events) events[row.type as EventType] = num(row.n);
  }
  return { events, installations };
}

// aliases differ from the column names: ClickHouse would read an alias named like a column in WHERE and ORDER BY
const STORED_COLUMNS = `toString(id) AS event_id, type, toUnixTimestamp64Milli(ts) AS ts_ms,
  toUnixTimestamp64Milli(received_at) AS received_ms, count, source, toString(installation_id) AS installation,
  id_kind, sdk_version, runtime, runtime_version, platform, arch, framework, framework_version, environment,
  provider, props, additional_data`;

export async function queryRecent(
  client: ClickHouseClient,
  db: string,
  query: RecentEventsQuery,
): Promise<StoredEvent[]> {
  const params = new Params();
  const clauses: string[] = [];
  if (query.type) clauses.push(`type = ${params.add(query.type, "String")}`);
  if (query.installationId) clauses.push(`installation_id = ${params.add(query.installationId, "UUID")}`);
  // received_at is unique per batch within a replica and ordered like the DuckDB store's batch numbers;
  // ties by id as text: ClickHouse orders the UUID type by its two 64-bit halves, not as the text reads
  const rows = await select<Record<string, unknown>>(
    client,
    `SELECT ${STORED_COLUMNS} FROM ${db}.events FINAL
     ${clauses.length ? `WHERE ${clauses.join(" AND ")}` : ""}
     ORDER BY received_at DESC, ts DESC, event_id DESC LIMIT ${params.add(Math.max(0, Math.trunc(query.limit)), "UInt32")}`,
    params,
  );
  return rows.map(toStoredEvent);
}

/**
 * Deletes the installation's events; resolves to the number of records removed.
 * mutations_sync = 2 waits for every replica of the table, so a read after the
 * answer finds nothing of the installation anywhere.
 */
export async function eraseInstallation(client: ClickHouseClient, db: string, installationId: string): Promise<number> {
  const params = new Params();
  const id = params.add(installationId, "UUID");
  const [row] = await select<{ n: unknown }>(
    client,
    `SELECT count() AS n FROM ${db}.events FINAL WHERE installation_id = ${id}`,
    params,
  );
  const erased = num(row?.n);
  if (erased > 0) {
    await client.command({
      query: `ALTER TABLE ${db}.events DELETE WHERE installation_id = ${id}`,
      query_params: params.values,
      clickhouse_settings: { mutations_sync: "2" },
    });
  }
  return erased;
}

function toStoredEvent(row: Record<string, unknown>): StoredEvent {
  const text = (key: string) => (row[key] === null || row[key] === undefined ? null : String(row[key]));
  const context: Record<string, string> = {};
  for (const [key, column] of [
    ["runtime", "runtime"],
    ["runtimeVersion", "runtime_version"],
    ["platform", "platform"],
    ["arch", "arch"],
    ["framework", "framework"],
    ["frameworkVersion", "framework_version"],
    ["environment", "environment"],
    ["provider", "provider"],
  ] as const) {
    const value = text(column);
    if (value !== null) context[key] = value;
  }
  const data = text("additional_data");
  return {
    id: String(row.event_id),
    type: row.type as EventType,
    ts: num(row.ts_ms),
    receivedAt: num(row.received_ms),
    count: num(row.count),
    source: row.source as EventSource,
    installationId: String(row.installation),
    idKind: String(row.id_kind),
    sdkVersion: text("sdk_version"),
    context: context as unknown as StoredEvent["context"],
    additionalData: data ? JSON.parse(data) : null,
    props: JSON.parse(text("props") ?? "{}"),
  };
}
