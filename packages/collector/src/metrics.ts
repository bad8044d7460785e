/**
 * Prometheus metrics, on a registry per collector (not prom-client's global
 * one), so tests and embedders can run several collectors in one process.
 * Labels are closed sets (route templates, error codes): never a client value.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface CollectorMetrics {
  registry: Registry;
  requests: Counter<"route" | "method" | "status">;
  events: Counter<"outcome">;
  droppedFields: Counter;
  clientDropped: Counter;
  rejections: Counter<"code">;
  commitSeconds: Histogram;
  commitEvents: Histogram;
  commitFailures: Counter;
  /** Reads the queue depth at scrape time. */
  watchQueue(read: () => { events: number; batches: number }): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): CollectorMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "collector_" });
  let readQueue = () => ({ events: 0, batches: 0 });
  const registers = [registry];
  new Gauge({
    name: "collector_queue_events",
    help: "Events waiting in the ingest queue or being committed.",
    registers,
    collect() {
      this.set(readQueue().events);
    },
  });
  new Gauge({
    name: "collector_queue_batches",
    help: "Batches waiting in the ingest queue (not counting the group being committed).",
    registers,
    collect() {
      this.set(readQueue().batches);
    },
  });
  return {
    registry,
    requests: new Counter({
      name: "collector_http_requests_total",
      help: "HTTP requests answered, by route template, method and status.",
      labelNames: ["route", "method", "status"],
      registers,
    }),
    events: new Counter({
      name: "collector_events_total",
      help: "Event records received: accepted (stored now), duplicate (already stored) or dropped (failed the allow-list).",
      labelNames: ["outcome"],
      registers,
    }),
    droppedFields: new Counter({
      name: "collector_dropped_fields_total",
      help: "Single fields removed by the allow-list (undeclared, or failing their pattern).",
      registers,
    }),
    clientDropped: new Counter({
      name: "collector_client_dropped_events_total",
      help: "Events that clients report having dropped themselves (their buffer was full).",
      registers,
    }),
    rejections: new Counter({
      name: "collector_rejections_total",
      help: "Requests refused, by error code.",
      labelNames: ["code"],
      registers,
    }),
    commitSeconds: new Histogram({
      name: "collector_commit_duration_seconds",
      help: "Time to store one commit group, from hand-off to the store until durable.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    commitEvents: new Histogram({
      name: "collector_commit_events",
      help: "Events per commit group.",
      buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000, 20000],
      registers,
    }),
    commitFailures: new Counter({
      name: "collector_commit_failures_total",
      help: "Commit groups the store failed to store (their requests got 503).",
      registers,
    }),
    watchQueue(read) {
      readQueue = read;
    },
  };
}
