/** The platform-neutral presentation: job views, refusals, job errors and /quota. */
import { describe, expect, it } from 'vitest';
import type { QuotaUsage } from '../../src/engine/engine-api.ts';
import type { Job } from '../../src/engine/job.ts';
import { formatBytes } from '../../src/presentation/format-bytes.ts';
import { formatDuration } from '../../src/presentation/format-duration.ts';
import { jobErrorText } from '../../src/presentation/job-error-text.ts';
import { presentJob } from '../../src/presentation/job-presentation.ts';
import { progressBar } from '../../src/presentation/progress-bar.ts';
import { presentQuota } from '../../src/presentation/quota-presentation.ts';
import { refusalText } from '../../src/presentation/refusal-text.ts';
import { jobFixture, viewOf } from '../support/job-fixture.ts';

const job = (over: Partial<Job> = {}) =>
  jobFixture({ requester: { platform: 'slack', userId: 'U1', displayName: 'alice' }, ...over });
const view = viewOf;
const zh = (over: Partial<Job> = {}) => job({ ...over, place: { ...job().place, locale: 'zh-CN' } });

describe('presentJob', () => {
  it('gives a running job its label, bar, elapsed time, ETA and Cancel', () => {
    const p = presentJob(view(job(), { etaAt: 5000 }), { time: (ms) => `T${ms}` });
    expect(p.tone).toBe('running');
    expect(p.title).toBe('Generating — 40%');
    expect(p.progressBar).toBe('▰▰▰▰▱▱▱▱▱▱ 40%');
    expect(p.timing).toBe('elapsed 1m 05s · ready T5000');
    expect(p.actions).toEqual([{ kind: 'cancel', jobId: 'job_1', label: 'Cancel' }]);
  });

  it('shows the queue position while waiting, without a bar', () => {
    const p = presentJob(view(job({ state: 'waiting', progress: 0 }), { position: 2, queueLength: 3 }));
    expect(p.title).toBe('Waiting in line — number 2 of 3');
    expect(p.progressBar).toBeUndefined();
  });

  it('offers Cancel only to the requester or an admin when the viewer is known', () => {
    expect(presentJob(view(job()), { viewer: { userId: 'U2', isAdmin: false } }).actions).toEqual([]);
    expect(presentJob(view(job()), { viewer: { userId: 'U2', isAdmin: true } }).actions).toHaveLength(1);
    expect(presentJob(view(job()), { viewer: { userId: 'U1', isAdmin: false } }).actions).toHaveLength(1);
  });

  it('gives a delivered video Remix and Re-roll and its lineage chain, cut to five ancestors', () => {
    const lineage = Array.from({ length: 8 }, (_, i) => ({
      videoId: `video_${i}`,
      prompt: `p${i}`,
      link: `https://x/${i}`,
    }));
    const p = presentJob(view(job({ state: 'delivered', videoId: 'video_0' })), { lineage });
    expect(p.actions.map((a) => a.kind)).toEqual(['remix', 'reroll', 'details', 'delete']);
    expect(p.lineage.map((l) => l.label)).toEqual(['“p1”', '“p2”', '“p3”', '“p4”', '“p5”']);
    expect(p.lineageMore).toBe(2);
    expect(p.chain(['a', 'b'])).toBe('a ← b ← … (2 more)');
  });

  it('words a failure, offering Re-roll only when it was not the prompt', () => {
    const policy = presentJob(view(job({ state: 'failed' })), {
      error: { code: 'content_policy', userFault: true },
    });
    expect(policy.failure).toContain('content rules');
    expect(policy.actions).toEqual([]);
    const down = presentJob(
      view(
        zh({ state: 'failed', error: { code: 'upstream_down', values: { status: 503 }, userFault: false } }),
      ),
    );
    expect(down.title).toBe('无法生成这个视频');
    expect(down.failure).toBe('视频服务出了问题（状态码 503）。没有扣除配额，请几分钟后再试。');
    expect(down.actions.map((a) => a.label)).toEqual(['重新生成']);
  });

  it('names who cancelled', () => {
    const by = { userId: 'U2', displayName: 'bob' };
    expect(presentJob(view(job({ state: 'cancelled' })), { cancelledBy: by }).title).toBe('Cancelled by bob');
    expect(presentJob(view(zh({ state: 'cancelled', cancelledBy: by }))).title).toBe('已被 bob 取消');
  });
});

describe('jobErrorText', () => {
  it('words new errors from their code and values', () => {
    expect(
      jobErrorText('en', { code: 'invalid_parameter', values: { detail: 'size is odd.' }, userFault: true }),
    ).toBe('The video service refused the request: size is odd. Change it and try again.');
  });

  it('still shows jobs stored with English text by older versions', () => {
    const old = { code: 'something_retired', message: 'An old sentence.', userFault: false };
    expect(jobErrorText('zh-CN', old)).toBe('An old sentence.');
    const oldParam = {
      code: 'invalid_parameter',
      message: 'The video service refused: 4K.',
      userFault: true,
    };
    expect(jobErrorText('en', oldParam)).toBe('The video service refused: 4K.');
    // A known code is worded from the catalogue, so old jobs read in the user's language too.
    expect(
      jobErrorText('zh-CN', { code: 'timeout', message: 'The video took too long.', userFault: false }),
    ).toContain('时间过长');
    expect(jobErrorText('en', { code: 'mystery', userFault: false })).toBe(
      'The video could not be made. Please try again.',
    );
  });
});

describe('refusalText', () => {
  const resetsAt = Date.parse('2026-03-07T23:00:00Z');
  const now = Date.parse('2026-03-07T21:30:00Z');
  it('words quota refusals with their figures and the time left, per platform', () => {
    const daily = {
      code: 'quota_daily_videos',
      values: { used: 3, limit: 3, resetsAt, timeZone: 'Europe/Berlin' },
    } as const;
    expect(refusalText('en', daily, 'slack', now)).toBe(
      'You have made 3 of your 3 videos for today. Your daily allowance resets in 1 h 30 min (midnight Europe/Berlin).',
    );
    expect(refusalText('zh-CN', daily, 'slack', now)).toBe(
      '你今天的视频数量已用完（3 / 3）。配额将在 1 小时 30 分钟后（Europe/Berlin 午夜）重置。',
    );
    const ws = { code: 'quota_workspace', values: { used: 9, limit: 9, resetsAt, timeZone: 'UTC' } } as const;
    expect(refusalText('en', ws, 'slack', now)).toMatch(/^This workspace has used all 9/);
    expect(refusalText('en', ws, 'discord', now)).toMatch(/^This server has used all 9/);
    expect(refusalText('zh-CN', ws, 'slack', now)).toMatch(/^本工作区/);
  });

  it('picks the variant for the reason', () => {
    expect(refusalText('en', { code: 'unavailable', values: { reason: 'restarting' } }, 'cli')).toBe(
      'The bot is restarting. Try again in a minute.',
    );
    expect(refusalText('en', { code: 'source_not_completed', values: { sourceEnded: true } }, 'cli')).toMatch(
      /did not finish/,
    );
    expect(
      refusalText('zh-CN', { code: 'invalid_parameter', values: { detail: 'size is odd.' } }, 'cli'),
    ).toBe('请求有误：size is odd. 请修改后再试。');
  });
});

describe('presentQuota', () => {
  const usage: QuotaUsage = {
    day: '2026-03-07',
    timeZone: 'UTC',
    resetsAt: 1000,
    exempt: false,
    videos: { used: 1, limit: 10 },
    seconds: { used: 8, limit: null },
    active: { used: 1, limit: 3, jobs: [job()] },
    workspace: { used: 4, limit: 200 },
  };
  it('gives the same rows to every platform, in the reader’s language', () => {
    const en = presentQuota(usage, 'en', 'slack', (ms) => `T${ms}`);
    expect(en.rows).toEqual([
      { label: 'Videos today', value: '1 of 10' },
      { label: 'Video seconds today', value: '8 of no limit' },
      { label: 'Whole workspace today', value: '4 of 200' },
    ]);
    expect(en.activeLabel).toBe('Running now (1 of 3)');
    expect(en.activeJobs).toEqual([{ prompt: 'a fox', status: 'in_progress 40%' }]);
    expect(en.resets).toBe('Resets T1000');
    const zhq = presentQuota(usage, 'zh-CN', 'discord', (ms) => `T${ms}`);
    expect(zhq.rows[2]).toEqual({ label: '整个服务器今天', value: '4 / 200' });
  });
});

describe('formatters', () => {
  it('format bytes, durations and progress one way everywhere', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2 KiB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MiB');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(progressBar(-5)).toBe('▱▱▱▱▱▱▱▱▱▱ 0%');
    expect(progressBar(150)).toBe('▰▰▰▰▰▰▰▰▰▰ 100%');
  });
});
