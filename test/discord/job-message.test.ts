/** Pure rendering of Discord job messages and custom ids. */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/engine/job.ts';
import type { JobView } from '../../src/engine/surface.ts';
import {
  CUSTOM_ID_MAX,
  customIdOf,
  parseCustomId,
  remixActionOf,
} from '../../src/platforms/discord/custom-ids.ts';
import { InteractionOrigins } from '../../src/platforms/discord/interaction-origins.ts';
import { renderDelivered, renderRunning } from '../../src/platforms/discord/job-message.ts';
import { formatDuration } from '../../src/presentation/format-duration.ts';
import { progressBar } from '../../src/presentation/progress-bar.ts';
import { messageProblems } from '../fakes/discord/payload-limits.ts';
import { jobFixture, viewOf } from '../support/job-fixture.ts';

function view(over: Partial<Job> = {}, extra: Partial<JobView> = {}): JobView {
  const job = jobFixture({
    id: 'job_0abc123',
    requester: { platform: 'discord', userId: '42', displayName: 'Alice' },
    place: { platform: 'discord', workspaceId: '1', channelId: '2', locale: 'en-US' },
    prompt: 'a cat',
    seconds: 4,
    progress: 60,
    attempts: { submit: 0, poll: 0, delivery: 0 },
    ...over,
  });
  return viewOf(job, extra);
}

describe('job message rendering', () => {
  it('shows a progress bar, elapsed time and a relative ETA while running, with a Cancel button', () => {
    const body = renderRunning(view({}, { etaAt: 1_700_000_000_000 }));
    const text = JSON.stringify(body.embeds);
    expect(text).toContain('▰▰▰▰▰▰▱▱▱▱ 60%');
    expect(text).toContain('1m 05s');
    expect(text).toContain('<t:1700000000:R>');
    expect(body.components[0]?.components.map((c) => ('custom_id' in c ? c.custom_id : ''))).toEqual([
      'rb:cancel:job_0abc123',
    ]);
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('labels simulated jobs and follows a Chinese locale', () => {
    const body = renderRunning(
      view({
        simulated: true,
        place: { platform: 'discord', workspaceId: '1', channelId: '2', locale: 'zh-CN' },
      }),
    );
    expect(body.embeds[0]?.footer?.text).toContain('模拟');
    expect(body.embeds[0]?.title).toContain('生成中');
  });

  it('keeps a huge prompt and a long lineage inside Discord limits', () => {
    const long = 'x'.repeat(10_000);
    const lineage = Array.from({ length: 60 }, (_, i) => ({
      videoId: `video_${i}`,
      prompt: `${long} ${i}`,
      link: `https://discord.com/channels/1/2/${i}`,
    }));
    const body = renderDelivered(view({ state: 'delivered', prompt: long, videoId: 'video_x' }), { lineage });
    expect(messageProblems(body as unknown as Record<string, unknown>)).toEqual([]);
    const remixOf = body.embeds[0]?.fields?.find((f) => f.name === 'Remix of')?.value ?? '';
    expect(remixOf).toMatch(/more\)$/);
  });

  it('escapes markdown in prompts', () => {
    const body = renderRunning(view({ prompt: '**bold** _x_ `code`' }));
    expect(body.embeds[0]?.description).toBe('\\*\\*bold\\*\\* \\_x\\_ \\`code\\`');
  });

  it('formats durations and clamps progress', () => {
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(progressBar(150)).toBe('▰▰▰▰▰▰▰▰▰▰ 100%');
  });
});

describe('custom ids', () => {
  it('round-trip and never exceed 100 characters', () => {
    const id = customIdOf({ kind: 'remix-modal', videoId: 'video_68f10985d6c4819097007665bdcfba5f' })!;
    expect(parseCustomId(id)).toEqual({
      kind: 'remix-modal',
      videoId: 'video_68f10985d6c4819097007665bdcfba5f',
    });
    expect(customIdOf({ kind: 'remix', videoId: 'v'.repeat(CUSTOM_ID_MAX) })).toBeUndefined();
    expect(parseCustomId('something-else')).toBeUndefined();
  });

  it('a Remix button for a video id too long for a custom id carries its job instead', () => {
    const long = { id: 'job_0mx5swh27f89f67b6', videoId: `video_${'QUJD+/'.repeat(40)}=` };
    const action = remixActionOf(long);
    expect(action).toEqual({ kind: 'remix-job', jobId: long.id });
    expect(parseCustomId(customIdOf(action)!)).toEqual(action);
    expect(parseCustomId(customIdOf({ kind: 'remix-job-modal', jobId: long.id })!)).toEqual({
      kind: 'remix-job-modal',
      jobId: long.id,
    });
    const short = { id: long.id, videoId: 'video_68f10985' };
    expect(remixActionOf(short)).toEqual({ kind: 'remix', videoId: 'video_68f10985' });
  });
});

describe('interaction origins', () => {
  it('match a job to the pending interaction of its requester even before submit resolved', () => {
    const origins = new InteractionOrigins();
    const reply = { editOriginal: async () => ({ id: 'm', channelId: '2' }) };
    const base = { userId: '42', channelId: '2', attachmentSizeLimit: 1234, createdAt: Date.now(), reply };
    origins.register({ ...base, interactionId: 'i1', prompt: 'a dog' });
    origins.register({ ...base, interactionId: 'i2', prompt: 'a cat' });
    expect(origins.claim(view().job)?.interactionId).toBe('i2');
    expect(origins.uploadLimit('job_0abc123')).toBe(1234);
    origins.settle('i2', 'job_0abc123');
    expect(origins.claim(view().job)).toBeUndefined();
  });

  it('tell the caller to remove its deferred reply when the job message was posted without it', () => {
    const origins = new InteractionOrigins();
    const reply = { editOriginal: async () => ({ id: 'm', channelId: '2' }) };
    origins.register({
      interactionId: 'i1',
      userId: '42',
      channelId: '2',
      prompt: 'something the engine rewrote',
      attachmentSizeLimit: 1,
      createdAt: Date.now(),
      reply,
    });
    expect(origins.claim(view().job)).toBeUndefined();
    expect(origins.settle('i1', 'job_0abc123')).toBe(true);
  });
});
