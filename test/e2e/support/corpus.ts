/**
 * A corpus of hostile requests for the collector: generated mutations of a
 * valid batch (every field given every wrong type), unknown event types, and
 * hand-written cases (malformed JSON, huge and deep bodies, gzip bombs,
 * prototype-pollution keys, wrong content types, personal data and secrets in
 * every string field and key). Every one of them must be refused with a 4xx
 * and store nothing. (Slow-loris bodies need a socket, not a request: the test
 * holds those open itself.)
 */
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import fc from "fast-check";

export interface HostileRequest {
  name: string;
  body: Buffer | string;
  headers: Record<string, string>;
}

const JSON_HEADERS = { "content-type": "application/json" };
const uuid7 = () => `0192${randomUUID().slice(4, 14)}7${randomUUID().slice(15)}`;

export function validBatch(): Record<string, unknown> {
  return {
    v: 1,
    installationId: randomUUID(),
    idKind: "persistent",
    sdkVersion: "0.1.0",
    sentAt: Date.now(),
    context: { runtime: "node", runtimeVersion: "20.20.2", environment: "production", framework: "hono" },
    additionalData: { region: "eu-west-1" },
    events: [
      {
        id: uuid7(),
        type: "api_request",
        ts: Date.now(),
        props: {
          route: "/ok",
          method: "GET",
          status: 200,
          source: "handler",
          count: 2,
          duration: { sumMs: 3, maxMs: 2, buckets: [0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
        },
      },
      {
        id: uuid7(),
        type: "auth_failure",
        ts: Date.now(),
        props: { method: "email", reason: "INVALID_EMAIL_OR_PASSWORD", count: 1 },
      },
      {
        id: uuid7(),
        type: "init",
        ts: Date.now(),
        props: { betterAuthVersion: "1.7.25", plugins: ["admin"], features: { emailAndPassword: true } },
      },
    ],
  };
}

/**
 * Personal data and secrets the corpus puts into every string field and key:
 * none of them may reach the store's files or the collector's logs.
 */
export const HOSTILE_PII = [
  "corpus.victim@example.org",
  "203.0.113.77",
  "2001:db8:85a3::8a2e:370:7334",
  "https://intranet.victim-corp.example/users/4711?session=abc",
  "db01.victim-corp.internal",
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0ifQ.c2lnbmF0dXJlLXZpY3RpbQ",
  "Bearer vctm_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  "sk_live_51HvIctimSecretKey0123456789",
  "+4915112345678",
  "better-auth.session_token=victimSessionToken123456",
  "password=Hunter2-victim-passw0rd",
  "4111 1111 1111 1111",
];

/** Every path to a leaf of the value, as key lists. */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...prefix, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
  return [prefix];
}

export function setAt(
  root: Record<string, unknown>,
  path: (string | number)[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

/** Values of a type other than `original`'s: what a broken or hostile client sends instead. */
function wrongTypes(original: unknown): unknown[] {
  const all: unknown[] = [null, true, 12345, -1.5, "string", [], [1, 2], {}, { nested: { deeper: 1 } }, 1e308];
  return all.filter((v) => {
    if (typeof original === "string") return typeof v !== "string";
    if (typeof original === "number") return typeof v !== "number";
    if (typeof original === "boolean") return typeof v !== "boolean";
    return true;
  });
}

function* generated(): Generator<HostileRequest> {
  const base = validBatch();
  for (const path of leafPaths(base)) {
    // additionalData's values may be strings, numbers or booleans: only nulls, lists and objects are wrong there
    const isData = path[0] === "additionalData";
    for (const wrong of wrongTypes(path.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], base))) {
      if (isData && (typeof wrong === "number" || typeof wrong === "boolean" || typeof wrong === "string")) continue;
      if (typeof wrong === "number" && !Number.isFinite(wrong)) continue;
      yield {
        name: `wrong type at ${path.join(".")}: ${JSON.stringify(wrong)}`,
        body: JSON.stringify(setAt(base, path, wrong)),
        headers: JSON_HEADERS,
      };
    }
  }
}

function* handWritten(): Generator<HostileRequest> {
  const valid = JSON.stringify(validBatch());
  for (let cut = 1; cut < valid.length; cut += 7)
    yield { name: `truncated at ${cut}`, body: valid.slice(0, cut), headers: JSON_HEADERS };
  yield { name: "empty body", body: "", headers: JSON_HEADERS };
  yield { name: "not json", body: "hello", headers: JSON_HEADERS };
  yield { name: "json null", body: "null", headers: JSON_HEADERS };
  yield { name: "json array", body: "[]", headers: JSON_HEADERS };
  yield { name: "json number", body: "42", headers: JSON_HEADERS };
  yield { name: "text/plain", body: valid, headers: { "content-type": "text/plain" } };
  yield { name: "form", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } };
  yield { name: "no events", body: JSON.stringify({ ...validBatch(), events: [] }), headers: JSON_HEADERS };
  yield {
    name: "501 events",
    body: JSON.stringify({
      ...validBatch(),
      events: Array.from({ length: 501 }, () => ({ ...(validBatch().events as object[])[1], id: uuid7() })),
    }),
    headers: JSON_HEADERS,
  };
  yield { name: "version 2", body: JSON.stringify({ ...validBatch(), v: 2 }), headers: JSON_HEADERS };
  for (const depth of [30, 1_000, 100_000]) {
    yield {
      name: `nesting ${depth}`,
      body: `{"v":1,"x":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      headers: JSON_HEADERS,
    };
  }
  yield {
    name: "2 MB body",
    body: JSON.stringify({ ...validBatch(), pad: "x".repeat(2 * 1024 * 1024) }),
    headers: JSON_HEADERS,
  };
  yield {
    name: "gzip bomb (100 MB of zeros)",
    body: gzipSync(Buffer.alloc(100 * 1024 * 1024), { level: 9 }),
    headers: { ...JSON_HEADERS, "content-encoding": "gzip" },
  };
  yield {
    name: "gzip of garbage",
    body: Buffer.from("not gzip at all"),
    headers: { ...JSON_HEADERS, "content-encoding": "gzip" },
  };
  yield { name: "unknown encoding", body: valid, headers: { ...JSON_HEADERS, "content-encoding": "br" } };
  yield {
    name: "__proto__ at top",
    body: valid.replace('{"v":1', '{"__proto__":{"polluted":true},"v":1'),
    headers: JSON_HEADERS,
  };
  yield {
    name: "__proto__ in props",
    body: valid.replace('"props":{"route"', '"props":{"__proto__":{"polluted":true},"route"'),
    headers: JSON_HEADERS,
  };
  yield {
    name: "constructor.prototype",
    body: valid.replace('{"v":1', '{"constructor":{"prototype":{"polluted":true}},"v":1'),
    headers: JSON_HEADERS,
  };
}

/** `value` in every string of the batch (ids, enums and versions too), as a key beside each object's own, and as an additionalData key. */
function everywhere(value: string): Record<string, unknown> {
  const fill = (node: unknown): unknown => {
    if (typeof node === "string") return value;
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === "object")
      return { ...Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)])), [value]: value };
    return node;
  };
  const batch = fill(validBatch()) as Record<string, unknown>;
  return { ...batch, v: 1, additionalData: { ...(batch.additionalData as object), [value]: value } };
}

/** Personal data and secrets in every string field and key, plain and gzip-encoded. */
function* personalData(): Generator<HostileRequest> {
  for (const value of HOSTILE_PII) {
    const body = JSON.stringify(everywhere(value));
    yield { name: `PII in every string field: ${value}`, body, headers: JSON_HEADERS };
    yield {
      name: `PII in every string field, gzip: ${value}`,
      body: gzipSync(body),
      headers: { ...JSON_HEADERS, "content-encoding": "gzip" },
    };
    // an error that names its path must not carry the keys on the way there into a log
    yield {
      name: `forbidden key below a PII key: ${value}`,
      body: JSON.stringify({
        ...validBatch(),
        context: { [value]: { constructor: { prototype: { polluted: value } } } },
      }),
      headers: JSON_HEADERS,
    };
  }
}

/**
 * Random wrong values (fast-check, fixed seed) put at random leaves of a valid
 * batch, random JSON documents as whole bodies, and unknown event types.
 */
function* randomised(count: number): Generator<HostileRequest> {
  const base = validBatch();
  const paths = leafPaths(base).filter((p) => p[0] !== "additionalData");
  const wrong = fc.oneof(
    fc.constant(null),
    fc.array(fc.jsonValue(), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    fc.boolean(),
  );
  const mutations = fc.sample(fc.tuple(fc.nat({ max: paths.length - 1 }), wrong), {
    numRuns: Math.ceil(count / 2),
    seed: 42,
  });
  const at = (path: (string | number)[]) =>
    path.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], base);
  for (const [i, value] of mutations) {
    // a value of the leaf's own type could be valid; only other types are hostile by construction
    if (value !== null && typeof value === typeof at(paths[i]!)) continue;
    yield {
      name: `random ${JSON.stringify(value).slice(0, 40)} at ${paths[i]!.join(".")}`,
      body: JSON.stringify(setAt(base, paths[i]!, value)),
      headers: JSON_HEADERS,
    };
  }
  for (const doc of fc.sample(fc.jsonValue({ maxDepth: 4 }), { numRuns: Math.ceil(count / 3), seed: 7 })) {
    yield {
      name: `random document ${JSON.stringify(doc)?.slice(0, 40)}`,
      body: JSON.stringify(doc) ?? "null",
      headers: JSON_HEADERS,
    };
  }
  const names = fc.sample(fc.string({ minLength: 1, maxLength: 40 }), { numRuns: Math.ceil(count / 3), seed: 9 });
  for (const [i, name] of names.entries()) {
    const batch = validBatch();
    (batch.events as { type: string }[])[i % 3]!.type = `x${name}`;
    yield { name: `unknown event type ${JSON.stringify(name)}`, body: JSON.stringify(batch), headers: JSON_HEADERS };
  }
}

/** At least `minimum` requests: the hand-written cases, personal data everywhere, every field with every wrong type, then random ones. */
export function hostileCorpus(minimum: number): HostileRequest[] {
  const corpus = [...handWritten(), ...personalData(), ...generated()];
  corpus.push(...randomised(Math.max(0, minimum - corpus.length)));
  return corpus;
}
