/** GET /metrics: Prometheus text format. Behind the read auth like the query API: it reveals traffic volumes. */
import type { FastifyPluginAsync } from "fastify";
import { readAuth } from "../read-auth.js";
import { errorResponses } from "../schemas.js";
import type { Services } from "../services.js";

export const metricsRoute: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { registry } = services.metrics;
  app.get(
    "/metrics",
    {
      schema: { response: { 200: { type: "string" }, ...errorResponses } },
      preHandler: readAuth({ token: services.readToken }),
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
};
