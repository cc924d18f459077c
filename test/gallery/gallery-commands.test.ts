/**
 * `/gallery` on Discord: a private link scoped to the guild, whose data lists the guild's
 * videos; without a gallery the answer says which variable turns it on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotMetrics } from '../../src/app/bot-metrics.ts';
import { GalleryService } from '../../src/app/gallery/gallery-service.ts';
import { type OpsServer, startOpsServer } from '../../src/app/ops-server.ts';
import { DiscordHarness } from '../discord/discord-harness.ts';

const SECRET = 'discord-gallery-secret-0123456789';

describe('/gallery on Discord', () => {
  let h: DiscordHarness;
  let ops: OpsServer;
  let metrics: BotMetrics;
  let baseUrl = '';

  beforeAll(async () => {
    h = await DiscordHarness.start({
      gallery: (engine) => new GalleryService({ secret: SECRET, engine, baseUrl: () => baseUrl }),
    });
    metrics = new BotMetrics({ maxConcurrency: 2, simulated: false });
    const gallery = new GalleryService({ secret: SECRET, engine: h.engine, baseUrl: () => baseUrl });
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
  });

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
