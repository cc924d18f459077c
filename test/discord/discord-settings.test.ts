/**
 * /settings and moderation on Discord end to end: defaults per server, per channel and per user,
 * where each value comes from, options winning, image-to-video off, the blocklist, the
 * content-policy memory, and settings surviving a restart.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionHandle } from '../fakes/discord/fake-discord.ts';
import type { CommandSpec } from '../fakes/discord/interaction-builder.ts';
import { DiscordHarness } from './discord-harness.ts';

let h: DiscordHarness;

beforeAll(async () => {
  h = await DiscordHarness.start({ env: { QUOTA_ACTIVE_JOBS: '20', QUOTA_DAILY_SECONDS: '10000' } });
});
afterAll(async () => {
  await h?.close();
});

async function answer(i: InteractionHandle): Promise<string> {
  return h.fake.waitFor(() => {
    const m = i.original();
    return m?.content && !(m.flags & 128) ? m.content : undefined;
  }, 10_000);
}

async function settings(spec: Omit<CommandSpec, 'name'>): Promise<string> {
  return answer(await h.fake.sendCommand({ name: 'settings', ...spec }));
}

/** The job a /video made, once accepted. */
async function jobOf(i: InteractionHandle) {
  const m = await h.fake.waitFor(() => {
    const msg = i.original();
    return msg?.embeds[0]?.footer ? msg : undefined;
  }, 10_000);
  const footer = String((m.embeds[0]?.footer as { text?: string } | undefined)?.text);
  const id = /job_\w+/.exec(footer)?.[0];
  return (await h.engine.getJob(id ?? ''))!;
}

describe('Discord /settings', () => {
  it('is registered with Chinese names', () => {
    const cmd = (h.fake.registeredCommands() ?? []).find((c) => c.name === 'settings');
    expect(cmd?.name_localizations).toMatchObject({ 'zh-CN': '设置' });
  });

  it('refuses server defaults to a member who is not an admin', async () => {
    const text = await settings({ subcommand: 'server', options: { seconds: 8 }, user: h.fake.users.bob });
    expect(text).toMatch(/Only server or workspace admins/);
  });

  it('combines server, channel and personal defaults; options win; the sources are shown', async () => {
    const { general, random } = h.fake.channels;
    expect(await settings({ subcommand: 'server', options: { seconds: 8 }, user: h.fake.users.mod })).toMatch(
      /Seconds: 8s \(server default\)/,
    );
    await settings({
      subcommand: 'channel',
      options: { channel: general.id, size: '1280x720' },
      user: h.fake.users.mod,
    });
    const mine = await settings({
      subcommand: 'mine',
      options: { size: '720x1280', seconds: 4 },
      user: h.fake.users.alice,
      channelId: random.id,
    });
    expect(mine).toContain('Size: 720x1280 (your default)');
    expect(mine).toContain('Seconds: 8s (server default)');
    expect(mine).toContain('An admin has set Seconds here');
    const inGeneral = await settings({ subcommand: 'show', user: h.fake.users.alice, channelId: general.id });
    expect(inGeneral).toContain('Size: 1280x720 (channel default)');

    const inRandom = await jobOf(
      await h.video({
        options: { prompt: 'defaults in random' },
        user: h.fake.users.alice,
        channelId: random.id,
      }),
    );
    expect([inRandom.size, inRandom.seconds]).toEqual(['720x1280', 8]);
    const inChannel = await jobOf(
      await h.video({ options: { prompt: 'defaults in general' }, user: h.fake.users.alice }),
    );
    expect([inChannel.size, inChannel.seconds]).toEqual(['1280x720', 8]);
    const asked = await jobOf(
      await h.video({
        options: { prompt: 'options win', size: '720x1280', seconds: 12 },
        user: h.fake.users.alice,
      }),
    );
    expect([asked.size, asked.seconds]).toEqual(['720x1280', 12]);
  });

  it('shows the settings in Chinese for a zh-CN user', async () => {
    const text = await settings({ subcommand: 'show', user: h.fake.users.carol, locale: 'zh-CN' });
    expect(text).toContain('此处的视频设置');
    expect(text).toContain('秒数: 8s (服务器默认)');
  });

  it('an admin can turn image-to-video off: a /video with an image is refused and not charged', async () => {
    await settings({ subcommand: 'server', options: { 'image-to-video': false }, user: h.fake.users.mod });
    const png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const before = await h.videosUsed(h.fake.users.alice.id);
    const i = await h.fake.sendCommand({
      name: 'video',
      options: {
        prompt: 'from a picture',
        image: { filename: 'p.png', bytes: png, contentType: 'image/png' },
      },
      user: h.fake.users.alice,
    });
    const refusal = await h.fake.waitFor(() => i.followups()[0]?.content || undefined, 10_000);
    expect(refusal).toMatch(/Starting from an image is turned off/);
    expect(await h.videosUsed(h.fake.users.alice.id)).toBe(before);
    await settings({ subcommand: 'server', options: { 'image-to-video': true }, user: h.fake.users.mod });
  });

  it('settings survive a restart', async () => {
    await h.restart();
    const text = await settings({
      subcommand: 'show',
      user: h.fake.users.alice,
      channelId: h.fake.channels.random.id,
    });
    expect(text).toContain('Seconds: 8s (server default)');
    expect(text).toContain('Size: 720x1280 (your default)');
  });
});

describe('Discord moderation', () => {
  it('the blocklist is for admins; a blocked word or pattern is refused before anything is charged, naming it', async () => {
    expect(
      await settings({
        group: 'blocklist',
        subcommand: 'add',
        options: { term: 'gore' },
        user: h.fake.users.bob,
      }),
    ).toMatch(/Only server or workspace admins/);
    await settings({
      group: 'blocklist',
      subcommand: 'add',
      options: { term: 'gore' },
      user: h.fake.users.mod,
    });
    const list = await settings({
      group: 'blocklist',
      subcommand: 'add',
      options: { term: '/blood\\s*bath/' },
      user: h.fake.users.mod,
    });
    expect(list).toContain('gore');
    expect(
      await settings({
        group: 'blocklist',
        subcommand: 'add',
        options: { term: '/([/' },
        user: h.fake.users.mod,
      }),
    ).toMatch(/not a valid regular expression/);
    const before = await h.videosUsed(h.fake.users.alice.id);
    const i = await h.fake.sendCommand({
      name: 'video',
      options: { prompt: 'a Gore-soaked castle' },
      user: h.fake.users.alice,
    });
    expect(await h.fake.waitFor(() => i.followups()[0]?.content || undefined, 10_000)).toContain('"gore"');
    const j = await h.fake.sendCommand({
      name: 'video',
      options: { prompt: 'a BLOOD bath at sea' },
      user: h.fake.users.alice,
    });
    expect(await h.fake.waitFor(() => j.followups()[0]?.content || undefined, 10_000)).toContain(
      '/blood\\s*bath/',
    );
    // Not a word match: "gorest" is allowed.
    const ok = await jobOf(
      await h.video({ options: { prompt: 'gorest the goat' }, user: h.fake.users.alice }),
    );
    expect(ok.prompt).toBe('gorest the goat');
    expect(await h.videosUsed(h.fake.users.alice.id)).toBe(before + 1);
    await settings({
      group: 'blocklist',
      subcommand: 'remove',
      options: { term: 'gore' },
      user: h.fake.users.mod,
    });
    expect(await settings({ group: 'blocklist', subcommand: 'list', user: h.fake.users.mod })).not.toContain(
      '`gore`',
    );
  });

  it('an upstream content-policy refusal names the prompt, and the same request again is refused without a second charge', async () => {
    const before = await h.videosUsed(h.fake.users.alice.id);
    const i = await h.video({
      options: { prompt: 'a [reject] scene', seconds: 4 },
      user: h.fake.users.alice,
    });
    const failed = await h.fake.waitFor(() => {
      const m = i.original();
      return m && String(m.embeds[0]?.title).includes('Could not') ? m : undefined;
    }, 15_000);
    expect(JSON.stringify(failed.embeds)).toContain('refused this prompt');
    expect(await h.videosUsed(h.fake.users.alice.id)).toBe(before + 1);
    const again = await h.fake.sendCommand({
      name: 'video',
      options: { prompt: 'a [reject] scene', seconds: 4 },
      user: h.fake.users.alice,
    });
    expect(await h.fake.waitFor(() => again.followups()[0]?.content || undefined, 10_000)).toMatch(
      /already refused this exact prompt/,
    );
    expect(await h.videosUsed(h.fake.users.alice.id)).toBe(before + 1);
  });

  it('an image the upstream refuses is named as the image', async () => {
    const png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#993366' } })
      .png()
      .toBuffer();
    const i = await h.video({
      options: {
        prompt: 'a calm lake [reject-image]',
        image: { filename: 'lake.png', bytes: png, contentType: 'image/png' },
      },
      user: h.fake.users.bob,
    });
    const failed = await h.fake.waitFor(() => {
      const m = i.original();
      return m && String(m.embeds[0]?.title).includes('Could not') ? m : undefined;
    }, 15_000);
    expect(JSON.stringify(failed.embeds)).toContain('refused the starting image');
  });
});
