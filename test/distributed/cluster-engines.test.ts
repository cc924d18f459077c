/**
 * Distributed mode with a real Redis: several engines share the work, the per-key cap holds
 * across all of them, quotas are exact, users are served in turn, and a stopped instance hands
 * its running jobs to the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import type { Job } from '../../src/engine/job.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { clientFor, request, submitted, TEST_TIMING, waitFor } from '../engine/engine-harness.ts';
import { ended, expectPromisesKept } from '../reliability/outcome-checks.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';
import { type Instance, RecordingSurface, rateLimitedCreates, startInstance } from './cluster-harness.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

let run = 0;
async function cluster(
  n: number,
  simOptions: Parameters<typeof startSimulator>[0] = {},
  engineFor?: (sim: Simulator) => Partial<EngineOptions>,
) {
  const sim = await startSimulator({
    timing: { queuedMs: 20, msPerVideoSecond: 60, minRunMs: 150, jitter: 0 },
    concurrencyPerKey: 2,
    overLimit: 'reject',
    ...simOptions,
  });
  const surface = new RecordingSurface();
  const prefix = `t${++run}-${Date.now()}`;
  const instances: Instance[] = [];
  for (let i = 0; i < n; i++) {
    const engine = engineFor?.(sim) ?? {};
    instances.push(await startInstance({ redisUrl: redis.url, sim, surface, prefix, engine }));
  }
  return {
    sim,
    surface,
    instances,
    engines: instances.map((x) => x.engine),
    async close() {
      await Promise.all(instances.map((x) => x.stop()));
      await sim.close();
    },
  };
}

async function clearRecords(): Promise<void> {
  // Each test starts from an empty Redis (records, quotas, queues).
  const { openRedis } = await import('../../src/engine/redis-connection.ts');
  const r = openRedis(redis.url);
  await r.flushall();
  await r.quit();
}

describe('several engines over one Redis', () => {
  it('three engines, four users: each job delivered once, created once, no 429 from the cap, quotas exact', async () => {
    await clearRecords();
    const c = await cluster(3);
    try {
      const users = ['a', 'b', 'c', 'd'];
      const jobs: Job[] = [];
      for (let i = 0; i < 12; i++) {
        const engine = c.engines[i % 3]!;
        const user = users[i % users.length]!;
        jobs.push(submitted(await engine.submit(request(user, `cluster prompt ${i} by ${user}`))).job);
      }
      const done = await ended(
        c.engines[0]!,
        jobs.map((j) => j.id),
        60_000,
      );
      expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'delivered'));
      await Promise.all(c.engines.map((e) => e.idle()));
      await expectPromisesKept({ engine: c.engines[1]!, sim: c.sim, surface: c.surface }, done, users);
      expect(rateLimitedCreates(c.sim), '429s from the per-key cap').toBe(0);
      expect(c.sim.stats.count('create')).toBe(12);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('fairness across instances: a heavy user’s third and fourth jobs wait for everyone’s first', async () => {
    await clearRecords();
    const c = await cluster(2);
    try {
      const heavy: Job[] = [];
      for (let i = 0; i < 4; i++) {
        heavy.push(
          submitted(await c.engines[i % 2]!.submit(request('heavy', `heavy ${i}`, { seconds: 8 }))).job,
        );
      }
      const light = [
        submitted(await c.engines[1]!.submit(request('light1', 'light one'))).job,
        submitted(await c.engines[0]!.submit(request('light2', 'light two'))).job,
      ];
      const all = await ended(
        c.engines[0]!,
        [...heavy, ...light].map((j) => j.id),
        60_000,
      );
      const at = new Map(all.map((j) => [j.id, j.submittedAt ?? Number.POSITIVE_INFINITY]));
      const lightLatest = Math.max(...light.map((j) => at.get(j.id)!));
      for (const j of heavy.slice(2))
        expect(at.get(j.id)!, `${j.prompt} after the light users`).toBeGreaterThan(lightLatest);
      expect(rateLimitedCreates(c.sim)).toBe(0);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('quota reservation races across two engines: exactly the daily limit gets through', async () => {
    await clearRecords();
    const c = await cluster(2);
    try {
      await c.engines[0]!.setUserLimits('cli', 'ws1', 'racer', { dailyVideos: 3 });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => c.engines[i % 2]!.submit(request('racer', `race ${i}`))),
      );
      const ok = outcomes.filter((o) => o.ok);
      expect(ok).toHaveLength(3);
      expect(outcomes.filter((o) => !o.ok && o.refusal.code === 'quota_daily_videos')).toHaveLength(7);
      const ids = ok.map((o) => (o.ok ? o.value.job.id : ''));
      await ended(c.engines[1]!, ids, 60_000);
      const usage = await c.engines[1]!.usage(
        { platform: 'cli', userId: 'racer', displayName: 'r', isAdmin: false },
        'ws1',
      );
      expect(usage.videos.used).toBe(3);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('a cancel on one engine of a job another engine runs: it stops there, the requester is told once, not refunded (it ran upstream)', async () => {
    await clearRecords();
    const c = await cluster(2);
    try {
      const job = submitted(
        await c.engines[0]!.submit(request('canceller', 'cancel me', { seconds: 12 })),
      ).job;
      await waitFor(async () => (await c.engines[1]!.getJob(job.id))?.state === 'in_progress', 'running');
      const out = await c.engines[1]!.cancel(job.id, {
        platform: 'cli',
        userId: 'canceller',
        displayName: 'x',
        isAdmin: false,
      });
      expect(out.ok).toBe(true);
      const [done] = await ended(c.engines[0]!, [job.id], 30_000);
      expect(done?.state).toBe('cancelled');
      await Promise.all(c.engines.map((e) => e.idle()));
      expect(c.surface.of('cancelled', job.id)).toHaveLength(1);
      expect(c.surface.of('completed', job.id)).toHaveLength(0);
      const usage = await c.engines[0]!.usage(
        { platform: 'cli', userId: 'canceller', displayName: 'x', isAdmin: false },
        'ws1',
      );
      expect(usage.videos.used).toBe(1);
      expect(usage.active.used).toBe(0);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('rolling upgrade: an engine stopped mid-job hands its running jobs to the other, none re-created or doubled', async () => {
    await clearRecords();
    const c = await cluster(2, { timing: { queuedMs: 20, msPerVideoSecond: 150, minRunMs: 300, jitter: 0 } });
    try {
      const jobs: Job[] = [];
      for (let i = 0; i < 4; i++)
        jobs.push(submitted(await c.engines[0]!.submit(request(`r${i}`, `rolling ${i}`))).job);
      await waitFor(
        async () =>
          (await Promise.all(jobs.map((j) => c.engines[0]!.getJob(j.id)))).some(
            (j) => j?.state === 'in_progress',
          ),
        'a job running upstream',
      );
      await c.instances[0]!.stop(); // SIGTERM: stop taking work, hand running jobs back
      const done = await ended(
        c.engines[1]!,
        jobs.map((j) => j.id),
        60_000,
      );
      expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'delivered'));
      await c.engines[1]!.idle();
      await expectPromisesKept({ engine: c.engines[1]!, sim: c.sim, surface: c.surface }, done, [
        'r0',
        'r1',
        'r2',
        'r3',
      ]);
      expect(c.sim.stats.count('create')).toBe(4);
      expect(rateLimitedCreates(c.sim)).toBe(0);
    } finally {
      await c.close();
    }
  }, 90_000);

  it('Redis restarted mid-run (AOF on): nothing lost, nothing doubled, quotas exact', async () => {
    await clearRecords();
    const c = await cluster(2, { timing: { queuedMs: 20, msPerVideoSecond: 150, minRunMs: 300, jitter: 0 } });
    try {
      const jobs: Job[] = [];
      for (let i = 0; i < 4; i++) {
        jobs.push(submitted(await c.engines[i % 2]!.submit(request(`p${i}`, `restart ${i}`))).job);
      }
      await waitFor(
        async () =>
          (await Promise.all(jobs.map((j) => c.engines[0]!.getJob(j.id)))).some(
            (j) => j?.state === 'in_progress',
          ),
        'a job running upstream',
      );
      await redis.restart();
      const done = await ended(
        c.engines[1]!,
        jobs.map((j) => j.id),
        90_000,
      );
      expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'delivered'));
      await Promise.all(c.engines.map((e) => e.idle()));
      await expectPromisesKept({ engine: c.engines[0]!, sim: c.sim, surface: c.surface }, done, [
        'p0',
        'p1',
        'p2',
        'p3',
      ]);
      expect(c.sim.stats.count('create')).toBe(4);
      expect(rateLimitedCreates(c.sim)).toBe(0);
    } finally {
      await c.close();
    }
  }, 120_000);

  it('key pool across instances: two keys × cap 2 run four jobs at once; a refused key’s jobs go to the other key', async () => {
    await clearRecords();
    const key = clientFor;
    const slow = {
      timing: { queuedMs: 20, msPerVideoSecond: 150, minRunMs: 300, jitter: 0 },
      extraApiKeys: ['second'],
    };
    const c = await cluster(2, slow, (sim) => ({
      client: key(sim, sim.options.apiKey),
      extraKeyClients: [key(sim, 'second')],
    }));
    try {
      const jobs: Job[] = [];
      for (let i = 0; i < 4; i++)
        jobs.push(submitted(await c.engines[i % 2]!.submit(request(`q${i}`, `pool ${i}`))).job);
      await waitFor(() => c.engines.reduce((n, e) => n + e.inFlight, 0) === 4, 'four jobs upstream at once');
      const done = await ended(
        c.engines[0]!,
        jobs.map((j) => j.id),
        60_000,
      );
      expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'delivered'));
      expect(done.map((j) => j.keyIndex).sort()).toEqual([0, 0, 1, 1]);
      expect(rateLimitedCreates(c.sim)).toBe(0);
    } finally {
      await c.close();
    }
    await clearRecords();
    const r = await cluster(2, slow, (sim) => ({
      client: key(sim, 'revoked'),
      extraKeyClients: [key(sim, 'second')],
    }));
    try {
      const jobs: Job[] = [];
      for (let i = 0; i < 4; i++)
        jobs.push(submitted(await r.engines[i % 2]!.submit(request(`w${i}`, `revoked ${i}`))).job);
      const done = await ended(
        r.engines[1]!,
        jobs.map((j) => j.id),
        60_000,
      );
      expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'delivered'));
      expect(done.every((j) => j.keyIndex === 1)).toBe(true);
      expect(r.engines.some((e) => e.keysDisabled === 1)).toBe(true);
      await Promise.all(r.engines.map((e) => e.idle()));
      await expectPromisesKept({ engine: r.engines[0]!, sim: r.sim, surface: r.surface }, done, [
        'w0',
        'w1',
        'w2',
        'w3',
      ]);
    } finally {
      await r.close();
    }
  }, 120_000);

  it('an upstream webhook reaching another instance makes the one following the job check it now', async () => {
    await clearRecords();
    const sim = await startSimulator({
      timing: { queuedMs: 20, msPerVideoSecond: 30, minRunMs: 100, jitter: 0 },
    });
    const surface = new RecordingSurface();
    const prefix = `hook-${Date.now()}`;
    // Status checks a minute apart: within this test only a poke can finish the job.
    const slowPolls = {
      ...TEST_TIMING,
      poll: { ...TEST_TIMING.poll, firstMinMs: 60_000, minMs: 60_000, maxMs: 60_000 },
    };
    const follower = await startInstance({
      redisUrl: redis.url,
      sim,
      surface,
      prefix,
      engine: { timing: slowPolls },
    });
    const job = submitted(await follower.engine.submit(request('hook', 'webhook prompt'))).job;
    const videoId = (await waitFor(
      async () => (await follower.engine.getJob(job.id))?.videoId,
      'the upstream id',
    )) as string;
    const other = await startInstance({
      redisUrl: redis.url,
      sim,
      surface,
      prefix,
      engine: { timing: slowPolls },
    });
    try {
      await waitFor(
        () => sim.jobs().find((j) => j.id === videoId && j.state === 'completed'),
        'the video done upstream',
      );
      const known = await other.engine.findJobByVideoId(videoId);
      expect(known?.id).toBe(job.id);
      other.engine.pollNow(job.id); // what the webhook receiver does for a verified event
      const [done] = await ended(other.engine, [job.id], 20_000);
      expect(done?.state).toBe('delivered');
      expect(surface.of('completed', job.id)).toHaveLength(1);
    } finally {
      await other.stop();
      await follower.stop();
      await sim.close();
    }
  }, 60_000);
});
