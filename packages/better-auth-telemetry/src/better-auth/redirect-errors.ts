/**
 * Failures that arrive as a redirect (`/api/auth/error?error=state_mismatch`).
 * The `error` value can come from outside: an OAuth provider's own `?error=`
 * is passed through, and anyone holding a valid state can write it. So it is
 * reported only when it is one of the codes Better Auth or the OAuth and
 * OpenID Connect specifications define; anything else is `UNKNOWN`.
 */

/** Lower-case codes Better Auth 1.7 redirects with (oauth2/errors, state, link-account, magic-link, oauth-proxy). */
const BETTER_AUTH_REDIRECT_CODES = [
  "no_code",
  "oauth_provider_not_found",
  "issuer_missing",
  "issuer_mismatch",
  "invalid_code",
  "nonce_binding_missing",
  "unable_to_get_user_info",
  "no_callback_url",
  "unable_to_link_account",
  "email_does_not_match",
  "account_already_linked_to_different_user",
  "email_not_found",
  "email_not_verified",
  "invalid_callback_request",
  "internal_server_error",
  "please_restart_the_process",
  "state_not_found",
  "state_mismatch",
  "state_invalid",
  "state_security_mismatch",
  "state_generation_error",
  "signup_disabled",
  "unable_to_create_user",
  "unable_to_update_account",
  "account_not_linked",
  "user_creation_failed",
  "failed_to_create_user",
  "failed_to_create_session",
  "new_user_signup_disabled",
  "user_not_found",
  "invalid_token",
  "provider_mismatch",
  "payload_expired",
];

/** RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6 authorization error codes. */
const OAUTH_SPEC_CODES = [
  "access_denied",
  "invalid_request",
  "unauthorized_client",
  "unsupported_response_type",
  "invalid_scope",
  "server_error",
  "temporarily_unavailable",
  "interaction_required",
  "login_required",
  "account_selection_required",
  "consent_required",
  "invalid_request_uri",
  "invalid_request_object",
  "request_not_supported",
  "request_uri_not_supported",
  "registration_not_supported",
];

const REDIRECT_CODES: ReadonlySet<string> = new Set(
  [...BETTER_AUTH_REDIRECT_CODES, ...OAUTH_SPEC_CODES].map((code) => code.toUpperCase()),
);

/** Reads a header from a Headers object or a plain record, whichever the redirect carries. */
function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const get = (headers as { get?: unknown }).get;
  if (typeof get === "function") {
    const value = get.call(headers, name);
    return typeof value === "string" ? value : undefined;
  }
  const value = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>).Location;
  return typeof value === "string" ? value : undefined;
}

/**
 * The failure code carried by a redirect, upper-cased (`STATE_MISMATCH`), or
 * undefined when the redirect carries no `error` (a success, or a hop such as
 * form_post's POST-to-GET). `knownCodes` adds the app's Better Auth error codes
 * (`USER_ALREADY_EXISTS`), which callbacks redirect with too.
 */
export function redirectFailure(headers: unknown, knownCodes: ReadonlySet<string>): string | undefined {
  const location = header(headers, "location");
  if (!location) return undefined;
  let error: string | null;
  try {
    error = new URL(location, "http://redirect.invalid").searchParams.get("error");
  } catch {
    return undefined;
  }
  if (error === null) return undefined;
  const code = error.toUpperCase();
  return REDIRECT_CODES.has(code) || knownCodes.has(code) ? code : "UNKNOWN";
}
