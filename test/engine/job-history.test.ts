/**
 * The history of one process against a real SQLite store: jobs arriving together are written together
 * (one read-modify-write per list for a whole burst), and the lists still read newest first,
 * capped, each job once.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_CAP, StoredHistoryIndex } from '../../src/engine/history-index.ts';
import type { Job } from '../../src/engine/job.ts';
import { JobHistory } from '../../src/engine/job-history.ts';
import { JobStore } from '../../src/engine/job-store.ts';
import { KeyedMutex } from '../../src/engine/keyed-mutex.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { tempDir, waitingJob } from './engine-harness.ts';

let dir: string | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = undefined;
  dir = undefined;
});

/** A SQLite store that counts its writes. */
async function openCounted(): Promise<{ store: Store; writes: string[] }> {
  dir = tempDir('reelbot-history-');
  const real = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  store = real;
  const writes: string[] = [];
  const counted: Store = new Proxy(real, {
    get(target, name) {
      if (name === 'set')
        return (key: string, value: unknown) => {
          writes.push(key);
          return target.set(key, value);
        };
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: counted, writes };
}

let clock = Date.parse('2026-03-07T12:00:00Z');
function job(userId: string): Job {
  clock += 1;
  return waitingJob(userId, clock);
}

function historyOn(s: Store) {
  const mutex = new KeyedMutex();
  const jobs = new JobStore(s, mutex);
  return { history: new JobHistory(new StoredHistoryIndex(s, mutex), jobs), jobs };
}

describe('JobHistory', () => {
  it('writes a burst of jobs with a few writes per list and keeps them newest first', async () => {
    const { store: s, writes } = await openCounted();
    const { history, jobs } = historyOn(s);
    const made = Array.from({ length: 60 }, (_, i) => job(i % 2 === 0 ? 'ann' : 'bob'));
    for (const j of made) await jobs.put(j);
    writes.length = 0;
    await Promise.all(made.map((j) => history.add(j)));
    // One job alone, then everyone who arrived meanwhile: far fewer writes than jobs.
    expect(writes.length).toBeLessThanOrEqual(6);
    const all = await history.page({ platform: 'cli', workspaceId: 'ws1' }, 0, 100);
    expect(all.jobs.map((j) => j.id)).toEqual(made.map((j) => j.id).reverse());
    const ann = await history.page({ platform: 'cli', workspaceId: 'ws1', userId: 'ann' }, 0, 100);
    expect(ann.jobs.map((j) => j.id)).toEqual(
      made
        .filter((j) => j.requester.userId === 'ann')
        .map((j) => j.id)
        .reverse(),
    );
  });

  it('adds jobs one after another newest first, each once, capped', async () => {
    const { store: s } = await openCounted();
    const { history, jobs } = historyOn(s);
    const first = job('ann');
    await jobs.put(first);
    await history.add(first);
    const later = Array.from({ length: HISTORY_CAP }, () => job('ann'));
    for (const j of later) {
      await jobs.put(j);
      await history.add(j);
    }
    await history.add(later.at(-1)!);
    const page = await history.page({ platform: 'cli', workspaceId: 'ws1', userId: 'ann' }, 0, 1000);
    expect(page.total).toBe(HISTORY_CAP);
    expect(page.jobs[0]?.id).toBe(later.at(-1)?.id);
    expect(page.jobs.map((j) => j.id)).not.toContain(first.id);
  });
});
