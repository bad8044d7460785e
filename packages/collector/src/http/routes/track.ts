/** POST /v1/track: Better Auth's built-in telemetry, mapped onto our events (see ingest/track-compat.ts). */
import type { FastifyPluginAsync } from "fastify";
import { mapTrack, type TrackBody } from "../../ingest/track-compat.js";
import { acceptBatch, ingestGate } from "../ingest-flow.js";
import { errorResponses, ingestResponse, trackBodySchema } from "../schemas.js";
import type { Services } from "../services.js";

export const trackRoute: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post(
    "/v1/track",
    {
      schema: { body: trackBodySchema, response: { 200: ingestResponse, ...errorResponses } },
      onRequest: ingestGate(services),
    },
    async (request) => {
      const mapped = mapTrack(request.body as TrackBody, { secret: services.store.idSecret });
      if (!mapped.batch) {
        // an event type with no counterpart in our protocol: nothing of it is kept
        services.metrics.events.inc({ outcome: "dropped" }, mapped.droppedEvents);
        return { accepted: 0, duplicates: 0, dropped: mapped.droppedEvents };
      }
      return acceptBatch(services, {
        batch: mapped.batch,
        droppedEvents: mapped.droppedEvents,
        droppedFields: mapped.droppedFields,
        clientDropped: 0,
      });
    },
  );
};
