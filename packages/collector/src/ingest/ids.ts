/** Ids the collector makes itself: event ids for /v1/track, and installation ids derived from Better Auth's anonymousId. */
import { createHmac, randomBytes } from "node:crypto";

function format(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits; time-ordered like the client's ids. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return format(bytes);
}

/**
 * A stable UUIDv8 keyed by the store's secret: HMAC-SHA256(secret, namespace + value),
 * first 16 bytes, version and variant bits set. The same value always maps to the
 * same id in one store, but without the secret the id cannot be recomputed from a
 * guess of the value (Better Auth's anonymousId hashes the base URL without salt).
 */
export function derivedUuid(options: { secret: Uint8Array; namespace: string; value: string }): string {
  const digest = createHmac("sha256", options.secret).update(`${options.namespace}\u0000${options.value}`).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x80;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  return format(digest);
}
