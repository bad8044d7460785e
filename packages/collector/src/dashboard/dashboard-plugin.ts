/**
 * @module The dashboard and the stats API it reads, as one Fastify plugin:
 * GET / and /dashboard/* (page-routes.ts), GET /v1/stats/{installations,
 * breakdowns, adoption, errors, requests, auth} (http/routes/stats.ts).
 */
import type { FastifyPluginAsync } from "fastify";
import type { PublicMode } from "../http/public-mode.js";
import { statsRoutes } from "../http/routes/stats.js";
import type { Services } from "../http/services.js";
import { BASIC_CHALLENGE, statsAuth } from "../http/stats-auth.js";
import { StatsService } from "../stats/stats-service.js";
import { pageRoutes } from "./page-routes.js";

export interface DashboardPluginOptions {
  services: Services;
  /** Public mode: open to anyone, groups under k suppressed. Absent: read auth, every group shown. */
  publicMode?: PublicMode;
  /** @default Date.now */
  now?: () => number;
}

export const dashboardPlugin: FastifyPluginAsync<DashboardPluginOptions> = async (app, options) => {
  const now = options.now ?? Date.now;
  const stats = new StatsService({ store: options.services.store, k: options.publicMode?.k ?? null, now });
  const auth = statsAuth({ token: options.services.readToken, publicMode: options.publicMode !== undefined });
  // a browser prompts for credentials on a Basic challenge only (the shared error handler names Bearer)
  app.addHook("onSend", async (_request, reply) => {
    if (reply.statusCode === 401)
      void reply.header("www-authenticate", `${BASIC_CHALLENGE}, Bearer realm="telemetry-read"`);
  });
  await app.register(statsRoutes, { stats, auth });
  await app.register(pageRoutes, { stats, auth, now });
};
