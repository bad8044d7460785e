/**
 * The DuckDB store's ingest log (ingest-log.ts, segment-load.ts, recent-ids.ts)
 * through the store, on real files. A crash is reproduced by copying the
 * store's files while it runs, as they are on disk at that instant (every
 * acknowledged group is fsynced), then damaging them as a torn write would.
 */
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestBatch } from "../../../test/support/batches.js";
import { tempDir } from "../../../test/support/temp.js";
import { DuckDBEventStore, type DuckDBStoreOptions } from "./duckdb-store.js";

/** Nothing loads on its own: only a read, an erasure, a full log or close() loads. */
const HELD = { blockEvents: 1e9, intervalMs: 1e9 };

describe("the DuckDB store's ingest log", () => {
  let dir: ReturnType<typeof tempDir>;
  const open: DuckDBEventStore[] = [];
  const openStore = async (path: string, options: Partial<DuckDBStoreOptions> = {}) => {
    const store = await DuckDBEventStore.open({ path, log: HELD, ...options });
    open.push(store);
    return store;
  };
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    dir.remove();
  });

  /** The store's files as a crash at this instant would leave them, under a new name. */
  const crashCopy = (from: string, to: string) => {
    for (const suffix of ["", ".wal", ".log"]) {
      if (existsSync(from + suffix)) cpSync(from + suffix, to + suffix, { recursive: true });
    }
  };
  const segmentFiles = (path: string, kind: "events" | "batches") =>
    readdirSync(`${path}.log`)
      .filter((name) => name.endsWith(`.${kind}.json`))
      .sort()
      .map((name) => `${path}.log/${name}`);

  /** Bytes of groups in the log's segments (each file starts with a 2-byte header). */
  const heldBytes = (path: string) =>
    [...segmentFiles(path, "events"), ...segmentFiles(path, "batches")].reduce(
      (n, file) => n + statSync(file).size - 2,
      0,
    );

  it("acknowledges before DuckDB loads, and a read sees every acknowledged batch", async () => {
    const store = await openStore(dir.file("a.duckdb"));
    expect(await store.insert([ingestBatch({ events: 3 })])).toEqual([{ accepted: 3, duplicates: 0 }]);
    expect(store.unloadedEvents).toBe(3);
    expect(heldBytes(dir.file("a.duckdb"))).toBeGreaterThan(3 * 100);
    expect((await store.overview({})).events.api_request).toBe(3 * 3);
    expect(store.unloadedEvents).toBe(0);
    expect(heldBytes(dir.file("a.duckdb"))).toBe(0);
  });

  it("after a crash, loads whole groups from the log and nothing of a torn one", async () => {
    const path = dir.file("live.duckdb");
    const store = await openStore(path);
    await store.insert([ingestBatch({ events: 2 }), ingestBatch({ events: 3 })]);
    await store.insert([ingestBatch({ events: 4 })]);

    // a group whose event line reached the disk but whose envelope line did not
    const crashed = dir.file("crashed.duckdb");
    crashCopy(path, crashed);
    const [events] = segmentFiles(crashed, "events");
    const [batches] = segmentFiles(crashed, "batches");
    const line = readFileSync(events!, "utf8").split("\n")[1]!;
    appendFileSync(events!, `${line.replaceAll('"n":1,', '"n":99,').replaceAll('"n":2,', '"n":98,')}\n`);
    // and a torn line behind it, in both files
    appendFileSync(events!, line.slice(0, 80));
    appendFileSync(batches!, '{"n":100,"ra":1');

    const recovered = await openStore(crashed);
    expect(recovered.unloadedEvents).toBe(0);
    const overview = await recovered.overview({});
    expect(overview.events.api_request).toBe((2 + 3 + 4) * 3);
    expect((await recovered.recentEvents({ limit: 100 })).map((e) => e.id).sort()).toEqual(
      (await store.recentEvents({ limit: 100 })).map((e) => e.id).sort(),
    );
    // the log is empty once loaded, and new batches are numbered after the recovered ones
    expect(heldBytes(crashed)).toBe(0);
    await recovered.insert([ingestBatch({ events: 1 })]);
    expect((await recovered.overview({})).events.api_request).toBe(10 * 3);
  });

  it("loads a segment that DuckDB committed but the crash left on disk only once", async () => {
    const path = dir.file("twice.duckdb");
    const store = await openStore(path);
    await store.insert([ingestBatch({ events: 5 })]);
    const before = dir.file("segment-copy");
    cpSync(`${path}.log`, before, { recursive: true });
    expect((await store.overview({})).events.api_request).toBe(15);
    await store.close();
    open.splice(0);
    // the segment's files come back, as if the crash came between the load's commit and their removal
    cpSync(before, `${path}.log`, { recursive: true });
    const reopened = await openStore(path);
    expect((await reopened.overview({})).events.api_request).toBe(15);
    expect(heldBytes(path)).toBe(0);
  });

  it("makes an insert wait for a load when the log holds maxEvents", async () => {
    const store = await openStore(dir.file("full.duckdb"), { log: { ...HELD, maxEvents: 10 } });
    for (let i = 0; i < 5; i++) {
      await store.insert([ingestBatch({ events: 4 })]);
      expect(store.unloadedEvents).toBeLessThanOrEqual(10 + 4);
    }
    expect((await store.overview({})).events.api_request).toBe(5 * 4 * 3);
  });

  it("answers a repeat older than the recent-id window as accepted, and still stores it once", async () => {
    const store = await openStore(dir.file("window.duckdb"), { log: { ...HELD, recentIds: 1 } });
    const batch = ingestBatch({ events: 4 });
    await store.insert([batch]);
    // still in the log: the window holds it whatever its capacity
    expect(await store.insert([batch])).toEqual([{ accepted: 0, duplicates: 4 }]);
    // loaded, then pushed out of the window by newer ids
    await store.overview({});
    await store.insert([ingestBatch({ events: 4 })]);
    expect(await store.insert([batch])).toEqual([{ accepted: 4, duplicates: 0 }]);
    expect((await store.overview({})).events.api_request).toBe(2 * 4 * 3);
  });

  it("erases what was still in the log", async () => {
    const store = await openStore(dir.file("erase.duckdb"));
    const batch = ingestBatch({ events: 3 });
    await store.insert([batch]);
    expect(store.unloadedEvents).toBe(3);
    expect(await store.eraseInstallation(batch.envelope.installationId)).toBe(3);
    expect((await store.overview({})).installations).toBe(0);
  });
});
