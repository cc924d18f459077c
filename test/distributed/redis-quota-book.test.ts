/**
 * The Redis quota book on its own: a reservation is all-or-nothing across processes, a refund is
 * exact, and after a crash charges of jobs never written and in-progress marks of jobs that
 * ended are dropped.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import { openRedis } from '../../src/engine/redis-connection.ts';
import { RedisQuotaBook } from '../../src/engine/redis-quota-book.ts';
import { Settings } from '../../src/engine/settings.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { TEST_LIMITS, waitingJob } from '../engine/engine-harness.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

let server: TestRedis;
let store: Store;
const connections: Redis[] = [];
beforeAll(async () => {
  server = await startTestRedis();
  store = await openStore(server.url);
});
afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit()));
  await store?.close();
  await server?.stop();
});

function book(jobs: Map<string, Job>, limits = TEST_LIMITS): RedisQuotaBook {
  const redis = openRedis(server.url);
  connections.push(redis);
  return new RedisQuotaBook(redis, new Settings(store), limits, async (ids) => ids.map((id) => jobs.get(id)));
}

const job = waitingJob;

const actor = (userId: string) => ({ platform: 'cli' as const, userId, displayName: userId, isAdmin: false });

it('two books on two connections racing for one user: exactly the daily limit is charged, and refunds are exact', async () => {
  const jobs = new Map<string, Job>();
  const limits = { ...TEST_LIMITS, dailyVideos: 4 };
  const [a, b] = [book(jobs, limits), book(jobs, limits)];
  const now = Date.now();
  const tries = Array.from({ length: 12 }, () => job('racer', now));
  const refusals = await Promise.all(tries.map((j, i) => (i % 2 ? a : b).reserve(j, async () => undefined)));
  expect(refusals.filter((r) => r === undefined)).toHaveLength(4);
  expect(refusals.filter((r) => r?.code === 'quota_daily_videos')).toHaveLength(8);
  const charged = tries.filter((_, i) => refusals[i] === undefined);
  await a.refund(charged[0]!);
  await b.refund(charged[0]!); // idempotent
  const usage = await a.usage(actor('racer'), 'ws1', now);
  expect(usage.videos.used).toBe(3);
  expect(usage.seconds.used).toBe(12);
});

it('after a crash: a charge whose job was never written and an in-progress mark of an ended job are dropped', async () => {
  const jobs = new Map<string, Job>();
  const q = book(jobs);
  const longAgo = Date.now() - 10 * 60_000;
  const neverWritten = job('crash', longAgo);
  const endedJob = job('crash', longAgo);
  const fresh = job('crash', Date.now()); // another instance may be writing it right now
  for (const j of [neverWritten, endedJob, fresh])
    expect(await q.reserve(j, async () => undefined)).toBeUndefined();
  jobs.set(endedJob.id, { ...endedJob, state: 'delivered' });
  const present = async (ids: string[]) => new Set(ids.filter((id) => jobs.has(id)));
  // Its charge on the user's day and on the workspace's day.
  expect(await q.reconcileOrphans(present, Date.now())).toBe(2);
  const usage = await q.usage(actor('crash'), 'ws1', Date.now());
  expect(usage.videos.used).toBe(2);
  // Only the fresh job still counts as in progress (its record is not there yet, so it is not listed).
  expect(await q.outstanding(fresh)).toBe(1);
});
