/**
 * Several engines in one test process sharing one real Redis (records, quotas, BullMQ) and one
 * simulator that refuses (429) past its per-key cap, each engine with its own data directory,
 * all reporting to one recording surface.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.ts';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import { redisBackend } from '../../src/engine/scheduling/redis-backend.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';
import {
  clientFor,
  RecordingSurface,
  rateLimitedCreates,
  TEST_LIMITS,
  TEST_TIMING,
  tempDir,
} from '../engine/engine-harness.ts';

/** A dead worker's jobs are taken over this soon (production: 30 s). */
export const TEST_LOCK_MS = 1500;

export interface Instance {
  engine: Engine;
  store: Store;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  redisUrl: string;
  sim: Simulator;
  surface: RecordingSurface;
  /** BullMQ key prefix: each test its own queues. */
  prefix: string;
  engine?: Partial<EngineOptions>;
}

let instanceNo = 0;

/** Start one instance of the cluster (records in Redis, BullMQ scheduling). */
export async function startInstance(o: ClusterOptions): Promise<Instance> {
  const dir = tempDir('reelbot-cluster-');
  const store = await openStore(o.redisUrl);
  const engine = new Engine({
    store,
    client: clientFor(o.sim),
    dataDir: join(dir, `data-${++instanceNo}`),
    choices: { models: ['sora-2'], sizes: ['1280x720', '720x1280'], seconds: [4, 8, 12] },
    limits: TEST_LIMITS,
    maxConcurrency: o.sim.options.concurrencyPerKey,
    timing: TEST_TIMING,
    backend: redisBackend(o.redisUrl),
    distributed: { lockMs: TEST_LOCK_MS, prefix: o.prefix },
    ...o.engine,
  });
  engine.attachSurface('cli', o.surface);
  await engine.start();
  let stopped = false;
  return {
    engine,
    store,
    async stop() {
      if (stopped) return;
      stopped = true;
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { RecordingSurface, rateLimitedCreates };
