/**
 * Runs async tasks one at a time, in call order. A DuckDB connection runs one
 * statement at a time, and our transactions span several statements, so every
 * use of a connection goes through one of these.
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    // the chain must survive a failed task; the caller still sees the failure
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Resolves when every task queued so far has finished. */
  idle(): Promise<void> {
    return this.#tail.then(() => {});
  }
}
