/**
 * Delivery with web APIs (fetch, CompressionStream): Bun, Deno, workerd, edge
 * runtimes, and Node builds without process.getBuiltinModule.
 */
import { classifyStatus, GZIP_MIN_BYTES, type SendOutcome, type SendRequest, type Transport } from "../transport.js";
import { unref } from "./timers.js";

async function gzip(body: string): Promise<Uint8Array | undefined> {
  if (typeof CompressionStream === "undefined") return undefined;
  try {
    const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return undefined;
  }
}

export function createFetchTransport(): Transport {
  return {
    async send(request: SendRequest): Promise<SendOutcome> {
      const headers: Record<string, string> = {};
      let body: BodyInit | undefined = request.body;
      if (request.body !== undefined) {
        headers["content-type"] = "application/json";
        const compressed = request.body.length >= GZIP_MIN_BYTES ? await gzip(request.body) : undefined;
        if (compressed) {
          body = compressed as unknown as BodyInit;
          headers["content-encoding"] = "gzip";
        }
      }
      const controller = new AbortController();
      const timer = unref(setTimeout(() => controller.abort(), request.timeoutMs));
      try {
        const response = await fetch(request.url, {
          method: request.method ?? "POST",
          headers,
          body,
          signal: controller.signal,
          // a redirect is not followed (it would re-send the batch somewhere else) and counts as a refusal;
          // workerd rejects redirect: "error", and server-side fetch sends no cookies to omit
          redirect: "manual",
        });
        // drain the body so the connection can be reused; its content is not needed
        await response.arrayBuffer().catch(() => undefined);
        return classifyStatus(response.status, response.headers.get("retry-after"));
      } catch (error) {
        return {
          kind: "retry",
          error: controller.signal.aborted ? "timeout" : (error as Error)?.name || "network error",
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
