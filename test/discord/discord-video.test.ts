/**
 * /video end to end: real discord.js client + real engine + VideoClient + simulator + fake Discord.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, DiscordHarness } from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start();
});
afterAll(async () => {
  await h?.close();
});

describe('Discord /video end to end', () => {
  it('registers localised commands in the configured guild at start', () => {
    const cmds = h.fake.registeredCommands() ?? [];
    expect(cmds.map((c) => c.name).sort()).toEqual([
      'gallery',
      'history',
      'quota',
      'remix',
      'settings',
      'video',
      'video-admin',
    ]);
    const video = cmds.find((c) => c.name === 'video')!;
    expect(video.name_localizations).toMatchObject({ 'zh-CN': '视频' });
    expect(video.description_localizations).toHaveProperty('zh-CN');
    const admin = cmds.find((c) => c.name === 'video-admin')!;
    expect(admin.default_member_permissions).toBe('32');
  });

  it('a /video is acknowledged at once and ends as an MP4 in the same message with Remix and Re-roll', async () => {
    const i = await h.video({ options: { prompt: 'a *cat* on a @everyone skateboard', seconds: 4 } });
    expect(h.fake.interactionResponses(i.id).callback?.type).toBe(5);
    const msg = await h.delivered(() => i.original()?.id);
    expect(msg.id).toBe(i.original()?.id);
    const mp4 = msg.attachments.find((a) => a.filename.endsWith('.mp4'));
    expect(mp4?.size).toBeGreaterThan(1000);
    expect(mp4?.bytes.subarray(4, 8).toString()).toBe('ftyp');
    const ids = buttonsOf(msg);
    expect(ids.some((id) => id.startsWith('rb:remix:'))).toBe(true);
    expect(ids.some((id) => id.startsWith('rb:reroll:job_'))).toBe(true);
    expect(ids.some((id) => id.startsWith('rb:cancel:'))).toBe(false);
    expect(msg.embeds[0]?.description).toBe('a \\*cat\\* on a @everyone skateboard');
    // Progress edits and delivery went through the bot token, never pinging anyone.
    const edits = h.fake.requests('PATCH /channels/:id/messages/:id');
    expect(edits.length).toBeGreaterThan(0);
    expect(
      edits.every((r) => (r.body as { allowed_mentions?: unknown }).allowed_mentions !== undefined),
    ).toBe(true);
    expect(msg.allowed_mentions).toEqual({ parse: [] });
  });

  it('Remix opens a dialog, and the submitted change comes back as a remix with a lineage link', async () => {
    const i = await h.video({ options: { prompt: 'a lighthouse at dawn' }, user: h.fake.users.alice });
    const source = await h.delivered(() => i.original()?.id);
    const remixId = buttonsOf(source).find((id) => id.startsWith('rb:remix:'))!;
    const click = await h.fake.clickButton(source.id, remixId, h.fake.users.bob);
    const modal = await click.response();
    expect(modal.type).toBe(9);
    expect(JSON.stringify(modal.data)).toContain('a lighthouse at dawn');
    const submit = await h.fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { change: 'make it night time' },
      user: h.fake.users.bob,
    });
    const remix = await h.delivered(() => submit.original()?.id);
    expect(remix.id).not.toBe(source.id);
    expect(remix.embeds[0]?.description).toBe('make it night time');
    const lineage = JSON.stringify(remix.embeds[0]?.fields);
    expect(lineage).toContain(
      `https://discord.com/channels/${h.fake.guildId}/${source.channel_id}/${source.id}`,
    );
    expect(remix.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
  });

  it('Re-roll makes a new video with the same prompt and parameters', async () => {
    const i = await h.video({ options: { prompt: 'waves on basalt', seconds: 8 } });
    const first = await h.delivered(() => i.original()?.id);
    const reroll = buttonsOf(first).find((id) => id.startsWith('rb:reroll:'))!;
    const click = await h.fake.clickButton(first.id, reroll, h.fake.users.bob);
    expect((await click.response()).type).toBe(5);
    const again = await h.delivered(() => click.original()?.id);
    expect(again.id).not.toBe(first.id);
    expect(again.embeds[0]?.description).toBe('waves on basalt');
    expect(JSON.stringify(again.embeds[0]?.fields)).toContain('8s');
  });

  it('Cancel by a stranger is refused privately, and the requester can cancel', async () => {
    const i = await h.video({ options: { prompt: 'an endless corridor [never]' }, user: h.fake.users.alice });
    const msg = await h.fake.waitFor(() => {
      const m = i.original();
      return m && buttonsOf(m).some((id) => id.startsWith('rb:cancel:')) ? m : undefined;
    });
    const cancel = buttonsOf(msg).find((id) => id.startsWith('rb:cancel:'))!;
    const stranger = await h.fake.clickButton(msg.id, cancel, h.fake.users.bob);
    const refusal = await h.fake.waitFor(() => stranger.original()?.content || undefined);
    expect(refusal).toMatch(/Only the person who asked/);
    expect((stranger.original()?.flags ?? 0) & 64).toBe(64);
    const owner = await h.fake.clickButton(msg.id, cancel, h.fake.users.alice);
    await h.fake.waitFor(() => owner.original()?.content || undefined);
    const done = await h.fake.waitFor(() => {
      const m = h.fake.message(msg.id);
      return m && String(m.embeds[0]?.title).includes('Cancelled') ? m : undefined;
    });
    expect(buttonsOf(done)).toEqual([]);
  });

  it('/quota answers privately with usage, limits and a relative reset time', async () => {
    const q = await h.fake.sendCommand({ name: 'quota', user: h.fake.users.alice });
    const reply = await h.fake.waitFor(() => (q.original()?.embeds.length ? q.original() : undefined));
    expect(reply.flags & 64).toBe(64);
    expect(JSON.stringify(reply.embeds)).toMatch(/<t:\d+:R>/);
  });

  it('/remix autocomplete offers recent videos of the caller and the channel', async () => {
    const choices = await h.fake.autocomplete({
      name: 'remix',
      options: { prompt: 'x' },
      focused: 'video',
      value: 'lighthouse',
      user: h.fake.users.alice,
    });
    expect(choices.length).toBeGreaterThan(0);
    expect(String(choices[0]?.name)).toContain('lighthouse');
  });

  it('replies follow a Simplified Chinese locale', async () => {
    const q = await h.fake.sendCommand({ name: 'quota', user: h.fake.users.carol, locale: 'zh-CN' });
    const reply = await h.fake.waitFor(() => (q.original()?.embeds.length ? q.original() : undefined));
    expect(reply.embeds[0]?.title).toBe('你的视频配额');
  });
});
