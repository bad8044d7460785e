import { describe, expect, it } from "vitest";
import { redirectFailure } from "./redirect-errors.js";

const none = new Set<string>();
const at = (location: string) => new Headers({ location });

describe("redirectFailure", () => {
  it("upper-cases Better Auth's own redirect codes", () => {
    expect(redirectFailure(at("https://app.example/api/auth/error?error=state_mismatch"), none)).toBe("STATE_MISMATCH");
    expect(redirectFailure(at("/login?error=INVALID_TOKEN&error_description=x"), none)).toBe("INVALID_TOKEN");
  });

  it("passes OAuth specification codes", () => {
    expect(redirectFailure(at("/cb?error=access_denied"), none)).toBe("ACCESS_DENIED");
  });

  it("passes the app's Better Auth error codes, which callbacks redirect with", () => {
    expect(redirectFailure(at("/cb?error=USER_ALREADY_EXISTS"), new Set(["USER_ALREADY_EXISTS"]))).toBe(
      "USER_ALREADY_EXISTS",
    );
  });

  it("reports anything else as UNKNOWN: the value can come from outside", () => {
    for (const value of ["jane_doe_at_example", "JOHN_SMITH", "a@b.co", "x".repeat(200), ""]) {
      expect(redirectFailure(at(`/cb?error=${encodeURIComponent(value)}`), none), value).toBe("UNKNOWN");
    }
  });

  it("reports nothing for a redirect without an error (a success, or a form_post hop)", () => {
    expect(redirectFailure(at("https://app.example/dashboard"), none)).toBeUndefined();
    expect(redirectFailure(new Headers(), none)).toBeUndefined();
    expect(redirectFailure(undefined, none)).toBeUndefined();
  });

  it("reads plain header records too", () => {
    expect(redirectFailure({ location: "/e?error=no_code" }, none)).toBe("NO_CODE");
  });
});
