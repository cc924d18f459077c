/**
 * The set of non-terminal job ids recovery starts from. Embedded: one small record per active
 * job (`index:active:<id>`), so adding or removing an id writes one row whatever the number of
 * jobs in flight, and recovery lists them with one range query. Distributed: a Redis set, one
 * SADD/SREM per change, so instances never rewrite each other's view of it.
 *
 * Stores written by earlier versions hold the whole set as one array under `index:active`; it is
 * read once on start, written out as records, and then deleted.
 */
import type { Redis } from 'ioredis';
import type { Store } from './store.ts';

export interface ActiveIndex {
  load(): Promise<string[]>;
  /** Resolves once the ids are durably listed. */
  add(...ids: string[]): Promise<void>;
  remove(...ids: string[]): Promise<void>;
}

/** The array of active ids earlier versions rewrote on every change. */
export const LEGACY_ACTIVE_KEY = 'index:active';
const ACTIVE_PREFIX = 'index:active:';
/** Writes in flight at once (recovery repairs and the one-time conversion add many ids). */
const BATCH = 500;

export class StoredActiveIndex implements ActiveIndex {
  constructor(private readonly store: Store) {}

  async load(): Promise<string[]> {
    const listed = (await this.store.scan<unknown>(ACTIVE_PREFIX)).map(([key]) =>
      key.slice(ACTIVE_PREFIX.length),
    );
    const legacy = await this.store.get<string[]>(LEGACY_ACTIVE_KEY);
    if (!legacy) return listed;
    // Records first, the array last: a crash in between leaves both, and the next start
    // converts again (writing a record twice is harmless).
    const known = new Set(listed);
    const missing = legacy.filter((id) => !known.has(id));
    await this.add(...missing);
    await this.store.delete(LEGACY_ACTIVE_KEY);
    return [...listed, ...missing];
  }

  async add(...ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      await Promise.all(ids.slice(i, i + BATCH).map((id) => this.store.set(ACTIVE_PREFIX + id, 1)));
    }
  }

  async remove(...ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      await Promise.all(ids.slice(i, i + BATCH).map((id) => this.store.delete(ACTIVE_PREFIX + id)));
    }
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
