/** @module The telemetry protocol: every event, every field, and the guard that enforces them. */
export {
  AUTH_METHODS,
  DATABASE_ADAPTERS,
  DATABASE_KINDS,
  ENVIRONMENTS,
  EVENT_TYPES,
  type EventType,
  FRAMEWORKS,
  HTTP_METHODS,
  KNOWN_PLUGINS,
  PROVIDERS,
  REQUEST_SOURCES,
  RUNTIMES,
  SOCIAL_PROVIDERS,
} from "./catalog.js";
export { detectPersonalData } from "./detectors.js";
export { ADDITIONAL_DATA, CONTEXT, ENVELOPE, EVENT_HEADER, LIMITS } from "./envelope.js";
export { EVENT_PROPS } from "./events.js";
export type { Field } from "./fields.js";
// not ROUTE: a route may match it and still be refused by its screen; ask isReportableRoute
export { ERROR_CODE, ERROR_TYPE, SEMVER, UUID } from "./patterns.js";
export {
  type Drop,
  isEventType,
  isReportableRoute,
  type OnDrop,
  sanitize,
  sanitizeAdditionalData,
  sanitizeEnvelope,
  sanitizeEvent,
  type WireBatch,
  type WireEnvelope,
  type WireEvent,
} from "./sanitize.js";
export { LATENCY_BUCKETS_MS, PROTOCOL_VERSION } from "./version.js";
