/**
 * The CLI as a user runs it: a separate Node process, a clean environment,
 * and for `preview` the example app's TypeScript auth module, loaded by a
 * bundled CLI in a process without any TypeScript loader (so tsx's API does
 * the loading, and the app's copy of the integration is not the CLI's copy).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sink, startSink } from "../support/sink.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const EXAMPLE = join(ROOT, "examples/hono-app");
const PACKAGE = join(ROOT, "packages/better-auth-telemetry");
// inside the repository, so the bundle's bare imports (better-auth, tsx) resolve from its node_modules
const BUNDLE_DIR = join(ROOT, "node_modules/.cache/better-auth-telemetry-cli-test");
const CLI = join(BUNDLE_DIR, "main.mjs");

let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "bat-cli-"));
  mkdirSync(BUNDLE_DIR, { recursive: true });
  await build({
    entryPoints: [join(ROOT, "packages/better-auth-telemetry/src/cli/main.ts")],
    outfile: CLI,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["source"],
    external: ["better-auth", "better-auth/*", "tsx", "tsx/*"],
    logLevel: "silent",
  });
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

/** Runs the CLI with only the variables given (plus PATH and HOME): no test runner variables. */
async function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const { stdout } = await run(process.execPath, ["--conditions=source", CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: home, ...env },
    timeout: 60_000,
  });
  return stdout;
}

describe("better-auth-telemetry status", () => {
  it("is on by default and says where the installation id will be kept", async () => {
    const out = await cli(["status"]);
    expect(out).toContain("Telemetry:        enabled");
    expect(out).toContain("Decided by:       default");
    expect(out).toContain("Endpoint:         https://");
    expect(out).toContain(`${home}/.config/better-auth-telemetry/installation-id (not created yet`);
  });

  it.each([
    [{ DO_NOT_TRACK: "1" }, "env:DO_NOT_TRACK"],
    [{ BETTER_AUTH_TELEMETRY: "0" }, "env:BETTER_AUTH_TELEMETRY"],
    [{ BETTER_AUTH_TELEMETRY: "1", DO_NOT_TRACK: "true" }, "env:DO_NOT_TRACK"],
    [{ NODE_ENV: "test" }, "test-runner"],
    [{ BETTER_AUTH_TELEMETRY_ENDPOINT: "http://collector.example/v1/events" }, "insecure-endpoint"],
  ])("names the deciding signal for %j", async (env, reason) => {
    const report = JSON.parse(await cli(["status", "--json"], env));
    expect(report).toMatchObject({ enabled: false, reason });
  });

  it("reports a pinned installation id and an endpoint from the environment", async () => {
    const report = JSON.parse(
      await cli(["status", "--json"], {
        BETTER_AUTH_TELEMETRY_ID: "0191d5a4-2b7c-4d9e-8f10-123456789abc",
        BETTER_AUTH_TELEMETRY_ENDPOINT: "https://collector.example/v1/events",
      }),
    );
    expect(report).toMatchObject({
      enabled: true,
      endpoint: "https://collector.example/v1/events",
      installationId: { storage: "env:BETTER_AUTH_TELEMETRY_ID" },
    });
  });
});

describe("better-auth-telemetry preview", () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  const appEnv = () => ({
    DATABASE_PATH: join(home, "preview.sqlite"),
    BETTER_AUTH_SECRET: "preview-secret-0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    BETTER_AUTH_URL: "https://auth.preview-app.example",
    TELEMETRY_ENDPOINT: sink.url,
    TELEMETRY_ADDITIONAL_DATA: "region=eu-west-1,environment=staging",
    // would switch Better Auth's built-in telemetry on and point it at the sink: the preview must still send nothing
    BETTER_AUTH_TELEMETRY: "1",
    BETTER_AUTH_TELEMETRY_ENDPOINT: sink.url,
  });

  it("prints the exact init batch of the example app, loaded from TypeScript, and sends nothing", async () => {
    const result = JSON.parse(await cli(["preview", "--config", "./src/lib/auth.ts", "--json"], appEnv(), EXAMPLE));
    expect(result.integrated).toBe(true);
    expect(result.status).toMatchObject({ enabled: true, endpoint: sink.url });
    expect(result.batches).toHaveLength(1);
    const [batch] = result.batches;
    expect(batch).toMatchObject({
      v: 1,
      idKind: "persistent",
      context: { runtime: "node" },
      additionalData: { region: "eu-west-1", environment: "staging" },
    });
    expect(batch.events).toHaveLength(1);
    expect(batch.events[0]).toMatchObject({
      type: "init",
      props: {
        betterAuthVersion: "1.7.25",
        database: { kind: "sqlite", adapter: "kysely" },
        socialProviders: ["github"],
        features: { emailAndPassword: true, rateLimit: true },
      },
    });
    const text = JSON.stringify(result.batches);
    for (const needle of ["preview-secret", "preview-app.example", "example-github-client"])
      expect(text).not.toContain(needle);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.requests).toHaveLength(0);
  });

  it("shows the payload of an opted-out app too, and says it is off", async () => {
    const out = await cli(["preview", "--config", "./src/lib/auth.ts"], { ...appEnv(), DO_NOT_TRACK: "1" }, EXAMPLE);
    expect(out).toContain("Telemetry is off (env:DO_NOT_TRACK");
    expect(out).toContain("Nothing was sent.");
    expect(out).toContain('"type": "init"');
    expect(sink.requests).toHaveLength(0);
  });

  it("uses the app's telemetry options for status --config", async () => {
    const report = JSON.parse(await cli(["status", "--config", "./src/lib/auth.ts", "--json"], appEnv(), EXAMPLE));
    expect(report).toMatchObject({ enabled: true, reason: "env:BETTER_AUTH_TELEMETRY", endpoint: sink.url });
  });

  it("previews an app that uses the plugin form", async () => {
    const result = JSON.parse(
      await cli(["preview", "--config", "./test/cli/fixtures/plugin-auth.ts", "--json"], {}, PACKAGE),
    );
    expect(result.integrated).toBe(true);
    expect(result.batches[0]).toMatchObject({
      additionalData: { tier: "free" },
      events: [
        {
          type: "init",
          props: { plugins: ["username"], customPluginCount: 0, database: { kind: "memory", adapter: "memory" } },
        },
      ],
    });
  });

  it("shows an app that does not use this package yet what it would send", async () => {
    const result = JSON.parse(
      await cli(["preview", "--config", "./test/cli/fixtures/plain-auth.ts", "--json"], {}, PACKAGE),
    );
    expect(result.integrated).toBe(false);
    expect(result.batches[0].events[0]).toMatchObject({ type: "init", props: { socialProviders: ["google"] } });
    expect(JSON.stringify(result)).not.toContain("fixture-google");
  });

  it("fails clearly without --config or with a module that exports no auth instance", async () => {
    await expect(cli(["preview"])).rejects.toMatchObject({ code: 1 });
    await expect(cli(["preview", "--config", "./package.json"], {}, EXAMPLE)).rejects.toMatchObject({ code: 1 });
  });
});
