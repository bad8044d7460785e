/** Rate limits (429) and the bounded queue (503), end to end. */
import { afterEach, describe, expect, it } from "vitest";
import { wireBatch, wireEvent } from "./support/batches.js";
import { startTestCollector, type TestCollector } from "./support/collector.js";
import { GatedStore } from "./support/gated-store.js";
import { post, request } from "./support/http.js";
import { tempDir } from "./support/temp.js";

let collector: TestCollector | undefined;
afterEach(async () => {
  await collector?.dispose();
  collector = undefined;
});

const installation = (n: number) => `0190a0b0-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("rate limits", () => {
  it("lets exactly `burst` requests through per IP, then 429 with Retry-After", async () => {
    collector = await startTestCollector({ limits: { perIp: { perSecond: 0.1, burst: 3 } } });
    const url = `${collector.url}/v1/events`;
    for (let i = 0; i < 3; i++) {
      expect((await post(url, wireBatch({ installationId: installation(i) }))).status).toBe(200);
    }
    const refused = await post(url, wireBatch({ installationId: installation(9) }));
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("10");
    expect(refused.json).toEqual({
      error: { code: "rate_limited", message: "too many requests from this address", path: null },
    });
    // read endpoints are not ingest: the IP limit does not apply to them
    expect((await request(`${collector.url}/v1/stats/overview`)).status).toBe(200);
    const stored = await request(`${collector.url}/v1/events?installationId=${installation(9)}`);
    expect(stored.json.events).toEqual([]);
  });

  it("lets exactly `burst` requests through per installation id, then 429; other installations go on", async () => {
    collector = await startTestCollector({ limits: { perInstallation: { perSecond: 0.5, burst: 2 } } });
    const url = `${collector.url}/v1/events`;
    expect((await post(url, wireBatch())).status).toBe(200);
    expect((await post(url, wireBatch())).status).toBe(200);
    const refused = await post(url, wireBatch());
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("2");
    expect(refused.json.error.code).toBe("rate_limited");
    expect((await post(url, wireBatch({ installationId: installation(2) }))).status).toBe(200);
  });

  it("applies the per-installation limit to /v1/track by its derived id", async () => {
    collector = await startTestCollector({ limits: { perInstallation: { perSecond: 0.5, burst: 1 } } });
    const body = {
      type: "init",
      anonymousId: "1dkkX0Rmh1qTPK6Z+tLIW9qBfoJkEaU7zDKCdbMo9JM=",
      payload: { runtime: { name: "node" }, environment: "production" },
    };
    expect((await post(`${collector.url}/v1/track`, body)).status).toBe(200);
    expect((await post(`${collector.url}/v1/track`, body)).status).toBe(429);
  });
});

describe("bounded ingest queue", () => {
  it("accepts up to exactly maxQueuedEvents, then 503 queue_full with Retry-After; nothing of the refused batch is stored", async () => {
    const dir = tempDir();
    const store = await GatedStore.open(dir.file("gated.duckdb"));
    collector = await startTestCollector({ store, limits: { maxQueuedEvents: 500 } });
    const url = `${collector.url}/v1/events`;
    const batchOf = (n: number, i: number) =>
      wireBatch(
        { installationId: installation(i) },
        Array.from({ length: n }, () => wireEvent("auth_success")),
      );
    store.closeGate();
    const inFlight = post(url, batchOf(300, 1));
    await store.waitForInsert();
    const queued = post(url, batchOf(200, 2));
    await until(() => collector!.services.queue.depth === 500);

    // full: refused before its body is even parsed
    const refused = await post(url, batchOf(1, 3));
    expect(refused.status).toBe(503);
    expect(refused.headers["retry-after"]).toBe("1");
    expect(refused.json.error.code).toBe("queue_full");
    expect((await request(`${collector.url}/readyz`)).status).toBe(503);

    store.openGate();
    expect((await inFlight).json).toEqual({ accepted: 300, duplicates: 0, dropped: 0 });
    expect((await queued).json).toEqual({ accepted: 200, duplicates: 0, dropped: 0 });
    const overview = await request(`${collector.url}/v1/stats/overview`);
    expect(overview.json.installations).toBe(2);
    expect((await request(`${collector.url}/readyz`)).status).toBe(200);
    await collector.dispose();
    collector = undefined;
    dir.remove();
  });

  it("refuses a batch that does not fit even when the queue is not full", async () => {
    const dir = tempDir();
    const store = await GatedStore.open(dir.file("gated.duckdb"));
    collector = await startTestCollector({ store, limits: { maxQueuedEvents: 500 } });
    const url = `${collector.url}/v1/events`;
    store.closeGate();
    const inFlight = post(
      url,
      wireBatch(
        {},
        Array.from({ length: 400 }, () => wireEvent("error")),
      ),
    );
    await store.waitForInsert();
    const tooBig = await post(
      url,
      wireBatch(
        { installationId: installation(5) },
        Array.from({ length: 101 }, () => wireEvent("error")),
      ),
    );
    expect(tooBig.status).toBe(503);
    expect(tooBig.json.error.code).toBe("queue_full");
    store.openGate();
    expect((await inFlight).status).toBe(200);
    await collector.dispose();
    collector = undefined;
    dir.remove();
  });

  it("holds at most maxConcurrentIngests requests at once, so bodies cannot pile up in memory", async () => {
    const dir = tempDir();
    const store = await GatedStore.open(dir.file("gated.duckdb"));
    collector = await startTestCollector({ store, limits: { maxConcurrentIngests: 2 } });
    const url = `${collector.url}/v1/events`;
    store.closeGate();
    const held = [
      post(url, wireBatch({ installationId: installation(1) })),
      post(url, wireBatch({ installationId: installation(2) })),
    ];
    await until(() => collector!.services.state.ingests === 2);
    const refused = await post(url, wireBatch({ installationId: installation(3) }));
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe("queue_full");
    store.openGate();
    for (const reply of await Promise.all(held)) expect(reply.status).toBe(200);
    await until(() => collector!.services.state.ingests === 0);
    expect((await post(url, wireBatch({ installationId: installation(4) }))).status).toBe(200);
    await collector.dispose();
    collector = undefined;
    dir.remove();
  });

  it("answers 503 store_unavailable when a commit fails, and stores nothing of that group", async () => {
    const dir = tempDir();
    const store = await GatedStore.open(dir.file("gated.duckdb"));
    collector = await startTestCollector({ store });
    store.failNext = true;
    const reply = await post(`${collector.url}/v1/events`, wireBatch());
    expect(reply.status).toBe(503);
    expect(reply.headers["retry-after"]).toBe("5");
    // the cause stays in the log
    expect(reply.json).toEqual({
      error: { code: "store_unavailable", message: "the batch could not be stored; retry later", path: null },
    });
    expect((await request(`${collector.url}/v1/events`)).json.events).toEqual([]);
    expect((await post(`${collector.url}/v1/events`, wireBatch())).status).toBe(200);
    await collector.dispose();
    collector = undefined;
    dir.remove();
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
