/**
 * The two ways to run the engine, as the parts that differ: where quotas and the active index
 * live, who may post a result, and which scheduler runs jobs. Everything else is shared.
 */
import type { Redis } from 'ioredis';
import { RedisActiveIndex } from '../active-index.ts';
import { Delivery } from '../delivery.ts';
import type { EngineCore, QueuePositions } from '../engine-core.ts';
import type { EngineOptions } from '../engine-options.ts';
import { FairQueue } from '../fair-queue.ts';
import type { Job } from '../job.ts';
import { JobStore } from '../job-store.ts';
import type { KeyedMutex } from '../keyed-mutex.ts';
import { QuotaBook } from '../quota.ts';
import type { QuotaLedger } from '../quota-ledger.ts';
import { RedisClaims } from '../redis-claims.ts';
import { openRedis } from '../redis-connection.ts';
import { RedisQuotaBook } from '../redis-quota-book.ts';
import type { Settings } from '../settings.ts';
import { BullScheduler } from './bull-scheduler.ts';
import { InProcessScheduler } from './in-process-scheduler.ts';
import type { Scheduler } from './scheduler.ts';

export interface Backend {
  quota: QuotaLedger;
  jobs: JobStore;
  positions: QueuePositions;
  /** Other instances change jobs too. */
  shared: boolean;
  active: Map<string, Job>;
  /** The scheduler and the delivery it uses, once the core exists. */
  build(core: EngineCore): { scheduler: Scheduler; delivery: Delivery };
  /** Close what the backend opened (after the scheduler stopped). */
  close(): Promise<void>;
}

interface Parts {
  options: EngineOptions;
  settings: Settings;
  mutex: KeyedMutex;
}

/** One process: quotas in the store, a fair queue and a poll loop in memory. */
export function inProcessBackend({ options, settings, mutex }: Parts): Backend {
  const active = new Map<string, Job>();
  const quota = new QuotaBook(options.store, mutex, settings, options.limits, (u) =>
    [...active.values()].filter(
      (j) =>
        j.requester.platform === u.platform &&
        j.requester.userId === u.userId &&
        j.place.workspaceId === u.workspaceId,
    ),
  );
  const queue = new FairQueue();
  return {
    quota,
    jobs: new JobStore(options.store, mutex),
    positions: queue,
    shared: false,
    active,
    build(core) {
      const delivery = new Delivery(core);
      return { delivery, scheduler: new InProcessScheduler(core, queue, delivery) };
    },
    close: async () => {},
  };
}

/** Any number of instances: quotas, index and claims in Redis, BullMQ runs the jobs. */
export function redisBackend({ options, settings, mutex }: Parts, redisUrl: string): Backend {
  const redis: Redis = openRedis(redisUrl);
  redis.on('error', (err) => options.logger?.debug('redis connection', { err }));
  const jobs = new JobStore(options.store, mutex, new RedisActiveIndex(redis));
  const quota = new RedisQuotaBook(redis, settings, options.limits, (ids) => jobs.getMany(ids));
  return {
    quota,
    jobs,
    // Positions live in Redis (BullMQ's prioritised set); views show the state without one.
    positions: { position: () => undefined, size: 0 },
    shared: true,
    active: new Map(),
    build(core) {
      const delivery = new Delivery(core, new RedisClaims(redis, 'delivery'));
      const scheduler = new BullScheduler(core, delivery, {
        redisUrl,
        maxConcurrency: options.maxConcurrency ?? 2,
        outstanding: (job) => quota.outstanding(job),
        notices: new RedisClaims(redis, 'notice'),
        ...options.distributed,
      });
      return { delivery, scheduler };
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
