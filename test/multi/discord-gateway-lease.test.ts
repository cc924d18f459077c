/**
 * Several bot instances on the Discord gateway (`REDIS_URL`, no `DISCORD_PUBLIC_KEY`): two real
 * bots (`src/main.ts` in child processes) against the fake Discord and a real redis-server.
 * One holds the gateway at a time; when it is killed (no release) the other connects within
 * 15 s; an interaction delivered again, to either, is handled once; a clean stop releases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_GATEWAY_LEASE_KEY } from '../../src/app/chat-sharing.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { FAST_SIM } from '../app/app-harness.ts';
import { type BotProcess, exitWithin, type LogLine, startBotProcess } from '../app/bot-process.ts';
import { FakeDiscord, type InteractionHandle } from '../fakes/discord/fake-discord.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

const holds = (l: LogLine) => l.msg.startsWith('discord gateway connected');
const ready = (l: LogLine) => l.msg === 'discord adapter ready';
const dropped = (id: string) => (l: LogLine) =>
  l.msg === 'duplicate interaction dropped' && l.interaction === id;

describe('Discord gateway shared by two instances through a Redis lease', () => {
  let dir: string;
  let redis: TestRedis;
  let sim: Simulator;
  let fake: FakeDiscord;
  let peek: Redis;
  const bots: BotProcess[] = [];

  const start = (name: string) => {
    const env = {
      DISCORD_TOKEN: fake.botToken,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.apiUrl,
      REDIS_URL: redis.url,
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      VIDEO_API_DIALECT: 'openai',
      // Each instance its own SQLite file here: sharing jobs between instances is the engine's part.
      STORE_URL: `sqlite://${join(dir, `${name}.sqlite`)}`,
      DATA_DIR: join(dir, `${name}-data`),
      PROGRESS_EDIT_INTERVAL_MS: '250',
      LOG_LEVEL: 'info',
    };
    const bot = startBotProcess(env, dir);
    bots.push(bot);
    return bot;
  };
  const video = async (prompt: string): Promise<InteractionHandle> => {
    const h = await fake.sendCommand({ name: 'video', options: { prompt, seconds: 4 } });
    expect((await h.response()).type).toBe(5);
    return h;
  };
  const jobMessages = (prompt: string) =>
    fake
      .messages(fake.channels.general.id)
      .filter((m) => String(m.embeds[0]?.description ?? '').includes(prompt));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-lease-'));
    [redis, sim, fake] = await Promise.all([
      startTestRedis(),
      startSimulator({ timing: FAST_SIM }),
      FakeDiscord.start(),
    ]);
    peek = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    for (const b of bots) b.kill();
    await Promise.all(bots.map((b) => b.exited));
    peek?.disconnect();
    await fake?.close();
    await sim?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let a: BotProcess;
  let b: BotProcess;
  let handledByA: InteractionHandle;

  it('connects exactly one instance to the gateway; the other serves REST only', async () => {
    a = start('a');
    await a.waitForLog(holds, 'instance A holding the gateway', 30_000);
    b = start('b');
    await b.waitForLog(ready, 'instance B ready', 30_000);
    await fake.waitForBot();
    expect(b.logs.some(holds)).toBe(false);
    expect(fake.gatewayCounts).toMatchObject({ identify: 1, open: 1, maxOpen: 1 });
    expect(await peek.exists(DISCORD_GATEWAY_LEASE_KEY)).toBe(1);
  }, 60_000);

  it('handles a command delivered twice with the same interaction id once', async () => {
    handledByA = await video('a lighthouse, once');
    expect(await fake.redeliver(handledByA)).toBeUndefined();
    await a.waitForLog(dropped(handledByA.id), 'the repeat dropped');
    await fake.waitFor(
      () => handledByA.original()?.embeds[0]?.title?.toString().startsWith('✅'),
      20_000,
      'video',
    );
    expect(fake.interactionResponses(handledByA.id).rejected).toEqual([]);
    expect(jobMessages('a lighthouse, once')).toHaveLength(1);
  }, 30_000);

  it('hands the gateway to the other instance within 15 s when the holder is killed', async () => {
    a.kill();
    await a.exited;
    await b.waitForLog(holds, 'instance B taking over the gateway', 15_000);
    await fake.waitFor(() => fake.gatewayCounts.open === 1, 5000, 'B connected');
    expect(fake.gatewayCounts).toMatchObject({ identify: 2, maxOpen: 1 });
  }, 30_000);

  it('does not handle again, on the new holder, an interaction the dead one handled', async () => {
    await fake.redeliver(handledByA);
    await b.waitForLog(dropped(handledByA.id), 'B dropping the repeat');
    expect(fake.interactionResponses(handledByA.id).rejected).toEqual([]);
    const h = await video('a harbour after the handover');
    await fake.waitFor(
      () => h.original()?.embeds[0]?.title?.toString().startsWith('✅'),
      20_000,
      'video from B',
    );
    expect(jobMessages('a lighthouse, once')).toHaveLength(1);
  }, 30_000);

  it('releases the lease on a clean stop', async () => {
    b.child.kill('SIGTERM');
    expect(await exitWithin(b, 15_000)).toBe(0);
    expect(await peek.exists(DISCORD_GATEWAY_LEASE_KEY)).toBe(0);
  }, 30_000);
});
