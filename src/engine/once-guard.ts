/**
 * "Handle this only once": chat platforms deliver some events twice (a Slack retry, a Discord
 * gateway replay, two instances seeing the same interaction). The first caller of `first(key)`
 * gets true; every later caller within the time-to-live gets false. In Redis (`SET NX PX`) the
 * guard spans every instance; in memory it spans one process (the embedded mode).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';
import { withRedisDeadline } from './redis-deadline.ts';

export interface OnceGuard {
  /** True for the first caller of `key` within the time-to-live, false for every repeat. */
  first(key: string): Promise<boolean>;
}

/** Slack retries for about an hour at most; Discord interactions live 15 minutes. */
export const DEFAULT_ONCE_TTL_MS = 60 * 60_000;

/** One process: a map of keys to expiry times, swept as it is used. */
export class MemoryOnceGuard implements OnceGuard {
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = DEFAULT_ONCE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  first(key: string): Promise<boolean> {
    const now = this.now();
    // Insertion order is expiry order (same TTL for all), so the sweep stops at the first live key.
    for (const [k, expires] of this.#seen) {
      if (expires > now) break;
      this.#seen.delete(k);
    }
    if (this.#seen.has(key)) return Promise.resolve(false);
    this.#seen.set(key, now + this.ttlMs);
    return Promise.resolve(true);
  }
}

/** How long a duplicate check may wait for Redis: it runs before an interaction's 3 s acknowledgement. */
export const ONCE_REDIS_DEADLINE_MS = 1000;

/** Every instance sharing one Redis. */
export class RedisOnceGuard implements OnceGuard {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly ttlMs = DEFAULT_ONCE_TTL_MS,
    private readonly prefix = 'reelbot:once:',
  ) {}

  async first(key: string): Promise<boolean> {
    try {
      const set = this.redis.set(this.prefix + key, '1', 'PX', this.ttlMs, 'NX');
      return (await withRedisDeadline(set, ONCE_REDIS_DEADLINE_MS)) === 'OK';
    } catch (err) {
      // Redis unreachable: a rare duplicate is better than dropping what a user asked for.
      this.logger.warn('once-guard unavailable, handling the event without the duplicate check', { err });
      return true;
    }
  }
}
