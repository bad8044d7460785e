import { APIError } from "better-auth/api";
import { describe, expect, it } from "vitest";
import { type DispatchObservation, failureEvent, outcomeEvents, providerId } from "./outcome.js";

const START = Date.parse("2026-01-01T12:00:00.000Z");
const ago = (ms: number) => new Date(START - ms);

function observe(o: Partial<DispatchObservation>): DispatchObservation {
  return {
    route: "/sign-in/email",
    returned: { token: "t" },
    newSession: null,
    sessionCreated: false,
    userCreated: false,
    hadSession: false,
    startedAt: START,
    configuredProviders: new Set(["github", "acme-sso"]),
    knownCodes: new Set(),
    ...o,
  };
}

const session = (sessionCreated: Date, userCreated: Date) => ({
  session: { createdAt: sessionCreated, token: "secret-token" },
  user: { createdAt: userCreated, email: "a@b.co" },
});

const redirect = (location: string) => {
  const error = new APIError("FOUND", undefined, new Headers({ location }) as never);
  return error;
};

describe("outcomeEvents", () => {
  it("a sign-in that created a session is a success", () => {
    expect(outcomeEvents(observe({ newSession: session(new Date(START + 5), ago(86_400_000)) }))).toEqual([
      { type: "auth_success", props: { method: "email", kind: "sign-in" } },
    ]);
  });

  it("a wrong password is an error and a failure, with Better Auth's code", () => {
    const returned = new APIError("UNAUTHORIZED", {
      message: "Invalid email or password",
      code: "INVALID_EMAIL_OR_PASSWORD",
    });
    expect(outcomeEvents(observe({ returned }))).toEqual([
      {
        type: "error",
        props: { type: "APIError", code: "INVALID_EMAIL_OR_PASSWORD", status: 401, route: "/sign-in/email" },
      },
      { type: "auth_failure", props: { method: "email", kind: "sign-in", reason: "INVALID_EMAIL_OR_PASSWORD" } },
    ]);
  });

  it("a social callback that created the user is a sign-up, with the provider", () => {
    const newSession = session(new Date(START + 3), new Date(START + 2));
    const events = outcomeEvents(
      observe({ route: "/callback/:id", providerParam: "github", newSession, sessionCreated: true, userCreated: true }),
    );
    expect(events).toEqual([
      { type: "auth_success", props: { method: "social", provider: "github", kind: "sign-up" } },
    ]);
  });

  it("a social callback for a user created a moment earlier is a sign-in: only the database hook says sign-up", () => {
    const newSession = session(new Date(START + 3), ago(50));
    const [event] = outcomeEvents(
      observe({ route: "/callback/:id", providerParam: "github", newSession, sessionCreated: true }),
    );
    expect(event?.props).toMatchObject({ kind: "sign-in" });
  });

  it("a session created within the clock skew (a DATETIME truncated to the second) counts when no hook saw it", () => {
    const [event] = outcomeEvents(observe({ route: "/custom-magic/verify", newSession: session(ago(900), ago(1e9)) }));
    expect(event?.props).toMatchObject({ method: "other", kind: "sign-in" });
  });

  it("a social callback that redirected with an error is a failure with that code", () => {
    const events = outcomeEvents(
      observe({
        route: "/callback/:id",
        providerParam: "github",
        returned: redirect("https://app.example/api/auth/error?error=state_mismatch"),
      }),
    );
    expect(events).toEqual([
      { type: "auth_failure", props: { method: "social", provider: "github", reason: "STATE_MISMATCH" } },
    ]);
  });

  it("a callback redirect without an error and without a session reports nothing (a hop, or account linking)", () => {
    expect(
      outcomeEvents(observe({ route: "/callback/:id", returned: redirect("https://app.example/settings") })),
    ).toEqual([]);
  });

  it("names generic OAuth providers custom and unknown ones not at all", () => {
    expect(providerId("acme-sso", new Set(["acme-sso"]))).toBe("custom");
    expect(providerId("github", new Set())).toBe("github");
    expect(providerId("attacker-chosen", new Set())).toBeUndefined();
    expect(providerId({ id: "github" }, new Set())).toBeUndefined();
  });

  it("a session created on a route it does not know, for a caller without one, is a sign-in by method other", () => {
    const events = outcomeEvents(
      observe({ route: "/custom-magic/verify", newSession: session(new Date(START + 1), ago(1e9)) }),
    );
    expect(events).toEqual([{ type: "auth_success", props: { method: "other", kind: "sign-in" } }]);
  });

  it("a refreshed or updated session is not a sign-in", () => {
    expect(
      outcomeEvents(observe({ route: "/organization/set-active", newSession: session(ago(3_600_000), ago(1e9)) })),
    ).toEqual([]);
    expect(outcomeEvents(observe({ route: "/verify-email", newSession: session(ago(3_600_000), ago(1e9)) }))).toEqual(
      [],
    );
  });

  it("a new session for a caller already signed in (change password, impersonation) is not a sign-in", () => {
    expect(
      outcomeEvents(
        observe({ route: "/some-plugin/rotate", hadSession: true, newSession: session(new Date(START + 1), ago(1e9)) }),
      ),
    ).toEqual([]);
    expect(
      outcomeEvents(observe({ route: "/admin/impersonate-user", newSession: session(new Date(START + 1), ago(1e9)) })),
    ).toEqual([]);
  });

  it("an error on a route that is not a sign-in is only an error", () => {
    const returned = new APIError("UNAUTHORIZED", { message: "m", code: "UNAUTHORIZED" });
    expect(outcomeEvents(observe({ route: "/list-sessions", returned }))).toEqual([
      { type: "error", props: { type: "APIError", code: "UNAUTHORIZED", status: 401, route: "/list-sessions" } },
    ]);
  });

  it("a verification step's errors are not sign-in failures", () => {
    const returned = new APIError("UNAUTHORIZED", { message: "m", code: "INVALID_TOKEN" });
    expect(outcomeEvents(observe({ route: "/verify-email", returned })).map((e) => e.type)).toEqual(["error"]);
  });
});

describe("failureEvent", () => {
  it("builds a failure for a sign-in route only", () => {
    expect(failureEvent("/sign-up/email", "PASSWORD_COMPROMISED", { configuredProviders: new Set() })).toEqual({
      type: "auth_failure",
      props: { method: "email", kind: "sign-up", reason: "PASSWORD_COMPROMISED" },
    });
    expect(failureEvent("/ok", "X", { configuredProviders: new Set() })).toBeUndefined();
  });
});
