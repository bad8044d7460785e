/**
 * UUIDs from Web Crypto, available on every runtime we support. Event ids are
 * version 7 (time-ordered): the collector's unique index on them stays
 * append-only, where random ids cost SQLite 5× on insert (DESIGN.md).
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function format(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < 16; i++) {
    s += HEX[b[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) s += "-";
  }
  return s;
}

// One getRandomValues call per 256 ids: each call costs a syscall-sized ~1 µs on Node,
// which dominated the cost of recording before pooling.
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolAt = POOL_SIZE;

function random16(): Uint8Array {
  if (poolAt + 16 > POOL_SIZE) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const out = pool.slice(poolAt, poolAt + 16);
  poolAt += 16;
  return out;
}

let lastMs = 0;
let seq = 0;

/** A UUIDv7; within one millisecond a 12-bit sequence keeps ids from one client in order. */
export function uuidv7(now = Date.now()): string {
  const b = random16();
  if (now === lastMs) seq = (seq + 1) & 0xfff;
  else {
    lastMs = now;
    seq = (b[6]! & 0x07) << 8; // start low in the range so a burst rarely wraps
  }
  b[0] = Math.floor(now / 2 ** 40) & 0xff;
  b[1] = Math.floor(now / 2 ** 32) & 0xff;
  b[2] = (now >>> 24) & 0xff;
  b[3] = (now >>> 16) & 0xff;
  b[4] = (now >>> 8) & 0xff;
  b[5] = now & 0xff;
  b[6] = 0x70 | (seq >>> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  return format(b);
}

/** A random UUIDv4: the anonymous installation id. */
export function uuidv4(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = 0x40 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  return format(b);
}
