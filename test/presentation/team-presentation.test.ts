/** The team controls' shared presentation: buttons per viewer, Details, the reproduce command, history. */
import { describe, expect, it } from 'vitest';
import { presentHistory } from '../../src/presentation/history-presentation.ts';
import { presentDetails, reproduceCommand } from '../../src/presentation/job-details.ts';
import { presentJob } from '../../src/presentation/job-presentation.ts';
import { jobFixture, viewOf } from '../support/job-fixture.ts';

const delivered = jobFixture({
  state: 'delivered',
  videoId: 'video_abc',
  createdAt: 1_000,
  submittedAt: 3_000,
  completedAt: 63_000,
  deliveredAt: 65_000,
});

describe('team controls presentation', () => {
  it('offers Delete only to the requester or an admin when the viewer is known', () => {
    const kinds = (viewer?: { userId: string; isAdmin: boolean }) =>
      presentJob(viewOf(delivered), viewer ? { viewer } : {}).actions.map((a) => a.kind);
    expect(kinds()).toEqual(['remix', 'reroll', 'details', 'delete']);
    expect(kinds({ userId: 'U0BOB', isAdmin: false })).toEqual(['remix', 'reroll', 'details']);
    expect(kinds({ userId: 'U0BOB', isAdmin: true })).toContain('delete');
    expect(kinds({ userId: 'U0ALICE', isAdmin: false })).toContain('delete');
  });

  it('shows a deleted ancestor by its prompt, marked deleted, without a link', () => {
    const p = presentJob(viewOf(delivered), {
      lineage: [{ videoId: 'video_abc' }, { videoId: 'video_p', prompt: 'a cat', deleted: true }],
    });
    expect(p.lineage[0]).toEqual({
      label: '“a cat” (deleted)',
      isPrompt: true,
      deleted: true,
      videoId: 'video_p',
    });
  });

  it('details give ids, parent, timings and the command in each platform’s syntax', () => {
    const remix = { ...delivered, kind: 'remix' as const, parentVideoId: 'video_p' };
    const d = presentDetails(remix, {
      locale: 'en',
      platform: 'slack',
      parent: { videoId: 'video_p', deleted: true },
      time: (ms) => `@${ms}`,
    });
    const row = (label: string) => d.rows.find((r) => r.label === label)?.value;
    expect(row('Job id')).toBe('job_1');
    expect(row('Video id')).toBe('video_abc');
    expect(row('Remix of')).toBe('video_p (deleted)');
    expect(row('Requested')).toBe('@1000');
    expect(row('Timings')).toBe('waited 2s · generated in 1m 00s · delivered after 1m 04s');
    expect(d.command.value).toBe('/remix video_p a fox');
    expect(reproduceCommand(delivered, 'discord')).toBe(
      '/video prompt:a fox size:1280x720 seconds:8 model:sora-2',
    );
    expect(reproduceCommand({ ...delivered, prompt: 'a\n fox' }, 'slack')).toBe(
      '/video a fox --size 1280x720 --seconds 8 --model sora-2',
    );
    expect(presentDetails(delivered, { locale: 'zh-CN', platform: 'discord', time: String }).title).toBe(
      '视频详情',
    );
  });

  it('history pages say where they are and which way to go', () => {
    const page = { jobs: [delivered], page: 1, pages: 3, total: 17 };
    const h = presentHistory(page, { scope: 'all', locale: 'en', platform: 'slack', nowMs: 66_000 });
    expect(h.title).toBe('Videos in this workspace');
    expect(h.pageLabel).toBe('Page 2 of 3');
    expect(h.nav.map((n) => [n.dir, n.page])).toEqual([
      ['newer', 0],
      ['older', 2],
    ]);
    expect(h.items[0]).toMatchObject({
      prompt: 'a fox',
      state: 'Video ready',
      age: '1m 05s ago',
      by: 'by alice',
    });
  });
});
