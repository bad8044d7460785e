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
  count: number;
  props: Record<string, unknown>;
}

export async function recent(collectorUrl: string, limit = 1000): Promise<StoredRow[]> {
  const res = await fetch(`${collectorUrl}/v1/events?limit=${limit}`);
  if (res.status !== 200) throw new Error(`events answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { events: StoredRow[] }).events;
}
