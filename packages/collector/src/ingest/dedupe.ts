/**
 * Duplicates within one commit group: two batches in flight together can carry
 * the same event (a client retried before its first attempt was answered), and
 * a single batch can repeat an id. The first occurrence wins; the store then
 * skips ids it already holds.
 */
import type { IngestBatch } from "../store/event-store.js";

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
    let removed = 0;
    const events = batch.events.filter((event) => {
      if (seen.has(event.id)) {
        removed++;
        return false;
      }
      seen.add(event.id);
      return true;
    });
    repeated.push(removed);
    out.push(removed === 0 ? batch : { ...batch, events });
  }
  return { batches: out, repeated };
}
