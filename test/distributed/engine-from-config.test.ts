/**
 * The app's entry point in distributed mode: `createEngineFromConfig` with `REDIS_URL` keeps the
 * records in Redis (no local store file) and schedules through BullMQ, with a key pool from a
 * comma-separated `VIDEO_API_KEY`.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { createEngineFromConfig } from '../../src/engine/create-engine.ts';
import { openStore } from '../../src/engine/store.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { RecordingSurface, request, submitted, TEST_TIMING, tempDir } from '../engine/engine-harness.ts';
import { ended } from '../reliability/outcome-checks.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

let redis: TestRedis;
let sim: Simulator;
beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startSimulator({
    timing: { queuedMs: 20, msPerVideoSecond: 30, minRunMs: 100, jitter: 0 },
    extraApiKeys: ['key-two'],
  });
});
afterAll(async () => {
  await sim?.close();
  await redis?.stop();
});

it('REDIS_URL: the records live in Redis, no SQLite file is made, and two keys form the pool', async () => {
  const dir = tempDir('reelbot-config-');
  const sqlite = join(dir, 'reelbot.sqlite');
  const config = loadConfig({
    VIDEO_API_BASE_URL: sim.url,
    VIDEO_API_KEY: `${sim.options.apiKey}, key-two`,
    VIDEO_API_DIALECT: 'openai',
    REDIS_URL: redis.url,
    STORE_URL: `sqlite://${sqlite}`,
    DATA_DIR: join(dir, 'data'),
  });
  expect(config.VIDEO_API_KEYS).toEqual([sim.options.apiKey, 'key-two']);
  const engine = await createEngineFromConfig(config, {
    overrides: { timing: TEST_TIMING, distributed: { lockMs: 1500, prefix: `cfg-${Date.now()}` } },
  });
  engine.attachSurface('cli', new RecordingSurface());
  await engine.start();
  try {
    const job = submitted(await engine.submit(request('cfg', 'from config'))).job;
    const [done] = await ended(engine, [job.id], 30_000);
    expect(done?.state).toBe('delivered');
  } finally {
    await engine.stop();
  }
  expect(existsSync(sqlite)).toBe(false);
  const store = await openStore(redis.url);
  expect((await store.scan('jobs:')).length).toBe(1);
  await store.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);
