/** The read side of the DuckDB store: SQL, and rows mapped back to StoredEvent. */

import { EVENT_TYPES, type EventType } from "@better-auth-telemetry/protocol";
import type { DuckDBConnection, DuckDBValue } from "@duckdb/node-api";
import type { EventSource, Overview, RecentEventsQuery, StoredEvent, TimeRange } from "../event-store.js";

/** A WHERE clause over events.ts for the range, with its parameters. */
function rangeFilter(range: TimeRange): { sql: string; params: DuckDBValue[] } {
  const clauses: string[] = [];
  const params: DuckDBValue[] = [];
  if (range.from !== undefined) {
    params.push(range.from);
    clauses.push(`e.ts >= epoch_ms($${params.length}::BIGINT)`);
  }
  if (range.to !== undefined) {
    params.push(range.to);
    clauses.push(`e.ts < epoch_ms($${params.length}::BIGINT)`);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

export async function queryOverview(connection: DuckDBConnection, range: TimeRange): Promise<Overview> {
  const { sql, params } = rangeFilter(range);
  // counts sum `count`: one record can stand for many occurrences
  const reader = await connection.runAndReadAll(
    `SELECT e.type, sum(e.count)::BIGINT, NULL::BIGINT FROM events e ${sql} GROUP BY e.type
     UNION ALL
     SELECT NULL, NULL, count(DISTINCT b.installation_id)::BIGINT FROM events e JOIN batches b USING (batch) ${sql}`,
    params,
  );
  const events = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  let installations = 0;
  for (const [type, sum, distinct] of reader.getRowsJS()) {
    if (type === null) installations = Number(distinct ?? 0);
    else if (typeof type === "string" && type in events) events[type as EventType] = Number(sum ?? 0);
  }
  return { events, installations };
}

export async function queryRecent(connection: DuckDBConnection, query: RecentEventsQuery): Promise<StoredEvent[]> {
  const clauses: string[] = [];
  const params: DuckDBValue[] = [];
  if (query.type) {
    params.push(query.type);
    clauses.push(`e.type = $${params.length}`);
  }
  if (query.installationId) {
    params.push(query.installationId);
    clauses.push(`e.batch IN (SELECT batch FROM batches WHERE installation_id = $${params.length}::UUID)`);
  }
  params.push(query.limit);
  // batches are numbered in commit order, so the newest rows are found in `events` alone; only they are joined
  const reader = await connection.runAndReadAll(
    `WITH newest AS (
       SELECT * FROM events e ${clauses.length ? `WHERE ${clauses.join(" AND ")}` : ""}
       ORDER BY e.batch DESC, e.ts DESC, e.id DESC LIMIT $${params.length}::INTEGER
     )
     SELECT e.id::VARCHAR, e.type, epoch_ms(e.ts), epoch_ms(b.received_at), e.count, b.source,
       b.installation_id::VARCHAR, b.id_kind, b.sdk_version, b.runtime, b.runtime_version, b.platform, b.arch,
       b.framework, b.framework_version, b.environment, b.provider, e.props::VARCHAR, b.additional_data::VARCHAR
     FROM newest e JOIN batches b USING (batch)
     ORDER BY e.batch DESC, e.ts DESC, e.id DESC`,
    params,
  );
  return reader.getRowsJS().map(toStoredEvent);
}

/** Deletes the installation's events and batches; resolves to the number of event records removed. */
export async function eraseInstallation(connection: DuckDBConnection, installationId: string): Promise<number> {
  const events = await connection.run(
    `DELETE FROM events WHERE batch IN (SELECT batch FROM batches WHERE installation_id = $1::UUID)`,
    [installationId],
  );
  await connection.run(`DELETE FROM batches WHERE installation_id = $1::UUID`, [installationId]);
  return events.rowsChanged;
}

function toStoredEvent(row: unknown[]): StoredEvent {
  const [id, type, ts, receivedAt, count, source, installationId, idKind, sdkVersion, ...rest] = row;
  const [runtime, runtimeVersion, platform, arch, framework, frameworkVersion, environment, provider, props, data] =
    rest as (string | null)[];
  const context = Object.fromEntries(
    Object.entries({
      runtime,
      runtimeVersion,
      platform,
      arch,
      framework,
      frameworkVersion,
      environment,
      provider,
    }).filter(([, v]) => v !== null),
  ) as unknown as StoredEvent["context"];
  return {
    id: String(id),
    type: type as EventType,
    ts: Number(ts),
    receivedAt: Number(receivedAt),
    count: Number(count),
    source: source as EventSource,
    installationId: String(installationId),
    idKind: String(idKind),
    sdkVersion: (sdkVersion as string | null) ?? null,
    context,
    additionalData: data ? JSON.parse(data) : null,
    props: props ? JSON.parse(props) : {},
  };
}
