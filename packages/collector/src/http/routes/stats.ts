/**
 * The stats API: GET /v1/stats/{installations,breakdowns,adoption,errors,requests,auth}.
 * Every endpoint takes the same query string (stats-schemas.ts) and answers
 * from the StatsService, as the dashboard page does. docs/dashboard.md
 * documents each one.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { DayRangeError } from "../../stats/range.js";
import type { StatsRequest, StatsService } from "../../stats/stats-service.js";
import { CollectorError } from "../errors.js";
import { errorResponses } from "../schemas.js";
import {
  adoptionResponse,
  authResponse,
  breakdownsResponse,
  errorsResponse,
  filterOf,
  installationsResponse,
  requestsResponse,
  type StatsQuery,
  statsQuerySchema,
} from "../stats-schemas.js";

type Panel = "installations" | "breakdowns" | "adoption" | "errors" | "requests" | "auth";

const PANELS: Record<Panel, unknown> = {
  installations: installationsResponse,
  breakdowns: breakdownsResponse,
  adoption: adoptionResponse,
  errors: errorsResponse,
  requests: requestsResponse,
  auth: authResponse,
};

export const STATS_PANELS = Object.keys(PANELS) as Panel[];

/** The service's request from a validated query string; a bad range becomes a 400. */
export function statsRequest(query: StatsQuery, stats: StatsService): StatsRequest {
  const request: StatsRequest = { from: query.from, to: query.to, filter: filterOf(query), limit: query.limit };
  try {
    stats.range(request);
  } catch (error) {
    if (error instanceof DayRangeError) {
      throw new CollectorError({ code: "invalid_query", message: error.message, path: error.path });
    }
    throw error;
  }
  return request;
}

export const statsRoutes: FastifyPluginAsync<{
  stats: StatsService;
  auth: (request: FastifyRequest) => Promise<void>;
}> = async (app, { stats, auth }) => {
  for (const panel of STATS_PANELS) {
    app.get(
      `/v1/stats/${panel}`,
      {
        schema: { querystring: statsQuerySchema, response: { 200: PANELS[panel], ...errorResponses } },
        preHandler: auth,
      },
      async (request) => stats[panel](statsRequest(request.query as StatsQuery, stats)),
    );
  }
};
