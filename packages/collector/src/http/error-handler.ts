/**
 * The one error handler. Whatever was thrown (our CollectorError, a Fastify
 * error, a bug) leaves as `{ error: { code, message, path } }` with the status
 * from ERROR_STATUS. 5xx details go to the log, never to the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { CollectorMetrics } from "../metrics.js";
import { CollectorError, errorBody } from "./errors.js";

/** Fastify's own errors, by code. */
const FASTIFY_ERRORS: Record<string, (e: FastifyError) => CollectorError> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new CollectorError({ code: "unsupported_media_type", message: "Content-Type must be application/json" }),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new CollectorError({ code: "body_too_large", message: "the body is too large" }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new CollectorError({ code: "invalid_json", message: "the body is empty" }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new CollectorError({ code: "bad_request", message: "Content-Length does not match the body" }),
};

export function toCollectorError(error: unknown): CollectorError {
  if (error instanceof CollectorError) return error;
  const e = error as Partial<FastifyError> | undefined;
  const known = typeof e?.code === "string" ? FASTIFY_ERRORS[e.code] : undefined;
  if (known) return known(e as FastifyError);
  const status = typeof e?.statusCode === "number" ? e.statusCode : 500;
  if (status === 404) return new CollectorError({ code: "not_found", message: "no such route" });
  if (status >= 400 && status < 500) {
    return new CollectorError({ code: "bad_request", message: "the request is malformed", cause: error });
  }
  return new CollectorError({ code: "internal", message: "internal error", cause: error });
}

export function installErrorHandling(app: FastifyInstance, metrics: CollectorMetrics): void {
  const send = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const e = toCollectorError(error);
    if (e.statusCode >= 500) {
      // the cause may be a store error; it never contains the client's address or headers
      request.log.error({ err: e.cause ?? error, code: e.code, route: request.routeOptions.url }, "request failed");
    }
    metrics.rejections.inc({ code: e.code });
    if (e.retryAfter !== undefined) void reply.header("retry-after", String(e.retryAfter));
    if (e.code === "unauthorized") void reply.header("www-authenticate", 'Bearer realm="telemetry-read"');
    return reply.status(e.statusCode).type("application/json").send(errorBody(e));
  };
  app.setErrorHandler((error, request, reply) => send(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    send(new CollectorError({ code: "not_found", message: "no such route" }), request, reply),
  );
}
