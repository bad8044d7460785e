import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../../../test/support/batches.js";
import { expectRepeatsWithinOneCallStoredOnce } from "../../../test/support/store-contract.js";
import { tempDir } from "../../../test/support/temp.js";
import { DuckDBEventStore } from "./duckdb-store.js";

const OTHER = "0190a0b0-0000-4000-8000-000000000002";

describe("DuckDBEventStore", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: DuckDBEventStore;
  beforeEach(async () => {
    dir = tempDir();
    store = await DuckDBEventStore.open({ path: dir.file("nested/dir/events.duckdb") });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it("stores a group of batches and answers per batch", async () => {
    const results = await store.insert([ingestBatch({ events: 3 }), ingestBatch({ events: 2, installationId: OTHER })]);
    expect(results).toEqual([
      { accepted: 3, duplicates: 0 },
      { accepted: 2, duplicates: 0 },
    ]);
    const overview = await store.overview({});
    // api_request props carry count 3: the overview sums count, not rows
    expect(overview.events.api_request).toBe(15);
    expect(overview.installations).toBe(2);
  });

  it("stores a retried batch once, and counts the retry as duplicates", async () => {
    const batch = ingestBatch({ events: 4 });
    expect(await store.insert([batch])).toEqual([{ accepted: 4, duplicates: 0 }]);
    expect(await store.insert([batch])).toEqual([{ accepted: 0, duplicates: 4 }]);
    const partly = { ...batch, events: [...batch.events.slice(0, 2), ...ingestBatch({ events: 1 }).events] };
    expect(await store.insert([partly])).toEqual([{ accepted: 1, duplicates: 2 }]);
    expect((await store.overview({})).events.api_request).toBe(5 * 3);
    // in one group: a batch stored before, a new one, and the first again
    const fresh = ingestBatch({ events: 3 });
    expect(await store.insert([batch, fresh, partly])).toEqual([
      { accepted: 0, duplicates: 4 },
      { accepted: 3, duplicates: 0 },
      { accepted: 0, duplicates: 3 },
    ]);
  });

  it("stores an id repeated within one call once, counting the repeat on its batch", async () => {
    await expectRepeatsWithinOneCallStoredOnce(store);
  });

  it("commits overlapping inserts in call order, each seeing the ones before it", async () => {
    const batch = ingestBatch({ events: 3 });
    const other = ingestBatch({ events: 2, installationId: OTHER });
    const results = await Promise.all([
      store.insert([batch]),
      store.insert([batch, other]),
      store.insert([other]),
      store.insert([ingestBatch({ events: 1 })]),
    ]);
    expect(results).toEqual([
      [{ accepted: 3, duplicates: 0 }],
      [
        { accepted: 0, duplicates: 3 },
        { accepted: 2, duplicates: 0 },
      ],
      [{ accepted: 0, duplicates: 2 }],
      [{ accepted: 1, duplicates: 0 }],
    ]);
    const events = await store.recentEvents({ limit: 100 });
    expect(events).toHaveLength(6);
    // newest first: the last call's batch was committed last
    expect(events[0]!.installationId).toBe("0190a0b0-0000-4000-8000-000000000001");
    expect(new Set(events.map((e) => e.id)).size).toBe(6);
  });

  it("returns the newest events as stored, with their envelope", async () => {
    const first = ingestBatch({ events: 1, type: "init" });
    const second = ingestBatch({ events: 1, type: "auth_failure", installationId: OTHER });
    await store.insert([first]);
    await store.insert([second]);
    const [newest, older] = await store.recentEvents({ limit: 10 });
    expect(newest).toMatchObject({
      id: second.events[0]!.id,
      type: "auth_failure",
      ts: second.events[0]!.ts,
      count: 5,
      source: "sdk",
      installationId: OTHER,
      idKind: "persistent",
      sdkVersion: "0.1.0",
      context: { runtime: "node", runtimeVersion: "20.20.2", framework: "hono", environment: "production" },
      additionalData: { region: "eu-west" },
      props: second.events[0]!.props,
    });
    expect(older).toMatchObject({ id: first.events[0]!.id, type: "init", count: 1, props: first.events[0]!.props });
    expect(await store.recentEvents({ limit: 1 })).toHaveLength(1);
    expect((await store.recentEvents({ limit: 10, type: "init" })).map((e) => e.id)).toEqual([first.events[0]!.id]);
    expect((await store.recentEvents({ limit: 10, installationId: OTHER })).map((e) => e.id)).toEqual([
      second.events[0]!.id,
    ]);
  });

  it("filters the overview by event time, from inclusive, to exclusive", async () => {
    await store.insert([
      ingestBatch({ events: 1, ts: 1_000 }),
      ingestBatch({ events: 1, ts: 2_000, installationId: OTHER }),
    ]);
    expect((await store.overview({ from: 1_000, to: 2_000 })).events.api_request).toBe(3);
    expect((await store.overview({ from: 1_001 })).installations).toBe(1);
    expect((await store.overview({ to: 1_000 })).installations).toBe(0);
  });

  it("erases every event of one installation and nothing else", async () => {
    await store.insert([ingestBatch({ events: 3 }), ingestBatch({ events: 2, installationId: OTHER })]);
    await store.insert([ingestBatch({ events: 1 })]);
    expect(await store.eraseInstallation("0190a0b0-0000-4000-8000-000000000001")).toBe(4);
    const left = await store.recentEvents({ limit: 100 });
    expect(left).toHaveLength(2);
    expect(left.every((e) => e.installationId === OTHER)).toBe(true);
    expect(await store.eraseInstallation("0190a0b0-0000-4000-8000-000000000009")).toBe(0);
  });

  it("keeps everything, its secret and its batch numbering across a reopen", async () => {
    await store.insert([ingestBatch({ events: 2 })]);
    const secret = store.idSecret;
    expect(secret).toHaveLength(32);
    await store.close();
    store = await DuckDBEventStore.open({ path: dir.file("nested/dir/events.duckdb") });
    expect(store.idSecret).toEqual(secret);
    const later = ingestBatch({ events: 1, type: "error" });
    await store.insert([later]);
    const events = await store.recentEvents({ limit: 10 });
    expect(events).toHaveLength(3);
    expect(events[0]!.id).toBe(later.events[0]!.id);
  });

  it("stores the typed columns the dashboard reads", async () => {
    await store.insert([ingestBatch({ events: 1 }), ingestBatch({ events: 1, type: "auth_success" })]);
    await store.close();
    const instance = await DuckDBInstance.create(dir.file("nested/dir/events.duckdb"));
    const connection = await instance.connect();
    const rows = (
      await connection.runAndReadAll(
        `SELECT type, count, route, method, status, duration_sum_ms, duration_buckets::VARCHAR, runtime, additional_data->>'region'
         FROM event_rows ORDER BY type`,
      )
    ).getRowsJS();
    expect(rows).toEqual([
      [
        "api_request",
        3,
        "/sign-in/email",
        "POST",
        200,
        41.5,
        "[0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]",
        "node",
        "eu-west",
      ],
      // the sign-in method of auth events is not an HTTP method: it stays in props
      ["auth_success", 4, null, null, null, null, null, "node", "eu-west"],
    ]);
    connection.closeSync();
    instance.closeSync();
    store = await DuckDBEventStore.open({ path: dir.file("nested/dir/events.duckdb") });
  });

  it("rolls a failed group back whole", async () => {
    const good = ingestBatch({ events: 2 });
    const bad = ingestBatch({ events: 1 });
    // a ts DuckDB cannot hold makes the statement fail after the good batch was staged
    bad.events[0]!.ts = 9e18;
    await expect(store.insert([good, bad])).rejects.toThrow();
    expect(await store.recentEvents({ limit: 10 })).toEqual([]);
    expect(await store.insert([good])).toEqual([{ accepted: 2, duplicates: 0 }]);
    // both pipeline slots are clean: nothing of the failed group turns up later
    await store.insert([ingestBatch({ events: 1 })]);
    await store.insert([ingestBatch({ events: 1 })]);
    expect(await store.recentEvents({ limit: 10 })).toHaveLength(4);
  });

  it("refuses to work once closed", async () => {
    await store.close();
    await expect(store.insert([ingestBatch()])).rejects.toThrow(/closed/);
    store = await DuckDBEventStore.open({ path: dir.file("nested/dir/events.duckdb") });
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
