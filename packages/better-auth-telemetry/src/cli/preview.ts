/**
 * `better-auth-telemetry preview --config ./src/lib/auth.ts`: loads the app's
 * auth module in this process and shows the exact `init` batch it would send,
 * sending nothing. The integration's clients are swapped, through its one
 * seam, for clients in debug mode that hand each batch to the preview
 * (`onPayload`) instead of sending it.
 * An app that does not use this package yet is shown what it would send.
 */
import { resolve } from "node:path";
import { setClientFactory } from "../better-auth/client-factory.js";
import { configSnapshot } from "../better-auth/config-snapshot.js";
import { createTelemetry, type Telemetry, type TelemetryOptions } from "../client/index.js";
import { loadModule } from "./load-module.js";
import { describeStatus, type StatusReport } from "./status.js";

export interface PreviewResult {
  /** What the app's own settings and this environment decide. */
  status: StatusReport;
  /** Whether the auth instance reports through better-auth-telemetry (wrapper or plugin). */
  integrated: boolean;
  /** Each batch the client would have sent, as JSON. */
  batches: unknown[];
  /** Fields the client's guard dropped, with why. */
  dropped: string[];
}

interface AuthLike {
  handler: unknown;
  $context: PromiseLike<unknown>;
}

const isAuth = (value: unknown): value is AuthLike =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as AuthLike).handler === "function" &&
  typeof (value as AuthLike).$context?.then === "function";

/** Better Auth instances among a module's exports: `auth`, the default export, or any other. */
function findAuth(module: Record<string, unknown>): AuthLike[] {
  const candidates = [
    module.auth,
    module.default,
    (module.default as Record<string, unknown> | undefined)?.auth,
    ...Object.values(module),
  ];
  return [...new Set(candidates.filter(isAuth))];
}

/** Debug mode reports each field the privacy guard drops as `dropped <path>: <reason>`. */
function dropLogger(dropped: string[]) {
  return {
    warn() {},
    debug(message: string) {
      if (message.startsWith("dropped ")) dropped.push(message.slice("dropped ".length));
    },
  };
}

export async function preview(options: { config: string; cwd: string }): Promise<PreviewResult> {
  const batches: unknown[] = [];
  const dropped: string[] = [];
  const appOptions: TelemetryOptions[] = [];
  const clients: Telemetry[] = [];
  const logger = dropLogger(dropped);
  const endpoint = process.env.BETTER_AUTH_TELEMETRY_ENDPOINT;
  // Better Auth's built-in telemetry posts its own init to this variable's URL when it is set: not during a preview
  delete process.env.BETTER_AUTH_TELEMETRY_ENDPOINT;
  // opt-outs decide whether the app sends; the preview shows what it would send either way
  const env = { BETTER_AUTH_TELEMETRY: undefined, DO_NOT_TRACK: undefined, BETTER_AUTH_TELEMETRY_ENDPOINT: endpoint };
  const printing = (options: TelemetryOptions) =>
    createTelemetry({
      ...options,
      enabled: true,
      // debug: the batch is built, guarded and handed to onPayload exactly as for sending, then not sent
      debug: true,
      logger,
      onPayload: (batch) => batches.push(batch),
      env: { ...options.env, ...env },
      flushIntervalMs: 3_600_000,
    });
  setClientFactory((telemetryOptions) => {
    appOptions.push(telemetryOptions);
    const client = printing(telemetryOptions);
    clients.push(client);
    return client;
  });
  try {
    const module = await loadModule(resolve(options.cwd, options.config), options.cwd);
    const auths = findAuth(module);
    if (auths.length === 0)
      throw new Error(
        `${options.config} exports no Better Auth instance (export it as \`auth\` or as the default export)`,
      );
    const contexts = await Promise.all(auths.map((auth) => auth.$context));
    const integrated = clients.length > 0;
    if (!integrated) {
      for (const ctx of contexts) {
        const client = printing({});
        client.track("init", configSnapshot(ctx as never));
        clients.push(client);
      }
    }
    for (const client of clients) await client.flush({ timeoutMs: 5_000 });
    const restoredEnv = { ...process.env, BETTER_AUTH_TELEMETRY_ENDPOINT: endpoint };
    return { status: describeStatus(appOptions[0] ?? {}, restoredEnv), integrated, batches, dropped };
  } finally {
    setClientFactory(undefined);
    if (endpoint !== undefined) process.env.BETTER_AUTH_TELEMETRY_ENDPOINT = endpoint;
  }
}

export function formatPreview(result: PreviewResult): string {
  const { status } = result;
  const lines = [
    result.integrated
      ? `Telemetry is ${status.enabled ? "enabled" : `off (${status.reason}: ${status.explanation})`}; it sends to ${status.endpoint}.`
      : "This auth instance does not report through better-auth-telemetry; this is what it would send with it.",
    `Nothing was sent. The ${result.batches.length === 1 ? "batch" : `${result.batches.length} batches`} it would send:`,
    "",
    ...result.batches.map((batch) => JSON.stringify(batch, null, 2)),
  ];
  if (result.dropped.length) lines.push("", "Dropped by the privacy guard:", ...result.dropped.map((d) => `  ${d}`));
  return lines.join("\n");
}
