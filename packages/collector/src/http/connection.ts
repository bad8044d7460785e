/**
 * How long a request may take to arrive, and what a client whose request
 * never arrives whole (slow-loris) is told. Fastify's own `requestTimeout`
 * is not enough: Node kept its 60 s headers timeout and checked every 30 s,
 * so a trickling body held its connection for 90 s whatever the request
 * timeout said.
 */
import http from "node:http";
import type { Socket } from "node:net";
import type { CollectorMetrics } from "../metrics.js";
import { CollectorError, errorBody } from "./errors.js";

/** Headers are a few hundred bytes: ten seconds is generous on any link. The TLS handshake gets as long. */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, its largest allowed body included. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node looks for requests past their timeout: the most a cut-off can be late. */
const CHECK_INTERVAL_MS = 1_000;

/** Sets what Fastify leaves at Node's defaults. Before `listen`: Node reads the check interval when it starts listening. */
export function applyTimeouts(server: http.Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  (server as http.Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CHECK_INTERVAL_MS;
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

/** Fastify's clientErrorHandler: Fastify's own, with the collector's error body, counted like every other refusal. */
export function clientErrorHandler(metrics: CollectorMetrics) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    // a reset connection has no one left to answer
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const refusal = refusalFor(error);
    metrics.rejections.inc({ code: refusal.code });
    const body = JSON.stringify(errorBody(refusal));
    // as Node's own handler: a response already under way cannot be followed by another
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      socket.write(
        `HTTP/1.1 ${refusal.statusCode} ${http.STATUS_CODES[refusal.statusCode]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
