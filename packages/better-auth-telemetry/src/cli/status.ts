/**
 * `better-auth-telemetry status`: whether telemetry is on in this environment,
 * which signal decided, where it would send, and where the installation id is
 * kept. It reads; it creates no file and sends nothing.
 */
import { existsSync } from "node:fs";
import { defaultIdPath, resolveConfig, type TelemetryOptions } from "../client/index.js";

export interface StatusReport {
  enabled: boolean;
  /** The deciding signal, as `status()` names it (`env:DO_NOT_TRACK`, `option:enabled`, …). */
  reason: string;
  /** The same, in words. */
  explanation: string;
  endpoint: string;
  debug: boolean;
  installationId: { storage: string; note: string };
}

const EXPLANATIONS: Record<string, string> = {
  "env:BETTER_AUTH_TELEMETRY": "the BETTER_AUTH_TELEMETRY environment variable",
  "env:DO_NOT_TRACK": "DO_NOT_TRACK is set",
  "option:enabled": "the `enabled` option",
  "test-runner": "running inside a test runner (NODE_ENV=test, VITEST, JEST_WORKER_ID or TEST)",
  "insecure-endpoint": "the endpoint is not https:// (plain http:// is allowed for loopback hosts only)",
  "invalid-endpoint": "the endpoint is not a valid URL",
  default: "on by default (opt out with BETTER_AUTH_TELEMETRY=0, DO_NOT_TRACK=1 or enabled: false)",
};

type Env = Record<string, string | undefined>;

function installationId(options: TelemetryOptions, env: Env): StatusReport["installationId"] {
  if (/^[0-9a-f-]{36}$/i.test(env.BETTER_AUTH_TELEMETRY_ID?.trim() ?? "")) {
    return { storage: "env:BETTER_AUTH_TELEMETRY_ID", note: "pinned by the environment" };
  }
  if (options.installationIdPath === false) return { storage: "memory", note: "a new random id every start" };
  const path = options.installationIdPath ?? defaultIdPath((name) => env[name]);
  if (!path) return { storage: "memory", note: "no home directory: a new random id every start" };
  return { storage: path, note: existsSync(path) ? "exists" : "not created yet: written on first send" };
}

/** What the client would decide with `options` in environment `env` (the CLI's own by default). */
export function describeStatus(options: TelemetryOptions = {}, env: Env = process.env): StatusReport {
  const config = resolveConfig({ ...options, env: { ...env, ...options.env } });
  return {
    enabled: config.enabled,
    reason: config.reason,
    explanation: EXPLANATIONS[config.reason] ?? config.reason,
    endpoint: config.endpoint,
    debug: config.debug,
    installationId: installationId(options, env),
  };
}

export function formatStatus(report: StatusReport): string {
  return [
    `Telemetry:        ${report.enabled ? "enabled" : "off"}${report.debug ? " (debug: payloads are printed, not sent)" : ""}`,
    `Decided by:       ${report.reason} — ${report.explanation}`,
    `Endpoint:         ${report.endpoint}`,
    `Installation id:  ${report.installationId.storage} (${report.installationId.note})`,
  ].join("\n");
}
