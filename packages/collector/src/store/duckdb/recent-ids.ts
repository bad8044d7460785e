/**
 * The ids the store has acknowledged lately, so a retried batch is answered
 * as duplicates at once, without a query. It always holds every id still in
 * the ingest log (a table of ids is dropped only once every segment its ids
 * went to is loaded, and then the load's anti-join takes over), so the log
 * never holds an event twice.
 *
 * Ids live as 128-bit numbers in two open-addressing tables on typed arrays,
 * the newer and the older generation: no JavaScript object per id. A Set of
 * the id strings cost about 1 µs per event on the event loop at the bench's
 * rates, mostly in the garbage collector (every id kept alive into the old
 * generation) and in cache misses.
 */

/** One generation: a hash set of 128-bit ids. */
class IdTable {
  keys: Uint32Array;
  used: Uint8Array;
  mask: number;
  count = 0;
  /** The newest log segment any of its ids went to. */
  maxSegment = 0;

  constructor(slots: number) {
    this.keys = new Uint32Array(slots * 4);
    this.used = new Uint8Array(slots);
    this.mask = slots - 1;
  }

  /** Adds the id in `w` unless present; true when it was added. */
  add(w: Uint32Array): boolean {
    let slot = hash(w) & this.mask;
    while (this.used[slot] === 1) {
      if (this.#at(slot, w)) return false;
      slot = (slot + 1) & this.mask;
    }
    this.keys.set(w, slot * 4);
    this.used[slot] = 1;
    if (++this.count > this.mask * 0.7) this.#grow();
    return true;
  }

  has(w: Uint32Array): boolean {
    let slot = hash(w) & this.mask;
    while (this.used[slot] === 1) {
      if (this.#at(slot, w)) return true;
      slot = (slot + 1) & this.mask;
    }
    return false;
  }

  clear(): void {
    this.used.fill(0);
    this.count = 0;
    this.maxSegment = 0;
  }

  #at(slot: number, w: Uint32Array): boolean {
    const k = slot * 4;
    const keys = this.keys;
    return keys[k] === w[0] && keys[k + 1] === w[1] && keys[k + 2] === w[2] && keys[k + 3] === w[3];
  }

  /** Doubles the table: only when the log holds more ids than one generation was sized for. */
  #grow(): void {
    const { keys, used } = this;
    this.keys = new Uint32Array(keys.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.mask = used.length * 2 - 1;
    this.count = 0;
    const w = new Uint32Array(4);
    for (let slot = 0; slot < used.length; slot++) {
      if (used[slot] !== 1) continue;
      w.set(keys.subarray(slot * 4, slot * 4 + 4));
      this.add(w);
    }
  }
}

/** murmur3's finalizer over the four words: ids differ anywhere (time, random bits, a counter). */
function hash(w: Uint32Array): number {
  let h = (w[0]! ^ Math.imul(w[1]!, 0x9e3779b1) ^ Math.imul(w[2]!, 0x85ebca6b) ^ Math.imul(w[3]!, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Parses a lower-case UUID (the protocol's pattern) into four 32-bit words. */
function parseId(id: string, out: Uint32Array): void {
  let word = 0;
  let digits = 0;
  let n = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 45) continue; // "-"
    word = word * 16 + (c <= 57 ? c - 48 : c - 87);
    if (++digits === 8) {
      out[n++] = word;
      word = 0;
      digits = 0;
    }
  }
}

export class RecentIds {
  readonly #half: number;
  #current: IdTable;
  #previous: IdTable;
  #loadedThrough = 0;
  readonly #scratch = new Uint32Array(4);

  /** Keeps at least the last capacity / 2 ids, and up to capacity, beyond those still in the log. */
  constructor(capacity: number) {
    this.#half = Math.max(1, Math.ceil(capacity / 2));
    let slots = 16;
    while (slots * 0.7 < this.#half) slots *= 2;
    this.#current = new IdTable(slots);
    this.#previous = new IdTable(slots);
  }

  /** Records the id unless it is here already; true when it is new. */
  claim(id: string): boolean {
    parseId(id, this.#scratch);
    if (this.#previous.has(this.#scratch)) return false;
    return this.#current.add(this.#scratch);
  }

  /**
   * The ids claimed since the last call went to this log segment. Called once
   * per appended group, after its write: the only place a generation turns
   * over, so no group's ids are split from the segment they went to.
   */
  wroteTo(segment: number): void {
    const current = this.#current;
    current.maxSegment = Math.max(current.maxSegment, segment);
    const previousLoaded = this.#previous.count === 0 || this.#previous.maxSegment <= this.#loadedThrough;
    if (current.count >= this.#half && previousLoaded) {
      this.#current = this.#previous;
      this.#current.clear();
      this.#previous = current;
    }
  }

  /** Segments up to this one are in the database. */
  loaded(segment: number): void {
    this.#loadedThrough = Math.max(this.#loadedThrough, segment);
  }
}
