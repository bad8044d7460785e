/**
 * The one seam between the HTTP layer and storage. DuckDB implements it first
 * (an embedded file); a ClickHouse store will implement the same interface, so
 * nothing here may assume a single process or a local file.
 */
import type { EventType, WireEvent } from "@better-auth-telemetry/protocol";
import type { DashboardStore } from "./dashboard-types.js";

/** Where a batch came from: our own client (POST /v1/events) or Better Auth's built-in telemetry (POST /v1/track). */
export type EventSource = "sdk" | "better-auth";

/** The runtime context of a batch, already reduced to the protocol's allow-list. */
export interface IngestContext {
  runtime: string;
  runtimeVersion?: string;
  platform?: string;
  arch?: string;
  framework?: string;
  frameworkVersion?: string;
  environment: string;
  provider?: string;
}

/** Everything a batch says about its sender, already sanitized. */
export interface IngestEnvelope {
  source: EventSource;
  installationId: string;
  idKind: "persistent" | "ephemeral";
  /** Version of our client; null for Better Auth's own telemetry, which does not send one. */
  sdkVersion: string | null;
  context: IngestContext;
  additionalData: Record<string, string | number | boolean> | null;
}

/**
 * The props that both stores keep in columns of their own beside the JSON
 * text (the count, api_request's route, method, status and latency
 * histogram), as the protocol's declaration types them.
 */
export interface TypedProps {
  count?: number;
  route?: string;
  method?: string;
  status?: number;
  duration?: { sumMs?: number; maxMs?: number; buckets?: number[] };
}

/** A validated, sanitized batch on its way to storage. */
export interface IngestBatch {
  envelope: IngestEnvelope;
  events: WireEvent[];
}

/** What happened to one batch's events: stored now, or already stored before. */
export interface InsertResult {
  accepted: number;
  duplicates: number;
}

/** A half-open time range [from, to) in Unix milliseconds; an absent bound is open. */
export interface TimeRange {
  from?: number;
  to?: number;
}

export interface Overview {
  /** Occurrences per event type: the sum of `count`, not the number of records. */
  events: Record<EventType, number>;
  /** Distinct installation ids with at least one event in the range. */
  installations: number;
}

export interface RecentEventsQuery {
  type?: EventType;
  installationId?: string;
  limit: number;
}

/** An event as stored: its envelope fields flattened back next to it. */
export interface StoredEvent {
  id: string;
  type: EventType;
  ts: number;
  receivedAt: number;
  count: number;
  source: EventSource;
  installationId: string;
  idKind: string;
  sdkVersion: string | null;
  context: IngestContext;
  additionalData: Record<string, string | number | boolean> | null;
  props: Record<string, unknown>;
}

/** The dashboard's queries (DashboardStore) are documented in dashboard-types.ts. */
export interface EventStore extends DashboardStore {
  /**
   * Stores the batches' events durably and resolves only after they are
   * durable (a crash after it loses none of them). Idempotent by event id: an
   * event whose id is already stored is skipped. It is counted as a duplicate
   * when the store recognizes it as one at once; a store may recognize old
   * repeats only later, and stores them once all the same (the DuckDB store's
   * window of recent ids, see duckdb/recent-ids.ts). An id may repeat within
   * one call (a retry in flight beside its original): the first occurrence is
   * stored and the others count as duplicates of their batch. One result per
   * batch, in order.
   * Calls may overlap (the queue keeps up to two groups in flight); the store
   * must apply them as if one after the other, in call order, so a later call
   * sees the events of an earlier one as duplicates. Every read must see every
   * batch whose insert resolved before the read began.
   */
  insert(batches: readonly IngestBatch[]): Promise<InsertResult[]>;
  overview(range: TimeRange): Promise<Overview>;
  /** The most recently received events, newest first. */
  recentEvents(query: RecentEventsQuery): Promise<StoredEvent[]>;
  /** Deletes every event of the installation; resolves to the number of records removed. */
  eraseInstallation(installationId: string): Promise<number>;
  /**
   * A random secret created once with the store and kept in it. Ids derived
   * from guessable values (Better Auth's anonymousId) are keyed with it, so they
   * cannot be recomputed from a list of domains.
   */
  readonly idSecret: Uint8Array;
  /** Rejects when the store cannot serve (for /readyz). */
  ping(): Promise<void>;
  /** Waits for running writes, makes everything durable and releases the store. */
  close(): Promise<void>;
}
