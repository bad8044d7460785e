/**
 * What an error may tell: its class name, Better Auth's error code and the
 * HTTP status. Never its message or stack, which carry emails, SQL and paths.
 */
import { ERROR_CODE, ERROR_TYPE } from "@better-auth-telemetry/protocol";
import type { ErrorInput } from "../client/index.js";

/** The shape of better-call's APIError (Better Auth's `APIError` extends it), read structurally so two copies of it agree. */
export interface ApiErrorLike {
  name: "APIError";
  statusCode: number;
  status?: unknown;
  body?: { code?: unknown } | undefined;
  headers?: unknown;
}

export function isApiError(value: unknown): value is ApiErrorLike {
  if (typeof value !== "object" || value === null) return false;
  try {
    return (
      (value as { name?: unknown }).name === "APIError" &&
      typeof (value as { statusCode?: unknown }).statusCode === "number"
    );
  } catch {
    return false; // a throwing getter is nobody's APIError
  }
}

/** Better Auth's error code (`INVALID_EMAIL_OR_PASSWORD`), if the value carries a well-formed one. */
export function errorCode(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    const code = (value as { body?: { code?: unknown } }).body?.code;
    return typeof code === "string" && ERROR_CODE.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A code for an APIError that has none: its status name (`UNAUTHORIZED`,
 * `BAD_REQUEST`), which better-call keeps beside the number.
 */
export function statusName(error: ApiErrorLike): string | undefined {
  return typeof error.status === "string" && ERROR_CODE.test(error.status) ? error.status : undefined;
}

/**
 * The class name of a thrown value: the constructor's name (a subclass that
 * never set `name` still says what it is), else `name`; undefined when neither
 * reads as a class name (minified code, plain objects, strings).
 */
export function errorClassName(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (isApiError(value)) return "APIError";
  try {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === "string" && ctor !== "Object" && ERROR_TYPE.test(ctor)) return ctor;
    const name = (value as { name?: unknown }).name;
    if (typeof name === "string" && ERROR_TYPE.test(name)) return name;
  } catch {
    // a hostile getter: no name then
  }
  return undefined;
}

/** The status a thrown value ends as: an APIError's own, 500 for everything else. */
export function thrownStatus(value: unknown): number {
  return isApiError(value) ? value.statusCode : 500;
}

/** The `error` event for a thrown value on `route`. */
export function describeError(value: unknown, route: string): ErrorInput {
  if (isApiError(value)) {
    return { type: "APIError", code: errorCode(value), status: value.statusCode, route };
  }
  return { type: errorClassName(value), status: 500, route };
}

/** The reason an auth attempt failed with `value`, as an error code. */
export function failureReason(value: unknown): string {
  if (isApiError(value)) return errorCode(value) ?? statusName(value) ?? "UNKNOWN";
  return "INTERNAL_SERVER_ERROR";
}

/** Error bodies are a short `{ message, code }`; anything longer is not one. */
const MAX_ERROR_BODY = 8_192;

/**
 * The code in an error response's JSON body, for errors no hook saw (thrown by
 * a `before` hook, answered by the router). Reads a clone the caller made
 * before handing the response on; only `code` is kept, never `message`.
 */
export async function responseErrorCode(response: Response): Promise<string | undefined> {
  if (!response.headers.get("content-type")?.includes("json")) return undefined;
  const text = await response.text();
  if (text.length > MAX_ERROR_BODY) return undefined;
  const body = JSON.parse(text) as unknown;
  return errorCode({ body });
}
