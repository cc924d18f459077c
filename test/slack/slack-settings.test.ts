/**
 * /settings and moderation on Slack end to end: workspace, channel and personal defaults with
 * their sources, options winning, image-to-video off, the blocklist, the content-policy memory,
 * and settings surviving a restart.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import type { FakeEphemeral } from '../fakes/slack/fake-slack.ts';
import {
  ADMIN,
  ALICE,
  BOB,
  CHANNEL,
  type SlackHarness,
  startSlackHarness,
  topLevel,
  videosUsed,
} from './slack-harness.ts';

const OTHER = 'C0OTHER';
const MEI = 'U0MEI';
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ env: { QUOTA_ACTIVE_JOBS: '20', QUOTA_DAILY_SECONDS: '10000' } });
  h.fake.addChannel({ id: OTHER, name: 'other' });
  h.fake.addUser({ id: MEI, name: 'mei', locale: 'zh-CN' });
});
afterAll(async () => {
  await h?.close();
});

function nextEphemeral(user: string, count: number): Promise<FakeEphemeral> {
  return h.fake.waitFor(() => h.fake.ephemerals({ user })[count], 10_000, `a private answer to ${user}`);
}

async function run(command: string, text: string, user: string, channel = CHANNEL): Promise<string> {
  const seen = h.fake.ephemerals({ user }).length;
  await h.fake.slashCommand({ command, text, user, channel });
  return (await nextEphemeral(user, seen)).text;
}

/** Run `/video` and return the job it made (found by its prompt). */
async function video(text: string, channel = CHANNEL, user = ALICE) {
  const before = topLevel(h.fake, channel).length;
  await h.fake.slashCommand({ command: '/video', text, user, channel });
  await h.fake.waitFor(() => topLevel(h.fake, channel)[before], 10_000, 'job message');
  const page = await h.engine.history({ platform: 'slack', workspaceId: h.fake.teamId, userId: user }, 0, 1);
  return page.jobs[0]!;
}

describe('Slack /settings', () => {
  it('refuses workspace defaults to someone who is not an admin', async () => {
    expect(await run('/settings', 'workspace seconds=8', BOB)).toMatch(/Only server or workspace admins/);
  });

  it('combines workspace, channel and personal defaults; flags win; the sources are shown', async () => {
    expect(await run('/settings', 'workspace seconds=8', ADMIN)).toContain('Seconds: 8s (workspace default)');
    await run('/settings', `channel <#${CHANNEL}|videos> size=1280x720`, ADMIN);
    const mine = await run('/settings', 'mine size=720x1280 seconds=4', ALICE, OTHER);
    expect(mine).toContain('Size: 720x1280 (your default)');
    expect(mine).toContain('An admin has set Seconds here');
    expect(await run('/settings', '', ALICE, CHANNEL)).toContain('Size: 1280x720 (channel default)');
    expect(await run('/settings', 'mine size=999x1', ALICE)).toMatch(/Size cannot be "999x1"/);

    const inOther = await video('defaults elsewhere', OTHER);
    expect([inOther.size, inOther.seconds]).toEqual(['720x1280', 8]);
    const inChannel = await video('defaults in the channel');
    expect([inChannel.size, inChannel.seconds]).toEqual(['1280x720', 8]);
    const asked = await video('flags win --size 720x1280 --seconds 12');
    expect([asked.size, asked.seconds]).toEqual(['720x1280', 12]);
  });

  it('reads in Chinese for a zh-CN user', async () => {
    const text = await run('/settings', 'show', MEI);
    expect(text).toContain('此处的视频设置');
    expect(text).toContain('秒数: 8s (工作区默认)');
  });

  it('an admin can turn image-to-video off: the form with an image is refused, not charged', async () => {
    await run('/settings', 'workspace image=off', ADMIN);
    const before = await videosUsed(h, ALICE);
    await h.fake.slashCommand({ command: '/video', user: ALICE, channel: CHANNEL });
    await h.fake.waitFor(() => h.fake.views(VIEW_IDS.video).find((v) => !v.closed), 5000, 'video form');
    const png = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#3366aa' } })
      .png()
      .toBuffer();
    const file = h.fake.addFile({ name: 'start.png', mimetype: 'image/png', data: png, user: ALICE });
    const seen = h.fake.ephemerals({ user: ALICE }).length;
    await h.fake.submitView({
      callbackId: VIEW_IDS.video,
      values: { prompt: 'the picture comes alive', size: '1280x720', seconds: '4', image: { files: [file] } },
    });
    expect((await nextEphemeral(ALICE, seen)).text).toMatch(/Starting from an image is turned off/);
    expect(await videosUsed(h, ALICE)).toBe(before);
    await run('/settings', 'workspace image=on', ADMIN);
  });

  it('settings survive a restart', async () => {
    await h.restart();
    const text = await run('/settings', '', ALICE, OTHER);
    expect(text).toContain('Seconds: 8s (workspace default)');
    expect(text).toContain('Size: 720x1280 (your default)');
  });
});

describe('Slack moderation', () => {
  it('the blocklist is for admins; a blocked word or pattern is refused before anything is charged, naming it', async () => {
    expect(await run('/settings', 'blocklist add gore', BOB)).toMatch(/Only server or workspace admins/);
    await run('/settings', 'blocklist add gore', ADMIN);
    expect(await run('/settings', 'blocklist add /blood\\s*bath/', ADMIN)).toContain('gore');
    const before = await videosUsed(h, ALICE);
    expect(await run('/video', 'a Gore-soaked castle', ALICE)).toContain('"gore"');
    expect(await run('/video', 'a BLOOD bath at sea', ALICE)).toContain('/blood\\s*bath/');
    expect(await videosUsed(h, ALICE)).toBe(before);
    await run('/settings', 'blocklist remove gore', ADMIN);
    expect(await run('/settings', 'blocklist list', ADMIN)).not.toContain('`gore`');
  });

  it('an upstream content-policy refusal names the prompt, and the same request again is not charged twice', async () => {
    const before = await videosUsed(h, ALICE);
    const job = await video('a [reject] scene --seconds 4');
    await h.fake.waitFor(
      async () => (await h.engine.getJob(job.id))?.state === 'failed',
      15_000,
      'the failure',
    );
    await h.fake.waitFor(
      () =>
        h.fake
          .messages(CHANNEL)
          .find(
            (m) => m.text.includes('Could not') && JSON.stringify(m.blocks).includes('refused this prompt'),
          ),
      10_000,
      'the failure shown',
    );
    expect(await videosUsed(h, ALICE)).toBe(before + 1);
    expect(await run('/video', 'a [reject] scene --seconds 4', ALICE)).toMatch(
      /already refused this exact prompt/,
    );
    expect(await videosUsed(h, ALICE)).toBe(before + 1);
  });
});
