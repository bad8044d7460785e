/** The integration's public types: the plugin's options, and the wrapper's options and instance. */
import type { Auth, BetterAuthOptions } from "better-auth";
import type { Telemetry, TelemetryOptions } from "../client/index.js";

/** Options of the `telemetry()` plugin: the client's options (`enabled`, `endpoint`, `additionalData`, `debug`, …). */
export type TelemetryPluginOptions = TelemetryOptions;

/**
 * Every Better Auth option, with `telemetry` typed as this package's options
 * instead of Better Auth's built-in `{ enabled, debug }` (which the wrapper
 * switches off, so nothing is reported twice).
 */
export type TelemetryAuthOptions = Omit<BetterAuthOptions, "telemetry"> & {
  /** Anonymous usage telemetry: `enabled`, `endpoint`, `additionalData`, `debug`, … See the README. */
  telemetry?: TelemetryOptions | undefined;
};

/** What the wrapper returns: Better Auth's instance, typed exactly as `betterAuth` types it, plus the telemetry client. */
export type TelemetryAuth<Options extends BetterAuthOptions> = Auth<Options> & {
  /** The telemetry client of this instance: `flush()`, `shutdown()`, `status()`, … */
  $telemetry: Telemetry;
};
