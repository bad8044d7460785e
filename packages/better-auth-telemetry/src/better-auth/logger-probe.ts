/**
 * Better Auth swallows an internal error raised inside a request: its router
 * logs it and answers a bare 500, so the class name never reaches the response.
 * The one place the error object passes is the request's logger
 * (`ctx.logger.error(error.name, error)` in the router's onError), so the
 * integration gives each request a logger that notices that call and otherwise
 * behaves exactly like the original: the same object behind it, the same output.
 *
 * The probe also carries the request's telemetry state: Better Auth hands the
 * request's context (and so its logger) to every plugin callback and hook of
 * that request, which makes the logger the one handle that reaches them all.
 */

interface LoggerLike {
  error: (...args: unknown[]) => unknown;
}

export interface ProbeState {
  /** The first error the router reported as swallowed. */
  swallowed?: { error: unknown };
}

const STATE = Symbol("better-auth-telemetry.request");

type Probe = LoggerLike & { [STATE]: ProbeState };

/** The router's report of a swallowed error: `(name, error)` for any error, `("INTERNAL_SERVER_ERROR", apiError)` for a 500 APIError. */
function reportedError(args: unknown[]): unknown {
  const [label, error] = args;
  if (typeof error !== "object" || error === null || typeof label !== "string") return undefined;
  const { name, status } = error as { name?: unknown; status?: unknown };
  if (label === name || (name === "APIError" && label === status)) return error;
  return undefined;
}

/**
 * One probe class per logger: a request's probe is then a single small object
 * whose prototype is the probe class, whose prototype is the logger. Every
 * member but `error` is the logger's own.
 */
function probeClass(logger: LoggerLike): new (state: ProbeState) => Probe {
  class LoggerProbe {
    [STATE]: ProbeState;
    constructor(state: ProbeState) {
      this[STATE] = state;
    }
  }
  Object.setPrototypeOf(LoggerProbe.prototype, logger);
  Object.defineProperty(LoggerProbe.prototype, "error", {
    configurable: true,
    writable: true,
    value(this: Probe | undefined, ...args: unknown[]) {
      try {
        const error = reportedError(args);
        const state = this?.[STATE];
        if (error !== undefined && state) state.swallowed ??= { error };
      } catch {
        // observing must never change what gets logged
      }
      return logger.error(...args);
    },
  });
  return LoggerProbe as unknown as new (
    state: ProbeState,
  ) => Probe;
}

const classes = new WeakMap<object, new (state: ProbeState) => Probe>();
// an app has one logger: remember the last pair and skip the lookup on the request path
let last: { logger: object; Class: new (state: ProbeState) => Probe } | undefined;

/** A logger that behaves as `logger` and records, in `state`, errors the router swallowed. */
export function probeLogger<T extends LoggerLike>(logger: T, state: ProbeState): T {
  if (last?.logger !== logger) {
    let Class = classes.get(logger);
    if (!Class) {
      Class = probeClass(logger);
      classes.set(logger, Class);
    }
    last = { logger, Class };
  }
  return new last.Class(state) as unknown as T;
}

/** The state a probe carries, or undefined for any other logger. */
export function probedState<S extends ProbeState>(logger: unknown): S | undefined {
  return typeof logger === "object" && logger !== null
    ? ((logger as Partial<Probe>)[STATE] as S | undefined)
    : undefined;
}
