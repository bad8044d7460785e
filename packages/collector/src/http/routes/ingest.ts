/** POST /v1/events: our client's batches. */
import { wireBatchSchema } from "@better-auth-telemetry/protocol/zod";
import type { FastifyPluginAsync } from "fastify";
import { type CheckedBatch, toIngestBatch } from "../../ingest/validate.js";
import { conformsToWire } from "../../ingest/wire-check.js";
import { acceptBatch, ingestGate } from "../ingest-flow.js";
import { errorResponses, ingestResponse } from "../schemas.js";
import type { Services } from "../services.js";
import { withFastPath } from "../validator.js";

export const ingestRoute: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post(
    "/v1/events",
    {
      schema: { body: wireBatchSchema, response: { 200: ingestResponse, ...errorResponses } },
      // zod only for bodies the plain check doubts: it then names the error (see wire-check.ts)
      validatorCompiler: withFastPath(conformsToWire),
      onRequest: ingestGate(services),
    },
    async (request) => {
      const validated = toIngestBatch(request.body as CheckedBatch);
      // the parsed body is not needed past here, and a request can wait tens of milliseconds for its
      // commit: let it go, so it dies young instead of being promoted with hundreds of others
      request.body = undefined;
      return acceptBatch(services, validated);
    },
  );
};
