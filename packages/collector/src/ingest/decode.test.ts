import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CollectorError } from "../http/errors.js";
import { type DecodeLimits, decodeJsonBody } from "./decode.js";

const limits: DecodeLimits = { maxBodyBytes: 1024, maxDecodedBytes: 4096, maxDepth: 5 };

const decode = (body: Buffer | string, options: { gzip?: boolean; length?: boolean; limits?: DecodeLimits } = {}) => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return decodeJsonBody({
    stream: Readable.from([bytes]),
    contentLength: options.length === false ? undefined : String(bytes.length),
    contentEncoding: options.gzip ? "gzip" : undefined,
    limits: options.limits ?? limits,
  });
};

async function refusal(promise: Promise<unknown>): Promise<CollectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CollectorError);
  return error as CollectorError;
}

/** A JSON document of exactly `size` bytes. */
const sized = (size: number) => JSON.stringify({ pad: "x".repeat(size - 10) });

/** `{"a":{"a":...}}` with `depth` nested objects. */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;

describe("decodeJsonBody", () => {
  it("parses JSON", async () => {
    expect(await decode('{"a":[1,2,{"b":null}]}')).toEqual({ a: [1, 2, { b: null }] });
  });

  it("accepts a body of exactly maxBodyBytes and refuses one byte more, with or without Content-Length", async () => {
    expect(sized(1024)).toHaveLength(1024);
    await expect(decode(sized(1024))).resolves.toBeTruthy();
    await expect(decode(sized(1024), { length: false })).resolves.toBeTruthy();
    expect((await refusal(decode(sized(1025)))).code).toBe("body_too_large");
    expect((await refusal(decode(sized(1025), { length: false }))).code).toBe("body_too_large");
  });

  it("refuses on the declared Content-Length before reading anything", async () => {
    let read = false;
    const stream = new Readable({
      read() {
        read = true;
        this.push(null);
      },
    });
    const error = await refusal(decodeJsonBody({ stream, contentLength: "1025", contentEncoding: undefined, limits }));
    expect(error.code).toBe("body_too_large");
    expect(error.statusCode).toBe(413);
    await new Promise((r) => setImmediate(r));
    // resumed only to discard: nothing was buffered
    expect(read).toBe(true);
  });

  it("inflates gzip up to exactly maxDecodedBytes and refuses one byte more", async () => {
    const atLimit = sized(4096);
    expect(await decode(gzipSync(atLimit), { gzip: true })).toEqual(JSON.parse(atLimit));
    expect((await refusal(decode(gzipSync(sized(4097)), { gzip: true }))).code).toBe("decoded_body_too_large");
  });

  it("applies maxBodyBytes to the compressed bytes", async () => {
    const random = JSON.stringify({ r: randomBytes(2000).toString("base64") });
    const compressed = gzipSync(random);
    expect(compressed.length).toBeGreaterThan(1024);
    const error = await refusal(decode(compressed, { gzip: true, limits: { ...limits, maxDecodedBytes: 1_000_000 } }));
    expect(error.code).toBe("body_too_large");
  });

  it("stops inflating a gzip bomb at the cap instead of inflating it whole", async () => {
    // 64 MiB of zeros in ~64 KiB of gzip, with a corrupted trailer: inflating it whole
    // would end in a CRC error (invalid_gzip); stopping at the cap ends in decoded_body_too_large
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    bomb.writeUInt32LE(0xdeadbeef, bomb.length - 8);
    expect(bomb.length).toBeLessThan(100 * 1024);
    const started = performance.now();
    const error = await refusal(
      decodeJsonBody({
        stream: Readable.from([bomb]),
        contentLength: String(bomb.length),
        contentEncoding: "gzip",
        limits: { maxBodyBytes: 1024 * 1024, maxDecodedBytes: 1024 * 1024, maxDepth: 20 },
      }),
    );
    expect(error.code).toBe("decoded_body_too_large");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses bytes that are not gzip, and encodings other than gzip", async () => {
    expect((await refusal(decode("{}", { gzip: true }))).code).toBe("invalid_gzip");
    const error = await refusal(
      decodeJsonBody({ stream: Readable.from([Buffer.from("{}")]), contentEncoding: "br", limits }),
    );
    expect(error.code).toBe("unsupported_encoding");
    expect(error.statusCode).toBe(415);
    await expect(
      decodeJsonBody({ stream: Readable.from([Buffer.from("{}")]), contentEncoding: "identity", limits }),
    ).resolves.toEqual({});
  });

  it("refuses invalid and empty JSON without echoing the body", async () => {
    const error = await refusal(decode('{"secret": "hunter2",'));
    expect(error.code).toBe("invalid_json");
    expect(error.statusCode).toBe(400);
    expect(error.message).not.toContain("hunter2");
    expect((await refusal(decode(""))).code).toBe("invalid_json");
  });

  it("accepts nesting of exactly maxDepth and refuses one level more, naming where", async () => {
    await expect(decode(nested(5))).resolves.toBeTruthy();
    const error = await refusal(decode(nested(6)));
    expect(error.code).toBe("too_deep");
    expect(error.path).toBe("a.a.a.a.a");
    const arrays = `${"[".repeat(6)}${"]".repeat(6)}`;
    expect((await refusal(decode(arrays))).code).toBe("too_deep");
    await expect(decode(`${"[".repeat(5)}${"]".repeat(5)}`)).resolves.toBeTruthy();
  });

  it("survives nesting far beyond any stack", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const error = await refusal(decode(deep, { limits: { ...limits, maxBodyBytes: 1_000_000 } }));
    expect(error.code).toBe("too_deep");
  });

  it.each(["__proto__", "constructor", "prototype"])("refuses the key %s wherever it is", async (key) => {
    const top = await refusal(decode(`{"${key}":{"polluted":true}}`));
    expect(top.code).toBe("forbidden_key");
    expect(top.path).toBe(key);
    const inner = await refusal(decode(`{"events":[{"props":{"${key}":1}}]}`));
    expect(inner.path).toBe(`events[0].props.${key}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("names the path without repeating keys that are the client's data", async () => {
    const error = await refusal(decode('{"additionalData":{"jane.doe@example.com":{"constructor":1}}}'));
    expect(error).toMatchObject({ code: "forbidden_key", path: "additionalData.?.constructor" });
  });

  it("lets those words through as values", async () => {
    expect(await decode('{"type":"constructor","v":"__proto__"}')).toEqual({ type: "constructor", v: "__proto__" });
  });
});
