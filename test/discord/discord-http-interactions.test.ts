/**
 * Discord HTTP interactions (`DISCORD_PUBLIC_KEY`): the whole bot (`startBot`) with its ops
 * server as the Interactions Endpoint URL of the fake Discord, which signs every interaction
 * with a real Ed25519 key and checks the endpoint like the Developer Portal does. No gateway.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app/run-bot.ts';
import { loadConfig } from '../../src/config/config.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { FAST_SIM, FAST_TIMING } from '../app/app-harness.ts';
import { FakeDiscord } from '../fakes/discord/fake-discord.ts';
import type { StoredMessage } from '../fakes/discord/fake-state.ts';
import { buttonsOf } from './discord-harness.ts';

describe('Discord over HTTP interactions', () => {
  let dir: string;
  let sim: Simulator;
  let fake: FakeDiscord;
  let bot: RunningBot;
  let endpointUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-discord-http-'));
    fake = await FakeDiscord.start();
    sim = await startSimulator({ timing: FAST_SIM });
    const config = loadConfig({
      DISCORD_TOKEN: fake.botToken,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_PUBLIC_KEY: fake.publicKey,
      METRICS_PORT: '0',
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      VIDEO_API_DIALECT: 'openai',
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      DATA_DIR: join(dir, 'data'),
      PROGRESS_EDIT_INTERVAL_MS: '250',
      LOG_LEVEL: 'silent',
    });
    bot = await startBot(config, silentLogger, { engineOverrides: { timing: FAST_TIMING } });
    endpointUrl = `${bot.opsUrl}/discord/interactions`;
    await fake.setInteractionsEndpoint(endpointUrl);
  });

  afterAll(async () => {
    await bot?.stop();
    await sim?.close();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const delivered = (id: () => string | undefined) =>
    fake.waitFor(
      () => {
        const m = id() ? fake.message(id() ?? '') : undefined;
        return m && String(m.embeds[0]?.title ?? '').startsWith('✅') ? m : undefined;
      },
      20_000,
      'a delivered video',
    );

  it('never opens a gateway connection; the commands are registered by REST', () => {
    expect(fake.gatewayCounts.connections).toBe(0);
    expect(fake.registeredCommands()?.map((c) => c.name)).toContain('video');
  });

  it('answers a signed PING with PONG in the HTTP response', async () => {
    const reply = await fake.postToEndpoint({
      id: '1',
      application_id: fake.applicationId,
      type: 1,
      token: 't',
      version: 1,
    });
    expect(reply).toEqual({ status: 200, json: { type: 1 } });
  });

  it('refuses a missing, a wrong and a stale signature with 401 and handles nothing', async () => {
    const ping = { id: '2', application_id: fake.applicationId, type: 1, token: 't', version: 1 };
    expect((await fake.postToEndpoint(ping, { signature: 'none' })).status).toBe(401);
    expect((await fake.postToEndpoint(ping, { signature: 'bad' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await fake.postToEndpoint(ping, { timestampSec: stale })).status).toBe(401);
    const callbacks = fake.requests('POST /interactions').length;
    const forged = await fake.sendCommand({ name: 'video', options: { prompt: 'ignored' } });
    // The fake's own sends are signed; a forged one is a different key: it must change nothing.
    const body = { ...forged.payload, id: '3' };
    expect((await fake.postToEndpoint(body, { signature: 'bad' })).status).toBe(401);
    // Only the genuine one is answered, once.
    expect((await forged.response()).type).toBe(5);
    await fake.waitFor(() => fake.requests('POST /interactions').length > callbacks);
    expect(fake.requests('POST /interactions').length).toBe(callbacks + 1);
    expect(fake.interactionResponses(forged.id).rejected).toEqual([]);
  });

  it('turns a /video into a deferred reply (202 on the HTTP request, the deferral over REST) and delivers the video', async () => {
    const h = await fake.sendCommand({ name: 'video', options: { prompt: 'a fox over HTTP', seconds: 4 } });
    expect((await h.delivered)?.status).toBe(202);
    const cb = await h.response();
    expect(cb.type).toBe(5);
    expect(cb.at - Number(fake.state.interactions.get(h.id)?.createdAt)).toBeLessThan(
      fake.options.ackWindowMs,
    );
    const done = await delivered(() => h.original()?.id);
    expect(done.attachments.map((a) => a.filename)).toEqual([expect.stringMatching(/\.mp4$/)]);
    expect(fake.gatewayCounts.connections).toBe(0);
  });

  it('handles a button click from HTTP: Re-roll starts the same prompt again', async () => {
    const h = await fake.sendCommand({ name: 'video', options: { prompt: 'a heron at dawn', seconds: 4 } });
    const first: StoredMessage = await delivered(() => h.original()?.id);
    const reroll = buttonsOf(first).find((id) => id.startsWith('rb:reroll:'));
    expect(reroll).toBeDefined();
    const click = await fake.clickButton(first.id, reroll ?? '');
    expect((await click.delivered)?.status).toBe(202);
    expect((await click.response()).type).toBe(5);
    const again = await delivered(() => click.original()?.id);
    expect(again.embeds[0]?.description).toContain('a heron at dawn');
    expect(again.id).not.toBe(first.id);
  });

  it('opens the Remix dialog from a click and remixes from its submission, all over HTTP', async () => {
    const h = await fake.sendCommand({
      name: 'video',
      options: { prompt: 'a lighthouse by HTTP', seconds: 4 },
    });
    const source = await delivered(() => h.original()?.id);
    const remixId = buttonsOf(source).find((id) => id.startsWith('rb:remix:')) ?? '';
    const click = await fake.clickButton(source.id, remixId, fake.users.bob);
    const modal = await click.response();
    expect(modal.type).toBe(9);
    expect(await click.delivered, 'the dialog in the HTTP response').toMatchObject({
      status: 200,
      json: { type: 9 },
    });
    const submit = await fake.submitModal({
      customId: String(modal.data?.custom_id),
      fields: { change: 'make it night time' },
      user: fake.users.bob,
    });
    expect((await submit.delivered)?.status).toBe(202);
    const remix = await delivered(() => submit.original()?.id);
    expect(remix.embeds[0]?.description).toBe('make it night time');
  });

  it('answers /remix autocomplete with recent videos in the HTTP response, no request to Discord', async () => {
    const callbacks = fake.requests('POST /interactions').length;
    const choices = await fake.autocomplete({
      name: 'remix',
      options: { prompt: 'x' },
      focused: 'video',
      value: 'lighthouse',
    });
    expect(String(choices[0]?.name)).toContain('lighthouse');
    expect(fake.requests('POST /interactions').length).toBe(callbacks);
  });

  it('refuses privately over HTTP: a /remix of an unknown video gets an ephemeral followup', async () => {
    const h = await fake.sendCommand({ name: 'remix', options: { video: 'video_missing', prompt: 'x' } });
    const followup = await fake.waitFor(() => h.followups()[0], 10_000, 'the private refusal');
    expect(followup.flags & 64).toBe(64);
    expect(h.original()).toBeUndefined();
  });

  it('answers the same interaction delivered twice only once', async () => {
    const h = await fake.sendCommand({ name: 'video', options: { prompt: 'a single owl', seconds: 4 } });
    await h.response();
    // The repeat is acknowledged (202) after the endpoint waited for an answer that never comes.
    expect((await fake.redeliver(h))?.status).toBe(202);
    await delivered(() => h.original()?.id);
    expect(fake.interactionResponses(h.id).rejected).toEqual([]);
    const owls = fake
      .messages(fake.channels.general.id)
      .filter((m) => m.embeds[0]?.description?.toString().includes('a single owl'));
    expect(owls).toHaveLength(1);
  });
});

describe('the fake Developer Portal check of an Interactions Endpoint URL', () => {
  it('refuses to save an endpoint that answers PONG without checking the signature', async () => {
    const fake = await FakeDiscord.start();
    const careless = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":1}');
    });
    await new Promise<void>((resolve) => careless.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(careless.address() as AddressInfo).port}/`;
    try {
      await expect(fake.setInteractionsEndpoint(url)).rejects.toThrow(/accepted a bad signature/);
    } finally {
      careless.close();
      await fake.close();
    }
  });
});
