/**
 * The collector misbehaves (seconds per request, 500s, 429s with Retry-After,
 * reset connections) while a real Better Auth app serves traffic. The app must
 * answer as fast and with the same statuses as before; the client backs off
 * (it waits after every failed attempt, as long as Retry-After says when there
 * is one); once the collector behaves, delivery resumes by itself and
 * everything it buffered arrives, once.
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
    // Retry-After (5 s) longer than the client's own backoff usually is by the 429 phase (at most
    // 4 s after three failures): the wait after a 429 shows that the client obeyed the server
    proxy = await startFaultProxy({ target: collector.url, slowMs: 3000, retryAfterS: 5 });
    const app = await startApp(`${proxy.url}/v1/events`, { timeoutMs: 1000 });
    const base = `${app.url}/api/auth`;

    const baseline = await phase(base, 1500);
    const faulty: TrafficResult[] = [];
    for (const fault of ["slow", "error", "throttle", "reset"] as Fault[]) {
      proxy.fault = fault;
      faulty.push(await phase(base, 1500, fault));
    }
    // the collector behaves again: traffic until the client has reached it on its own (its
    // backoff after four or more failed attempts is seconds long), with no flush to hurry it
    proxy.fault = "none";
    const forwarded = proxy.seen.none;
    const recoveryStart = Date.now();
    const recovery = await steadyTraffic({
      base,
      until: () =>
        (Date.now() - recoveryStart > 500 && proxy.seen.none > forwarded) || Date.now() - recoveryStart > 45_000,
    });
    const flushedAt = Date.now();
    await app.telemetry.flush({ timeoutMs: 20_000 });
    await app.close();

    // every fault was actually exercised by the client
    expect(proxy.seen.slow).toBeGreaterThan(0);
    expect(proxy.seen.error).toBeGreaterThan(0);
    expect(proxy.seen.throttle).toBeGreaterThan(0);
    expect(proxy.seen.reset).toBeGreaterThan(0);
    expect(proxy.seen.none).toBeGreaterThan(forwarded);

    // the client backs off: after each failed attempt it waits (Retry-After's 5 s after a 429;
    // at least 0.5 s of its own backoff after a 500 or a reset, and after the 1 s timeout of a
    // slow answer) instead of trying again at its 200 ms flush interval. Measured between
    // arrivals at the proxy, up to the final flush (which cuts the client's own backoff short).
    const minWaitMs: Record<Exclude<Fault, "none">, number> = { slow: 1400, error: 450, throttle: 4950, reset: 450 };
    const waits = proxy.log.slice(1).flatMap((next, i) => {
      const failed = proxy.log[i]!;
      if (failed.fault === "none" || next.at >= flushedAt) return [];
      return [{ after: failed.fault, ms: next.at - failed.at }];
    });
    expect(new Set(waits.map((w) => w.after))).toEqual(new Set(["slow", "error", "throttle", "reset"]));
    expect(waits.filter((w) => w.ms < minWaitMs[w.after])).toEqual([]);

    const all = [baseline, ...faulty, recovery];
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
    // each invalid sign-up (400) is one error and one failed sign-up, each stored once
    const badSignUps = all.reduce((n, r) => n + (r.perStep["POST /sign-up/email"] ?? 0), 0);
    expect(stored.events.error).toBe(badSignUps);
    expect(stored.events.auth_failure).toBe(badSignUps);
  }, 240_000);
});
