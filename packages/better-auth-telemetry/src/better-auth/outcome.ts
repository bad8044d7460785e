/**
 * What one endpoint run means, read after it ran (in an `after` hook): an
 * error event for an APIError, and for sign-in and sign-up endpoints a success
 * (a session was created) or a failure (an error, or an error redirect). Pure:
 * it returns the events and the caller records them.
 */
import { SOCIAL_PROVIDERS } from "@better-auth-telemetry/protocol";
import type { AuthSuccessInput, TrackInput } from "../client/index.js";
import { AUTH_ROUTES, type AuthRoute, NOT_SIGN_IN } from "./auth-routes.js";
import { toMillis } from "./clock.js";
import { describeError, failureReason, isApiError } from "./errors.js";
import { redirectFailure } from "./redirect-errors.js";

export type TelemetryEvent = { [K in keyof TrackInput]: { type: K; props: TrackInput[K] } }[keyof TrackInput];

type Provider = NonNullable<AuthSuccessInput["provider"]>;
const PROVIDERS: ReadonlySet<string> = new Set(SOCIAL_PROVIDERS);

/**
 * Database timestamps may be truncated to the second (MySQL DATETIME), so a row
 * written during the request can read up to a second older than its start.
 */
const CLOCK_SKEW_MS = 1_000;
/** When a run's start is unknown, a session younger than this counts as new. */
const FALLBACK_WINDOW_MS = 5_000;

export interface ProviderHints {
  /** The `:id` route param and the body's `provider`, for social sign-in. */
  providerParam?: unknown;
  providerBody?: unknown;
  /** Social providers the app configured (generic OAuth ones included). */
  configuredProviders: ReadonlySet<string>;
}

export interface DispatchObservation extends ProviderHints {
  /** The reportable route template. */
  route: string;
  /** What the endpoint returned or threw (`ctx.context.returned`). */
  returned: unknown;
  /** `ctx.context.newSession`: set whenever a session cookie was written. */
  newSession: unknown;
  /** This run created a session / a user (seen by a database hook). */
  sessionCreated: boolean;
  userCreated: boolean;
  /** The caller was already signed in (`ctx.context.session`). */
  hadSession: boolean;
  /** Wall-clock ms when the endpoint run began, when known. */
  startedAt: number | undefined;
  /** Error codes the app's Better Auth defines, for redirect failures. */
  knownCodes: ReadonlySet<string>;
}

/** A built-in provider id as itself, another configured one (generic OAuth) as `custom`, anything else not at all. */
export function providerId(value: unknown, configured: ReadonlySet<string>): Provider | undefined {
  if (typeof value !== "string") return undefined;
  if (PROVIDERS.has(value)) return value as Provider;
  return configured.has(value) ? "custom" : undefined;
}

function createdDuring(value: unknown, startedAt: number | undefined): boolean {
  const at = toMillis(value);
  if (at === undefined) return false;
  return startedAt === undefined ? Date.now() - at < FALLBACK_WINDOW_MS : at >= startedAt - CLOCK_SKEW_MS;
}

function sessionOf(value: unknown): { session?: { createdAt?: unknown } } | undefined {
  return typeof value === "object" && value !== null && "session" in value ? (value as never) : undefined;
}

function authProps(route: AuthRoute | undefined, o: ProviderHints): AuthSuccessInput {
  const props: AuthSuccessInput = { method: route?.method ?? "other" };
  const source = route?.provider;
  const provider =
    source === "custom"
      ? "custom"
      : source === "param"
        ? providerId(o.providerParam, o.configuredProviders)
        : source === "body"
          ? providerId(o.providerBody, o.configuredProviders)
          : undefined;
  if (provider) props.provider = provider;
  if (route?.kind) props.kind = route.kind;
  return props;
}

export function outcomeEvents(o: DispatchObservation): TelemetryEvent[] {
  const events: TelemetryEvent[] = [];
  const error = isApiError(o.returned) ? o.returned : undefined;
  if (error && error.statusCode >= 400) events.push({ type: "error", props: describeError(error, o.route) });

  const route = AUTH_ROUTES[o.route];
  const created = sessionOf(o.newSession);
  // a cookie is also written for a refreshed or updated session: only a session created during this run is a sign-in
  // (a database hook says so; the session's timestamp is the fallback), and off the listed routes only for a caller
  // who had none (change-password and impersonation create sessions too)
  const isNew =
    created !== undefined &&
    (o.sessionCreated ||
      (created.session?.createdAt === undefined
        ? route !== undefined
        : createdDuring(created.session.createdAt, o.startedAt)));
  if (created && isNew && !NOT_SIGN_IN.has(o.route) && (route !== undefined || !o.hadSession)) {
    const props = authProps(route, o);
    props.kind ??= o.userCreated ? "sign-up" : "sign-in";
    events.push({ type: "auth_success", props });
    return events;
  }

  if (!route?.failures || !error) return events;
  if (error.statusCode >= 400) {
    events.push({ type: "auth_failure", props: { ...authProps(route, o), reason: failureReason(error) } });
  } else if (route.redirects && error.statusCode >= 300) {
    const reason = redirectFailure(error.headers, o.knownCodes);
    if (reason) events.push({ type: "auth_failure", props: { ...authProps(route, o), reason } });
  }
  return events;
}

/**
 * The failure for an error no `after` hook saw (a `before` hook or Better Auth's
 * router rejected the request first), when `route` is a sign-in or sign-up.
 */
export function failureEvent(route: string, reason: string, hints: ProviderHints): TelemetryEvent | undefined {
  const authRoute = AUTH_ROUTES[route];
  if (!authRoute?.failures) return undefined;
  return { type: "auth_failure", props: { ...authProps(authRoute, hints), reason } };
}
