/**
 * The SQLite store busy under the running bot: another process holds the write lock past the
 * busy timeout, so writes fail. New requests must be refused cleanly (nothing charged) and jobs
 * already accepted must carry on, losing nothing, once the database is writable again.
 */
import { join } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import {
  actor,
  type Harness,
  request,
  startHarness,
  submitted,
  waitForState,
} from '../engine/engine-harness.ts';
import { ended, expectPromisesKept } from './outcome-checks.ts';

let h: Harness | undefined;
let locker: KeyvSqlite | undefined;
afterEach(async () => {
  await locker?.query('ROLLBACK').catch(() => undefined);
  await locker?.disconnect();
  locker = undefined;
  await h?.close();
  h = undefined;
});

describe('store busy or unwritable', () => {
  it('a database write-locked by another process past the busy timeout: a new video is refused with nothing charged, the running job is delivered once the lock goes', async () => {
    h = await startHarness({
      sim: { timing: { queuedMs: 20, msPerVideoSecond: 150, minRunMs: 600, jitter: 0 } },
    });
    const problems: string[] = [];
    h.engine.events.on('problem', (p) => problems.push(p.what));
    const running = submitted(await h.engine.submit(request('u0', 'runs through the lock'))).job;
    await waitForState(h.engine, running.id, 'in_progress');

    locker = new KeyvSqlite({ uri: `sqlite://${join(h.dir, 'store.sqlite')}`, busyTimeout: 100 });
    await locker.query('BEGIN EXCLUSIVE');
    const refused = await h.engine.submit(request('u1', 'asked while the disk is busy'));
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.refusal.code).toBe('unavailable');
      expect(refused.refusal.message).toMatch(/Nothing was charged/);
    }
    await locker.query('COMMIT');

    const [done] = await ended(h.engine, [running.id], 30_000);
    expect(done?.state).toBe('delivered');
    await expectPromisesKept(h, [done!], ['u0']);
    expect((await h.engine.usage(actor('u1'), 'ws1')).videos.used).toBe(0);
    expect(h.sim.jobs().filter((j) => j.prompt === 'asked while the disk is busy')).toHaveLength(0);
    // After the lock the bot takes work again.
    const after = submitted(await h.engine.submit(request('u1', 'after the lock'))).job;
    expect((await waitForState(h.engine, after.id, 'delivered')).state).toBe('delivered');
  }, 40_000);

  it('a write lock taken while jobs are being submitted, finished and delivered: once it goes every job ends with its promises kept', async () => {
    h = await startHarness();
    const ids: string[] = [];
    for (const [i, p] of ['locked a', 'locked b', 'locked c [fail]'].entries()) {
      ids.push(submitted(await h.engine.submit(request(`u${i % 2}`, p))).job.id);
    }
    locker = new KeyvSqlite({ uri: `sqlite://${join(h.dir, 'store.sqlite')}`, busyTimeout: 100 });
    await locker.query('BEGIN EXCLUSIVE');
    await new Promise((r) => setTimeout(r, 5500)); // past the bot's 5 s busy timeout
    await locker.query('COMMIT');
    const jobs = await ended(h.engine, ids, 30_000);
    await expectPromisesKept(h, jobs, ['u0', 'u1']);
  }, 40_000);
});
