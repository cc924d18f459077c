/**
 * The SQLite store busy under the running bot: another process holds the write lock past the
 * busy timeout, so writes fail. New requests must be refused cleanly (nothing charged) and jobs
 * already accepted must carry on, losing nothing, once the database is writable again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { refusalText } from '../../src/presentation/refusal-text.ts';
import {
  actor,
  type Harness,
  request,
  startHarness,
  submitted,
  waitFor,
  waitForState,
} from '../engine/engine-harness.ts';
import { ended, expectPromisesKept } from './outcome-checks.ts';

let h: Harness | undefined;
let locker: ChildProcess | undefined;
afterEach(async () => {
  if (locker && locker.exitCode === null) {
    const exited = new Promise((r) => locker?.once('exit', r));
    locker.kill('SIGKILL');
    await exited;
  }
  locker = undefined;
  await h?.close();
  h = undefined;
});

/** Another process takes the database's write lock; resolves once it holds it. */
async function lockStore(dir: string): Promise<{ release(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'sqlite-locker.ts')],
    {
      env: { ...process.env, DB: join(dir, 'store.sqlite') },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  locker = child;
  const lines = createInterface({ input: child.stdout! });
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      lines.on('line', (l) => l === word && resolve());
      child.once('exit', () => reject(new Error(`the locker exited before saying ${word}`)));
    });
  await said('locked');
  return {
    release: async () => {
      const released = said('released');
      child.stdin!.end('commit\n');
      await released;
    },
  };
}

describe('store busy or unwritable', () => {
  it('a database write-locked by another process past the busy timeout: a new video is refused with nothing charged, the running job is delivered once the lock goes', async () => {
    h = await startHarness({
      sim: { timing: { queuedMs: 20, msPerVideoSecond: 150, minRunMs: 600, jitter: 0 } },
    });
    const running = submitted(await h.engine.submit(request('u0', 'runs through the lock'))).job;
    await waitForState(h.engine, running.id, 'in_progress');

    const lock = await lockStore(h.dir);
    const refused = await h.engine.submit(request('u1', 'asked while the disk is busy'));
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.refusal.code).toBe('unavailable');
      expect(refusalText('en', refused.refusal, 'cli')).toMatch(/Nothing was charged/);
    }
    await lock.release();

    const [done] = await ended(h.engine, [running.id], 30_000);
    expect(done?.state).toBe('delivered');
    await expectPromisesKept(h, [done!], ['u0']);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(0);
    expect(h.sim.jobs().filter((j) => j.prompt === 'asked while the disk is busy')).toHaveLength(0);
    // After the lock the bot takes work again.
    const after = submitted(await h.engine.submit(request('u1', 'after the lock'))).job;
    expect((await waitForState(h.engine, after.id, 'delivered')).state).toBe('delivered');
  }, 55_000);

  it('a write lock taken while jobs are being submitted, finished and delivered: once it goes every job ends with its promises kept', async () => {
    // Jobs slow enough that their transitions fall inside the lock.
    h = await startHarness({
      sim: { timing: { queuedMs: 300, msPerVideoSecond: 400, minRunMs: 1000, jitter: 0 } },
    });
    const problems: unknown[] = [];
    h.engine.events.on('problem', (p) => problems.push(p.error));
    const ids: string[] = [];
    for (const [i, p] of ['locked a', 'locked b', 'locked c [fail]'].entries()) {
      ids.push(submitted(await h.engine.submit(request(`u${i % 2}`, p))).job.id);
    }
    const lock = await lockStore(h.dir);
    // Held until a bot write has failed past its 5 s busy timeout.
    await waitFor(() => problems.length > 0, 'a store write to fail', 20_000);
    await lock.release();
    const jobs = await ended(h.engine, ids, 30_000);
    await expectPromisesKept(h, jobs, ['u0', 'u1']);
  }, 40_000);
});
