import { describe, expect, it } from "vitest";
import { checkEndpoint, isLoopbackHost, resolveConfig } from "./config.js";

// Every variable the decision reads, unset unless a case sets it: the test
// runner's own VITEST must not leak into the matrix.
const CLEAN = {
  BETTER_AUTH_TELEMETRY: undefined,
  DO_NOT_TRACK: undefined,
  NODE_ENV: undefined,
  VITEST: undefined,
  JEST_WORKER_ID: undefined,
  TEST: undefined,
  BETTER_AUTH_TELEMETRY_ENDPOINT: undefined,
};

const envValues = [undefined, "0", "false", "off", "no", "1", "true", "on", "yes", "maybe"] as const;
const dntValues = [undefined, "1", "true", "0", "false"] as const;
const enabledValues = [undefined, true, false] as const;
const runnerValues = [undefined, "VITEST", "JEST_WORKER_ID", "NODE_ENV"] as const;

/** The README's precedence, written out independently of config.ts. */
function expected(
  env: string | undefined,
  dnt: string | undefined,
  enabled: boolean | undefined,
  runner: string | undefined,
) {
  if (env && ["0", "false", "off", "no"].includes(env)) return { enabled: false, reason: "env:BETTER_AUTH_TELEMETRY" };
  if (dnt === "1" || dnt === "true") return { enabled: false, reason: "env:DO_NOT_TRACK" };
  if (enabled === false) return { enabled: false, reason: "option:enabled" };
  if (enabled === true) return { enabled: true, reason: "option:enabled" };
  if (env && ["1", "true", "on", "yes"].includes(env)) return { enabled: true, reason: "env:BETTER_AUTH_TELEMETRY" };
  if (runner) return { enabled: false, reason: "test-runner" };
  return { enabled: true, reason: "default" };
}

describe("opt-out precedence", () => {
  const cases = envValues.flatMap((env) =>
    dntValues.flatMap((dnt) =>
      enabledValues.flatMap((enabled) => runnerValues.map((runner) => ({ env, dnt, enabled, runner }))),
    ),
  );

  it(`decides all ${cases.length} combinations as documented`, () => {
    for (const { env, dnt, enabled, runner } of cases) {
      const runnerEnv = runner === "NODE_ENV" ? { NODE_ENV: "test" } : runner ? { [runner]: "1" } : {};
      const config = resolveConfig({
        enabled,
        env: { ...CLEAN, BETTER_AUTH_TELEMETRY: env, DO_NOT_TRACK: dnt, ...runnerEnv },
      });
      expect({ enabled: config.enabled, reason: config.reason }, JSON.stringify({ env, dnt, enabled, runner })).toEqual(
        expected(env, dnt, enabled, runner),
      );
    }
  });

  it("lets any opt-out beat an explicit opt-in", () => {
    expect(resolveConfig({ enabled: true, env: { ...CLEAN, BETTER_AUTH_TELEMETRY: "off" } }).enabled).toBe(false);
    expect(resolveConfig({ enabled: true, env: { ...CLEAN, DO_NOT_TRACK: "1" } }).enabled).toBe(false);
    expect(resolveConfig({ enabled: false, env: { ...CLEAN, BETTER_AUTH_TELEMETRY: "1" } }).enabled).toBe(false);
  });
});

describe("endpoint", () => {
  it("lets BETTER_AUTH_TELEMETRY_ENDPOINT override the option", () => {
    const config = resolveConfig({
      endpoint: "https://a.example/v1/events",
      env: { ...CLEAN, BETTER_AUTH_TELEMETRY_ENDPOINT: "https://b.example/x" },
    });
    expect(config.endpoint).toBe("https://b.example/x");
  });

  it.each([
    ["https://telemetry.example.com/v1/events", true],
    ["http://localhost:8787/v1/events", true],
    // a name under .localhost is loopback only if the resolver says so: not taken on trust
    ["http://app.localhost/v1/events", false],
    ["http://localhost.example.com/v1/events", false],
    ["http://127.0.0.1/v1/events", true],
    ["http://127.255.0.9:9/v1/events", true],
    ["http://[::1]:8787/v1/events", true],
    ["http://telemetry.example.com/v1/events", false],
    ["http://10.0.0.1/v1/events", false],
    ["http://128.0.0.1/v1/events", false],
    ["http://localhost.evil.com/v1/events", false],
    ["ftp://localhost/x", false],
    ["not a url", false],
  ])("%s may be sent to: %s", (endpoint, allowed) => {
    expect(checkEndpoint(endpoint) === undefined).toBe(allowed);
    const config = resolveConfig({ enabled: true, endpoint, env: CLEAN });
    expect(config.enabled).toBe(allowed);
    if (!allowed) expect(config.warning).toMatch(/telemetry is off/);
  });

  it("recognises loopback hosts only", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("127.0.0.1.nip.io")).toBe(false);
  });
});

describe("bounds on numeric options", () => {
  it("replaces nonsense with defaults and caps the batch size at the protocol's limit", () => {
    const config = resolveConfig({
      enabled: true,
      env: CLEAN,
      flushIntervalMs: -1,
      maxBatchSize: 10_000,
      maxQueueSize: Number.NaN,
      timeoutMs: 0,
    });
    expect(config.flushIntervalMs).toBe(10_000);
    expect(config.maxBatchSize).toBe(500);
    expect(config.maxQueueSize).toBe(1_000);
    expect(config.timeoutMs).toBe(5_000);
  });
});
