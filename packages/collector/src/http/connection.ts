/**
 * The HTTP server under Fastify, built here so that its timeouts hold: a
 * request whose headers or body trickle in (slow-loris) is cut off after
 * HEADERS_TIMEOUT_MS or REQUEST_TIMEOUT_MS, and the client hears why in the
 * collector's error format. Left to Fastify, Node kept its 60 s headers
 * timeout and its 30 s check interval, and a trickling body held its
 * connection for 90 s whatever the request timeout said.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { FastifyServerOptions } from "fastify";
import { CollectorError, errorBody } from "./errors.js";

/** Headers are a few hundred bytes: ten seconds is generous on any link. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, its largest allowed body included. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node looks for requests past their timeout: the most a cut-off can be late. */
const CHECK_INTERVAL_MS = 1_000;
/** Fastify's own default, which it sets only on servers it builds: longer than a load balancer's idle timeout. */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

type Handler = http.RequestListener;

/** Fastify's serverFactory: plain HTTP, or HTTPS with the given certificate, with the timeouts above. */
export function serverFactory(tls?: {
  cert: Buffer | string;
  key: Buffer | string;
}): FastifyServerOptions["serverFactory"] {
  const timeouts = {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  };
  return (handler: Handler) => {
    const server = tls ? https.createServer({ ...tls, ...timeouts }, handler) : http.createServer(timeouts, handler);
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    return server;
  };
}

/** The error a client error (Node's parser gave up on the request) is answered with. */
function refusalFor(error: NodeJS.ErrnoException): CollectorError {
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return new CollectorError({ code: "request_timeout", message: "the request did not arrive in time" });
  }
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return new CollectorError({ code: "headers_too_large", message: "the request headers are too large" });
  }
  return new CollectorError({ code: "bad_request", message: "the request is not valid HTTP" });
}

/** Fastify's clientErrorHandler: Fastify's own, with the collector's error body instead of Fastify's. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // a reset connection has no one left to answer
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const refusal = refusalFor(error);
  const body = JSON.stringify(errorBody(refusal));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${refusal.statusCode} ${http.STATUS_CODES[refusal.statusCode]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
