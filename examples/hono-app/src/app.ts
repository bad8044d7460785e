/**
 * The example application: Better Auth mounted on a Hono server, a SQLite file
 * for a database, reporting telemetry to a local collector. `createApp` builds
 * it without listening, so tests and demos can start it in-process on a
 * random port and stop it again.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getMigrations } from "better-auth/db/migration";
import { Hono } from "hono";
import { type Auth, type AuthOptions, createAuth } from "./auth.js";

export interface AppOptions extends AuthOptions {
  /** @default 0 (a random free port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
}

export interface RunningApp {
  url: string;
  port: number;
  /** Stops the server and the telemetry client (flushing what is queued, briefly). */
  close(): Promise<void>;
}

export interface App {
  hono: Hono;
  auth: Auth;
  /** Creates the database schema, then listens. */
  listen(): Promise<RunningApp>;
}

/** Creates or updates the tables Better Auth needs, with its own migration planner. */
export async function migrate(auth: Auth): Promise<void> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
}

export function createApp(options: AppOptions): App {
  const host = options.host ?? "127.0.0.1";
  const auth = createAuth(options);

  const hono = new Hono();
  hono.get("/", (c) => c.text("Better Auth + Hono example. Auth routes live under /api/auth/*."));
  hono.get("/healthz", (c) => c.json({ ok: true }));
  hono.on(["GET", "POST"], "/api/auth/*", (c) => auth.handler(c.req.raw));

  return {
    hono,
    auth,
    async listen() {
      await migrate(auth);
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: hono.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
      });
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://${host}:${port}`,
        port,
        async close() {
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await auth.$telemetry.shutdown({ timeoutMs: 1_000 });
        },
      };
    },
  };
}
