/**
 * Turns a request body stream into a JSON value, or refuses it with a
 * CollectorError. Every limit is enforced while the bytes arrive: a body is
 * never buffered past its cap, and a gzip bomb is refused after inflating at
 * most `maxDecodedBytes` (plus one zlib chunk), never fully.
 */
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CollectorError, formatPath } from "../http/errors.js";

export interface DecodeLimits {
  /** Bytes on the wire, compressed or not. */
  maxBodyBytes: number;
  /** Bytes after gunzip. */
  maxDecodedBytes: number;
  /** Nested objects and arrays; `{}` is depth 1. */
  maxDepth: number;
}

export interface DecodeOptions {
  stream: Readable;
  contentLength?: string | undefined;
  contentEncoding?: string | undefined;
  limits: DecodeLimits;
}

/** Keys that reach for the prototype chain; refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** zlib's output chunk: the most a bomb inflates past the cap before we stop it. */
const INFLATE_CHUNK = 16 * 1024;

export async function decodeJsonBody(options: DecodeOptions): Promise<unknown> {
  const { limits } = options;
  const gzip = isGzip(options.contentEncoding);
  const declared = options.contentLength === undefined ? Number.NaN : Number(options.contentLength);
  if (declared > limits.maxBodyBytes) {
    options.stream.resume();
    throw tooLarge(limits.maxBodyBytes);
  }
  const bytes = gzip ? await readGzip(options.stream, limits) : await readPlain(options.stream, limits.maxBodyBytes);
  return parseJson(bytes, limits.maxDepth);
}

function isGzip(contentEncoding: string | undefined): boolean {
  const encoding = (contentEncoding ?? "").trim().toLowerCase();
  if (encoding === "" || encoding === "identity") return false;
  if (encoding === "gzip" || encoding === "x-gzip") return true;
  throw new CollectorError({
    code: "unsupported_encoding",
    message: "Content-Encoding must be gzip or absent",
    path: null,
  });
}

const tooLarge = (max: number) =>
  new CollectorError({ code: "body_too_large", message: `the body exceeds ${max} bytes`, path: null });

/** Reads the stream up to `max` bytes. */
function readPlain(stream: Readable, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error: CollectorError | null) => {
      stream.off("data", onData).off("end", onEnd).off("error", onError);
      // keep reading into the void: the reply (with Connection: close) can then reach the client
      if (error) {
        stream.resume();
        reject(error);
      } else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) done(tooLarge(max));
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onError = () => done(new CollectorError({ code: "bad_request", message: "the body was not received whole" }));
    stream.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

/** Inflates the stream, capping both the compressed and the inflated size. */
function readGzip(stream: Readable, limits: DecodeLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
    const chunks: Buffer[] = [];
    let wire = 0;
    let inflated = 0;
    let settled = false;
    const settle = (error: CollectorError | null) => {
      if (settled) return;
      settled = true;
      stream.off("data", onData).off("end", onEnd).off("error", onStreamError);
      gunzip.removeAllListeners();
      gunzip.on("error", () => {});
      if (error) {
        // destroying gunzip stops inflation at once; the socket stays up so the reply can be sent
        gunzip.destroy();
        stream.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks, inflated));
    };
    const onData = (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > limits.maxBodyBytes) return settle(tooLarge(limits.maxBodyBytes));
      if (!gunzip.write(chunk)) {
        stream.pause();
        gunzip.once("drain", () => stream.resume());
      }
    };
    const onEnd = () => gunzip.end();
    const onStreamError = () =>
      settle(new CollectorError({ code: "bad_request", message: "the body was not received whole" }));
    gunzip.on("data", (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > limits.maxDecodedBytes) {
        settle(
          new CollectorError({
            code: "decoded_body_too_large",
            message: `the body inflates past ${limits.maxDecodedBytes} bytes`,
            path: null,
          }),
        );
      } else chunks.push(chunk);
    });
    gunzip.on("end", () => settle(null));
    gunzip.on("error", () =>
      settle(new CollectorError({ code: "invalid_gzip", message: "the body is not valid gzip" })),
    );
    stream.on("data", onData).on("end", onEnd).on("error", onStreamError);
  });
}

function parseJson(bytes: Buffer, maxDepth: number): unknown {
  if (bytes.length === 0) throw new CollectorError({ code: "invalid_json", message: "the body is empty" });
  const text = bytes.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the body; only the position is passed on
    const at = /position (\d+)/.exec(String((error as Error).message))?.[1];
    throw new CollectorError({
      code: "invalid_json",
      message: at === undefined ? "the body is not valid JSON" : `the body is not valid JSON (at character ${at})`,
    });
  }
  // most bodies never mention these words, so only those that do pay for the key scan
  const checkKeys = text.includes("__proto__") || text.includes("constructor") || text.includes("prototype");
  if (typeof value === "object" && value !== null) checkStructure(value, { maxDepth, checkKeys, path: [] }, 1);
  return value;
}

interface Walk {
  maxDepth: number;
  checkKeys: boolean;
  /** Keys and indexes from the root to the current value, for the error's path. */
  path: (string | number)[];
}

/** Refuses nesting deeper than maxDepth and prototype keys. Recursion stops at maxDepth, so it cannot overflow. */
function checkStructure(value: object, walk: Walk, depth: number): void {
  if (depth > walk.maxDepth) {
    throw new CollectorError({
      code: "too_deep",
      message: `the body nests deeper than ${walk.maxDepth} levels`,
      path: pathOf(walk.path),
    });
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== "object" || item === null) continue;
      walk.path.push(i);
      checkStructure(item, walk, depth + 1);
      walk.path.pop();
    }
    return;
  }
  for (const key in value) {
    if (walk.checkKeys && FORBIDDEN_KEYS.has(key)) {
      walk.path.push(key);
      throw new CollectorError({
        code: "forbidden_key",
        message: `the key "${key}" is not allowed`,
        path: pathOf(walk.path),
      });
    }
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item !== "object" || item === null) continue;
    walk.path.push(key);
    checkStructure(item, walk, depth + 1);
    walk.path.pop();
  }
}

/** A path for the error body, cut short: keys are the client's own data and may be long. */
const pathOf = (segments: readonly (string | number)[]) => formatPath(segments).slice(0, 256);
