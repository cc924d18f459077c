import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LEGACY_ACTIVE_KEY, StoredActiveIndex } from '../../src/engine/active-index.ts';
import type { Job } from '../../src/engine/job.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { type Harness, startHarness, tempDir, waitForState } from './engine-harness.ts';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function sqliteStore(): Promise<{ store: Store; dir: string }> {
  const dir = tempDir();
  const store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return { store, dir };
}

/** A job as an earlier version left it: waiting in the queue, never sent. */
function waitingJob(n: number, now = Date.now()): Job {
  return {
    id: `job_legacy${n}`,
    kind: 'create',
    state: 'waiting',
    requester: { platform: 'cli', userId: `u${n}`, displayName: `user ${n}` },
    place: { platform: 'cli', workspaceId: 'ws1', channelId: 'c1', messageRef: `m${n}` },
    prompt: `a lighthouse #${n}`,
    model: 'sora-2',
    size: '1280x720',
    seconds: 4,
    progress: 0,
    createdAt: now - 1000 + n,
    updatedAt: now - 1000 + n,
    deadlineAt: now + 3_600_000,
    attempts: { submit: 0, poll: 0, delivery: 0 },
    quotaDay: new Date(now).toISOString().slice(0, 10),
    quotaExempt: false,
    simulated: true,
  };
}

describe('the active index (one record per active job)', () => {
  it('lists what was added, forgets what was removed, and keeps no array', async () => {
    const { store } = await sqliteStore();
    cleanup.push(() => store.close());
    const index = new StoredActiveIndex(store);
    await index.add('job_a', 'job_b', 'job_c');
    await index.remove('job_b');
    expect((await new StoredActiveIndex(store).load()).sort()).toEqual(['job_a', 'job_c']);
    expect(await store.get(LEGACY_ACTIVE_KEY)).toBeUndefined();
  });

  it('an old one-array index is read once, written out as records and deleted', async () => {
    const { store } = await sqliteStore();
    cleanup.push(() => store.close());
    await store.set(LEGACY_ACTIVE_KEY, ['job_a', 'job_b']);
    expect((await new StoredActiveIndex(store).load()).sort()).toEqual(['job_a', 'job_b']);
    expect(await store.get(LEGACY_ACTIVE_KEY)).toBeUndefined();
    expect((await store.scan('index:active:')).map(([k]) => k).sort()).toEqual([
      'index:active:job_a',
      'index:active:job_b',
    ]);
    // The next start reads the records alone.
    expect((await new StoredActiveIndex(store).load()).sort()).toEqual(['job_a', 'job_b']);
  });

  it('a conversion cut off half-way (records and array both there) lists every id once', async () => {
    const { store } = await sqliteStore();
    cleanup.push(() => store.close());
    await new StoredActiveIndex(store).add('job_a');
    await store.set(LEGACY_ACTIVE_KEY, ['job_a', 'job_b']);
    expect((await new StoredActiveIndex(store).load()).sort()).toEqual(['job_a', 'job_b']);
    expect((await new StoredActiveIndex(store).load()).sort()).toEqual(['job_a', 'job_b']);
  });

  it('the in-memory store converts the same way', async () => {
    const store = await openStore('memory:');
    cleanup.push(() => store.close());
    await store.set(LEGACY_ACTIVE_KEY, ['job_a']);
    expect(await new StoredActiveIndex(store).load()).toEqual(['job_a']);
    expect(await store.get(LEGACY_ACTIVE_KEY)).toBeUndefined();
    expect(await new StoredActiveIndex(store).load()).toEqual(['job_a']);
  });
});

describe('starting on a store written by an earlier version', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('jobs listed only in the old array resume and are delivered, with the index converted', async () => {
    const dir = tempDir();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const old = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
    const jobs = [1, 2, 3].map((n) => waitingJob(n));
    for (const job of jobs) await old.set(`jobs:${job.id}`, job);
    await old.set(
      LEGACY_ACTIVE_KEY,
      jobs.map((j) => j.id),
    );
    await old.close();

    // No repair scan: the converted index alone must find them.
    h = await startHarness({ dir, engine: { repairScan: false } });
    for (const job of jobs)
      expect((await waitForState(h.engine, job.id, 'delivered')).state).toBe('delivered');
    expect(await h.store.get(LEGACY_ACTIVE_KEY)).toBeUndefined();
    expect(await h.store.scan('index:active:')).toEqual([]);
  });

  it('the repair scan finds an active job missing from the index and lists it again', async () => {
    const dir = tempDir();
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const old = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
    const lost = waitingJob(7);
    const done = { ...waitingJob(8), state: 'delivered' as const };
    await old.set(`jobs:${lost.id}`, lost);
    await old.set(`jobs:${done.id}`, done);
    await old.close();

    // A simulator slow enough that the job is still running when the index is read.
    h = await startHarness({ dir, sim: { timing: { queuedMs: 60_000, msPerVideoSecond: 0, minRunMs: 0 } } });
    expect((await h.store.scan('index:active:')).map(([k]) => k)).toEqual([`index:active:${lost.id}`]);
    expect((await h.engine.getJob(done.id))?.state).toBe('delivered');
  });
});
