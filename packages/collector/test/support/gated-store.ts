/**
 * A real DuckDB store whose inserts wait at a gate until the test opens it: the
 * only way to hold a commit in flight deterministically (to fill the queue, or
 * to catch a shutdown mid-commit) without mocking the store.
 */
import { DuckDBEventStore } from "../../src/store/duckdb/duckdb-store.js";
import type { EventStore, IngestBatch, InsertResult } from "../../src/store/event-store.js";

export class GatedStore implements EventStore {
  readonly inner: DuckDBEventStore;
  /** Batches per insert call, as the queue grouped them. */
  readonly groups: number[][] = [];
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => {};
  #entered: (() => void)[] = [];
  /** Inserts waiting at the gate right now. */
  #atGate = 0;
  failNext = false;

  private constructor(inner: DuckDBEventStore) {
    this.inner = inner;
  }

  static async open(path: string): Promise<GatedStore> {
    return new GatedStore(await DuckDBEventStore.open({ path }));
  }

  get idSecret(): Uint8Array {
    return this.inner.idSecret;
  }

  /** Inserts from now on wait until open() is called. */
  closeGate(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  openGate(): void {
    this.#open();
  }

  /** Resolves when an insert is waiting at the gate (at once if one already is). */
  waitForInsert(): Promise<void> {
    if (this.#atGate > 0) return Promise.resolve();
    return new Promise((resolve) => this.#entered.push(resolve));
  }

  async insert(batches: readonly IngestBatch[]): Promise<InsertResult[]> {
    this.groups.push(batches.map((b) => b.events.length));
    this.#atGate++;
    for (const notify of this.#entered.splice(0)) notify();
    await this.#gate;
    this.#atGate--;
    if (this.failNext) {
      this.failNext = false;
      throw new Error("disk full (simulated)");
    }
    return this.inner.insert(batches);
  }

  overview: EventStore["overview"] = (range) => this.inner.overview(range);
  dashboardInstallations: EventStore["dashboardInstallations"] = (q) => this.inner.dashboardInstallations(q);
  dashboardBreakdowns: EventStore["dashboardBreakdowns"] = (q) => this.inner.dashboardBreakdowns(q);
  dashboardAdoption: EventStore["dashboardAdoption"] = (q) => this.inner.dashboardAdoption(q);
  dashboardErrors: EventStore["dashboardErrors"] = (q, o) => this.inner.dashboardErrors(q, o);
  dashboardRequests: EventStore["dashboardRequests"] = (q) => this.inner.dashboardRequests(q);
  dashboardAuth: EventStore["dashboardAuth"] = (q) => this.inner.dashboardAuth(q);
  recentEvents: EventStore["recentEvents"] = (query) => this.inner.recentEvents(query);
  eraseInstallation: EventStore["eraseInstallation"] = (id) => this.inner.eraseInstallation(id);
  ping: EventStore["ping"] = () => this.inner.ping();
  close: EventStore["close"] = () => this.inner.close();
}
