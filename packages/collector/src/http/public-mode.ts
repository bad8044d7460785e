/**
 * Public mode (`--public`): the stats API and the dashboard answer anyone,
 * with groups of fewer than k installations suppressed (src/stats/suppress.ts),
 * and nothing that shows single events is reachable: GET /v1/events answers
 * 404 like a route that does not exist, whatever token the request carries.
 * /metrics and /v1/stats/overview keep the read auth.
 */
import type { FastifyInstance } from "fastify";
import { CollectorError } from "./errors.js";

export interface PublicMode {
  /** Smallest group shown. @default 5 */
  k: number;
}

export const DEFAULT_PUBLIC_K = 5;

/** Routes that show single events, hidden in public mode. */
const RAW_ROUTES = new Set(["GET /v1/events", "HEAD /v1/events"]);

/** Adds the onRequest hook that hides raw routes; call before routes are registered. */
export function hideRawEvents(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    if (RAW_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) {
      throw new CollectorError({ code: "not_found", message: "no such route" });
    }
  });
}
