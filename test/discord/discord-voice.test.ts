/**
 * One voice on Discord: failures and refusals in the requester's language (zh-CN gets every
 * word in Chinese, others English), and Re-roll through the engine's one re-roll.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { StoredMessage } from '../fakes/discord/fake-state.ts';
import { expectSameReroll, REROLL_CASE } from '../support/reroll-checks.ts';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start({
    env: { VIDEO_MODELS: 'sora-2,sora-2-pro', VIDEO_SIZES: '1280x720,720x1280' },
  });
});
afterAll(async () => {
  await h?.close();
});

/** The job message once it shows a failure (title starting with ⚠️). */
function failed(messageId: () => string | undefined): Promise<StoredMessage> {
  return h.fake.waitFor(() => {
    const id = messageId();
    const m = id ? h.fake.message(id) : undefined;
    return m && String(m.embeds[0]?.title).startsWith('⚠️') ? m : undefined;
  }, 15_000);
}

const HAN = /[\u4e00-\u9fff]/;
/** Latin words of three letters or more, outside ids, code spans and the model name. */
const englishWords = (text: string) =>
  text
    .replace(/`[^`]*`/g, '')
    .replace(/\b(?:job|video)_\w+/g, '')
    .replace(/sora-2(-pro)?|\d+x\d+|\[\w+\]/g, '')
    .match(/[A-Za-z]{3,}/g) ?? [];

describe('Discord speaks the requester’s language', () => {
  it('a content-policy failure reads in Chinese for a zh-CN user, title, fields and all', async () => {
    const i = await h.video({
      options: { prompt: '跳舞的猫 [policy]' },
      user: h.fake.users.carol,
      locale: 'zh-CN',
    });
    const msg = await failed(() => i.original()?.id);
    const embed = msg.embeds[0];
    expect(embed?.title).toContain('无法生成这个视频');
    const fieldList = (embed?.fields ?? []) as { name: string; value: string }[];
    const shown = [embed?.title, ...fieldList.map((f) => `${f.name} ${f.value}`)].join('\n');
    expect(shown).toContain('内容规则');
    expect(englishWords(shown)).toEqual([]);
  });

  it('an upstream failure reads in Chinese for a zh-CN user and in English for others', async () => {
    const zh = await h.video({
      options: { prompt: '海浪 [fail]' },
      user: h.fake.users.carol,
      locale: 'zh-CN',
    });
    const en = await h.video({ options: { prompt: 'waves [fail]' }, user: h.fake.users.alice });
    const zhMsg = await failed(() => zh.original()?.id);
    const enMsg = await failed(() => en.original()?.id);
    expect(JSON.stringify(zhMsg.embeds[0]?.fields)).toContain('视频服务无法生成这个视频');
    expect(JSON.stringify(enMsg.embeds[0]?.fields)).toContain('The video service could not make this video');
    expect(JSON.stringify(enMsg.embeds)).not.toMatch(HAN);
    // Not the prompt's fault: Re-roll is offered, in the reader's language.
    expect(JSON.stringify(zhMsg.components)).toContain('重新生成');
  });

  it('a quota refusal is private and in Chinese for a zh-CN user, in English for others', async () => {
    const limit = (userId: string, limits: { dailySeconds: number } | null) =>
      h.engine.setUserLimits('discord', h.fake.guildId, userId, limits);
    await limit(h.fake.users.carol.id, { dailySeconds: 1 });
    await limit(h.fake.users.bob.id, { dailySeconds: 1 });
    onTestFinished(async () => {
      await limit(h.fake.users.carol.id, null);
      await limit(h.fake.users.bob.id, null);
    });
    const zh = await h.fake.sendCommand({
      name: 'video',
      options: { prompt: '雪中的狐狸', seconds: 4 },
      user: h.fake.users.carol,
      locale: 'zh-CN',
    });
    const en = await h.fake.sendCommand({
      name: 'video',
      options: { prompt: 'a fox', seconds: 4 },
      user: h.fake.users.bob,
    });
    const zhReply = await h.fake.waitFor(() => zh.followups()[0]);
    const enText = (await h.fake.waitFor(() => en.followups()[0])).content;
    const zhText = zhReply.content;
    expect(zhReply.flags & 64).toBe(64);
    expect(zhText).toContain('这个 4 秒的视频会超出你今天 1 秒的视频时长');
    expect(zhText).toMatch(/配额将在 \d+ (小时 \d+ )?分钟后（UTC 午夜）重置/);
    expect(englishWords(zhText).filter((w) => w !== 'UTC')).toEqual([]);
    expect(enText).toContain('This 4-second video would take you past your 1 video-seconds for today');
    expect(enText).not.toMatch(HAN);
  });
});

describe('Discord Re-roll', () => {
  it('goes through the engine’s re-roll: same prompt, first frame, model, size and seconds', async () => {
    const png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const i = await h.video({
      options: {
        prompt: REROLL_CASE.prompt,
        model: REROLL_CASE.model,
        size: REROLL_CASE.size,
        seconds: REROLL_CASE.seconds,
        image: { filename: 'tide.png', bytes: png, contentType: 'image/png' },
      },
    });
    const first = await h.delivered(() => i.original()?.id);
    const rerollId = buttonsOf(first).find((id) => id.startsWith('rb:reroll:'))!;
    const original = await h.engine.getJob(rerollId.slice('rb:reroll:'.length));
    const click = await h.fake.clickButton(first.id, rerollId, h.fake.users.bob);
    const again = await h.delivered(() => click.original()?.id);
    const againId = buttonsOf(again).find((id) => id.startsWith('rb:reroll:'))!;
    const copy = await h.engine.getJob(againId.slice('rb:reroll:'.length));
    expectSameReroll(original, copy, h.fake.users.bob.id, h.sim);
  });
});
