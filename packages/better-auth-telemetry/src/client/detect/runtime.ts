/** Which runtime, platform and environment the app runs in, as the protocol's context. */
import { PROVIDERS, RUNTIMES } from "@better-auth-telemetry/protocol";
import { detectProvider, runtime as stdRuntime } from "std-env";
import type { EnvReader } from "../env.js";
import { nodeProcess } from "../platform/builtin.js";

export interface RuntimeContext {
  runtime: (typeof RUNTIMES)[number];
  runtimeVersion?: string;
  platform?: string;
  arch?: string;
  environment: "production" | "development" | "ci" | "test";
  provider?: (typeof PROVIDERS)[number];
}

declare const Deno: { version?: { deno?: string } } | undefined;

// each runtime's version, where it tells one; workerd and edge runtimes do not
const VERSION_OF: Record<string, () => string | undefined> = {
  node: () => nodeProcess()?.versions?.node,
  bun: () => nodeProcess()?.versions?.bun,
  deno: () => (typeof Deno !== "undefined" ? Deno.version?.deno : undefined),
};

const TEST_VARIABLES = ["VITEST", "JEST_WORKER_ID"];

/**
 * `onCiProvider`: std-env's answer from the CI provider's own variables (GITHUB_ACTIONS…),
 * which it reads from the real environment; a parameter so that tests can decide it.
 */
export function detectEnvironment(
  env: EnvReader,
  onCiProvider: () => boolean = () => Boolean(detectProvider().ci),
): RuntimeContext["environment"] {
  if (env("NODE_ENV") === "production") return "production";
  const ci = env("CI");
  if ((ci && ci !== "false" && ci !== "0") || onCiProvider()) return "ci";
  if (env("NODE_ENV") === "test" || TEST_VARIABLES.some((v) => env(v))) return "test";
  return "development";
}

export function detectRuntime(env: EnvReader): RuntimeContext {
  const name = (RUNTIMES as readonly string[]).includes(stdRuntime)
    ? (stdRuntime as RuntimeContext["runtime"])
    : "other";
  const proc = nodeProcess() as { platform?: string; arch?: string } | undefined;
  const provider = (() => {
    try {
      const p = detectProvider().name;
      if (!p) return undefined;
      return (PROVIDERS as readonly string[]).includes(p) ? (p as RuntimeContext["provider"]) : "other";
    } catch {
      return undefined;
    }
  })();
  return {
    runtime: name,
    runtimeVersion: VERSION_OF[name]?.(),
    // workerd and browsers have no meaningful process.platform
    platform: name === "workerd" ? undefined : proc?.platform,
    arch: name === "workerd" ? undefined : proc?.arch,
    environment: detectEnvironment(env),
    provider,
  };
}
