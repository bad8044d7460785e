/** The read API: GET /v1/stats/overview and GET /v1/events. Token or loopback only (see read-auth.ts). */
import type { EventType } from "@better-auth-telemetry/protocol";
import type { FastifyPluginAsync } from "fastify";
import { readAuth } from "../read-auth.js";
import {
  errorResponses,
  overviewQuerySchema,
  overviewResponse,
  recentEventsQuerySchema,
  recentEventsResponse,
} from "../schemas.js";
import type { Services } from "../services.js";

export const queryRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const preHandler = readAuth({ token: services.readToken });

  app.get(
    "/v1/stats/overview",
    {
      schema: { querystring: overviewQuerySchema, response: { 200: overviewResponse, ...errorResponses } },
      preHandler,
    },
    async (request) => {
      const { from, to } = request.query as { from?: number; to?: number };
      const overview = await services.store.overview({ from, to });
      return { from: from ?? null, to: to ?? null, ...overview };
    },
  );

  app.get(
    "/v1/events",
    {
      schema: { querystring: recentEventsQuerySchema, response: { 200: recentEventsResponse, ...errorResponses } },
      preHandler,
    },
    async (request) => {
      const query = request.query as { type?: EventType; installationId?: string; limit: number };
      return { events: await services.store.recentEvents(query) };
    },
  );
};
