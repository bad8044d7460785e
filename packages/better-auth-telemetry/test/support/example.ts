/**
 * Starts the example application (examples/hono-app) in-process on a free
 * port, with a throwaway SQLite file, and drives it through a short, fixed
 * stretch of real traffic.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppOptions, createApp } from "../../../../examples/hono-app/src/app.js";
import type { TelemetryOptions } from "../../src/client/index.js";
import { cookieHeader, get, post } from "./http.js";

export interface StartedExample {
  url: string;
  auth: ReturnType<typeof createApp>["auth"];
  close(): Promise<void>;
}

export async function startExample(
  telemetry: TelemetryOptions,
  extra: Partial<AppOptions> = {},
): Promise<StartedExample> {
  const dir = mkdtempSync(join(tmpdir(), "bat-example-"));
  const example = createApp({
    secret: "scenario-secret-1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e",
    databasePath: join(dir, "app.sqlite"),
    github: { clientId: "scenario-client-id", clientSecret: "scenario-client-secret" },
    logger: { level: "error", log: () => {} },
    telemetry: { installationIdPath: false, logger: { warn() {}, debug() {} }, ...telemetry },
    ...extra,
  });
  const running = await example.listen();
  return {
    url: running.url,
    auth: example.auth,
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sign-up, duplicate, sign-in good and bad, a validation error, an unknown
 * route, an OAuth callback failure, a session read, and a rate-limited burst.
 * Returns each request's status and duration, in order.
 */
export async function runScenario(baseURL: string): Promise<{ statuses: number[]; durations: number[] }> {
  // Better Auth's in-memory rate limiter is shared by every instance in a process: each run gets its own addresses
  const [a, b] = [1 + Math.floor(Math.random() * 250), 1 + Math.floor(Math.random() * 250)];
  const [ip, ip1, ip2] = [`198.18.${a}.${b}`, `198.19.${a}.${b}`, `198.20.${a}.${b}`];
  const api = `${baseURL}/api/auth`;
  const user = {
    email: `user-${Math.random().toString(36).slice(2)}@example.com`,
    password: "scenario-password-1",
    name: "Scenario",
  };
  const statuses: number[] = [];
  const durations: number[] = [];
  const time = async <T extends { status: number }>(request: Promise<T>): Promise<T> => {
    const start = performance.now();
    const reply = await request;
    durations.push(performance.now() - start);
    statuses.push(reply.status);
    return reply;
  };
  await time(post(`${api}/sign-up/email`, user, { ip }));
  await time(post(`${api}/sign-up/email`, user, { ip }));
  const signIn = await time(post(`${api}/sign-in/email`, { email: user.email, password: user.password }, { ip }));
  await time(post(`${api}/sign-in/email`, { email: user.email, password: "nope-nope-nope" }, { ip }));
  await time(post(`${api}/sign-up/email`, { email: 7 }, { ip: ip1 }));
  await time(get(`${api}/unknown/route`, { ip }));
  await time(get(`${api}/callback/github?code=c&state=s`, { ip }));
  await time(get(`${api}/get-session`, { ip, cookie: cookieHeader(signIn.cookies) }));
  for (let i = 0; i < 6; i++)
    await time(post(`${api}/sign-in/email`, { email: user.email, password: "x-x-x-x-x" }, { ip: ip2 }));
  return { statuses, durations };
}

/** Indexes of runScenario's requests that hash no password: each takes a few milliseconds. */
export const CHEAP_REQUESTS = [5, 6, 7];

/** What runScenario's requests answer when telemetry is working, off, or failing: the same. */
export const SCENARIO_STATUSES = [200, 422, 200, 401, 400, 404, 302, 200, 401, 401, 401, 401, 401, 429];
