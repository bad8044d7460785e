/** What every EventStore must do, as checks any store's tests run against their own store. */
import { expect } from "vitest";
import type { EventStore } from "../../src/store/event-store.js";
import { ingestBatch } from "./batches.js";

/** An id may repeat within one insert call (EventStore.insert): stored once, the repeat counted on its own batch. */
export async function expectRepeatsWithinOneCallStoredOnce(store: EventStore): Promise<void> {
  const batch = ingestBatch({ events: 3 });
  const overlapping = { ...batch, events: [batch.events[0]!, ...ingestBatch({ events: 2 }).events] };
  expect(await store.insert([batch, overlapping, batch])).toEqual([
    { accepted: 3, duplicates: 0 },
    { accepted: 2, duplicates: 1 },
    { accepted: 0, duplicates: 3 },
  ]);
  expect((await store.overview({})).events.api_request).toBe(5 * 3);
}
