/**
 * The Better Auth plugin through which the recorder sees Better Auth from the
 * inside. The public `telemetry()` plugin and the `betterAuth` wrapper both use
 * it; they differ only in who reports requests (see `CaptureMode`).
 */
import type { AuthContext, BetterAuthPlugin, HookEndpointContext } from "better-auth";
import { createAuthMiddleware } from "better-auth/api";
import type { Telemetry } from "../client/index.js";
import { TELEMETRY_PLUGIN_ID } from "./config-snapshot.js";
import type { Recorder } from "./recorder.js";

const recorders = new WeakMap<object, Recorder>();
const SETTLED: Promise<void> = Promise.resolve();

/** The recorder behind a plugin this module built, so the wrapper can take over a `telemetry()` the app also listed. */
export function recorderOf(plugin: unknown): Recorder | undefined {
  return typeof plugin === "object" && plugin !== null ? recorders.get(plugin) : undefined;
}

export function capturePlugin(recorder: Recorder, telemetry: Telemetry) {
  // an opted-out app pays nothing per request: no hooks, no request callbacks
  const active = recorder.client.status().enabled;
  const plugin = {
    id: TELEMETRY_PLUGIN_ID,
    init(ctx) {
      // typed onto `auth.$context` for apps that use the plugin: `(await auth.$context).telemetry.flush()`
      const context = { telemetry };
      if (!active) return { context };
      recorder.init(ctx);
      return { context, options: { databaseHooks: creationHooks(recorder) } };
    },
    ...(active ? capture(recorder) : {}),
  } satisfies BetterAuthPlugin;
  recorders.set(plugin, recorder);
  return plugin;
}

/**
 * Tells the recorder which endpoint runs create a user or a session, so a
 * social sign-in is a sign-up exactly when it created the user. `before`
 * hooks, because `after` ones may wait for a transaction to commit; they
 * return nothing, so they change nothing.
 */
function creationHooks(recorder: Recorder) {
  return {
    user: {
      create: {
        async before(_user: unknown, endpoint: unknown) {
          recorder.created("user", endpoint);
        },
      },
    },
    session: {
      create: {
        async before(_session: unknown, endpoint: unknown) {
          recorder.created("session", endpoint);
        },
      },
    },
  };
}

/**
 * Only what the mode needs, because Better Auth calls every plugin callback
 * on every request: the wrapper finishes requests around `auth.handler` and
 * times direct calls around `auth.api`, so it needs neither `onResponse` nor
 * the `before` hook.
 */
function capture(recorder: Recorder) {
  // a settled promise, not an async function: Better Auth awaits each plugin's onRequest on every request,
  // and where promise hooks are on (Better Auth's AsyncLocalStorage) every new promise costs
  const onRequest = (request: Request, ctx: AuthContext): Promise<void> => {
    recorder.onRequest(request, ctx);
    return SETTLED;
  };
  const after = {
    matcher: (ctx: HookEndpointContext) => recorder.wantsRun(ctx),
    handler: createAuthMiddleware(async (ctx) => {
      recorder.runEnded(ctx);
    }),
  };
  if (recorder.mode === "wrapper") return { onRequest, hooks: { after: [after] } } satisfies Partial<BetterAuthPlugin>;
  return {
    onRequest,
    async onResponse(response: Response, ctx: AuthContext) {
      recorder.onResponse(response, ctx);
    },
    hooks: {
      before: [
        {
          // stamps when a direct call's endpoint run begins and never matches, so the no-op handler never runs:
          // timing a run costs one WeakMap write instead of a middleware call
          matcher: (ctx: HookEndpointContext) => {
            recorder.runStarted(ctx);
            return false;
          },
          handler: createAuthMiddleware(async () => {}),
        },
      ],
      after: [after],
    },
  } satisfies Partial<BetterAuthPlugin>;
}
