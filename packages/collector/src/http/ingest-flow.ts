/**
 * The steps shared by both ingest routes. The gate runs before the body is
 * read, so a client over its IP limit, or a collector with a full queue, costs
 * no parsing; acceptBatch runs after validation.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ipKey } from "../ingest/limits.js";
import type { ValidatedBatch } from "../ingest/validate.js";
import { CollectorError } from "./errors.js";
import type { Services } from "./services.js";

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  dropped: number;
}

/** onRequest: the per-IP limit (the address is used here, in memory, and nowhere else). */
export function ipGate(services: Services): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const taken = services.ipLimiter.take(ipKey(request.ip));
    if (!taken.ok) {
      throw new CollectorError({
        code: "rate_limited",
        message: "too many requests from this address",
        retryAfter: taken.retryAfterSeconds,
      });
    }
  };
}

/**
 * onRequest for ingest routes: the IP limit, then a cheap refusal while the queue
 * is full or too many ingests are in progress (each may hold a body in memory).
 */
export function ingestGate(services: Services): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const ip = ipGate(services);
  const { state, limits } = services;
  return async (request, reply) => {
    await ip(request);
    if (services.queue.isFull || state.ingests >= limits.maxConcurrentIngests) {
      throw new CollectorError({ code: "queue_full", message: "the ingest queue is full; retry later", retryAfter: 1 });
    }
    state.ingests++;
    // 'close' comes once the response is sent or the connection is gone, whichever happens
    reply.raw.once("close", () => {
      state.ingests--;
    });
  };
}

/** Applies the per-installation limit, waits for the commit, and counts the outcome. */
export async function acceptBatch(services: Services, validated: ValidatedBatch): Promise<IngestResponse> {
  const { batch, droppedEvents, droppedFields, clientDropped } = validated;
  const { metrics } = services;
  const taken = services.installationLimiter.take(batch.envelope.installationId);
  if (!taken.ok) {
    throw new CollectorError({
      code: "rate_limited",
      message: "too many requests for this installation id",
      retryAfter: taken.retryAfterSeconds,
    });
  }
  const result = await services.queue.enqueue(batch);
  metrics.events.inc({ outcome: "accepted" }, result.accepted);
  metrics.events.inc({ outcome: "duplicate" }, result.duplicates);
  metrics.events.inc({ outcome: "dropped" }, droppedEvents);
  metrics.droppedFields.inc(droppedFields);
  metrics.clientDropped.inc(clientDropped);
  return { accepted: result.accepted, duplicates: result.duplicates, dropped: droppedEvents };
}
