/**
 * The set of non-terminal job ids recovery starts from. Embedded: one stored array
 * (`index:active`) whose writes are coalesced. Distributed: a Redis set, one SADD/SREM per change,
 * so instances never rewrite each other's view of it.
 */
import type { Redis } from 'ioredis';
import type { Store } from './store.ts';

export interface ActiveIndex {
  load(): Promise<string[]>;
  /** Resolves once the ids are durably listed. */
  add(...ids: string[]): Promise<void>;
  remove(...ids: string[]): Promise<void>;
}

const ACTIVE_KEY = 'index:active';

export class StoredActiveIndex implements ActiveIndex {
  /** The active index as last written (loaded at start); changes are flushed in batches. */
  #active = new Set<string>();
  #flushing: Promise<void> | undefined;
  #dirty = false;

  constructor(private readonly store: Store) {}

  async load(): Promise<string[]> {
    const ids = (await this.store.get<string[]>(ACTIVE_KEY)) ?? [];
    this.#active = new Set(ids);
    return ids;
  }

  add(...ids: string[]): Promise<void> {
    for (const id of ids) this.#active.add(id);
    return this.#flush();
  }

  remove(...ids: string[]): Promise<void> {
    for (const id of ids) this.#active.delete(id);
    return this.#flush();
  }

  /**
   * Coalesce index writes: while one write runs, later changes wait for the next one, which
   * carries all of them. Every caller resolves after a write that includes its change.
   */
  #flush(): Promise<void> {
    this.#dirty = true;
    // A running flush re-checks `#dirty` before it settles, so it will carry this change.
    if (this.#flushing) return this.#flushing;
    const run = (async () => {
      try {
        while (this.#dirty) {
          this.#dirty = false;
          await this.store.set(ACTIVE_KEY, [...this.#active]);
        }
      } finally {
        this.#flushing = undefined;
      }
    })();
    this.#flushing = run;
    return run;
  }
}

export class RedisActiveIndex implements ActiveIndex {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'reelbot:index:active',
  ) {}

  load(): Promise<string[]> {
    return this.redis.smembers(this.key);
  }

  async add(...ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.sadd(this.key, ...ids);
  }

  async remove(...ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.srem(this.key, ...ids);
  }
}
