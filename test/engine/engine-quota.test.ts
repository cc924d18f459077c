import { afterEach, describe, expect, it } from 'vitest';
import {
  actor,
  type Harness,
  request,
  startHarness,
  submitted,
  waitFor,
  waitForState,
} from './engine-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const usageOf = async (userId: string) => (await h!.engine.usage(actor(userId), 'ws1')).videos.used;

describe('quotas', () => {
  it('many concurrent submits for the last slot: exactly one passes', async () => {
    h = await startHarness({
      engine: {
        limits: {
          dailyVideos: 3,
          dailySeconds: 1000,
          activeJobs: 20,
          workspaceDailyVideos: 100,
          timeZone: 'UTC',
          adminUsers: [],
          adminRoles: [],
        },
      },
    });
    submitted(await h.engine.submit(request('u1', 'one')));
    submitted(await h.engine.submit(request('u1', 'two')));
    const racers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => h!.engine.submit(request('u1', `racer ${i}`))),
    );
    const passed = racers.filter((r) => r.ok);
    expect(passed).toHaveLength(1);
    for (const r of racers) if (!r.ok) expect(r.refusal.code).toBe('quota_daily_videos');
    expect(await usageOf('u1')).toBe(3);
  });

  it('an admin is not charged and passes limits', async () => {
    h = await startHarness();
    const r = submitted(await h.engine.submit({ ...request('admin', 'admin video'), actor: actor('admin') }));
    expect(r.job.quotaExempt).toBe(true);
    const usage = await h.engine.usage(actor('admin'), 'ws1');
    expect(usage.exempt).toBe(true);
    expect(usage.videos).toEqual({ used: 0, limit: null });
  });

  it('a generation that fails upstream is refunded', async () => {
    h = await startHarness();
    const { job } = submitted(await h.engine.submit(request('u1', 'breaks [fail]')));
    expect(await usageOf('u1')).toBe(1);
    const done = await waitForState(h.engine, job.id, 'failed');
    expect(done.error?.code).toBe('generation_failed');
    expect(done.error?.userFault).toBe(false);
    expect(await usageOf('u1')).toBe(0);
    await waitFor(() => h?.surface.of('failed', job.id)[0], 'failure shown');
  });

  it('a content-policy failure is not refunded', async () => {
    h = await startHarness();
    const { job } = submitted(await h.engine.submit(request('u1', 'forbidden [policy]')));
    const done = await waitForState(h.engine, job.id, 'failed');
    expect(done.error?.code).toBe('content_policy');
    expect(await usageOf('u1')).toBe(1);
  });

  it('a prompt refused at create for content is failed without refund and never retried', async () => {
    h = await startHarness();
    const { job } = submitted(await h.engine.submit(request('u1', 'nope [reject]')));
    const done = await waitForState(h.engine, job.id, 'failed');
    expect(done.error?.code).toBe('content_policy');
    expect(await usageOf('u1')).toBe(1);
    expect(h.sim.stats.count('create')).toBe(1);
  });

  it('active-job limit and per-user overrides set at run time', async () => {
    h = await startHarness({ sim: { timing: { queuedMs: 5000 } } });
    await h.engine.setUserLimits('cli', 'ws1', 'u1', { activeJobs: 1 });
    submitted(await h.engine.submit(request('u1', 'first')));
    const second = await h.engine.submit(request('u1', 'second'));
    expect(second.ok ? 'ok' : second.refusal.code).toBe('quota_active_jobs');
    await h.engine.setUserLimits('cli', 'ws1', 'u1', null);
    expect((await h.engine.submit(request('u1', 'third'))).ok).toBe(true);
    await h.engine.setWorkspaceCap('cli', 'ws1', 2);
    const fourth = await h.engine.submit(request('u2', 'fourth'));
    expect(fourth.ok ? 'ok' : fourth.refusal.code).toBe('quota_workspace');
  });
});
