import { APIError } from "better-auth/api";
import { describe, expect, it } from "vitest";
import { describeError, errorClassName, errorCode, failureReason, isApiError, responseErrorCode } from "./errors.js";

class ProfileSyncError extends Error {}
class NamedError extends Error {
  override name = "NamedError";
}

describe("error descriptions", () => {
  it("reads Better Auth's APIError: code and status, never the message", () => {
    const error = new APIError("UNAUTHORIZED", {
      message: "Invalid email or password for a@b.co",
      code: "INVALID_EMAIL_OR_PASSWORD",
    });
    expect(isApiError(error)).toBe(true);
    expect(describeError(error, "/sign-in/email")).toEqual({
      type: "APIError",
      code: "INVALID_EMAIL_OR_PASSWORD",
      status: 401,
      route: "/sign-in/email",
    });
    expect(JSON.stringify(describeError(error, "/x"))).not.toContain("a@b.co");
  });

  it("drops a code that is not an error code", () => {
    expect(errorCode({ body: { code: "not a code" } })).toBeUndefined();
    expect(errorCode({ body: { code: "a@b.co" } })).toBeUndefined();
    expect(errorCode({ body: { code: 42 } })).toBeUndefined();
  });

  it("names thrown errors by class, 500", () => {
    expect(describeError(new ProfileSyncError("secret"), "/r")).toEqual({
      type: "ProfileSyncError",
      status: 500,
      route: "/r",
    });
    expect(describeError(new TypeError("x"), "/r").type).toBe("TypeError");
    expect(errorClassName(new NamedError())).toBe("NamedError");
  });

  it("leaves out names that do not read as class names", () => {
    expect(errorClassName("a string")).toBeUndefined();
    expect(errorClassName({})).toBeUndefined();
    const minified = new (class t extends Error {})();
    minified.name = "error with spaces";
    expect(errorClassName(minified)).toBeUndefined();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
      },
    );
    expect(errorClassName(hostile)).toBeUndefined();
  });

  it("gives a failure reason: the code, else the status name, else INTERNAL_SERVER_ERROR", () => {
    expect(failureReason(new APIError("FORBIDDEN", { message: "m", code: "EMAIL_NOT_VERIFIED" }))).toBe(
      "EMAIL_NOT_VERIFIED",
    );
    expect(failureReason(new APIError("FORBIDDEN", { message: "m" }))).toBe("FORBIDDEN");
    expect(failureReason(new Error("x"))).toBe("INTERNAL_SERVER_ERROR");
  });
});

describe("responseErrorCode", () => {
  const json = (body: string, type = "application/json") => new Response(body, { headers: { "content-type": type } });

  it("reads the code of a Better Auth error body", async () => {
    expect(await responseErrorCode(json('{"message":"Too weak","code":"PASSWORD_COMPROMISED"}'))).toBe(
      "PASSWORD_COMPROMISED",
    );
  });

  it("ignores bodies that are not JSON, too long, or without a code", async () => {
    expect(await responseErrorCode(json('{"code":"X_Y"}', "text/plain"))).toBeUndefined();
    expect(await responseErrorCode(json(`{"code":"LONG","pad":"${"x".repeat(9_000)}"}`))).toBeUndefined();
    expect(await responseErrorCode(json('{"message":"no code"}'))).toBeUndefined();
  });
});
