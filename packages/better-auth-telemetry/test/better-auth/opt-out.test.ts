/**
 * Opting out through the wrapper: `enabled: false`, `BETTER_AUTH_TELEMETRY=0`
 * and `DO_NOT_TRACK=1` each keep every byte off the network, for a whole
 * stretch of real traffic, while the app answers exactly as before.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { runScenario, SCENARIO_STATUSES, startExample } from "../support/example.js";
import { type Sink, startSink } from "../support/sink.js";

let sink: Sink | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await sink?.close();
});

async function trafficWith(telemetry: Parameters<typeof startExample>[0]) {
  sink = await startSink();
  const app = await startExample({ endpoint: sink.url, flushIntervalMs: 50, ...telemetry });
  try {
    const { statuses } = await runScenario(app.url);
    await app.auth.$telemetry.flush();
    await new Promise((r) => setTimeout(r, 200)); // a few flush intervals: nothing may trickle out later either
    return { statuses, status: app.auth.$telemetry.status() };
  } finally {
    await app.close();
  }
}

describe("opting out through betterAuth({ telemetry })", () => {
  it("sends nothing with enabled: false", async () => {
    const { statuses, status } = await trafficWith({ enabled: false });
    expect(statuses).toEqual(SCENARIO_STATUSES);
    expect(status).toMatchObject({ enabled: false, reason: "option:enabled" });
    expect(sink!.requests).toHaveLength(0);
  });

  it("sends nothing with BETTER_AUTH_TELEMETRY=0, even with enabled: true", async () => {
    vi.stubEnv("BETTER_AUTH_TELEMETRY", "0");
    const { statuses, status } = await trafficWith({ enabled: true });
    expect(statuses).toEqual(SCENARIO_STATUSES);
    expect(status).toMatchObject({ enabled: false, reason: "env:BETTER_AUTH_TELEMETRY" });
    expect(sink!.requests).toHaveLength(0);
  });

  it("sends nothing with DO_NOT_TRACK=1, even with enabled: true", async () => {
    vi.stubEnv("DO_NOT_TRACK", "1");
    const { statuses, status } = await trafficWith({ enabled: true });
    expect(statuses).toEqual(SCENARIO_STATUSES);
    expect(status).toMatchObject({ enabled: false, reason: "env:DO_NOT_TRACK" });
    expect(sink!.requests).toHaveLength(0);
  });

  it("does send with enabled: true and no opt-out (the control)", async () => {
    const { statuses, status } = await trafficWith({ enabled: true });
    expect(statuses).toEqual(SCENARIO_STATUSES);
    expect(status).toMatchObject({ enabled: true, reason: "option:enabled" });
    expect(sink!.requests.length).toBeGreaterThan(0);
  });
});
