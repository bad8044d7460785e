/**
 * The one implementation of event capture, shared by the `telemetry()` plugin
 * and the `betterAuth` wrapper. It is fed from four places:
 *
 *   - the plugin's `init` (once per auth instance): the route table and `init`;
 *   - the HTTP request, begun and finished either by the wrapper around
 *     `auth.handler` (which sees every request, rate-limited ones included) or,
 *     for the plugin alone, by its `onRequest`/`onResponse`: `api_request`, and
 *     errors no hook saw;
 *   - the plugin's `after` hook, which runs after every endpoint, for handler
 *     requests and direct `auth.api` calls alike: `error`, `auth_success`,
 *     `auth_failure`;
 *   - the wrapper around each `auth.api` function: `api_request` with source `api`.
 *
 * Every entry point swallows its own failures: telemetry never throws into the host.
 */
import type { Telemetry, TrackInput } from "../client/index.js";
import { type AppFacts, type AuthContextLike, appFacts, NO_FACTS } from "./app-facts.js";
import { now } from "./clock.js";
import { configSnapshot } from "./config-snapshot.js";
import { describeError, failureReason, isApiError, responseErrorCode, thrownStatus } from "./errors.js";
import { probeLogger } from "./logger-probe.js";
import { failureEvent, outcomeEvents, type TelemetryEvent } from "./outcome.js";
import {
  attachedState,
  attachState,
  type HookContextLike,
  newState,
  type RequestState,
  asRecord as record,
  stateOf,
  wallClockAt,
} from "./request-state.js";
import { pathnameOf, UNKNOWN_ROUTE } from "./routes.js";

/** `plugin`: the plugin alone reports requests. `wrapper`: the `betterAuth` wrapper does, around `auth.handler` and `auth.api`. */
export type CaptureMode = "plugin" | "wrapper";

interface Run {
  started: number;
  startedAt: number;
}

export class Recorder {
  private facts: AppFacts = NO_FACTS;
  private readonly initialised = new WeakSet<object>();
  /** When each endpoint run began, by its `ctx.context` (one object per run, shared by its before and after hooks). */
  private readonly runs = new WeakMap<object, Run>();
  /** Endpoint runs (by `ctx.context`) that created a user, and that created a session. */
  private readonly createdUsers = new WeakSet<object>();
  private readonly createdSessions = new WeakSet<object>();
  /** APIErrors an `after` hook reported, so the `auth.api` wrapper does not report them again when they are thrown. */
  private readonly reported = new WeakSet<object>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    readonly client: Telemetry,
    public mode: CaptureMode,
  ) {}

  /** Plugin `init`: once per auth context. */
  init(ctx: AuthContextLike): void {
    try {
      if (this.initialised.has(ctx)) return;
      this.initialised.add(ctx);
      this.facts = appFacts(ctx);
      this.track("init", configSnapshot(ctx));
    } catch {
      // a context this version does not understand: report nothing rather than break start-up
    }
  }

  /** The wrapper, as a request enters `auth.handler`. */
  beginRequest(request: Request): RequestState {
    const state = newState(request);
    attachState(request, state);
    return state;
  }

  /** Plugin `onRequest`: the request passed rate limiting and disabled paths. */
  onRequest(request: Request, ctx: AuthContextLike): void {
    try {
      const state = attachedState(request) ?? newState(request);
      state.reached = true;
      // ctx is this request's own copy of the auth context: the probe lives and dies with the request
      const logger = ctx.logger as { error?: unknown } | undefined;
      if (logger && typeof logger.error === "function") ctx.logger = probeLogger(logger as never, state);
    } catch {
      // observing only
    }
  }

  /** Plugin `onResponse`: finishes the request when the plugin alone is reporting. */
  onResponse(response: Response, ctx: AuthContextLike): void {
    if (this.mode !== "plugin") return;
    const state = stateOf(ctx);
    if (state) this.finishRequest(state, response);
  }

  /** The wrapper's `onAPIError.onError`: Better Auth hands over the error it swallows (and skips its logger). */
  onSwallowedError(error: unknown, ctx: unknown): void {
    const state = stateOf(ctx);
    if (state) state.swallowed ??= { error };
  }

  /** A database `create.before` hook: the endpoint run that `endpoint` belongs to creates a user or a session. */
  created(model: "user" | "session", endpoint: unknown): void {
    const run = record(record(endpoint)?.context);
    if (run) (model === "user" ? this.createdUsers : this.createdSessions).add(run);
  }

  /** A `before` hook matcher: stamps when a direct call's endpoint run begins (a request's state already knows). */
  runStarted(hook: HookContextLike): void {
    try {
      if (hook.context && !this.viaRouter(hook)) this.runs.set(hook.context, { started: now(), startedAt: Date.now() });
    } catch {
      // observing only
    }
  }

  /** The `after` hook's matcher: only runs with something to report pay for the hook. */
  wantsRun(hook: HookContextLike): boolean {
    try {
      const c = hook.context;
      if (!c) return false;
      if (c.newSession || isApiError(c.returned)) return true;
      return this.mode === "plugin" && !this.viaRouter(hook);
    } catch {
      return false;
    }
  }

  /** The `after` hook: what the endpoint run means. */
  runEnded(hook: HookContextLike): void {
    try {
      const c = hook.context ?? {};
      const returned = c.returned;
      const route = this.facts.routes.template(hook.path);
      const state = stateOf(c);
      const run = this.runs.get(c);
      const events = outcomeEvents({
        route,
        returned,
        newSession: c.newSession,
        sessionCreated: this.createdSessions.has(c),
        userCreated: this.createdUsers.has(c),
        hadSession: Boolean(c.session),
        startedAt: run?.startedAt ?? (state && wallClockAt(state.started)),
        providerParam: record(hook.params)?.id,
        providerBody: record(hook.body)?.provider,
        configuredProviders: this.facts.configuredProviders,
        knownCodes: this.facts.knownCodes,
      });
      for (const event of events) this.emit(event);
      if (events.some((e) => e.type === "error" || e.type === "auth_failure")) {
        if (state) state.explained = true;
        if (isApiError(returned)) this.reported.add(returned);
      }
      // the plugin alone has no wrapper around auth.api: direct calls are reported from here
      if (this.mode === "plugin" && !state && !this.viaRouter(hook)) {
        this.track("api_request", {
          route,
          method: this.facts.routes.methodOf(hook.path) ?? "GET",
          status: isApiError(returned) ? returned.statusCode : 200,
          durationMs: run ? now() - run.started : 0,
          source: "api",
        });
      }
    } catch {
      // observing only
    }
  }

  /** Ends a request through `auth.handler`: its `api_request`, and any error no hook reported. */
  finishRequest(state: RequestState, response?: Response, thrown?: unknown): void {
    try {
      const status = response ? response.status : thrownStatus(thrown);
      const route = this.facts.routes.match(state.method, pathnameOf(state.url));
      this.track("api_request", {
        route,
        method: state.method,
        status,
        durationMs: now() - state.started,
        source: "handler",
      });
      if (response === undefined) {
        // thrown out of auth.handler (onAPIError.throw, or a failure before the router): the host sees it, so do we
        if (status >= 400 && !(isApiError(thrown) && this.reported.has(thrown))) this.reportError(thrown, route);
        return;
      }
      if (state.explained || !state.reached || route === UNKNOWN_ROUTE || status < 400) return;
      if (state.swallowed) {
        this.reportError(state.swallowed.error, route);
        return;
      }
      const copy = response.clone(); // before the host reads the body
      this.background(async () => {
        const code = await responseErrorCode(copy).catch(() => undefined);
        if (code === undefined && status < 500) return; // not an error Better Auth raised
        this.emit({ type: "error", props: { type: code ? "APIError" : undefined, code, status, route } });
        const failure = failureEvent(route, code ?? "INTERNAL_SERVER_ERROR", {
          configuredProviders: this.facts.configuredProviders,
        });
        if (failure) this.emit(failure);
      });
    } catch {
      // observing only
    }
  }

  /** Ends a direct `auth.api` call (wrapper). */
  finishApiCall(
    call: { path?: string; method?: string; input?: unknown; started: number },
    value: unknown,
    thrown?: unknown,
    failed = false,
  ): void {
    try {
      const route = this.facts.routes.template(call.path);
      const input = record(call.input);
      let status = 200;
      if (failed) status = thrownStatus(thrown);
      else if (value instanceof Response) status = value.status;
      else if (input?.returnStatus && typeof record(value)?.status === "number")
        status = record(value)?.status as number;
      this.track("api_request", {
        route,
        method: call.method ?? this.facts.routes.methodOf(call.path) ?? "GET",
        status,
        durationMs: now() - call.started,
        source: "api",
      });
      if (failed && status >= 400 && !(isApiError(thrown) && this.reported.has(thrown))) {
        this.reportError(thrown, route, {
          providerParam: record(input?.params)?.id,
          providerBody: record(input?.body)?.provider,
        });
      }
    } catch {
      // observing only
    }
  }

  /** Waits (at most `timeoutMs`) for reports still being worked out, such as an error body being read. */
  async settled(timeoutMs = 1_000): Promise<void> {
    if (this.pending.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      (timer as { unref?: () => void }).unref?.();
      Promise.allSettled([...this.pending]).then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private reportError(
    error: unknown,
    route: string,
    hints: { providerParam?: unknown; providerBody?: unknown } = {},
  ): void {
    this.emit({ type: "error", props: describeError(error, route) });
    const failure = failureEvent(route, failureReason(error), {
      ...hints,
      configuredProviders: this.facts.configuredProviders,
    });
    if (failure) this.emit(failure);
  }

  private viaRouter(hook: HookContextLike): boolean {
    return hook._flag === "router" || stateOf(hook.context) !== undefined;
  }

  private background(work: () => Promise<void>): void {
    const task = work().catch(() => {});
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  private emit(event: TelemetryEvent): void {
    this.track(event.type, event.props as never);
  }

  private track<T extends keyof TrackInput>(type: T, props: TrackInput[T]): void {
    try {
      this.client.track(type, props);
    } catch {
      // the client never throws; this is belt and braces
    }
  }
}
