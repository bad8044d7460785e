/**
 * `betterAuth` from this package: Better Auth's own `betterAuth`, configured as
 * the telemetry documentation describes it, on the same call:
 *
 *   const auth = betterAuth({ database, emailAndPassword: { enabled: true },
 *     telemetry: { endpoint: "https://…/v1/events", additionalData: { region: "eu" } } });
 *   await auth.$telemetry.flush();
 *
 * It adds the capture plugin, wraps `auth.handler` (so requests Better Auth
 * answers before any plugin runs are counted too) and each `auth.api` function
 * (direct calls, reported with source `api`), and switches Better Auth's
 * built-in telemetry off so nothing is reported twice. Better Auth's own types
 * come through unchanged.
 */
import { type BetterAuthPlugin, betterAuth as createBetterAuth } from "better-auth";
import type { Telemetry, TelemetryOptions } from "../client/index.js";
import { capturePlugin, recorderOf } from "./capture-plugin.js";
import { createClient } from "./client-factory.js";
import { instrumentApi, instrumentHandler } from "./instrument.js";
import { publicClient } from "./public-client.js";
import { Recorder } from "./recorder.js";
import type { TelemetryAuth, TelemetryAuthOptions } from "./types.js";

/**
 * Better Auth's built-in telemetry (`@better-auth/telemetry`) reads `options.telemetry`
 * and also turns itself on from the environment (`BETTER_AUTH_TELEMETRY=1` with
 * `BETTER_AUTH_TELEMETRY_ENDPOINT`, the same variable this package reads), where
 * `enabled: false` cannot stop it. In debug mode it logs at `info` through a
 * logger that prints `warn` and above, and never sends: so both, together, keep
 * its raw configuration dump (custom field names, scopes) off the network.
 */
const BUILT_IN_TELEMETRY_OFF = { enabled: false, debug: true } as const;

type OnAPIError = TelemetryAuthOptions["onAPIError"];

/**
 * When the app handles API errors itself, Better Auth hands each swallowed
 * error to that handler instead of its logger: observe it there, then call the
 * app's handler exactly as before.
 */
function observeErrors(onAPIError: OnAPIError, recorder: Recorder): OnAPIError {
  const onError = onAPIError?.onError;
  if (typeof onError !== "function") return onAPIError;
  return {
    ...onAPIError,
    onError(error, ctx) {
      recorder.onSwallowedError(error, ctx);
      return onError(error, ctx);
    },
  };
}

interface Capture {
  recorder: Recorder;
  client: Telemetry;
  plugins: BetterAuthPlugin[];
}

/** The recorder and plugin list for this instance; undefined if anything about it fails (the app then runs without). */
function prepare(plugins: BetterAuthPlugin[], telemetryOptions: TelemetryOptions | undefined): Capture | undefined {
  try {
    // an app that also listed telemetry() gets one reporter, not two
    const listed = plugins.map(recorderOf).find((r) => r !== undefined);
    if (listed && telemetryOptions) {
      (telemetryOptions.logger ?? console).warn(
        "[better-auth-telemetry] telemetry() is listed in plugins: its options apply, betterAuth({ telemetry }) is ignored",
      );
    }
    const recorder = listed ?? new Recorder(createClient(telemetryOptions ?? {}), "wrapper");
    // a listed plugin keeps its onResponse and before hook; in wrapper mode they stand aside
    recorder.mode = "wrapper";
    const client = publicClient(recorder);
    return { recorder, client, plugins: listed ? plugins : [...plugins, capturePlugin(recorder, client)] };
  } catch {
    return undefined;
  }
}

export function betterAuth<Options extends TelemetryAuthOptions>(options: Options & {}): TelemetryAuth<Options> {
  const { telemetry: telemetryOptions, ...rest } = options;
  const capture = prepare((rest.plugins ?? []) as BetterAuthPlugin[], telemetryOptions);
  const auth = createBetterAuth({
    ...rest,
    ...(capture && { plugins: capture.plugins, onAPIError: observeErrors(rest.onAPIError, capture.recorder) }),
    telemetry: BUILT_IN_TELEMETRY_OFF,
  });
  const $telemetry = capture?.client ?? createClient({ enabled: false });
  // opted out (decided once, when the client is created): Better Auth as it is, nothing wrapped
  if (!capture || !$telemetry.status().enabled) return { ...auth, $telemetry } as unknown as TelemetryAuth<Options>;
  try {
    const handler = instrumentHandler(auth.handler, capture.recorder);
    return {
      ...auth,
      handler,
      fetch: handler,
      api: instrumentApi(auth.api, capture.recorder),
      $telemetry,
    } as unknown as TelemetryAuth<Options>;
  } catch {
    return { ...auth, $telemetry } as unknown as TelemetryAuth<Options>;
  }
}
