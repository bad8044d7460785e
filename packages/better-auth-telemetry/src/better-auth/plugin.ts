/**
 * @module better-auth-telemetry/plugin — telemetry as a Better Auth plugin, for
 * apps that keep `import { betterAuth } from "better-auth"`:
 *
 *   betterAuth({ plugins: [telemetry({ endpoint, additionalData })] })
 *
 * List it last, so its hooks see sessions as the other plugins leave them (the
 * two-factor plugin withdraws the session of a sign-in that still needs a code).
 * The plugin sees every request that reaches Better Auth's plugin stage and
 * every direct `auth.api` call that reaches an endpoint; requests Better Auth
 * answers before any plugin runs (rate-limited 429s, disabled paths) are seen
 * only by the `betterAuth` wrapper, which wraps `auth.handler` itself.
 */
import { capturePlugin } from "./capture-plugin.js";
import { createClient } from "./client-factory.js";
import { publicClient } from "./public-client.js";
import { Recorder } from "./recorder.js";
import type { TelemetryPluginOptions } from "./types.js";

export type { TelemetryPluginOptions } from "./types.js";

export function telemetry(options: TelemetryPluginOptions = {}) {
  const recorder = new Recorder(createClient(options ?? {}), "plugin");
  return capturePlugin(recorder, publicClient(recorder));
}
