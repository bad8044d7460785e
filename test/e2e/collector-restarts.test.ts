/**
 * The whole chain under the harshest fault: a real Better Auth app serves
 * traffic while its collector is killed with SIGKILL and restarted, again and
 * again. The app must not notice, and afterwards the store must hold exactly
 * what the app did: nothing acknowledged lost, nothing counted twice. When an
 * outage outlasts the client's buffer, what is lost is exactly what the drop
 * policy says: the oldest records past the cap, counted and reported.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ChildCollector, spawnCollector } from "../../packages/collector/test/support/collector.js";
import { tempDir } from "../../packages/collector/test/support/temp.js";
import { APP_SECRET, GITHUB, startApp } from "./support/app.js";
import { freePort } from "./support/ports.js";
import { metric, overview, recent } from "./support/stored.js";
import { sweep } from "./support/sweep.js";
import { percentile, steadyTraffic } from "./support/traffic.js";

const dir = tempDir("bat-e2e-restarts-");
const collectors: ChildCollector[] = [];
afterAll(async () => {
  for (const c of collectors) c.child.kill("SIGKILL");
  dir.remove();
});

/** A collector process on `port` with the store in `db`; its output is kept for the privacy sweep. */
async function collectorOn(port: number, db: string): Promise<ChildCollector> {
  // the rate limits (per installation 2/s) would answer these tests' fast flushes with 429s: off here
  const collector = await spawnCollector([
    "serve",
    "--port",
    String(port),
    "--db",
    db,
    "--log-level",
    "warn",
    "--rate-limit-installation",
    "off",
    "--rate-limit-ip",
    "off",
  ]);
  collectors.push(collector);
  return collector;
}

/** Polls `read` until `done` holds for what it returns (10 s at most), then returns the last reading. */
async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 50 && !done(value); i++) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

async function kill(collector: ChildCollector): Promise<void> {
  collector.child.kill("SIGKILL");
  await collector.exited;
}

describe("collector killed and restarted under traffic", () => {
  it("leaves the app's requests untouched and stores every request exactly once", async () => {
    const port = await freePort();
    const db = dir.file("events.duckdb");
    let collector = await collectorOn(port, db);
    const url = collector.url;
    // a buffer that holds every record of the run: this test is about what the buffer could hold
    const app = await startApp(`${url}/v1/events`, { maxQueueSize: 20_000, flushIntervalMs: 500 });
    const base = `${app.url}/api/auth`;

    // the app's latency with a healthy collector, to compare the kill phase with
    const baselineStart = Date.now();
    const baseline = await steadyTraffic({ base, until: () => Date.now() - baselineStart > 1500 });

    let stop = false;
    const traffic = steadyTraffic({ base, until: () => stop });

    // four kill -9 / restart cycles while the traffic runs
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 1200));
      await kill(collector);
      await new Promise((r) => setTimeout(r, 400));
      collector = await collectorOn(port, db);
    }
    await new Promise((r) => setTimeout(r, 800));
    stop = true;
    const result = await traffic;
    // what the client still holds goes out now, cutting short its own backoff
    await app.telemetry.flush({ timeoutMs: 30_000 });
    await app.close();

    expect(result.requests).toBeGreaterThan(200);
    expect([...baseline.wrongStatus, ...result.wrongStatus]).toEqual([]);
    // no request waits on the collector, dead or restarting: the slowest stays far below the
    // client's 1 s request timeout, and the typical one is as fast as with a healthy collector
    // (bounds allow for a busy 2-core machine that is also starting collector processes)
    expect(Math.max(...result.latenciesMs)).toBeLessThan(2500);
    const base50 = percentile(baseline.latenciesMs, 50);
    expect(percentile(result.latenciesMs, 50)).toBeLessThan(Math.max(base50 * 3, base50 + 100));

    // the client retries with backoff; give the last batches time to land
    const requests = baseline.requests + result.requests;
    const stored = await settled(
      () => overview(url),
      (s) => s.events.api_request >= requests,
    );
    expect(stored.events.api_request).toBe(requests);
    expect(stored.events.init).toBe(1);
    expect(stored.installations).toBe(1);
    // the other events too: each invalid sign-up (400) is one error and one failed sign-up; nothing succeeds
    const badSignUps = [baseline, result].reduce((n, r) => n + (r.perStep["POST /sign-up/email"] ?? 0), 0);
    expect(badSignUps).toBeGreaterThan(20);
    expect(stored.events.error).toBe(badSignUps);
    expect(stored.events.auth_failure).toBe(badSignUps);
    expect(stored.events.auth_success).toBe(0);

    // the privacy sweep over this run too: the store's files and all five processes' logs
    const appHost = new URL(app.url);
    const found = await sweep({
      storeDir: dir.path,
      collectorUrl: url,
      logs: collectors.map((c) => c.output().replaceAll(url, "<collector>")).join("\n"),
      needles: [
        APP_SECRET,
        GITHUB.clientId,
        GITHUB.clientSecret,
        "auth.e2e.example",
        `${appHost.hostname}:${appHost.port}`,
        "198.18.",
      ],
    });
    expect(found).toEqual([]);
  }, 120_000);

  it("past the client's buffer cap, loses only the oldest records of the outage, and reports how many", async () => {
    const CAP = 8;
    const port = await freePort();
    const db = dir.file("capped.duckdb");
    let collector = await collectorOn(port, db);
    const url = collector.url;
    // only the explicit flushes below close a window, so every request is its own record (count 1)
    // and the client's count of dropped records is a count of requests
    const app = await startApp(`${url}/v1/events`, { maxQueueSize: CAP, flushIntervalMs: 3_600_000 });
    const base = `${app.url}/api/auth`;

    let address = 0;
    const wrong: string[] = [];
    /** `n` requests to `path`, one at a time, each followed by a flush; the time each started. */
    const requests = async (path: string, n: number, flushMs: number): Promise<number[]> => {
      const started: number[] = [];
      for (let i = 0; i < n; i++) {
        started.push(Date.now());
        const res = await fetch(`${base}${path}`, { headers: { "x-forwarded-for": `198.19.0.${++address}` } });
        await res.arrayBuffer();
        if (res.status !== 200) wrong.push(`GET ${path} → ${res.status}`);
        // the pauses keep each record's window 5 ms clear of its neighbours' request starts: the
        // next record's window begins after this request started, this one's before it did
        await new Promise((r) => setTimeout(r, 5));
        await app.telemetry.flush({ timeoutMs: flushMs });
        await new Promise((r) => setTimeout(r, 5));
      }
      return started;
    };

    // before the outage: delivered and acknowledged, one by one
    const N_A = 20;
    await requests("/ok", N_A, 10_000);
    expect(
      (
        await settled(
          () => overview(url),
          (s) => s.events.api_request >= N_A,
        )
      ).events.api_request,
    ).toBe(N_A);

    // the outage: five times the buffer's worth of records, while delivery fails
    await kill(collector);
    const N_B = 5 * CAP;
    const outageStarts = await requests("/get-session", N_B, 100);

    // the collector comes back; the first flush delivers what the buffer kept, with the drop count
    collector = await collectorOn(port, db);
    await app.telemetry.flush({ timeoutMs: 15_000 });
    const N_C = 20;
    await requests("/ok", N_C, 10_000);
    await app.close();
    expect(wrong).toEqual([]);

    const reported = await metric(url, "collector_client_dropped_events_total");
    const stored = await settled(
      () => overview(url),
      (s) => s.events.api_request + reported >= N_A + N_B + N_C,
    );
    const rows = (await recent(url)).filter((r) => r.type === "api_request");
    const kept = rows.filter((r) => r.props.route === "/get-session");
    const sum = (rs: typeof rows) => rs.reduce((n, r) => n + r.count, 0);

    // nothing acknowledged lost, nothing counted twice: everything before and after the outage
    expect(sum(rows.filter((r) => r.props.route === "/ok"))).toBe(N_A + N_C);
    // the buffer kept CAP records of the outage, each one request; the rest were dropped and reported
    expect(kept.map((r) => r.count)).toEqual(Array(CAP).fill(1));
    expect(reported).toBe(N_B - CAP);
    expect(stored.events.api_request + reported).toBe(N_A + N_B + N_C);
    // and the dropped were the oldest: every kept record's window began after the newest
    // dropped request had started
    const newestDropped = outageStarts[N_B - CAP - 1]!;
    expect(Math.min(...kept.map((r) => r.ts))).toBeGreaterThan(newestDropped);
  }, 120_000);
});
