/**
 * The distributed backend (`REDIS_URL`): quotas, the active index and claims in Redis, BullMQ
 * runs the jobs. Imported only in distributed mode; `createEngineFromConfig` does it.
 */
import type { Redis } from 'ioredis';
import { RedisActiveIndex } from '../active-index.ts';
import { Delivery } from '../delivery.ts';
import { DEFAULT_LOCK_MS } from '../engine-options.ts';
import { RedisHistoryIndex } from '../history-index.ts';
import { JobStore } from '../job-store.ts';
import { RedisClaims } from '../redis-claims.ts';
import { openRedis } from '../redis-connection.ts';
import { RedisKeyedMutex } from '../redis-mutex.ts';
import { RedisQuotaBook } from '../redis-quota-book.ts';
import type { Backend, BackendFactory, BackendParts } from './backends.ts';
import { BullScheduler } from './bull-scheduler.ts';

/** Any number of instances: quotas, index and claims in Redis, BullMQ runs the jobs. */
export function redisBackend(redisUrl: string): BackendFactory {
  return (parts) => build(parts, redisUrl);
}

function build({ options, settings }: BackendParts, redisUrl: string): Backend {
  const redis: Redis = openRedis(redisUrl);
  redis.on('error', (err) => options.logger?.debug('redis connection', { err }));
  // Records are shared: two instances must not interleave a read-modify-write of one record.
  const mutex = new RedisKeyedMutex(redis);
  const jobs = new JobStore(options.store, mutex, new RedisActiveIndex(redis));
  const quota = new RedisQuotaBook(redis, settings, options.limits, (ids) => jobs.getMany(ids));
  return {
    quota,
    jobs,
    history: new RedisHistoryIndex(redis, options.store),
    // Positions live in Redis (BullMQ's prioritised set); views show the state without one.
    positions: { position: () => undefined, size: 0 },
    shared: true,
    active: new Map(),
    mutex,
    build(core) {
      // A delivery claim is held as long as a BullMQ job lock: a killed holder frees it as soon
      // as its job is taken over.
      const holdMs = options.distributed?.lockMs ?? DEFAULT_LOCK_MS;
      const delivery = new Delivery(core, new RedisClaims(redis, { kind: 'delivery', holdMs }));
      const scheduler = new BullScheduler(core, delivery, {
        redisUrl,
        maxConcurrency: options.maxConcurrency ?? 2,
        outstanding: (job) => quota.outstanding(job),
        notices: new RedisClaims(redis, { kind: 'notice' }),
        ...options.distributed,
      });
      return { delivery, scheduler };
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
