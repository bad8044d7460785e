/**
 * DELETE /v1/installations/:id: erases everything stored for an installation.
 * The id is the capability (it is random, and only the installation knows it),
 * so no read token is asked for; the per-IP limit still applies.
 */
import type { FastifyPluginAsync } from "fastify";
import { ipGate } from "../ingest-flow.js";
import { eraseResponse, errorResponses, installationParamsSchema } from "../schemas.js";
import type { Services } from "../services.js";

export const eraseRoute: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.delete(
    "/v1/installations/:id",
    {
      schema: { params: installationParamsSchema, response: { 200: eraseResponse, ...errorResponses } },
      onRequest: ipGate(services),
    },
    async (request) => {
      const { id } = request.params as { id: string };
      // batches of this installation that were accepted before the request must not land after the erasure
      await services.queue.settle();
      return { erased: await services.store.eraseInstallation(id) };
    },
  );
};
