/**
 * The two ways to run the engine, as the parts that differ: where quotas and the active index
 * live, who may post a result, and which scheduler runs jobs. Everything else is shared. The
 * distributed one is in `redis-backend.ts`, loaded only when `REDIS_URL` is set (BullMQ and the
 * Redis clients cost memory a single process does not need).
 */
import { Delivery } from '../delivery.ts';
import type { EngineCore, QueuePositions } from '../engine-core.ts';
import type { EngineOptions } from '../engine-options.ts';
import { FairQueue } from '../fair-queue.ts';
import { type HistoryIndex, StoredHistoryIndex } from '../history-index.ts';
import type { Job } from '../job.ts';
import { JobStore } from '../job-store.ts';
import type { KeyedMutex } from '../keyed-mutex.ts';
import { QuotaBook } from '../quota.ts';
import type { QuotaLedger } from '../quota-ledger.ts';
import type { Settings } from '../settings.ts';
import { InProcessScheduler } from './in-process-scheduler.ts';
import type { Scheduler } from './scheduler.ts';

export interface Backend {
  quota: QuotaLedger;
  jobs: JobStore;
  /** The lists behind `/history`. */
  history: HistoryIndex;
  positions: QueuePositions;
  /** Other instances change jobs too. */
  shared: boolean;
  active: Map<string, Job>;
  /** The lock every read-modify-write of a stored record holds (across instances when shared). */
  mutex: KeyedMutex;
  /** The scheduler and the delivery it uses, once the core exists. */
  build(core: EngineCore): { scheduler: Scheduler; delivery: Delivery };
  /** Close what the backend opened (after the scheduler stopped). */
  close(): Promise<void>;
}

/** Builds a backend (see `redisBackend` in `redis-backend.ts`). */
export type BackendFactory = (parts: BackendParts) => Backend;

/** What a backend is built from. */
export interface BackendParts {
  options: EngineOptions;
  settings: Settings;
  mutex: KeyedMutex;
}

/** One process: quotas in the store, a fair queue and a poll loop in memory. */
export function inProcessBackend({ options, settings, mutex }: BackendParts): Backend {
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
    history: new StoredHistoryIndex(options.store, mutex),
    positions: queue,
    shared: false,
    active,
    mutex,
    build(core) {
      const delivery = new Delivery(core);
      return { delivery, scheduler: new InProcessScheduler(core, queue, delivery) };
    },
    close: async () => {},
  };
}
