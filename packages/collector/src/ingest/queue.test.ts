import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../../test/support/batches.js";
import { GatedStore } from "../../test/support/gated-store.js";
import { tempDir } from "../../test/support/temp.js";
import { CollectorError } from "../http/errors.js";
import { IngestQueue } from "./queue.js";

describe("IngestQueue", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: GatedStore;
  beforeEach(async () => {
    dir = tempDir();
    store = await GatedStore.open(dir.file("q.duckdb"));
  });
  afterEach(async () => {
    store.openGate();
    await store.close();
    dir.remove();
  });

  it("groups what arrives during a commit into the next commit", async () => {
    const queue = new IngestQueue({ store, maxQueuedEvents: 1000 });
    store.closeGate();
    const first = queue.enqueue(ingestBatch({ events: 2 }));
    await store.waitForInsert();
    const rest = [queue.enqueue(ingestBatch({ events: 3 })), queue.enqueue(ingestBatch({ events: 4 }))];
    expect(queue.depth).toBe(9);
    store.openGate();
    expect(await first).toEqual({ accepted: 2, duplicates: 0 });
    expect(await Promise.all(rest)).toEqual([
      { accepted: 3, duplicates: 0 },
      { accepted: 4, duplicates: 0 },
    ]);
    expect(store.groups).toEqual([[2], [3, 4]]);
    expect(queue.depth).toBe(0);
  });

  it("accepts up to exactly maxQueuedEvents, counting the commit in flight, and refuses one more", async () => {
    const queue = new IngestQueue({ store, maxQueuedEvents: 500, retryAfterSeconds: 2 });
    store.closeGate();
    const inFlight = queue.enqueue(ingestBatch({ events: 300 }));
    await store.waitForInsert();
    const waiting = queue.enqueue(ingestBatch({ events: 200 }));
    expect(queue.depth).toBe(500);
    expect(queue.isFull).toBe(true);
    const refused = await queue.enqueue(ingestBatch({ events: 1 })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CollectorError);
    expect(refused).toMatchObject({ code: "queue_full", statusCode: 503, retryAfter: 2 });
    store.openGate();
    await Promise.all([inFlight, waiting]);
    expect((await store.overview({})).events.api_request).toBe(500 * 3);
  });

  it("dedupes within a group: the same batch in flight twice is stored once", async () => {
    const queue = new IngestQueue({ store, maxQueuedEvents: 1000 });
    const batch = ingestBatch({ events: 3 });
    store.closeGate();
    const blocker = queue.enqueue(ingestBatch({ events: 1 }));
    await store.waitForInsert();
    const a = queue.enqueue(batch);
    const b = queue.enqueue(batch);
    store.openGate();
    await blocker;
    expect(await a).toEqual({ accepted: 3, duplicates: 0 });
    expect(await b).toEqual({ accepted: 0, duplicates: 3 });
    expect(await queue.enqueue(batch)).toEqual({ accepted: 0, duplicates: 3 });
  });

  it("answers an empty batch without a commit", async () => {
    const queue = new IngestQueue({ store, maxQueuedEvents: 1000 });
    expect(await queue.enqueue({ ...ingestBatch(), events: [] })).toEqual({ accepted: 0, duplicates: 0 });
    expect(store.groups).toEqual([]);
  });

  it("rejects a failed group with store_unavailable and keeps going", async () => {
    const errors: unknown[] = [];
    const queue = new IngestQueue({ store, maxQueuedEvents: 1000, onCommitError: (e) => errors.push(e) });
    store.failNext = true;
    const failed = await queue.enqueue(ingestBatch()).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "store_unavailable", statusCode: 503 });
    expect(errors).toHaveLength(1);
    expect(queue.depth).toBe(0);
    expect(await queue.enqueue(ingestBatch())).toEqual({ accepted: 3, duplicates: 0 });
  });

  it("caps a group at maxGroupEvents, at batch boundaries", async () => {
    const queue = new IngestQueue({ store, maxQueuedEvents: 10_000, maxGroupEvents: 5 });
    store.closeGate();
    const all = [queue.enqueue(ingestBatch({ events: 1 }))];
    await store.waitForInsert();
    for (const n of [2, 3, 4, 6]) all.push(queue.enqueue(ingestBatch({ events: n })));
    store.openGate();
    await Promise.all(all);
    // a batch larger than the cap still goes, alone
    expect(store.groups).toEqual([[1], [2, 3], [4], [6]]);
  });

  it("settle() waits for what was enqueued before it; drain() also refuses new batches", async () => {
    const queue = new IngestQueue({ store, maxQueuedEvents: 1000 });
    store.closeGate();
    const pending = queue.enqueue(ingestBatch());
    await store.waitForInsert();
    let settled = false;
    const settling = queue.settle().then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    store.openGate();
    await settling;
    await pending;
    store.closeGate();
    const last = queue.enqueue(ingestBatch());
    const draining = queue.drain();
    await expect(queue.enqueue(ingestBatch())).rejects.toMatchObject({ code: "shutting_down" });
    store.openGate();
    await draining;
    expect(await last).toEqual({ accepted: 3, duplicates: 0 });
  });
});
