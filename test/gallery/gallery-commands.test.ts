/**
 * `/gallery` on Discord: a private link scoped to the guild, whose data lists the guild's
 * videos; without a gallery the answer says which variable turns it on.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotMetrics } from '../../src/app/bot-metrics.ts';
import { GalleryService } from '../../src/app/gallery/gallery-service.ts';
import { type OpsServer, startOpsServer } from '../../src/app/ops-server.ts';
import { DiskMediaKeeper } from '../../src/engine/media-keeper.ts';
import { buttonsOf, DiscordHarness } from '../discord/discord-harness.ts';

const SECRET = 'discord-gallery-secret-0123456789';

describe('/gallery on Discord', () => {
  let h: DiscordHarness;
  let ops: OpsServer;
  let metrics: BotMetrics;
  let baseUrl = '';
  const mediaDir = mkdtempSync(join(tmpdir(), 'reelbot-gallery-cmd-'));
  const media = new DiskMediaKeeper({ dir: mediaDir, retentionMs: 86_400_000, maxBytes: 100 * 1024 * 1024 });

  beforeAll(async () => {
    h = await DiscordHarness.start({
      env: { QUOTA_ACTIVE_JOBS: '10' },
      engine: { media },
      gallery: (engine) => new GalleryService({ secret: SECRET, engine, media, baseUrl: () => baseUrl }),
    });
    metrics = new BotMetrics({ maxConcurrency: 2, simulated: false });
    const gallery = new GalleryService({ secret: SECRET, engine: h.engine, media, baseUrl: () => baseUrl });
    ops = await startOpsServer({
      port: 0,
      health: async () => ({ status: 'ok' }) as never,
      metrics,
      gallery,
    });
    baseUrl = ops.url;
  });
  afterAll(async () => {
    await ops?.close();
    metrics?.close();
    await h?.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  const galleryLink = async (): Promise<string> => {
    const i = await h.fake.sendCommand({ name: 'gallery', user: h.fake.users.alice });
    const reply = await h.fake.waitFor(() => (i.original()?.content ? i.original() : undefined));
    return /(http:\/\/127\.0\.0\.1:\d+\/gallery\/\S+\/)/.exec(reply.content)![1]!;
  };
  const listed = async (url: string) =>
    ((await (await fetch(`${url}data.json`)).json()) as { videos: Array<{ prompt: string; key: string }> })
      .videos;

  it('answers privately with a link that lists this guild’s videos', async () => {
    const made = await h.video({ options: { prompt: 'a paper boat on a river' } });
    await h.delivered(() => made.original()?.id);
    const i = await h.fake.sendCommand({ name: 'gallery', user: h.fake.users.alice });
    const reply = await h.fake.waitFor(() => (i.original()?.content ? i.original() : undefined));
    expect(reply.flags & 64).toBe(64);
    expect(reply.content).toMatch(/<t:\d+:f>/);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/gallery\/\S+\/)/.exec(reply.content)?.[1];
    expect(url).toBeDefined();
    // The recent-videos index is written just after the message shows the result.
    const prompts = async () => {
      const data = (await (await fetch(`${url}data.json`)).json()) as { videos: Array<{ prompt: string }> };
      return data.videos.map((v) => v.prompt);
    };
    await expect.poll(prompts, { timeout: 10_000 }).toContain('a paper boat on a river');
    expect((await fetch(`${url?.slice(0, -5)}xxxx/data.json`)).status).toBe(401);
  });

  it('leaves out private videos, and a deleted video is gone from the page and from disk', async () => {
    const url = await galleryLink();
    await h.video({ options: { prompt: 'a private sketch', private: true } });
    const dm = h.fake.state.dmWith(h.fake.users.alice.id).id;
    // Delivered (by DM) before the public one is even asked for.
    await h.fake.waitFor(
      () =>
        [...h.fake.state.messages.values()].find(
          (m) => m.channel_id === dm && m.attachments.some((a) => a.filename.endsWith('.mp4')),
        ),
      15_000,
    );
    const shown = await h.video({ options: { prompt: 'a lighthouse at dusk' } });
    const result = await h.delivered(() => shown.original()?.id);
    await expect
      .poll(async () => (await listed(url)).map((v) => v.prompt), { timeout: 15_000 })
      .toContain('a lighthouse at dusk');
    const entry = (await listed(url)).find((v) => v.prompt === 'a lighthouse at dusk')!;
    await expect
      .poll(async () => (await fetch(`${url}media/${entry.key}.mp4`)).status, { timeout: 10_000 })
      .toBe(200);
    expect((await listed(url)).map((v) => v.prompt)).not.toContain('a private sketch');

    const del = await h.fake.clickButton(
      result.id,
      buttonsOf(result).find((b) => b.startsWith('rb:delete:'))!,
      h.fake.users.alice,
    );
    await h.fake.waitFor(() => del.original()?.content.includes('Deleted') || undefined, 10_000);
    expect((await listed(url)).map((v) => v.prompt)).not.toContain('a lighthouse at dusk');
    expect((await fetch(`${url}media/${entry.key}.mp4`)).status).toBe(404);
    expect(readdirSync(mediaDir).filter((f) => f.startsWith(entry.key))).toEqual([]);
  });

  it('is registered with a Chinese name', () => {
    const cmd = (h.fake.registeredCommands() ?? []).find((c) => c.name === 'gallery');
    expect(cmd?.name_localizations).toMatchObject({ 'zh-CN': '视频库' });
  });
});

describe('/gallery on Discord without GALLERY_SECRET', () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await DiscordHarness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('says the gallery is off and which variable turns it on', async () => {
    const i = await h.fake.sendCommand({ name: 'gallery', user: h.fake.users.alice, locale: 'zh-CN' });
    const reply = await h.fake.waitFor(() => (i.original()?.content ? i.original() : undefined));
    expect(reply.flags & 64).toBe(64);
    expect(reply.content).toContain('GALLERY_SECRET');
    expect(reply.content).toContain('视频库未开启');
  });
});
