/**
 * A distributed-mode instance killed with SIGKILL while its jobs run upstream: BullMQ's stalled
 * check hands them to another instance, which follows them to the end from their records. None
 * is created again, each is delivered once, quotas are exact.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { tempDir, waitFor } from '../engine/engine-harness.ts';
import { ended, expectPromisesKept } from '../reliability/outcome-checks.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';
import { RecordingSurface, rateLimitedCreates, startInstance, TEST_LOCK_MS } from './cluster-harness.ts';

let redis: TestRedis;
let sim: Simulator;
beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startSimulator({
    timing: { queuedMs: 20, msPerVideoSecond: 300, minRunMs: 300, jitter: 0 },
    concurrencyPerKey: 2,
    overLimit: 'reject',
  });
});
afterAll(async () => {
  await sim?.close();
  await redis?.stop();
});

/** The child instance, its report lines, and a way to wait for its exit. */
function spawnChild(prefix: string, count: number, tag: string) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'cluster-child.ts')],
    {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        SIM_URL: sim.url,
        SIM_KEY: sim.options.apiKey,
        PREFIX: prefix,
        DIR: tempDir('reelbot-kill-child-'),
        COUNT: String(count),
        LOCK_MS: String(TEST_LOCK_MS),
        TAG: tag,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Line);
    } catch {
      // not a report line
    }
  });
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  return { lines, kill };
}

interface Line {
  ev: string;
  job?: string;
  state?: string;
}

it('a worker killed mid-job: another instance follows its jobs to the end, none created twice', async () => {
  const prefix = `kill-${Date.now()}`;
  const { lines, kill } = spawnChild(prefix, 3, 'killed worker');
  const accepted = () => lines.filter((l) => l.ev === 'accepted').map((l) => l.job!);
  const running = (id: string) => lines.some((l) => l.job === id && l.state === 'in_progress');
  await waitFor(() => lines.some((l) => l.ev === 'ready'), 'the child to accept its jobs', 30_000);
  const ids = accepted();
  expect(ids).toHaveLength(3);
  // Two run upstream (the cap), one waits in the queue.
  await waitFor(() => ids.filter(running).length === 2, 'two jobs running upstream in the child', 30_000);
  await kill();
  expect(lines.filter((l) => l.ev === 'completed')).toHaveLength(0);

  const surface = new RecordingSurface();
  const survivor = await startInstance({ redisUrl: redis.url, sim, surface, prefix });
  try {
    const done = await ended(survivor.engine, ids, 60_000);
    expect(done.map((j) => j.state)).toEqual(['delivered', 'delivered', 'delivered']);
    await survivor.engine.idle();
    await expectPromisesKept({ engine: survivor.engine, sim, surface }, done, [
      'killedworker0',
      'killedworker1',
      'killedworker2',
    ]);
    expect(sim.stats.count('create')).toBe(3);
    expect(rateLimitedCreates(sim)).toBe(0);
  } finally {
    await survivor.stop();
  }
}, 120_000);

it('a worker killed while its create was on the wire: the next instance finds the video upstream instead of creating it again', async () => {
  const prefix = `kill-post-${Date.now()}`;
  const createsBefore = sim.stats.count('create');
  // The create reaches the simulator, which makes the video only after the worker is dead.
  sim.faults.inject({ route: 'create', kind: 'delay', ms: 1500 });
  const { lines, kill } = spawnChild(prefix, 1, 'on the wire');
  await waitFor(() => lines.some((l) => l.ev === 'ready'), 'the child to accept its job', 30_000);
  await waitFor(() => sim.stats.count('create') > createsBefore, 'the create to reach the upstream', 30_000);
  await kill();
  const ids = lines.filter((l) => l.ev === 'accepted').map((l) => l.job!);
  expect(ids).toHaveLength(1);
  // Made upstream after its worker died: only a look at the upstream's list can find it.
  await waitFor(() => sim.jobs().some((j) => j.prompt === 'on the wire prompt 0'), 'the video upstream');
  const surface = new RecordingSurface();
  const survivor = await startInstance({ redisUrl: redis.url, sim, surface, prefix });
  try {
    const done = await ended(survivor.engine, ids, 60_000);
    expect(done[0]?.state).toBe('delivered');
    await survivor.engine.idle();
    await expectPromisesKept({ engine: survivor.engine, sim, surface }, done, ['onthewire0']);
    expect(sim.stats.count('create') - createsBefore, 'creates sent').toBe(1);
  } finally {
    await survivor.stop();
  }
}, 120_000);
