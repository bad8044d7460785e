/**
 * Who may read the stats API and the dashboard. In public mode, anyone: that
 * is what public mode is for, and public mode only ever answers aggregates
 * with small groups suppressed. Otherwise as the rest of the read API
 * (read-auth.ts): the read token as a Bearer token, or loopback clients when
 * no token is set. A browser cannot send a Bearer header when opening a page,
 * so the token is also accepted as the password of HTTP Basic auth (any user
 * name): the browser asks for it once and sends it with every request after.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { readAuth } from "./read-auth.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** The challenge that makes a browser prompt for the token (user name: anything). */
export const BASIC_CHALLENGE = 'Basic realm="Better Auth Telemetry", charset="UTF-8"';

export function statsAuth(options: {
  token: string | undefined;
  publicMode: boolean;
}): (request: FastifyRequest) => Promise<void> {
  const bearerOrLoopback = readAuth({ token: options.token });
  const expected = options.token === undefined ? undefined : digest(options.token);
  return async (request) => {
    if (options.publicMode) return;
    if (expected) {
      const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? "");
      if (basic) {
        const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
        const password = decoded.slice(decoded.indexOf(":") + 1);
        // compare digests: equal length, constant time
        if (decoded.includes(":") && timingSafeEqual(digest(password), expected)) return;
      }
    }
    await bearerOrLoopback(request);
  };
}
