/**
 * The endpoints where a user authenticates, and how. Success is recognised
 * generically (a session was created, whatever the route); this table only
 * names the method, and says where a failure is an authentication failure.
 * Routes not listed here that create a session for a caller who had none are
 * reported with method `other`, so a plugin this table does not know still counts.
 */
import type { AuthFailureInput } from "../client/index.js";

type AuthMethod = AuthFailureInput["method"];

export interface AuthRoute {
  method: AuthMethod;
  /** Fixed for routes that only sign in or only sign up; otherwise read from whether the user is new. */
  kind?: "sign-in" | "sign-up";
  /** Where the social provider id is: the `:id` route param, the body's `provider`, or always `custom` (SSO, generic OAuth). */
  provider?: "param" | "body" | "custom";
  /** Errors here are failed sign-ins or sign-ups. Off for steps that only verify or send something. */
  failures: boolean;
  /** Failures arrive as a redirect carrying `?error=<code>` (OAuth callbacks, magic links). */
  redirects?: boolean;
}

const signIn = (method: AuthMethod, extra: Partial<AuthRoute> = {}): AuthRoute => ({
  method,
  kind: "sign-in",
  failures: true,
  ...extra,
});

export const AUTH_ROUTES: Readonly<Record<string, AuthRoute>> = {
  // Better Auth itself
  "/sign-up/email": { method: "email", kind: "sign-up", failures: true },
  "/sign-in/email": signIn("email"),
  // the idToken branch signs in directly; the redirect branch creates no session and reports nothing
  "/sign-in/social": { method: "social", provider: "body", failures: true },
  "/callback/:id": { method: "social", provider: "param", failures: true, redirects: true },
  "/verify-email": { method: "email", failures: false },
  // plugins Better Auth ships
  "/sign-in/username": signIn("username"),
  "/sign-in/anonymous": { method: "anonymous", failures: true },
  "/magic-link/verify": { method: "magic-link", failures: true, redirects: true },
  "/sign-in/email-otp": { method: "email-otp", failures: true },
  "/email-otp/verify-email": { method: "email-otp", failures: false },
  "/sign-in/phone-number": signIn("phone-number"),
  "/phone-number/verify": { method: "phone-number", failures: false },
  "/two-factor/verify-totp": signIn("two-factor"),
  "/two-factor/verify-otp": signIn("two-factor"),
  "/two-factor/verify-backup-code": signIn("two-factor"),
  "/passkey/verify-authentication": signIn("passkey"),
  "/one-tap/callback": { method: "one-tap", failures: true },
  "/siwe/verify": { method: "siwe", failures: true },
  "/one-time-token/verify": signIn("one-time-token"),
  "/sso/callback/:providerId": { method: "sso", provider: "custom", failures: true, redirects: true },
  "/sso/saml2/callback/:providerId": { method: "sso", provider: "custom", failures: true, redirects: true },
  "/sso/saml2/sp/acs/:providerId": { method: "sso", provider: "custom", failures: true, redirects: true },
  "/oauth2/callback/:providerId": { method: "social", provider: "custom", failures: true, redirects: true },
  // oauth-proxy: the production server forwards the callback here, where the user and session are created
  "/callback/:id/oauth-proxy": { method: "social", provider: "param", failures: true, redirects: true },
  "/oauth-proxy-callback": { method: "social", failures: true, redirects: true },
};

/**
 * Routes that set a session cookie without anyone signing in: refreshes,
 * account changes, switching between sessions and impersonation.
 */
export const NOT_SIGN_IN: ReadonlySet<string> = new Set([
  "/get-session",
  "/update-session",
  "/update-user",
  "/change-email",
  "/change-password",
  "/multi-session/set-active",
  "/admin/impersonate-user",
  "/admin/stop-impersonating",
]);
