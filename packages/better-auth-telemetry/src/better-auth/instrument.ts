/**
 * The wrapper's view from the outside: `auth.handler` (every HTTP request,
 * including the ones Better Auth answers before any plugin runs) and each
 * `auth.api` function (direct server-side calls). The handler builds its own
 * endpoint functions, so a request through the handler never passes through
 * these `auth.api` wrappers and is not counted twice.
 */
import { now } from "./clock.js";
import type { Recorder } from "./recorder.js";

type Handler = (request: Request) => Promise<Response>;
type Endpoint = ((...args: unknown[]) => unknown) & { path?: unknown; options?: { method?: unknown } };

export function instrumentHandler(handler: Handler, recorder: Recorder): Handler {
  return function telemetryHandler(request: Request): Promise<Response> {
    const state = recorder.beginRequest(request);
    let pending: Promise<Response>;
    try {
      pending = handler(request);
    } catch (error) {
      recorder.finishRequest(state, undefined, error);
      throw error;
    }
    // the host gets Better Auth's own promise back: no extra link in its chain. This reaction is registered
    // first, so it runs before the host's and sees the response before anyone reads its body; it never
    // rejects, so the host alone handles a rejection
    pending.then(
      (response) => recorder.finishRequest(state, response),
      (error: unknown) => recorder.finishRequest(state, undefined, error),
    );
    return pending;
  };
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === "object" || typeof value === "function") &&
  value !== null &&
  typeof (value as { then?: unknown }).then === "function";

function declaredMethod(endpoint: Endpoint): string | undefined {
  const method = endpoint.options?.method;
  const first = Array.isArray(method) ? method[0] : method;
  return typeof first === "string" && first !== "*" ? first : undefined;
}

function instrumentEndpoint(endpoint: Endpoint, recorder: Recorder): Endpoint {
  const path = typeof endpoint.path === "string" ? endpoint.path : undefined;
  const method = declaredMethod(endpoint);
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const call = { path, method, input: args[0], started: now() };
    let result: unknown;
    try {
      result = endpoint.apply(this, args);
    } catch (error) {
      recorder.finishApiCall(call, undefined, error, true);
      throw error;
    }
    if (!isThenable(result)) {
      recorder.finishApiCall(call, result);
      return result;
    }
    return result.then(
      (value) => {
        recorder.finishApiCall(call, value);
        return value;
      },
      (error: unknown) => {
        recorder.finishApiCall(call, undefined, error, true);
        throw error;
      },
    );
  } as Endpoint;
  // `path` and `options` stay readable, as on Better Auth's own functions
  for (const key of Object.keys(endpoint))
    (wrapped as unknown as Record<string, unknown>)[key] = (endpoint as unknown as Record<string, unknown>)[key];
  return wrapped;
}

export function instrumentApi<T extends object>(api: T, recorder: Recorder): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(api)) {
    out[key] = typeof value === "function" ? instrumentEndpoint(value as Endpoint, recorder) : value;
  }
  return out as T;
}
