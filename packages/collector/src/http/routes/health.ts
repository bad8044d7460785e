/** GET /healthz (the process answers) and GET /readyz (it can take traffic: not draining, queue not full, store up). */
import type { FastifyPluginAsync } from "fastify";
import { CollectorError } from "../errors.js";
import { errorResponses, statusResponse } from "../schemas.js";
import type { Services } from "../services.js";

export const healthRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const schema = { response: { 200: statusResponse, ...errorResponses } };

  app.get("/healthz", { schema }, async () => ({ status: "ok" }));

  app.get("/readyz", { schema }, async () => {
    if (services.state.draining) {
      throw new CollectorError({ code: "shutting_down", message: "the collector is shutting down", retryAfter: 5 });
    }
    if (services.queue.isFull) {
      throw new CollectorError({ code: "queue_full", message: "the ingest queue is full", retryAfter: 1 });
    }
    try {
      await services.store.ping();
    } catch (error) {
      throw new CollectorError({
        code: "store_unavailable",
        message: "the store does not answer",
        retryAfter: 5,
        cause: error,
      });
    }
    return { status: "ready" };
  });
};
