/**
 * The lists behind `/history`: per place and per requester, job ids newest first, capped.
 * Embedded: one stored array per list, rewritten under the in-process lock of its key (one
 * process, so the lock is free). Distributed: a Redis list per list, changed by one script
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

export class StoredHistoryIndex implements HistoryIndex {
  constructor(
    private readonly store: Store,
    private readonly mutex: KeyedMutex,
  ) {}

  async add(lists: readonly string[], id: string): Promise<void> {
    for (const k of lists) {
      await this.mutex.run(k, async () => {
        const list = (await this.store.get<string[]>(k)) ?? [];
        await this.store.set(k, [id, ...list.filter((x) => x !== id)].slice(0, HISTORY_CAP));
      });
    }
  }

  async ids(list: string): Promise<string[]> {
    return (await this.store.get<string[]>(list)) ?? [];
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
