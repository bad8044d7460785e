/**
 * @module Builds the collector's Fastify instance from options: the body
 * decoder, the zod validator, the error handler, the routes and the logger
 * that never sees an IP address or a header.
 */
import type { IncomingMessage } from "node:http";
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions, LogController } from "fastify";
import { dashboardPlugin } from "../dashboard/dashboard-plugin.js";
import { decodeJsonBody } from "../ingest/decode.js";
import { type CollectorMetrics, createMetrics } from "../metrics.js";
import type { EventStore } from "../store/event-store.js";
import { applyTimeouts, clientErrorHandler, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from "./connection.js";
import { installErrorHandling } from "./error-handler.js";
import { CollectorError } from "./errors.js";
import { hideRawEvents, type PublicMode } from "./public-mode.js";
import { eraseRoute } from "./routes/erase.js";
import { healthRoutes } from "./routes/health.js";
import { ingestRoute } from "./routes/ingest.js";
import { metricsRoute } from "./routes/metrics.js";
import { queryRoutes } from "./routes/query.js";
import { trackRoute } from "./routes/track.js";
import { type CollectorLimits, createServices, DEFAULT_LIMITS, type Services } from "./services.js";
import { zodValidatorCompiler } from "./validator.js";

export interface AppOptions {
  store: EventStore;
  /** Read endpoints require `Authorization: Bearer <readToken>`; without one they answer loopback clients only. */
  readToken?: string;
  /** Overrides of DEFAULT_LIMITS. */
  limits?: Partial<CollectorLimits>;
  /** Fastify's trustProxy: take the client IP (for the per-IP limit only) from X-Forwarded-For. @default false */
  trustProxy?: boolean | number | string;
  /** Certificate and key to serve HTTPS directly. */
  https?: { cert: Buffer | string; key: Buffer | string };
  /** pino level: fatal, error, warn, info, debug, trace or silent. @default "info" */
  logLevel?: string;
  /** @default a fresh registry with the default process metrics */
  metrics?: CollectorMetrics;
  /** Public mode: the dashboard and stats API open to anyone, groups under k suppressed, raw events hidden. */
  publicMode?: PublicMode;
}

export interface CollectorApp {
  app: FastifyInstance;
  services: Services;
}

/** Request logs carry the method, the route template and the status: never the address, the URL's query or a header. */
function loggerOptions(level: string): FastifyServerOptions["logger"] {
  return {
    level,
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url ?? "unmatched",
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

export async function buildApp(options: AppOptions): Promise<CollectorApp> {
  const limits: CollectorLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (limits.maxQueuedEvents < 500) throw new Error("maxQueuedEvents must hold at least one full batch (500 events)");
  const metrics = options.metrics ?? createMetrics();

  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? "info"),
    // no per-request info lines; onResponse logs one at debug level, without the address
    logController: new LogController({ disableRequestLogging: true }),
    // a client-chosen request id would end up in every log line of the request
    requestIdHeader: false,
    // Fastify accepts a hop count too, though its types omit it
    trustProxy: (options.trustProxy ?? false) as boolean | string,
    bodyLimit: limits.maxBodyBytes,
    // our onRequest hook answers during shutdown, in our error format and with Retry-After
    return503OnClosing: false,
    // slow-loris requests are cut off in bounded time (with applyTimeouts below), and told so in our error format
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(options.https ? { https: { ...options.https, handshakeTimeout: HEADERS_TIMEOUT_MS } } : {}),
    clientErrorHandler: clientErrorHandler(metrics),
  }) as unknown as FastifyInstance;
  applyTimeouts(app.server);

  const services = createServices({
    store: options.store,
    metrics,
    limits,
    readToken: options.readToken,
    onCommitError: (error) => app.log.error({ err: error }, "commit failed; its requests got 503"),
  });

  app.setValidatorCompiler(zodValidatorCompiler);
  installErrorHandling(app, metrics);

  // one parser for JSON bodies, with our limits and gzip; every other content type is refused with 415
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", (request: FastifyRequest, payload: IncomingMessage) =>
    decodeJsonBody({
      stream: payload,
      contentLength: request.headers["content-length"],
      contentEncoding: request.headers["content-encoding"],
      limits,
    }),
  );

  app.addHook("onRequest", async (_request, reply) => {
    if (services.state.draining) {
      void reply.header("connection", "close");
      throw new CollectorError({ code: "shutting_down", message: "the collector is shutting down", retryAfter: 5 });
    }
  });
  app.addHook("onSend", async (_request, reply) => {
    // keep-alive connections would otherwise outlive the drain
    if (services.state.draining) void reply.header("connection", "close");
  });
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    services.metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    request.log.debug({ route, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request");
  });

  if (options.publicMode) hideRawEvents(app);

  const plugin = { services };
  await app.register(ingestRoute, plugin);
  await app.register(trackRoute, plugin);
  await app.register(queryRoutes, plugin);
  await app.register(eraseRoute, plugin);
  await app.register(healthRoutes, plugin);
  await app.register(metricsRoute, plugin);
  await app.register(dashboardPlugin, { services, publicMode: options.publicMode });
  return { app, services };
}
