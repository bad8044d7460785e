/**
 * Resolves options and environment into what the client will do. One
 * precedence, documented in the README: any opt-out wins over any opt-in.
 *
 *   1. BETTER_AUTH_TELEMETRY=0|false|off|no   → off  (env:BETTER_AUTH_TELEMETRY)
 *   2. DO_NOT_TRACK=1|true                    → off  (env:DO_NOT_TRACK)
 *   3. enabled: false                         → off  (option:enabled)
 *   4. endpoint not https (loopback excepted) → off  (insecure-endpoint / invalid-endpoint)
 *   5. enabled: true or BETTER_AUTH_TELEMETRY=1 → on (option:enabled / env:BETTER_AUTH_TELEMETRY)
 *   6. inside a test runner                   → off  (test-runner)
 *   7. otherwise                              → on   (default)
 *
 * Partly honoured opt-outs are the complaint users remember (Gatsby, Nuxt), so
 * every source is checked every time and the deciding one is named.
 */
import { createEnvReader, type EnvReader, readSwitch } from "./env.js";
import type { TelemetryLogger, TelemetryOptions } from "./types.js";

export const DEFAULT_ENDPOINT = "https://telemetry.better-auth.com/v1/events";

export interface ResolvedConfig {
  enabled: boolean;
  reason: string;
  endpoint: string;
  debug: boolean;
  flushIntervalMs: number;
  maxBatchSize: number;
  maxQueueSize: number;
  timeoutMs: number;
  maxRetries: number;
  /** Set when the endpoint was refused, so the client can warn once. */
  warning?: string;
  env: EnvReader;
}

const TEST_RUNNER_SIGNALS: ReadonlyArray<[string, (v: string) => boolean]> = [
  ["NODE_ENV", (v) => v === "test"],
  ["VITEST", (v) => v !== "" && v !== "false"],
  ["JEST_WORKER_ID", (v) => v !== ""],
  ["TEST", (v) => v === "true" || v === "1"],
];

/** Loopback hosts may use plain http: a local collector or a test sink never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  // not `*.localhost`: whether such a name reaches loopback is up to the resolver, and plain http must not leave the machine
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Why an endpoint must not be sent to, or undefined when it is fine. */
export function checkEndpoint(endpoint: string): { reason: string; warning: string } | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { reason: "invalid-endpoint", warning: "telemetry endpoint is not a valid URL; telemetry is off" };
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  return {
    reason: "insecure-endpoint",
    warning: `telemetry endpoint must use https:// (http:// is allowed for loopback only); telemetry is off`,
  };
}

const positive = (value: number | undefined, fallback: number, max: number) =>
  typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.min(value, max) : fallback;

export function resolveConfig(options: TelemetryOptions = {}): ResolvedConfig {
  const env = createEnvReader(options.env);
  const envSwitch = readSwitch(env("BETTER_AUTH_TELEMETRY"));
  const endpoint = env("BETTER_AUTH_TELEMETRY_ENDPOINT") || options.endpoint || DEFAULT_ENDPOINT;
  const base = {
    endpoint,
    debug: options.debug === true || readSwitch(env("BETTER_AUTH_TELEMETRY_DEBUG")) === true,
    flushIntervalMs: positive(options.flushIntervalMs, 10_000, 3_600_000),
    maxBatchSize: Math.floor(positive(options.maxBatchSize, 100, 500)),
    maxQueueSize: Math.floor(positive(options.maxQueueSize, 1_000, 100_000)),
    timeoutMs: positive(options.timeoutMs, 5_000, 60_000),
    maxRetries: Math.floor(positive(options.maxRetries, 5, 100)),
    env,
  };
  const off = (reason: string, warning?: string): ResolvedConfig => ({ ...base, enabled: false, reason, warning });

  if (envSwitch === false) return off("env:BETTER_AUTH_TELEMETRY");
  const dnt = env("DO_NOT_TRACK")?.trim().toLowerCase();
  if (dnt === "1" || dnt === "true") return off("env:DO_NOT_TRACK");
  if (options.enabled === false) return off("option:enabled");
  const endpointProblem = checkEndpoint(endpoint);
  if (endpointProblem) return off(endpointProblem.reason, endpointProblem.warning);
  if (options.enabled === true) return { ...base, enabled: true, reason: "option:enabled" };
  if (envSwitch === true) return { ...base, enabled: true, reason: "env:BETTER_AUTH_TELEMETRY" };
  for (const [name, matches] of TEST_RUNNER_SIGNALS) {
    const v = env(name);
    if (v !== undefined && matches(v)) return off("test-runner");
  }
  return { ...base, enabled: true, reason: "default" };
}

export const consoleLogger: TelemetryLogger = {
  warn: (message) => console.warn(`[better-auth-telemetry] ${message}`),
  debug: (message) => console.debug(`[better-auth-telemetry] ${message}`),
};
