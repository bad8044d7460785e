/** A plain node:http client, so tests control every header and byte (fetch adds its own). */
import http from "node:http";
import https from "node:https";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  json: any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer | object;
  /** Send without Content-Length (chunked). */
  chunked?: boolean;
  /** Extra options for https (e.g. `ca`). */
  tls?: https.RequestOptions;
}

export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const body =
    options.body === undefined
      ? undefined
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(typeof options.body === "string" ? options.body : JSON.stringify(options.body));
  const headers: Record<string, string | number> = { ...options.headers };
  if (
    body &&
    typeof options.body === "object" &&
    !Buffer.isBuffer(options.body) &&
    !hasHeader(headers, "content-type")
  ) {
    headers["content-type"] = "application/json";
  }
  if (body && !options.chunked && !hasHeader(headers, "content-length")) headers["content-length"] = body.length;
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      { method: options.method ?? (body ? "POST" : "GET"), headers, agent: false, ...options.tls },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const hasHeader = (headers: Record<string, unknown>, name: string) =>
  Object.keys(headers).some((h) => h.toLowerCase() === name);

export const post = (url: string, body: RequestOptions["body"], options: Omit<RequestOptions, "body"> = {}) =>
  request(url, { ...options, method: "POST", body });
