/** What a collector stored, read back through its own query API (loopback, so no token is needed). */
import type { EventType } from "@better-auth-telemetry/protocol";

export async function overview(
  collectorUrl: string,
): Promise<{ events: Record<EventType, number>; installations: number }> {
  const res = await fetch(`${collectorUrl}/v1/stats/overview`);
  if (res.status !== 200) throw new Error(`overview answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { events: Record<EventType, number>; installations: number };
}

export interface StoredRow {
  id: string;
  type: EventType;
  /** When the record's flush window began, Unix milliseconds. */
  ts: number;
  count: number;
  props: Record<string, unknown>;
}

/** One counter of the collector's /metrics (loopback, so no token is needed); 0 when absent. */
export async function metric(collectorUrl: string, name: string): Promise<number> {
  const res = await fetch(`${collectorUrl}/metrics`);
  if (res.status !== 200) throw new Error(`metrics answered ${res.status}: ${await res.text()}`);
  const line = new RegExp(`^${name} (\\S+)$`, "m").exec(await res.text());
  return line ? Number(line[1]) : 0;
}

export async function recent(collectorUrl: string, limit = 1000): Promise<StoredRow[]> {
  const res = await fetch(`${collectorUrl}/v1/events?limit=${limit}`);
  if (res.status !== 200) throw new Error(`events answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { events: StoredRow[] }).events;
}
