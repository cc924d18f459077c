/**
 * The lists behind `/history`: per place and per requester, job ids newest first, capped.
 * Embedded: one stored array per list, rewritten under the in-process lock of its key, ids that
 * arrive meanwhile written together by the next rewrite. Distributed: a Redis list per list, changed by one script
 * (LREM, LPUSH, LTRIM) with no lock at all: every job of a workspace adds to that workspace's
 * list, so a lock across instances there made every new job wait its turn.
 */
import type { Redis } from 'ioredis';
import type { KeyedMutex } from './keyed-mutex.ts';
import type { Store } from './store.ts';

/** Jobs remembered per list; older ones drop off. */
export const HISTORY_CAP = 500;

export interface HistoryIndex {
  /** Put `id` at the front of each list (moving it there if it was listed already). */
  add(lists: readonly string[], id: string): Promise<void>;
  /** A list's ids, newest first. */
  ids(list: string): Promise<string[]>;
}

/** Ids waiting to be put at the head of one list by a single read-modify-write. */
interface Batch {
  ids: string[];
  written: Promise<void>;
}

export class StoredHistoryIndex implements HistoryIndex {
  /** Per list, the batch whose write has not started yet: a new id joins it. */
  readonly #waiting = new Map<string, Batch>();

  constructor(
    private readonly store: Store,
    private readonly mutex: KeyedMutex,
  ) {}

  /**
   * Ids arriving while a list is being written go in together with the next write: every job of
   * a workspace adds to the place's list, and one write per job (read 500 ids, write 500 ids, one
   * at a time) made a busy intake queue up behind that one lock.
   */
  async add(lists: readonly string[], id: string): Promise<void> {
    await Promise.all(lists.map((k) => this.#prepend(k, id)));
  }

  async ids(list: string): Promise<string[]> {
    return (await this.store.get<string[]>(list)) ?? [];
  }

  #prepend(k: string, id: string): Promise<void> {
    let batch = this.#waiting.get(k);
    if (!batch) {
      const ids: string[] = [];
      const written = this.mutex.run(k, async () => {
        // From here on an id goes into the next batch.
        if (this.#waiting.get(k)?.ids === ids) this.#waiting.delete(k);
        const newest = [...new Set(ids.toReversed())];
        const added = new Set(newest);
        const list = (await this.store.get<string[]>(k)) ?? [];
        await this.store.set(k, [...newest, ...list.filter((x) => !added.has(x))].slice(0, HISTORY_CAP));
      });
      const mine: Batch = { ids, written };
      // Also when the lock itself failed (the write never started): the next id starts afresh.
      const forget = () => {
        if (this.#waiting.get(k) === mine) this.#waiting.delete(k);
      };
      written.then(forget, forget);
      batch = mine;
      this.#waiting.set(k, batch);
    }
    batch.ids.push(id);
    return batch.written;
  }
}

/** KEYS: the lists; ARGV[1]: the id, ARGV[2]: the cap. */
const PUSH_FRONT = `for _, k in ipairs(KEYS) do
  redis.call('LREM', k, 0, ARGV[1])
  redis.call('LPUSH', k, ARGV[1])
  redis.call('LTRIM', k, 0, tonumber(ARGV[2]) - 1)
end
return 1`;

export class RedisHistoryIndex implements HistoryIndex {
  constructor(
    private readonly redis: Redis,
    /** Lists written by earlier versions (stored arrays), read after the Redis list. */
    private readonly store: Store,
    private readonly prefix = 'reelbot:',
  ) {}

  async add(lists: readonly string[], id: string): Promise<void> {
    const keys = lists.map((l) => this.prefix + l);
    await this.redis.eval(PUSH_FRONT, keys.length, ...keys, id, HISTORY_CAP);
  }

  async ids(list: string): Promise<string[]> {
    const [fresh, earlier] = await Promise.all([
      this.redis.lrange(this.prefix + list, 0, HISTORY_CAP - 1),
      this.store.get<string[]>(list),
    ]);
    if (!earlier?.length) return fresh;
    return [...new Set([...fresh, ...earlier])].slice(0, HISTORY_CAP);
  }
}
