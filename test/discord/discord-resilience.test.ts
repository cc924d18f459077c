/**
 * Discord end to end under pressure: refusals, failures, restarts, oversized files, 429s,
 * expired interaction tokens, image to video.
 */
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { buttonsOf, DiscordHarness, type HarnessOptions } from './discord-harness.ts';

let h: DiscordHarness | undefined;
async function harness(o: HarnessOptions = {}): Promise<DiscordHarness> {
  h = await DiscordHarness.start(o);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const titleOf = (m: { embeds: Record<string, unknown>[] } | undefined) => String(m?.embeds[0]?.title ?? '');

describe('Discord end to end: faults and limits', () => {
  it('a request over quota is refused privately, the public deferral disappears and nothing is charged', async () => {
    const t = await harness({ env: { QUOTA_DAILY_VIDEOS: '1' } });
    const first = await t.video({ options: { prompt: 'one' } });
    await t.delivered(() => first.original()?.id);
    const second = await t.video({ options: { prompt: 'two' } });
    const refusal = await t.fake.waitFor(() => second.followups()[0]);
    expect(refusal.flags & 64).toBe(64);
    expect(refusal.content).toMatch(/made 1 of your 1 videos/);
    expect(second.original()).toBeUndefined();
    // The same refusal for a user whose Discord speaks Simplified Chinese is in Chinese.
    const third = await t.video({ options: { prompt: 'three' }, locale: 'zh-CN' });
    const zh = await t.fake.waitFor(() => third.followups()[0]);
    expect(zh.flags & 64).toBe(64);
    expect(zh.content).toContain('你今天的视频数量已用完');
    const usage = await t.engine.usage(
      { platform: 'discord', userId: t.fake.users.alice.id, displayName: 'Alice', isAdmin: false },
      t.fake.guildId,
    );
    expect(usage.videos.used).toBe(1);
  });

  it('a content-policy failure is shown in the job message in plain words with what to do', async () => {
    const t = await harness();
    const i = await t.video({ options: { prompt: 'a famous person [policy]' } });
    const failed = await t.fake.waitFor(
      () => (titleOf(i.original()).startsWith('⚠️') ? i.original() : undefined),
      15_000,
    );
    const text = JSON.stringify(failed.embeds[0]?.fields);
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/undefined|\[object/);
  });

  it('after a restart mid-job the video is delivered into the same message, and its buttons still work', async () => {
    const t = await harness();
    const i = await t.video({ options: { prompt: 'a clock tower [never]' } });
    const msg = await t.fake.waitFor(
      () => (titleOf(i.original()).includes('Generating') ? i.original() : undefined),
      15_000,
    );
    await t.restart();
    const job = [
      ...(
        await t.engine.usage(
          { platform: 'discord', userId: t.fake.users.alice.id, displayName: 'Alice', isAdmin: false },
          t.fake.guildId,
        )
      ).active.jobs,
    ][0]!;
    expect(job.place.messageRef).toBe(msg.id);
    t.sim.completeNow(job.videoId!);
    const done = await t.delivered(() => msg.id);
    expect(done.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
    const reroll = buttonsOf(done).find((id) => id.startsWith('rb:reroll:'))!;
    const click = await t.fake.clickButton(done.id, reroll);
    expect((await click.response()).type).toBe(5);
  });

  it('a video over the attachment_size_limit gets the thumbnail and a clear explanation with the video id', async () => {
    const t = await harness();
    const i = await t.video({ options: { prompt: 'a huge sunrise' }, attachmentSizeLimit: 2000 });
    const msg = await t.delivered(() => i.original()?.id);
    expect(msg.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(false);
    expect(msg.attachments.some((a) => a.content_type.startsWith('image/'))).toBe(true);
    expect(msg.content).toMatch(/more than this server lets bots upload/);
    expect(msg.content).toMatch(/video_/);
  });

  it('429s on message edits are waited out and the final state still lands', async () => {
    const t = await harness();
    t.fake.rateLimit({ route: 'PATCH /channels', times: 4, retryAfter: 0.3 });
    const i = await t.video({ options: { prompt: 'rain on a window' } });
    const msg = await t.delivered(() => i.original()?.id, 20_000);
    expect(msg.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
    expect(t.fake.rateLimitsServed).toBe(4);
    expect(buttonsOf(msg).some((id) => id.startsWith('rb:cancel:'))).toBe(false);
  });

  it('updates continue through the bot token after the interaction token expired', async () => {
    const t = await harness({ fake: { tokenLifetimeMs: 800 } });
    const i = await t.video({ options: { prompt: 'slow clouds [never]' } });
    const msg = await t.fake.waitFor(
      () => (titleOf(i.original()).includes('Generating') ? i.original() : undefined),
      15_000,
    );
    await new Promise((r) => setTimeout(r, 900));
    const video = t.sim.jobs().find((j) => j.prompt?.includes('slow clouds'));
    t.sim.completeNow(video!.id);
    const done = await t.delivered(() => msg.id);
    expect(done.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
    expect(t.fake.requests('PATCH /webhooks').every((r) => r.status === 200)).toBe(true);
  });

  it('an image attachment becomes the first frame of an image-to-video job', async () => {
    const t = await harness();
    const png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const i = await t.video({
      options: {
        prompt: 'the sky starts moving',
        image: { filename: 'sky.png', bytes: png, contentType: 'image/png' },
      },
    });
    const msg = await t.delivered(() => i.original()?.id);
    expect(JSON.stringify(msg.embeds[0]?.fields)).toContain('Starts from the attached image');
  });

  it('a non-image attachment is refused at once and privately', async () => {
    const t = await harness();
    const i = await t.fake.sendCommand({
      name: 'video',
      options: {
        prompt: 'x',
        image: { filename: 'a.txt', bytes: Buffer.from('hi'), contentType: 'text/plain' },
      },
    });
    const cb = await i.response();
    expect(cb.type).toBe(4);
    expect(Number(cb.data?.flags) & 64).toBe(64);
  });
});
