/** The example app on its own: configuration from the environment, and a server that starts, answers and reports. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startSink } from "../../../packages/better-auth-telemetry/test/support/sink.js";
import { createApp } from "../src/app.js";
import { configFromEnv, DEFAULT_TELEMETRY_ENDPOINT, parseAdditionalData } from "../src/config.js";

describe("configFromEnv", () => {
  it("reads the telemetry endpoint and additionalData from the environment", () => {
    const config = configFromEnv({
      PORT: "4100",
      TELEMETRY_ENDPOINT: "http://127.0.0.1:9999/v1/events",
      TELEMETRY_ADDITIONAL_DATA: "region=us-east-1, environment=staging,broken,=x",
      BETTER_AUTH_SECRET: "s",
    });
    expect(config).toMatchObject({
      port: 4100,
      host: "127.0.0.1",
      baseURL: "http://127.0.0.1:4100",
      secret: "s",
      telemetry: {
        endpoint: "http://127.0.0.1:9999/v1/events",
        additionalData: { region: "us-east-1", environment: "staging" },
      },
    });
  });

  it("has working defaults: a local collector, a random secret, a file database", () => {
    const a = configFromEnv({});
    const b = configFromEnv({});
    expect(a.telemetry?.endpoint).toBe(DEFAULT_TELEMETRY_ENDPOINT);
    expect(a.databasePath).toBe("data/app.sqlite");
    expect(a.secret).not.toBe(b.secret);
    expect(parseAdditionalData(undefined)).toEqual({});
  });
});

describe("createApp", () => {
  it("creates its schema, serves Better Auth under /api/auth, and reports to the collector", async () => {
    const sink = await startSink();
    const dir = mkdtempSync(join(tmpdir(), "example-app-"));
    const app = createApp({
      secret: "example-test-secret-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
      databasePath: join(dir, "nested", "app.sqlite"),
      github: { clientId: "id", clientSecret: "secret" },
      telemetry: {
        enabled: true,
        endpoint: sink.url,
        installationIdPath: false,
        additionalData: { region: "eu-west-1" },
      },
    });
    const running = await app.listen();
    try {
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${running.url}/api/auth/ok`)).json()).toEqual({ ok: true });
      expect((await fetch(`${running.url}/api/auth/get-session`)).status).toBe(200);
      await app.auth.$telemetry.flush();
      const events = sink.batches().flatMap((b) => b.events);
      expect(events.map((e) => e.type).sort()).toEqual(["api_request", "api_request", "init"]);
      expect(sink.batches()[0]!.additionalData).toEqual({ region: "eu-west-1" });
    } finally {
      await running.close();
      await sink.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
