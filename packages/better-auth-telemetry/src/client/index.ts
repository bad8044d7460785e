/** @module better-auth-telemetry/client — the generic, runtime-agnostic telemetry client. It imports no `node:` module. */
export { createTelemetry } from "./client.js";
export { checkEndpoint, DEFAULT_ENDPOINT, isLoopbackHost, resolveConfig } from "./config.js";
export { defaultIdPath } from "./identity.js";
export type {
  AdditionalData,
  ApiRequestInput,
  AuthFailureInput,
  AuthSuccessInput,
  ErrorInput,
  InitProps,
  Telemetry,
  TelemetryLogger,
  TelemetryOptions,
  TelemetryStatus,
  TrackInput,
} from "./types.js";
export { SDK_VERSION } from "./version.js";
