/**
 * One voice on Slack: each person's locale (users.info `include_locale`, cached) picks English or
 * Simplified Chinese for failures, refusals and replies; `/video-admin` for workspace admins and
 * owners and ADMIN_USERS only; Re-roll through the engine's one re-roll.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Actor } from '../../src/engine/engine-api.ts';
import { ACTION_IDS, VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import type { FakeMessage } from '../fakes/slack/fake-slack.ts';
import { expectSameReroll, REROLL_CASE } from '../support/reroll-checks.ts';
import {
  ADMIN,
  ALICE,
  BOB,
  CHANNEL,
  fileReplies,
  type SlackHarness,
  shownText,
  startSlackHarness,
  topLevel,
} from './slack-harness.ts';

const MEI = 'U0MEI';
const OWNER = 'U0OWNER';
const LISTED = 'U0LISTED';
const OTHER_CHANNEL = 'C0OTHER';
const HAN = /[\u4e00-\u9fff]/;

let h: SlackHarness;
beforeAll(async () => {
  h = await startSlackHarness({ env: { VIDEO_MODELS: 'sora-2,sora-2-pro', ADMIN_USERS: LISTED } });
  h.fake.addUser({ id: MEI, name: 'mei', locale: 'zh-CN' });
  h.fake.addUser({ id: OWNER, name: 'olga', isOwner: true });
  h.fake.addUser({ id: LISTED, name: 'lee' });
  h.fake.addChannel({ id: OTHER_CHANNEL, name: 'other' });
});
afterAll(async () => {
  await h?.close();
});

const actor = (userId: string): Actor => ({ platform: 'slack', userId, displayName: userId, isAdmin: false });
const teamId = () => h.fake.teamId;

/** Post `/video text` as `user` and wait for its job message to show an outcome. */
async function jobOutcome(
  user: string,
  text: string,
  done: (shown: string) => boolean,
): Promise<FakeMessage> {
  const before = topLevel(h.fake).length;
  await h.fake.slashCommand({ command: '/video', text, user, channel: CHANNEL });
  const job = await h.fake.waitFor(() => topLevel(h.fake)[before], 10_000, 'job message');
  return h.fake.waitFor(
    () => {
      const m = h.fake.message(CHANNEL, job.ts);
      return m && done(shownText(m)) ? m : undefined;
    },
    15_000,
    'job outcome',
  );
}

/** The next private answer to `user` after `run`. */
async function nextEphemeral(user: string, run: () => Promise<unknown>): Promise<string> {
  const before = h.fake.ephemerals({ user }).length;
  await run();
  return (await h.fake.waitFor(() => h.fake.ephemerals({ user })[before], 5000, 'private answer')).text;
}

const slash = (user: string, command: string, text = '') =>
  h.fake.slashCommand({ command, text, user, channel: CHANNEL });

describe('Slack speaks each person’s language', () => {
  it('a content-policy failure reads in Chinese for a zh-CN user and in English for others', async () => {
    const zh = await jobOutcome(MEI, '跳舞的猫 [policy] --seconds 4', (s) => s.includes(':x:'));
    const en = await jobOutcome(ALICE, 'a dancing cat [policy] --seconds 4', (s) => s.includes(':x:'));
    expect(shownText(zh)).toContain('无法生成这个视频');
    expect(shownText(zh)).toContain('内容规则');
    expect(shownText(zh)).not.toMatch(/content rules|Could not make/);
    expect(shownText(en)).toContain('Could not make this video');
    expect(shownText(en)).toContain('content rules');
    expect(shownText(en)).not.toMatch(HAN);
  });

  it('an upstream failure reads in Chinese for a zh-CN user, with Re-roll offered in Chinese', async () => {
    const zh = await jobOutcome(MEI, '海浪 [fail] --seconds 4', (s) => s.includes(':x:'));
    const en = await jobOutcome(BOB, 'waves [fail] --seconds 4', (s) => s.includes(':x:'));
    expect(shownText(zh)).toContain('视频服务无法生成这个视频');
    expect(shownText(zh)).toContain('重新生成');
    expect(shownText(en)).toContain('The video service could not make this video');
    expect(shownText(en)).not.toMatch(HAN);
  });

  it('a quota refusal is private and in Chinese for a zh-CN user, in English for others', async () => {
    await h.engine.setUserLimits('slack', teamId(), MEI, { dailySeconds: 1 });
    await h.engine.setUserLimits('slack', teamId(), BOB, { dailySeconds: 1 });
    onTestFinished(async () => {
      await h.engine.setUserLimits('slack', teamId(), MEI, null);
      await h.engine.setUserLimits('slack', teamId(), BOB, null);
    });
    const posted = topLevel(h.fake).length;
    const zh = await nextEphemeral(MEI, () => slash(MEI, '/video', '雪中的狐狸 --seconds 4'));
    const en = await nextEphemeral(BOB, () => slash(BOB, '/video', 'a fox --seconds 4'));
    expect(zh).toContain('这个 4 秒的视频会超出你今天 1 秒的视频时长');
    expect(zh).toMatch(/配额将在 \d+ (小时 \d+ )?分钟后（UTC 午夜）重置/);
    expect(en).toContain('This 4-second video would take you past your 1 video-seconds for today');
    expect(en).not.toMatch(HAN);
    expect(topLevel(h.fake)).toHaveLength(posted);
  });

  it('/quota has the same rows as on Discord, in the reader’s language', async () => {
    const zh = await nextEphemeral(MEI, () => slash(MEI, '/quota'));
    expect(zh).toContain('你的视频配额');
    expect(zh).toContain('今天的视频');
    expect(zh).toContain('整个工作区今天');
    const en = await nextEphemeral(ALICE, () => slash(ALICE, '/quota'));
    expect(en).toContain('Whole workspace today');
    expect(en).toContain('<!date^');
  });

  it('asks users.info for the locale and caches the answer', () => {
    const calls = h.fake.callsTo('users.info').filter((c) => c.params.user === MEI);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => String(c.params.include_locale) === 'true')).toBe(true);
    // Several commands and clicks by MEI above, one lookup within the cache's lifetime.
    expect(calls).toHaveLength(1);
  });
});

describe('Slack /video-admin', () => {
  it('refuses a member who is not an admin, in their language, and changes nothing', async () => {
    const text = await nextEphemeral(BOB, () =>
      slash(BOB, '/video-admin', `set-quota <@${ALICE}|alice> videos=1`),
    );
    expect(text).toMatch(/Only server or workspace admins/);
    expect((await h.engine.usage(actor(ALICE), teamId())).videos.limit).toBe(10);
    const zh = await nextEphemeral(MEI, () => slash(MEI, '/video-admin', 'workspace-cap 3'));
    expect(zh).toContain('管理员');
    expect((await h.engine.usage(actor(ALICE), teamId())).workspace.limit).toBe(200);
  });

  it('lets a workspace admin set and reset a member’s limits and the workspace cap', async () => {
    const set = await nextEphemeral(ADMIN, () =>
      slash(ADMIN, '/video-admin', `set-quota <@${ALICE}|alice> videos=2 seconds=30 active=1`),
    );
    expect(set).toContain(`Limits for <@${ALICE}>: 2 videos, 30 s per day, 1 at once.`);
    const usage = await h.engine.usage(actor(ALICE), teamId());
    expect(usage.videos.limit).toBe(2);
    expect(usage.seconds.limit).toBe(30);
    expect(usage.active.limit).toBe(1);
    const reset = await nextEphemeral(ADMIN, () =>
      slash(ADMIN, '/video-admin', `set-quota <@${ALICE}|alice>`),
    );
    expect(reset).toContain('default');
    expect((await h.engine.usage(actor(ALICE), teamId())).videos.limit).toBe(10);
    const forget = await nextEphemeral(ADMIN, () => slash(ADMIN, '/video-admin', `reset-quota <@${ALICE}>`));
    expect(forget).toContain('usage for today was forgotten');
    const cap = await nextEphemeral(ADMIN, () => slash(ADMIN, '/video-admin', 'workspace-cap 50'));
    expect(cap).toContain('The workspace cap is set to 50 videos per day.');
    expect((await h.engine.usage(actor(ALICE), teamId())).workspace.limit).toBe(50);
    await nextEphemeral(ADMIN, () => slash(ADMIN, '/video-admin', 'workspace-cap'));
    expect((await h.engine.usage(actor(ALICE), teamId())).workspace.limit).toBe(200);
  });

  it('lets the owner and ADMIN_USERS limit the channels, and /video then follows the list', async () => {
    const added = await nextEphemeral(OWNER, () =>
      slash(OWNER, '/video-admin', `channels add <#${OTHER_CHANNEL}|other>`),
    );
    expect(added).toContain(`<#${OTHER_CHANNEL}>`);
    expect(await h.engine.allowedChannels('slack', teamId())).toEqual([OTHER_CHANNEL]);
    const refused = await nextEphemeral(ALICE, () => slash(ALICE, '/video', 'a fox here --seconds 4'));
    expect(refused).toContain('Videos cannot be made in this channel');
    const listed = await nextEphemeral(LISTED, () => slash(LISTED, '/video-admin', 'channels list'));
    expect(listed).toContain(`<#${OTHER_CHANNEL}>`);
    const cleared = await nextEphemeral(LISTED, () => slash(LISTED, '/video-admin', 'channels clear'));
    expect(cleared).toContain('every channel');
    expect(await h.engine.allowedChannels('slack', teamId())).toBeNull();
  });

  it('answers text it cannot read with the usage', async () => {
    const text = await nextEphemeral(ADMIN, () =>
      slash(ADMIN, '/video-admin', 'set-quota nobody videos=lots'),
    );
    expect(text).toContain('Usage: `/video-admin set-quota');
  });
});

describe('Slack Re-roll', () => {
  function buttonValue(m: FakeMessage | undefined, actionId: string): string {
    for (const b of m?.blocks ?? []) {
      for (const e of (b.elements ?? []) as { action_id?: string; value?: string }[]) {
        if (e.action_id === actionId) return e.value ?? '';
      }
    }
    return '';
  }

  it('goes through the engine’s re-roll: same prompt, first frame, model, size and seconds', async () => {
    await slash(ALICE, '/video');
    await h.fake.waitFor(() => h.fake.views(VIEW_IDS.video)[0], 5000, 'video form');
    const png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const file = h.fake.addFile({ name: 'tide.png', mimetype: 'image/png', data: png, user: ALICE });
    const before = topLevel(h.fake).length;
    await h.fake.submitView({
      callbackId: VIEW_IDS.video,
      user: ALICE,
      values: {
        prompt: REROLL_CASE.prompt,
        size: REROLL_CASE.size,
        seconds: String(REROLL_CASE.seconds),
        model: REROLL_CASE.model,
        image: { files: [file] },
      },
    });
    const job = await h.fake.waitFor(() => topLevel(h.fake)[before], 10_000, 'job message');
    const result = await h.fake.waitFor(() => fileReplies(h.fake, job.ts)[0], 15_000, 'first video');
    const original = await h.engine.getJob(buttonValue(result, ACTION_IDS.reroll));
    await h.fake.clickButton({ channel: CHANNEL, ts: result.ts, actionId: ACTION_IDS.reroll, user: BOB });
    const again = await h.fake.waitFor(() => fileReplies(h.fake, job.ts)[1], 15_000, 'second video');
    const copy = await h.engine.getJob(buttonValue(again, ACTION_IDS.reroll));
    expectSameReroll(original, copy, BOB, h.sim);
  });
});
