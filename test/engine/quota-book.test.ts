/**
 * QuotaBook against a real SQLite store: usage records are cached in memory as written, so
 * these check that what is stored stays the truth — records from before the cache are honoured
 * and keep their format, a burst in one workspace charges exactly its cap, refunds and failed
 * writes leave memory and file agreeing, and the day turns over at the zone's midnight.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/engine-api.ts';
import type { Job } from '../../src/engine/job.ts';
import { KeyedMutex } from '../../src/engine/keyed-mutex.ts';
import { QuotaBook, type QuotaLimits } from '../../src/engine/quota.ts';
import { Settings } from '../../src/engine/settings.ts';
import { openStore, type Store } from '../../src/engine/store.ts';
import { refusalText } from '../../src/presentation/refusal-text.ts';
import { tempDir, waitingJob } from './engine-harness.ts';

const LIMITS: QuotaLimits = {
  dailyVideos: 50,
  dailySeconds: 1000,
  activeJobs: 20,
  workspaceDailyVideos: 0,
  timeZone: 'UTC',
  adminUsers: [],
  adminRoles: [],
};
const NOON = Date.parse('2026-03-07T12:00:00Z');
const DAY = '2026-03-07';

let dir: string | undefined;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = undefined;
  dir = undefined;
});

async function openTemp(): Promise<Store> {
  dir = tempDir('reelbot-quota-');
  store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`);
  return store;
}

function book(s: Store, limits: Partial<QuotaLimits> = {}): QuotaBook {
  return new QuotaBook(s, new KeyedMutex(), new Settings(s), { ...LIMITS, ...limits }, () => []);
}

const actorOf = (userId: string): Actor => ({ platform: 'cli', userId, displayName: userId, isAdmin: false });

function job(userId: string, seconds = 4, now = NOON, day = DAY): Job {
  return waitingJob(userId, now, { seconds, quotaDay: day });
}

const userKey = (userId: string, day = DAY) => `quotas:user:cli:ws1:${userId}:${day}`;
const wsKey = (day = DAY) => `quotas:ws:cli:ws1:${day}`;
const noop = async () => undefined;

describe('quota book over SQLite', () => {
  it('records stored before the cache existed are counted, and a new charge keeps their format and ids', async () => {
    const s = await openTemp();
    await s.set(userKey('u1'), { jobs: { job_old1: 4, job_old2: 8 } });
    await s.set(wsKey(), { jobs: { job_old1: 1, job_old2: 1, job_other: 1 } });
    const b = book(s);
    const j = job('u1', 12);
    expect(await b.reserve(j, noop)).toBeUndefined();
    expect(await s.get(userKey('u1'))).toEqual({ jobs: { job_old1: 4, job_old2: 8, [j.id]: 12 } });
    expect(await s.get(wsKey())).toEqual({ jobs: { job_old1: 1, job_old2: 1, job_other: 1, [j.id]: 1 } });
    const usage = await b.usage(actorOf('u1'), 'ws1', NOON);
    expect(usage.videos.used).toBe(3);
    expect(usage.seconds.used).toBe(24);
    expect(usage.workspace.used).toBe(4);
  });

  it('a burst of submits from many users in one workspace charges exactly the cap, and the file agrees', async () => {
    const s = await openTemp();
    const b = book(s, { workspaceDailyVideos: 50 });
    const persisted: string[] = [];
    const jobs = Array.from({ length: 80 }, (_, i) => job(`u${i % 16}`));
    const results = await Promise.all(
      jobs.map((j) =>
        b.reserve(j, async () => {
          persisted.push(j.id);
        }),
      ),
    );
    const accepted = jobs.filter((_, i) => results[i] === undefined).map((j) => j.id);
    expect(accepted).toHaveLength(50);
    expect(results.filter((r) => r !== undefined).every((r) => r?.code === 'quota_workspace')).toBe(true);
    expect(persisted.sort()).toEqual([...accepted].sort());
    const ws = await s.get<{ jobs: Record<string, number> }>(wsKey());
    expect(Object.keys(ws?.jobs ?? {}).sort()).toEqual([...accepted].sort());
    // Each user's record holds exactly that user's accepted jobs.
    for (let u = 0; u < 16; u++) {
      const mine = jobs.filter((j) => j.requester.userId === `u${u}` && accepted.includes(j.id));
      const stored = await s.get<{ jobs: Record<string, number> }>(userKey(`u${u}`));
      expect(Object.keys(stored?.jobs ?? {}).sort()).toEqual(mine.map((j) => j.id).sort());
    }
    // A book that starts fresh on the same file sees the same figures.
    expect((await book(s).usage(actorOf('u0'), 'ws1', NOON)).workspace.used).toBe(50);
  });

  it('a refund removes the charge from memory and from the file, and refunding again changes nothing', async () => {
    const s = await openTemp();
    const b = book(s);
    const keep = job('u1', 8);
    const back = job('u1', 4);
    await b.reserve(keep, noop);
    await b.reserve(back, noop);
    await b.refund(back);
    await b.refund(back);
    expect(await s.get(userKey('u1'))).toEqual({ jobs: { [keep.id]: 8 } });
    expect(await s.get(wsKey())).toEqual({ jobs: { [keep.id]: 1 } });
    const usage = await b.usage(actorOf('u1'), 'ws1', NOON);
    expect([usage.videos.used, usage.seconds.used, usage.workspace.used]).toEqual([1, 8, 1]);
  });

  it('a charge whose write failed is not remembered: the figures come from the file again', async () => {
    const s = await openTemp();
    let failNext = false;
    const flaky: Store = {
      location: s.location,
      get: (key) => s.get(key),
      getMany: (keys) => s.getMany(keys),
      set: async (key, value) => {
        if (failNext && key.startsWith('quotas:user:')) {
          failNext = false;
          throw new Error('disk full');
        }
        return s.set(key, value);
      },
      delete: (key) => s.delete(key),
      scan: (prefix) => s.scan(prefix),
      scanFields: (prefix, fields) => s.scanFields(prefix, fields),
      close: () => s.close(),
    };
    const b = book(flaky);
    await b.reserve(job('u1'), noop);
    failNext = true;
    await expect(b.reserve(job('u1'), noop)).rejects.toThrow('disk full');
    expect((await b.usage(actorOf('u1'), 'ws1', NOON)).videos.used).toBe(1);
    expect(await b.reserve(job('u1'), noop)).toBeUndefined();
    expect((await b.usage(actorOf('u1'), 'ws1', NOON)).videos.used).toBe(2);
  });

  it('a user at the daily limit is refused with the time left until midnight in the zone', async () => {
    const s = await openTemp();
    const b = book(s, { dailyVideos: 1, timeZone: 'Europe/Berlin' });
    // 21:30 UTC on 7 March is 22:30 in Berlin: 1 h 30 min to local midnight.
    const late = Date.parse('2026-03-07T21:30:00Z');
    await b.reserve(job('u1', 4, late), noop);
    const refusal = await b.reserve(job('u1', 4, late), noop);
    expect(refusal?.code).toBe('quota_daily_videos');
    expect(refusal?.values).toMatchObject({ used: 1, limit: 1, timeZone: 'Europe/Berlin' });
    expect(refusal?.values?.resetsAt).toBe(Date.parse('2026-03-07T23:00:00Z'));
    expect(refusal && refusalText('en', refusal, 'discord', late)).toContain(
      'in 1 h 30 min (midnight Europe/Berlin)',
    );
  });

  it('the quota day turns over at the zone midnight, and earlier moments still get their own day', async () => {
    const s = await openTemp();
    const b = book(s, { timeZone: 'America/New_York' });
    // New York is UTC-5 in early March: local midnight is 05:00 UTC.
    expect(b.day(Date.parse('2026-03-07T12:00:00Z'))).toBe('2026-03-07');
    expect(b.day(Date.parse('2026-03-08T04:59:59.999Z'))).toBe('2026-03-07');
    expect(b.day(Date.parse('2026-03-08T05:00:00Z'))).toBe('2026-03-08');
    expect(b.day(Date.parse('2026-03-07T12:00:00Z'))).toBe('2026-03-07');
    expect(b.day(Date.parse('2026-03-08T12:00:00Z'))).toBe('2026-03-08');
    // 8 March is the 23-hour spring-forward day: it ends at 04:00 UTC on the 9th.
    const usage = await b.usage(actorOf('u1'), 'ws1', Date.parse('2026-03-08T12:00:00Z'));
    expect(usage.day).toBe('2026-03-08');
    expect(usage.resetsAt).toBe(Date.parse('2026-03-09T04:00:00Z'));
    expect(b.day(Date.parse('2026-03-09T03:59:59Z'))).toBe('2026-03-08');
    expect(b.day(Date.parse('2026-03-09T04:00:00Z'))).toBe('2026-03-09');
  });
});
