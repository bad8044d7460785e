/**
 * The second half of validation. zod has already checked structure and types
 * (a wrong type rejects the batch); here the protocol's allow-list runs again,
 * as defence in depth: undeclared fields and values failing their pattern are
 * dropped, and an event whose required field fails is dropped whole and counted.
 */
import {
  CONTEXT,
  type Drop,
  ENVELOPE,
  RUNTIMES,
  sanitize,
  sanitizeEnvelope,
  sanitizeEvent,
  type WireEvent,
} from "@better-auth-telemetry/protocol";
import { CollectorError } from "../http/errors.js";
import type { IngestBatch, IngestContext } from "../store/event-store.js";

export interface ValidatedBatch {
  batch: IngestBatch;
  /** Events dropped whole (a required field failed its declaration). */
  droppedEvents: number;
  /** Single fields dropped from events and the envelope. */
  droppedFields: number;
  /** What the client reports having dropped itself (its buffer was full). */
  clientDropped: number;
}

/** A body that passed wireBatchSchema: its shape is known, its values not yet screened. */
export interface CheckedBatch {
  v: number;
  events: unknown[];
  context: { runtime: string } & Record<string, unknown>;
  [field: string]: unknown;
}

export function toIngestBatch(input: CheckedBatch): ValidatedBatch {
  let droppedFields = 0;
  const onDrop = (_: Drop) => {
    droppedFields++;
  };
  const { v: _v, events, ...rawEnvelope } = input;
  const envelope = sanitizeEnvelope(withKnownRuntime(rawEnvelope), onDrop);
  if (!envelope) {
    throw new CollectorError({
      code: "invalid_batch",
      message: "a required envelope field fails its declaration",
      path: firstFailingEnvelopeField(rawEnvelope),
    });
  }

  const kept: WireEvent[] = [];
  for (const raw of events) {
    const event = sanitizeEvent(raw, onDrop);
    if (event) kept.push(event);
  }

  return {
    batch: {
      envelope: {
        source: "sdk",
        installationId: envelope.installationId,
        idKind: envelope.idKind,
        sdkVersion: envelope.sdkVersion,
        context: envelope.context as unknown as IngestContext,
        additionalData:
          envelope.additionalData && Object.keys(envelope.additionalData).length > 0 ? envelope.additionalData : null,
      },
      events: kept,
    },
    droppedEvents: events.length - kept.length,
    droppedFields,
    clientDropped: envelope.dropped ?? 0,
  };
}

/**
 * Adding a runtime to the protocol is not a version bump, so an older collector
 * must not refuse a newer client's batch for it: an unknown runtime becomes
 * `other`, which carries nothing of the original value.
 */
function withKnownRuntime<T extends { context: { runtime: string } }>(envelope: T): T {
  const runtime = envelope.context.runtime;
  if ((RUNTIMES as readonly string[]).includes(runtime)) return envelope;
  return { ...envelope, context: { ...envelope.context, runtime: "other" } };
}

/** Names the required field that made sanitizeEnvelope refuse, for the error body. */
function firstFailingEnvelopeField(envelope: Record<string, unknown>): string | null {
  for (const [key, field] of Object.entries(ENVELOPE.fields)) {
    if (field.required && key !== "context" && sanitize(field, envelope[key]) === undefined) return key;
  }
  if (CONTEXT.kind !== "object") return "context";
  const context = (envelope.context ?? {}) as Record<string, unknown>;
  for (const [key, field] of Object.entries(CONTEXT.fields)) {
    if (field.required && sanitize(field, context[key]) === undefined) return `context.${key}`;
  }
  return null;
}
