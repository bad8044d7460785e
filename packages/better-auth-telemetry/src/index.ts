/**
 * @module better-auth-telemetry — anonymous, allow-listed usage telemetry for Better Auth.
 *
 *   import { betterAuth } from "better-auth-telemetry";          // Better Auth, with telemetry configured on the same call
 *   import { telemetry } from "better-auth-telemetry";           // or as a plugin for `betterAuth` from "better-auth"
 *   import { createTelemetry } from "better-auth-telemetry/client"; // the generic client alone
 */
export {
  betterAuth,
  type TelemetryAuth,
  type TelemetryAuthOptions,
  type TelemetryPluginOptions,
  telemetry,
} from "./better-auth/index.js";
export {
  type AdditionalData,
  DEFAULT_ENDPOINT,
  type Telemetry,
  type TelemetryOptions,
  type TelemetryStatus,
} from "./client/index.js";
