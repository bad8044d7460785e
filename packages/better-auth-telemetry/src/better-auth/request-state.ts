/**
 * One HTTP request's telemetry state, and how the integration finds it again:
 * the wrapper hangs it on the `Request` until Better Auth's plugin stage
 * begins, then it rides on the request's logger probe, which every callback
 * and hook of that request can reach through its context.
 */
import { now } from "./clock.js";
import { type ProbeState, probedState } from "./logger-probe.js";

export interface RequestState extends ProbeState {
  method: string;
  url: string;
  /** Monotonic start time. */
  started: number;
  /** Better Auth's plugin stage saw it: not rate-limited, not a disabled path. */
  reached: boolean;
  /** An `after` hook already reported its error or failure. */
  explained: boolean;
}

/** The parts of a hook (or hook matcher) context the integration reads. */
export interface HookContextLike {
  path?: string;
  request?: unknown;
  method?: unknown;
  params?: unknown;
  body?: unknown;
  _flag?: unknown;
  context?: { returned?: unknown; newSession?: unknown; session?: unknown } | null;
}

export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;

export function newState(request: Request): RequestState {
  let method = "GET";
  let url = "";
  try {
    method = request.method;
    url = request.url;
  } catch {
    // a Request-like object with throwing getters
  }
  return { method, url, started: now(), reached: false, explained: false };
}

/** The state of the request a Better Auth context belongs to (carried by its logger probe). */
export function stateOf(ctx: unknown): RequestState | undefined {
  const context = asRecord(ctx);
  return context ? probedState<RequestState>(context.logger) : undefined;
}

/** The wall-clock time of a monotonic timestamp. */
export const wallClockAt = (monotonic: number) => Date.now() - (now() - monotonic);

/**
 * A symbol-keyed property on the `Request` itself: a WeakMap keyed by requests
 * cost close to a microsecond per request in writes and ephemeron upkeep.
 */
const STATE = Symbol("better-auth-telemetry.request-state");

export function attachState(request: Request, state: RequestState): void {
  try {
    (request as Request & { [STATE]?: RequestState })[STATE] = state;
  } catch {
    // a frozen or exotic request: the plugin stage starts its own state
  }
}

export function attachedState(request: Request): RequestState | undefined {
  try {
    return (request as Request & { [STATE]?: RequestState })[STATE];
  } catch {
    return undefined;
  }
}
