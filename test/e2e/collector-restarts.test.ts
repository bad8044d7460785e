/**
 * The whole chain under the harshest fault: a real Better Auth app serves
 * traffic while its collector is killed with SIGKILL and restarted, again and
 * again. The app must not notice, and afterwards the store must hold exactly
 * what the app did: nothing acknowledged lost, nothing counted twice.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type ChildCollector, spawnCollector } from "../../packages/collector/test/support/collector.js";
import { tempDir } from "../../packages/collector/test/support/temp.js";
import { startApp } from "./support/app.js";
import { freePort } from "./support/ports.js";
import { overview } from "./support/stored.js";
import { steadyTraffic } from "./support/traffic.js";

const dir = tempDir("bat-e2e-restarts-");
let collector: ChildCollector | undefined;
afterAll(async () => {
  collector?.child.kill("SIGKILL");
  dir.remove();
});

describe("collector killed and restarted under traffic", () => {
  it("leaves the app's requests untouched and stores every request exactly once", async () => {
    const port = await freePort();
    // the per-installation limit (2/s) would answer this test's fast flushes with 429s: off here
    const args = [
      "serve",
      "--port",
      String(port),
      "--db",
      dir.file("events.duckdb"),
      "--log-level",
      "warn",
      "--rate-limit-installation",
      "off",
    ];
    collector = await spawnCollector(args);
    const url = collector.url;
    // a buffer that holds every record of the run: this test is about what the buffer could hold
    const app = await startApp(`${url}/v1/events`, { maxQueueSize: 20_000, flushIntervalMs: 500 });

    let stop = false;
    const traffic = steadyTraffic({ base: `${app.url}/api/auth`, until: () => stop });

    // four kill -9 / restart cycles while the traffic runs
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 1200));
      collector.child.kill("SIGKILL");
      await collector.exited;
      await new Promise((r) => setTimeout(r, 400));
      collector = await spawnCollector(args);
    }
    await new Promise((r) => setTimeout(r, 800));
    stop = true;
    const result = await traffic;
    // what the client still holds goes out now, cutting short its own backoff
    await app.telemetry.flush({ timeoutMs: 30_000 });
    await app.close();

    expect(result.requests).toBeGreaterThan(200);
    expect(result.wrongStatus).toEqual([]);

    // the client retries with backoff; give the last batches time to land
    let stored = await overview(url);
    for (let i = 0; i < 50 && stored.events.api_request < result.requests; i++) {
      await new Promise((r) => setTimeout(r, 200));
      stored = await overview(url);
    }
    expect(stored.events.api_request).toBe(result.requests);
    expect(stored.events.init).toBe(1);
    expect(stored.installations).toBe(1);
  }, 120_000);
});
