/** The example Better Auth app, started in this process, reporting to a given collector URL. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TelemetryOptions } from "better-auth-telemetry";
import { createApp, type RunningApp } from "../../../examples/hono-app/src/app.js";

export const APP_SECRET = "e2e-app-secret-2b7f9c4e1a8d6f3b5c0e9a7d4f2b8c6e";
export const GITHUB = { clientId: "Iv1.e2e-client-id-7788", clientSecret: "e2e-github-secret-5d4c3b2a1f0e" };

export async function startApp(
  endpoint: string,
  telemetry: Partial<TelemetryOptions> = {},
): Promise<RunningApp & { dir: string; telemetry: ReturnType<typeof createApp>["auth"]["$telemetry"] }> {
  const dir = mkdtempSync(join(tmpdir(), "bat-e2e-app-"));
  const app = createApp({
    baseURL: "http://auth.e2e.example",
    secret: APP_SECRET,
    databasePath: join(dir, "app.sqlite"),
    github: GITHUB,
    logger: { level: "error", log: () => {} },
    telemetry: {
      enabled: true,
      endpoint,
      flushIntervalMs: 200,
      timeoutMs: 1000,
      installationIdPath: join(dir, "installation-id"),
      additionalData: { region: "eu-west-1", environment: "e2e" },
      logger: { warn() {}, debug() {} },
      ...telemetry,
    },
  });
  return { ...(await app.listen()), dir, telemetry: app.auth.$telemetry };
}
