/**
 * The example's settings, read from the environment in one place:
 *
 *   PORT, HOST                     where the server listens (3000, 127.0.0.1)
 *   BETTER_AUTH_URL                the public base URL (default: http://HOST:PORT)
 *   BETTER_AUTH_SECRET             the signing secret (default: a random one per start)
 *   DATABASE_PATH                  the SQLite file (default: data/app.sqlite)
 *   GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET   dummy values unless you register an OAuth app
 *   TELEMETRY_ENDPOINT             the collector (default: http://127.0.0.1:8787/v1/events)
 *   TELEMETRY_ADDITIONAL_DATA      merged into every event: "region=eu-west-1,environment=staging"
 *
 * The telemetry client reads its own variables as well (BETTER_AUTH_TELEMETRY=0,
 * DO_NOT_TRACK=1, BETTER_AUTH_TELEMETRY_ENDPOINT, BETTER_AUTH_TELEMETRY_DEBUG=1).
 */
import { randomBytes } from "node:crypto";
import type { AppOptions } from "./app.js";

export const DEFAULT_TELEMETRY_ENDPOINT = "http://127.0.0.1:8787/v1/events";

type Env = Record<string, string | undefined>;

/** "region=eu-west-1,environment=staging" → { region: "eu-west-1", environment: "staging" } */
export function parseAdditionalData(value: string | undefined): Record<string, string> {
  const data: Record<string, string> = {};
  for (const pair of (value ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    data[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return data;
}

export function configFromEnv(env: Env = process.env): AppOptions {
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? "127.0.0.1";
  return {
    port,
    host,
    baseURL: env.BETTER_AUTH_URL ?? `http://${host}:${port}`,
    secret: env.BETTER_AUTH_SECRET ?? randomBytes(32).toString("base64url"),
    databasePath: env.DATABASE_PATH ?? "data/app.sqlite",
    github: {
      clientId: env.GITHUB_CLIENT_ID ?? "example-github-client-id",
      clientSecret: env.GITHUB_CLIENT_SECRET ?? "example-github-client-secret",
    },
    telemetry: {
      endpoint: env.TELEMETRY_ENDPOINT ?? DEFAULT_TELEMETRY_ENDPOINT,
      additionalData: parseAdditionalData(env.TELEMETRY_ADDITIONAL_DATA),
    },
  };
}
