/**
 * The keyed mutex across instances (distributed mode): every read-modify-write of a stored record
 * holds its key's lock in Redis as well as in this process, so two instances updating the same
 * job (one following it, one writing where its message was posted) never lose each other's
 * change. Within a process callers queue as with `KeyedMutex`, so only one of them asks Redis.
 * A lock expires after `ttlMs` should its holder die holding it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sleep } from '../async/sleep.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { RELEASE_IF_HOLDER } from './redis-scripts.ts';

export class RedisKeyedMutex extends KeyedMutex {
  constructor(
    private readonly redis: Redis,
    /** @default 10000 */
    private readonly ttlMs = 10_000,
  ) {
    super();
  }

  override run<T>(keys: string | readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(typeof keys === 'string' ? [keys] : keys)].sort();
    return super.run(sorted, async () => {
      const token = randomUUID();
      const held: string[] = [];
      try {
        for (const key of sorted) {
          await this.#lock(`reelbot:lock:${key}`, token);
          held.push(`reelbot:lock:${key}`);
        }
        return await fn();
      } finally {
        await Promise.all(
          held.map((k) => this.redis.eval(RELEASE_IF_HOLDER, 1, k, token).catch(() => undefined)),
        );
      }
    });
  }

  async #lock(key: string, token: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK') return;
      await sleep(Math.min(50, 2 * attempt));
    }
  }
}
