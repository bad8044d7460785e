/** @module better-auth-telemetry's Better Auth integration: the `betterAuth` wrapper and the `telemetry()` plugin. */
export { telemetry } from "./plugin.js";
export type { TelemetryAuth, TelemetryAuthOptions, TelemetryPluginOptions } from "./types.js";
export { betterAuth } from "./wrapper.js";
