/** What the routes share: the store, the ingest queue, the rate limiters, the metrics and the shutdown flag. */

import { type RateLimit, RateLimiter } from "../ingest/limits.js";
import { IngestQueue } from "../ingest/queue.js";
import type { CollectorMetrics } from "../metrics.js";
import type { EventStore } from "../store/event-store.js";

export interface CollectorLimits {
  /** Bytes on the wire per request, compressed or not. @default 1 MiB */
  maxBodyBytes: number;
  /** Bytes after gunzip. @default 4 MiB */
  maxDecodedBytes: number;
  /** JSON nesting depth; the protocol uses 6. @default 20 */
  maxDepth: number;
  /** Events waiting for their commit, at most; past it, 503. @default 100000 */
  maxQueuedEvents: number;
  /** Events per commit group, at most. @default 20000 */
  maxGroupEvents: number;
  /**
   * Ingest requests being read, validated or committed at once; past it, 503. With the
   * body caps this bounds the memory that bodies can take. @default 512
   */
  maxConcurrentIngests: number;
  /**
   * Commit groups handed to the store at once. Two: the DuckDB store writes the next group to its
   * ingest log while the previous one's fsync runs (bench/collector-ingest.ts); the ClickHouse
   * store applies its groups one after the other either way. @default 2
   */
  maxGroupsInFlight: number;
  /** Ingest and erase requests per client IP. @default 200/s, burst 1000 */
  perIp: RateLimit;
  /** Ingest requests per installation id. @default 2/s, burst 60 */
  perInstallation: RateLimit;
}

export const DEFAULT_LIMITS: CollectorLimits = {
  maxBodyBytes: 1024 * 1024,
  maxDecodedBytes: 4 * 1024 * 1024,
  maxDepth: 20,
  maxQueuedEvents: 100_000,
  maxGroupEvents: 20_000,
  maxConcurrentIngests: 512,
  maxGroupsInFlight: 2,
  perIp: { perSecond: 200, burst: 1000 },
  perInstallation: { perSecond: 2, burst: 60 },
};

export interface Services {
  store: EventStore;
  queue: IngestQueue;
  metrics: CollectorMetrics;
  limits: CollectorLimits;
  ipLimiter: RateLimiter;
  installationLimiter: RateLimiter;
  /** When set, read endpoints require it as a Bearer token; when not, they answer loopback clients only. */
  readToken: string | undefined;
  /** Set once shutdown begins: new requests get 503 shutting_down. Ingests counts the requests in progress. */
  state: { draining: boolean; ingests: number };
}

export function createServices(options: {
  store: EventStore;
  metrics: CollectorMetrics;
  limits: CollectorLimits;
  readToken: string | undefined;
  onCommitError: (error: unknown) => void;
}): Services {
  const { store, metrics, limits } = options;
  const queue = new IngestQueue({
    store,
    maxQueuedEvents: limits.maxQueuedEvents,
    maxGroupEvents: limits.maxGroupEvents,
    maxGroupsInFlight: limits.maxGroupsInFlight,
    onCommit: ({ events, seconds }) => {
      metrics.commitSeconds.observe(seconds);
      metrics.commitEvents.observe(events);
    },
    onCommitError: (error) => {
      metrics.commitFailures.inc();
      options.onCommitError(error);
    },
  });
  metrics.watchQueue(() => ({ events: queue.depth, batches: queue.waiting }));
  return {
    store,
    queue,
    metrics,
    limits,
    ipLimiter: new RateLimiter(limits.perIp),
    installationLimiter: new RateLimiter(limits.perInstallation),
    readToken: options.readToken,
    state: { draining: false, ingests: 0 },
  };
}
