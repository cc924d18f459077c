/**
 * An in-process mutex per key. Keyv has no atomic read-modify-write, so every
 * read-modify-write of a stored record runs under the lock of its key. Enough while a single
 * process owns the store (see `store.ts`); with records shared in Redis, `RedisKeyedMutex`
 * (`redis-mutex.ts`) holds the same locks across instances.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Run `fn` while holding every key in `keys` (acquired in sorted order, so two callers never deadlock). */
  async run<T>(keys: string | readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(typeof keys === 'string' ? [keys] : keys)].sort();
    const releases: Array<() => void> = [];
    try {
      for (const key of sorted) releases.push(await this.#acquire(key));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  /** Number of keys currently locked or waited on (for tests and leak checks). */
  get size(): number {
    return this.#tails.size;
  }

  async #acquire(key: string): Promise<() => void> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow forever.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}
