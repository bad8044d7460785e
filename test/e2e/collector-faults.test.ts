/**
 * The collector misbehaves (seconds per request, 500s, 429s with Retry-After,
 * reset connections) while a real Better Auth app serves traffic. The app must
 * answer as fast and with the same statuses as before; the client backs off;
 * once the collector behaves, everything it buffered arrives, once.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startTestCollector, type TestCollector } from "../../packages/collector/test/support/collector.js";
import { startApp } from "./support/app.js";
import { type Fault, type FaultProxy, startFaultProxy } from "./support/fault-proxy.js";
import { overview } from "./support/stored.js";
import { percentile, steadyTraffic, type TrafficResult } from "./support/traffic.js";

let collector: TestCollector;
let proxy: FaultProxy;
afterAll(async () => {
  await proxy?.close();
  await collector?.dispose();
});

/** Traffic for at least `ms`, and until the client has met the proxy's current fault at least once (30 s at most). */
const phase = async (base: string, ms: number, fault?: Fault) => {
  const start = Date.now();
  const met = () => !fault || proxy.seen[fault] > 0;
  return steadyTraffic({ base, until: () => (Date.now() - start > ms && met()) || Date.now() - start > 30_000 });
};

describe("a misbehaving collector", () => {
  it("does not change the app's statuses or latency, and loses nothing the buffer could hold", async () => {
    collector = await startTestCollector();
    proxy = await startFaultProxy({ target: collector.url, slowMs: 3000 });
    const app = await startApp(`${proxy.url}/v1/events`, { timeoutMs: 1000 });
    const base = `${app.url}/api/auth`;

    const baseline = await phase(base, 1500);
    const faulty: TrafficResult[] = [];
    for (const fault of ["slow", "error", "throttle", "reset"] as Fault[]) {
      proxy.fault = fault;
      faulty.push(await phase(base, 1500, fault));
    }
    proxy.fault = "none";
    await app.telemetry.flush({ timeoutMs: 20_000 });
    await app.close();

    // every fault was actually exercised by the client
    expect(proxy.seen.slow).toBeGreaterThan(0);
    expect(proxy.seen.error).toBeGreaterThan(0);
    expect(proxy.seen.throttle).toBeGreaterThan(0);
    expect(proxy.seen.reset).toBeGreaterThan(0);

    const all = [baseline, ...faulty];
    expect(all.flatMap((r) => r.wrongStatus)).toEqual([]);
    // a collector taking 3 s per request must not show up in the app's latency: no request
    // waits for it, and the typical request is as fast as before (bounds allow for a busy machine)
    const faultyLatencies = faulty.flatMap((r) => r.latenciesMs);
    expect(Math.max(...faultyLatencies)).toBeLessThan(2500);
    const base50 = percentile(baseline.latenciesMs, 50);
    expect(percentile(faultyLatencies, 50)).toBeLessThan(Math.max(base50 * 3, base50 + 100));

    const requests = all.reduce((n, r) => n + r.requests, 0);
    let stored = await overview(collector.url);
    for (let i = 0; i < 50 && stored.events.api_request < requests; i++) {
      await new Promise((r) => setTimeout(r, 200));
      stored = await overview(collector.url);
    }
    expect(stored.events.api_request).toBe(requests);
    expect(stored.events.init).toBe(1);
  }, 240_000);
});
