/** A small HTTP client for driving an auth server the way a browser would: JSON bodies, redirects not followed. */

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Every Set-Cookie value, for following a session and for privacy assertions. */
  cookies: string[];
  json<T = Record<string, unknown>>(): T;
}

export interface CallOptions {
  /** Sent as X-Forwarded-For: the address Better Auth's rate limiter keys on. */
  ip?: string;
  cookie?: string;
  origin?: string;
}

async function call(method: string, url: string, body: unknown, options: CallOptions): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (options.ip) headers["x-forwarded-for"] = options.ip;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    cookies: res.headers.getSetCookie(),
    json: <T>() => JSON.parse(text) as T,
  };
}

export const post = (url: string, body: unknown, options: CallOptions = {}) => call("POST", url, body, options);
export const get = (url: string, options: CallOptions = {}) => call("GET", url, undefined, options);

/** `name=value` pairs of Set-Cookie headers, ready to send back. */
export const cookieHeader = (cookies: string[]) => cookies.map((c) => c.split(";")[0]).join("; ");
