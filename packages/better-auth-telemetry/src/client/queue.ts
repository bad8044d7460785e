/**
 * The bounded buffer between recording and delivery. Past its capacity the
 * oldest events go first, and how many went is reported in the next batch, so
 * a long outage costs a known amount of data and never unbounded memory.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  /** Dropped since the last delivered batch. */
  dropped = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  push(items: T[]): void {
    for (const item of items) this.items.push(item);
    this.trim();
  }

  take(n: number): T[] {
    return this.items.splice(0, n);
  }

  /** Returns an undelivered batch to the front, where it was. */
  restore(items: T[]): void {
    this.items = items.concat(this.items);
    this.trim();
  }

  clear(): number {
    const n = this.items.length;
    this.items = [];
    return n;
  }

  private trim(): void {
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.dropped += excess;
    }
  }
}
