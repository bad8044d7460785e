import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../../../../test/support/batches.js";
import { tempDir } from "../../../../test/support/temp.js";
import { DuckDBEventStore } from "../duckdb-store.js";

const A = "0190a0b0-0000-4000-8000-00000000000a";
const B = "0190a0b0-0000-4000-8000-00000000000b";
const TS = Date.UTC(2026, 0, 5, 12);
const QUERY = { from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 6), filter: {} };

describe("DuckDBDashboard freshness", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: DuckDBEventStore;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it("with no lag, every read covers every batch committed before it", async () => {
    store = await DuckDBEventStore.open({ path: dir.file("events.duckdb") });
    await store.insert([ingestBatch({ installationId: A, ts: TS, events: 1 })]);
    expect((await store.dashboardInstallations(QUERY)).active).toBe(1);
    await store.insert([ingestBatch({ installationId: B, ts: TS, events: 1 })]);
    expect((await store.dashboardInstallations(QUERY)).active).toBe(2);
  });

  it("with a lag, a read skips the catch-up until the lag has passed", async () => {
    // a minute: far longer than this test takes, however loaded the machine
    store = await DuckDBEventStore.open({ path: dir.file("events.duckdb"), dashboardLagMs: 60_000 });
    await store.insert([ingestBatch({ installationId: A, ts: TS, events: 1 })]);
    expect((await store.dashboardInstallations(QUERY)).active).toBe(1);
    await store.insert([ingestBatch({ installationId: B, ts: TS, events: 1 })]);
    expect((await store.dashboardInstallations(QUERY)).active).toBe(1);
    await store.refreshDashboard();
    expect((await store.dashboardInstallations(QUERY)).active).toBe(2);
  });

  it("answers concurrent reads from its readers, and reads after an erasure see it", async () => {
    store = await DuckDBEventStore.open({ path: dir.file("events.duckdb") });
    await store.insert([
      ingestBatch({ installationId: A, ts: TS, events: 2 }),
      ingestBatch({ installationId: B, ts: TS, events: 1, type: "error" }),
    ]);
    const answers = await Promise.all([
      store.dashboardInstallations(QUERY),
      store.dashboardRequests(QUERY),
      store.dashboardErrors(QUERY),
      store.dashboardBreakdowns(QUERY),
      store.dashboardAdoption(QUERY),
      store.dashboardAuth(QUERY),
    ]);
    expect(answers.map((a) => a.active)).toEqual([2, 2, 2, 2, 2, 2]);
    const [erased, after] = await Promise.all([store.eraseInstallation(A), store.dashboardRequests(QUERY)]);
    expect(erased).toBe(2);
    expect(after).toMatchObject({ active: 1, routes: [] });
  });
});
