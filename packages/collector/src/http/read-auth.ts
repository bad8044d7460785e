/**
 * Who may read the query API and metrics: a holder of the read token, or,
 * when none is configured, a client on this machine. A request relayed by a
 * reverse proxy arrives from loopback too, so one that carries forwarding
 * headers is not treated as local: put a token on any collector behind a proxy.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { CollectorError } from "./errors.js";

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4 === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** A preHandler that lets the request through or throws 401/403. */
export function readAuth(options: { token: string | undefined }): (request: FastifyRequest) => Promise<void> {
  const expected = options.token === undefined ? undefined : digest(options.token);
  return async (request) => {
    if (expected) {
      const header = request.headers.authorization ?? "";
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      // compare digests: equal length, constant time, and the token's length does not leak
      if (match?.[1] && timingSafeEqual(digest(match[1]), expected)) return;
      throw new CollectorError({
        code: "unauthorized",
        message: "a valid read token is required (Authorization: Bearer <token>)",
      });
    }
    const relayed = FORWARDING_HEADERS.some((h) => request.headers[h] !== undefined);
    if (!isLoopback(request.socket.remoteAddress) || relayed) {
      throw new CollectorError({
        code: "forbidden",
        message: "without a configured read token, read endpoints answer loopback clients only",
      });
    }
  };
}
