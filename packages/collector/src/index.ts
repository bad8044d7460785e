/** @module better-auth-telemetry-collector: the telemetry endpoint, as a library (the CLI is cli/main.ts). */

export { type CollectorConfig, ConfigError, helpText, parseConfig, SETTINGS } from "./config.js";
export { type AppOptions, buildApp, type CollectorApp } from "./http/app.js";
export {
  CollectorError,
  type CollectorErrorOptions,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
} from "./http/errors.js";
export { type CollectorLimits, DEFAULT_LIMITS } from "./http/services.js";
export { type CollectorMetrics, createMetrics } from "./metrics.js";
export { type RunningCollector, type StartOptions, startCollector } from "./server.js";
export { DuckDBEventStore, type DuckDBStoreOptions } from "./store/duckdb/duckdb-store.js";
export type {
  EventSource,
  EventStore,
  IngestBatch,
  IngestContext,
  IngestEnvelope,
  InsertResult,
  Overview,
  RecentEventsQuery,
  StoredEvent,
  TimeRange,
} from "./store/event-store.js";
