/**
 * Telemetry must never be in the way: with the endpoint refusing connections
 * or accepting them and never answering, every auth request still succeeds
 * with the status it has without telemetry, without waiting on the network,
 * and flush and shutdown return within their deadlines.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CHEAP_REQUESTS, runScenario, SCENARIO_STATUSES, startExample } from "../support/example.js";
import { refusedUrl, type Sink, startSink } from "../support/sink.js";

let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const failing = { enabled: true, flushIntervalMs: 20, maxBatchSize: 2, timeoutMs: 1_000, maxRetries: 1 };

async function scenarioAgainst(endpoint: string) {
  const app = await startExample({ ...failing, endpoint });
  try {
    const result = await runScenario(app.url);
    const start = performance.now();
    await app.auth.$telemetry.flush({ timeoutMs: 500 });
    const flushMs = performance.now() - start;
    return { ...result, flushMs };
  } finally {
    const start = performance.now();
    await app.close();
    expect(performance.now() - start).toBeLessThan(2_500);
  }
}

describe("with the telemetry endpoint unavailable", () => {
  it("answers every request unchanged when the endpoint refuses connections", async () => {
    const { statuses, flushMs } = await scenarioAgainst(await refusedUrl());
    expect(statuses).toEqual(SCENARIO_STATUSES);
    expect(flushMs).toBeLessThan(1_500);
  });

  it("answers every request unchanged, without waiting, when the endpoint hangs", async () => {
    sink = await startSink(() => "hang");
    const { statuses, durations, flushMs } = await scenarioAgainst(sink.url);
    expect(statuses).toEqual(SCENARIO_STATUSES);
    // the client did try (so the hang was really in play) …
    expect(sink.requests.length).toBeGreaterThan(0);
    // … yet no request waited for it: the endpoint's 1 s deadline never shows up in a request
    for (const i of CHEAP_REQUESTS) expect(durations[i]).toBeLessThan(500);
    expect(Math.max(...durations)).toBeLessThan(1_000);
    expect(flushMs).toBeLessThan(1_500);
  });

  it("answers the same statuses with telemetry off (the baseline)", async () => {
    const app = await startExample({ enabled: false });
    try {
      expect((await runScenario(app.url)).statuses).toEqual(SCENARIO_STATUSES);
    } finally {
      await app.close();
    }
  });
});
