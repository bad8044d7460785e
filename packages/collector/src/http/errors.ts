/**
 * The collector's one error type. Every refusal carries a `code`; the HTTP
 * status comes from this table and nowhere else (PostHog's capture and Plausible
 * taught us to keep that mapping in one place), so a client can rely on it:
 * 4xx means "do not retry this body", 429 and 503 mean "retry later".
 */

export const ERROR_STATUS = {
  /** The body is not JSON. */
  invalid_json: 400,
  /** `Content-Encoding: gzip` but the bytes are not gzip. */
  invalid_gzip: 400,
  /** Nesting deeper than the protocol can use. */
  too_deep: 400,
  /** `__proto__`, `constructor` or `prototype` as a key. */
  forbidden_key: 400,
  /** A query string parameter is invalid. */
  invalid_query: 400,
  /** A path parameter is invalid. */
  invalid_id: 400,
  /** A malformed request that fits no other code. */
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  /** The request did not arrive whole within the server's request timeout (a slow-loris body, say). */
  request_timeout: 408,
  /** The body on the wire is larger than allowed. */
  body_too_large: 413,
  /** The body inflates past the decoded limit (a gzip bomb, or just too much). */
  decoded_body_too_large: 413,
  /** More events than one batch may carry: split it. */
  too_many_events: 413,
  unsupported_media_type: 415,
  unsupported_encoding: 415,
  /** The request's headers are larger than Node's limit. */
  headers_too_large: 431,
  /** Wrong types, unknown event types, missing required fields. */
  invalid_batch: 422,
  /** A protocol version this collector does not read. */
  unsupported_version: 422,
  rate_limited: 429,
  internal: 500,
  /** The ingest queue is full. */
  queue_full: 503,
  shutting_down: 503,
  /** The store failed to commit; nothing of the batch was stored. */
  store_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface CollectorErrorOptions {
  code: ErrorCode;
  message: string;
  /** Where in the body (or query) the problem is: `events[3].props.count`. */
  path?: string | null;
  /** Seconds, for 429 and 503. */
  retryAfter?: number;
  /** The error that caused this one, for the log; never sent to the client. */
  cause?: unknown;
}

export class CollectorError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly path: string | null;
  readonly retryAfter: number | undefined;

  constructor(options: CollectorErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CollectorError";
    this.code = options.code;
    this.statusCode = ERROR_STATUS[options.code];
    this.path = options.path ?? null;
    this.retryAfter = options.retryAfter;
  }
}

export const isCollectorError = (e: unknown): e is CollectorError => e instanceof CollectorError;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; path: string | null };
}

/** What the client sees. 5xx messages are replaced: internals stay in the log. */
export function errorBody(error: CollectorError): ErrorBody {
  const message = error.code === "internal" ? "internal error" : error.message;
  return { error: { code: error.code, message, path: error.path } };
}

/** A key that can only be a field name; any other key is the client's data and is not echoed. */
const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/;

/**
 * Formats a property path as `events[3].props.count`. A key that is not a
 * plain field name (`jane@example.com` under additionalData, say) is shown as
 * `?`, so an error body does not repeat free-form data back, even to its sender.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else {
      const key = typeof s === "string" && FIELD_NAME.test(s) ? s : "?";
      out += out ? `.${key}` : key;
    }
  }
  return out;
}
