/**
 * GET / (the dashboard page) and its static files under /dashboard/. The page
 * takes the stats API's query string and renders what the six endpoints
 * would answer; the static files carry no data and need no auth.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { statsRequest } from "../http/routes/stats.js";
import { errorResponses } from "../http/schemas.js";
import { type StatsQuery, statsQuerySchema } from "../http/stats-schemas.js";
import { DAY_MS } from "../stats/range.js";
import type { StatsService } from "../stats/stats-service.js";
import { ASSET_PATHS, loadAssets } from "./assets.js";
import { renderPage } from "./render-page.js";

/** Scripts only from here, no inline script; inline styles for the share bars' widths. */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const text = { response: { 200: { type: "string" }, ...errorResponses } } as const;

export const pageRoutes: FastifyPluginAsync<{
  stats: StatsService;
  auth: (request: FastifyRequest) => Promise<void>;
  now: () => number;
}> = async (app, { stats, auth, now }) => {
  const assets = loadAssets();
  for (const [name, path] of Object.entries(ASSET_PATHS) as [keyof typeof ASSET_PATHS, string][]) {
    const asset = assets[name];
    app.get(path, { schema: text }, async (request, reply) => {
      void reply.header("etag", asset.etag).header("cache-control", "public, max-age=3600, must-revalidate");
      if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });
  }

  app.get("/", { schema: { ...text, querystring: statsQuerySchema }, preHandler: auth }, async (request, reply) => {
    const query = statsRequest(request.query as StatsQuery, stats);
    const [installations, breakdowns, adoption, errors, requests, authStats] = await Promise.all([
      stats.installations(query),
      stats.breakdowns(query),
      stats.adoption(query),
      stats.errors(query),
      stats.requests(query),
      stats.auth(query),
    ]);
    const html = renderPage({
      stats: { installations, breakdowns, adoption, errors, requests, auth: authStats },
      search: request.url.split("?")[1] ?? "",
      origin: `${request.protocol}://${request.host}`,
      tonight: Math.floor(now() / DAY_MS) * DAY_MS + DAY_MS,
    });
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", CSP)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .send(html);
  });
};
