/**
 * Duplicates within one insert call: two batches in flight together can carry
 * the same event (a client retried before its first attempt was answered), and
 * a single batch can repeat an id. The first occurrence wins; the store then
 * skips ids it already holds. (The DuckDB store's window of recent ids does
 * this as it claims each id.)
 */
import type { IngestBatch } from "../event-store.js";

export interface DedupedGroup {
  batches: IngestBatch[];
  /** Events removed from each batch, by index. */
  repeated: number[];
}

export function dedupeGroup(batches: readonly IngestBatch[]): DedupedGroup {
  const seen = new Set<string>();
  const repeated: number[] = [];
  const out: IngestBatch[] = [];
  for (const batch of batches) {
    // copied only from the first repeat on: most batches have none, and a copy each was garbage
    let kept: IngestBatch["events"] | undefined;
    const { events } = batch;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (seen.has(event.id)) kept ??= events.slice(0, i);
      else {
        seen.add(event.id);
        kept?.push(event);
      }
    }
    repeated.push(kept ? events.length - kept.length : 0);
    out.push(kept ? { ...batch, events: kept } : batch);
  }
  return { batches: out, repeated };
}
