/**
 * Distributed mode with a real Redis: several engines share the work, the per-key cap holds
 * across all of them, quotas are exact, users are served in turn, and a stopped instance hands
 * its running jobs to the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.ts';
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

/** Jobs slow enough to be caught running upstream. */
const SLOW_SIM = { timing: { queuedMs: 20, msPerVideoSecond: 150, minRunMs: 300, jitter: 0 } };

type Cluster = Awaited<ReturnType<typeof cluster>>;

/** Run `fn` on a fresh cluster (`args` as for `cluster`) over an empty Redis, closed afterwards. */
async function inCluster(args: Parameters<typeof cluster>, fn: (c: Cluster) => Promise<void>): Promise<void> {
  await clearRecords();
  const c = await cluster(...args);
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

/** `n` jobs of users `${tag}0`, `${tag}1`, ..., submitted to the engines in turn. */
async function submitMany(c: Cluster, n: number, tag: string, engines = c.engines): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let i = 0; i < n; i++) {
    const engine = engines[i % engines.length]!;
    jobs.push(submitted(await engine.submit(request(`${tag}${i % 4}`, `${tag} prompt ${i}`))).job);
  }
  return jobs;
}

function oneRunning(c: Cluster, jobs: Job[]): Promise<unknown> {
  return waitFor(async () => {
    const now = await Promise.all(jobs.map((j) => c.engines[0]!.getJob(j.id)));
    return now.some((j) => j?.state === 'in_progress');
  }, 'a job running upstream');
}

/** Every job delivered once and created once, no 429 from the cap, quotas exact. */
async function expectAllDelivered(c: Cluster, jobs: Job[], via = c.engines[0]!): Promise<Job[]> {
  const done = await ended(
    via,
    jobs.map((j) => j.id),
    90_000,
  );
  expect(done.map((j) => j.state)).toEqual(jobs.map(() => 'delivered'));
  await Promise.all(c.engines.map((e) => e.idle()));
  const users = [...new Set(jobs.map((j) => j.requester.userId))];
  await expectPromisesKept({ engine: via, sim: c.sim, surface: c.surface }, done, users);
  expect(rateLimitedCreates(c.sim), '429s from the per-key cap').toBe(0);
  return done;
}

describe('several engines over one Redis', () => {
  it('three engines, four users: each job delivered once, created once, no 429 from the cap, quotas exact', async () => {
    await inCluster([3], async (c) => {
      await expectAllDelivered(c, await submitMany(c, 12, 'user'), c.engines[1]);
      expect(c.sim.stats.count('create')).toBe(12);
    });
  }, 90_000);

  it('fairness across instances: a heavy user’s third and fourth jobs wait for everyone’s first', async () => {
    await inCluster([2], async (c) => {
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
    });
  }, 90_000);

  it('quota reservation races across two engines: exactly the daily limit gets through', async () => {
    await inCluster([2], async (c) => {
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
    });
  }, 90_000);

  it('a cancel on one engine of a job another engine runs: it stops there, the requester is told once, not refunded (it ran upstream)', async () => {
    await inCluster([2], async (c) => {
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
    });
  }, 60_000);

  it('rolling upgrade: an engine stopped mid-job hands its running jobs to the other, none re-created or doubled', async () => {
    await inCluster([2, SLOW_SIM], async (c) => {
      const jobs = await submitMany(c, 4, 'rolling', [c.engines[0]!]);
      await oneRunning(c, jobs);
      await c.instances[0]!.stop(); // SIGTERM: stop taking work, hand running jobs back
      await expectAllDelivered(c, jobs, c.engines[1]);
      expect(c.sim.stats.count('create')).toBe(4);
    });
  }, 90_000);

  it('Redis restarted mid-run (AOF on): nothing lost, nothing doubled, quotas exact', async () => {
    await inCluster([2, SLOW_SIM], async (c) => {
      const jobs = await submitMany(c, 4, 'restart');
      await oneRunning(c, jobs);
      await redis.restart();
      await expectAllDelivered(c, jobs, c.engines[1]);
      expect(c.sim.stats.count('create')).toBe(4);
    });
  }, 120_000);

  it('key pool across instances: two keys × cap 2 run four jobs at once; a refused key’s jobs go to the other key', async () => {
    const pool = { ...SLOW_SIM, extraApiKeys: ['second'] };
    await inCluster(
      [
        2,
        pool,
        (sim) => ({
          client: clientFor(sim),
          extraKeyClients: [clientFor(sim, 'second')],
        }),
      ],
      async (c) => {
        const jobs = await submitMany(c, 4, 'pool');
        await waitFor(
          () => c.engines.reduce((n, e) => n + e.inFlight, 0) === 4,
          'four jobs upstream at once',
        );
        const done = await expectAllDelivered(c, jobs);
        expect(done.map((j) => j.keyIndex).sort()).toEqual([0, 0, 1, 1]);
      },
    );
    await inCluster(
      [
        2,
        pool,
        (sim) => ({
          client: clientFor(sim, 'revoked'),
          extraKeyClients: [clientFor(sim, 'second')],
        }),
      ],
      async (r) => {
        const done = await expectAllDelivered(r, await submitMany(r, 4, 'revoked'), r.engines[1]);
        expect(done.every((j) => j.keyIndex === 1)).toBe(true);
        expect(r.engines.some((e) => e.keysDisabled === 1)).toBe(true);
      },
    );
  }, 120_000);

  it('a setting changed on one instance applies on the others within seconds', async () => {
    await inCluster([2], async (c) => {
      const [a, b] = c.engines as [Engine, Engine];
      const req = request('settler', 'settings prompt');
      const place = { workspaceId: req.place.workspaceId, channelId: req.place.channelId };
      // B has read (and cached) the channel's defaults before A changes them.
      expect((await b.effectiveDefaults(req.actor, place)).private.value).toBe(false);
      await a.setVideoDefaults(
        'cli',
        place.workspaceId,
        { kind: 'channel', channelId: place.channelId },
        { private: true },
      );
      await waitFor(
        async () => (await b.effectiveDefaults(req.actor, place)).private.value,
        'the other instance to see the channel made private',
        20_000,
      );
    });
  });

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
    // Locks of 5 s: on a busy machine a 1.5 s lock can lapse, and a job moved to the other
    // instance at the moment of the poke misses it (by design it then waits for its next check,
    // a minute away here).
    const start = () =>
      startInstance({
        redisUrl: redis.url,
        sim,
        surface,
        prefix,
        engine: { timing: slowPolls, distributed: { lockMs: 5000, prefix } },
      });
    const follower = await start();
    const job = submitted(await follower.engine.submit(request('hook', 'webhook prompt'))).job;
    const videoId = (await waitFor(
      async () => (await follower.engine.getJob(job.id))?.videoId,
      'the upstream id',
    )) as string;
    const other = await start();
    try {
      await waitFor(
        () => sim.jobs().find((j) => j.id === videoId && j.state === 'completed'),
        'the video done upstream',
      );
      const known = await other.engine.findJobByVideoId(videoId);
      expect(known?.id).toBe(job.id);
      // What the webhook receiver does for a verified event. Pub/sub delivers at most once (a
      // poke lost while the job changes hands costs only time, until the next check), so it is
      // sent again every 2 s, as an upstream resends an event: with checks a minute apart, only a
      // poke that reached the follower can end the job within the 20 s.
      other.engine.pollNow(job.id);
      const again = setInterval(() => other.engine.pollNow(job.id), 2000);
      const [done] = await ended(other.engine, [job.id], 20_000).finally(() => clearInterval(again));
      expect(done?.state).toBe('delivered');
      expect(surface.of('completed', job.id)).toHaveLength(1);
    } finally {
      await other.stop();
      await follower.stop();
      await sim.close();
    }
  }, 60_000);
});
