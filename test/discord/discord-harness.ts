/**
 * End-to-end wiring for Discord tests: the fake Discord, the simulator, the real engine over a
 * temp SQLite file with the real VideoClient, and the adapter with the real discord.js client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/config/config.ts';
import { createEngineFromConfig } from '../../src/engine/create-engine.ts';
import type { Engine } from '../../src/engine/engine.ts';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import { createLogger, silentLogger } from '../../src/log/logger.ts';
import { type DiscordBot, startDiscord } from '../../src/platforms/discord/start-discord.ts';
import type { GalleryLinks } from '../../src/platforms/gallery-links.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import {
  FakeDiscord,
  type FakeDiscordOptions,
  type InteractionHandle,
} from '../fakes/discord/fake-discord.ts';
import type { StoredMessage } from '../fakes/discord/fake-state.ts';
import type { CommandSpec } from '../fakes/discord/interaction-builder.ts';
import { FAST_POLL_TIMING } from '../support/fast-poll-timing.ts';

/** `DEBUG_E2E=1` prints the bot's and engine's logs. */
const logger = process.env.DEBUG_E2E ? createLogger({ level: 'debug' }) : silentLogger;

/** Engine timings small enough for tests (progress edits stay at the config minimum, 250 ms). */
const TIMING: NonNullable<EngineOptions['timing']> = {
  poll: FAST_POLL_TIMING,
  rateLimitBackoffMs: 50,
  unknownSubmitGraceMs: 300,
  unknownSubmitCheckMs: 50,
  deliveryRetryBaseMs: 20,
  deliveryRetryMaxMs: 200,
  surfaceRetryBaseMs: 10,
  surfaceRetryMaxMs: 100,
  fallbackMsPerVideoSecond: 50,
};

export interface HarnessOptions {
  env?: Record<string, string>;
  fake?: FakeDiscordOptions;
  sim?: SimulatorOptions;
  engine?: Partial<EngineOptions>;
  /** Signed links for `/gallery` (made for this harness's engine once it exists). */
  gallery?: (engine: Engine) => GalleryLinks;
}

export class DiscordHarness {
  engine!: Engine;
  bot!: DiscordBot;
  config!: Config;

  private constructor(
    readonly fake: FakeDiscord,
    readonly sim: Simulator,
    readonly dir: string,
    private readonly o: HarnessOptions,
  ) {}

  /** Videos charged today to Discord user `userId` in the fake's server. */
  async videosUsed(userId: string): Promise<number> {
    const actor = { platform: 'discord' as const, userId, displayName: userId, isAdmin: false };
    return (await this.engine.usage(actor, this.fake.guildId)).videos.used;
  }

  static async start(o: HarnessOptions = {}): Promise<DiscordHarness> {
    const fake = await FakeDiscord.start(o.fake);
    const sim = await startSimulator({
      timing: { queuedMs: 20, msPerVideoSecond: 15, minRunMs: 60, jitter: 0 },
      ...o.sim,
    });
    const h = new DiscordHarness(fake, sim, mkdtempSync(join(tmpdir(), 'reelbot-discord-')), o);
    h.config = loadConfig({
      DISCORD_TOKEN: fake.botToken,
      DISCORD_GUILD_ID: fake.guildId,
      DISCORD_API_URL: fake.apiUrl,
      VIDEO_API_BASE_URL: sim.url,
      VIDEO_API_KEY: sim.options.apiKey,
      VIDEO_API_DIALECT: 'openai',
      VIDEO_API_TIMEOUT_MS: '5000',
      STORE_URL: `sqlite://${join(h.dir, 'reelbot.sqlite')}`,
      DATA_DIR: join(h.dir, 'data'),
      PROGRESS_EDIT_INTERVAL_MS: '250',
      LOG_LEVEL: 'silent',
      ...o.env,
    });
    await h.boot();
    return h;
  }

  /** Start an engine on the (same) store and a fresh adapter. */
  private async boot(): Promise<void> {
    this.engine = await createEngineFromConfig(this.config, {
      logger,
      overrides: { timing: { ...TIMING, progressIntervalMs: 250 }, ...this.o.engine },
    });
    await this.engine.start();
    const gallery = this.o.gallery?.(this.engine);
    this.bot = await startDiscord({
      config: this.config,
      engine: this.engine,
      logger,
      ...(gallery ? { gallery } : {}),
    });
    await this.fake.waitForBot();
  }

  /** Stop the adapter and the engine, then start new ones on the same SQLite file. */
  async restart(): Promise<void> {
    await this.bot.stop();
    await this.engine.stop();
    await this.boot();
  }

  /** Run `/video` and wait for the job message to appear in the deferred reply. */
  async video(spec: Omit<CommandSpec, 'name'>): Promise<InteractionHandle> {
    const h = await this.fake.sendCommand({ name: 'video', ...spec });
    await h.response();
    return h;
  }

  /** Wait until the message shows a finished video (title starts with ✅). */
  delivered(messageId: () => string | undefined, timeoutMs = 15_000): Promise<StoredMessage> {
    return this.fake.waitFor(
      () => {
        const id = messageId();
        const m = id ? this.fake.message(id) : undefined;
        return m && String(m.embeds[0]?.title ?? '').startsWith('✅') ? m : undefined;
      },
      timeoutMs,
      'a delivered video',
    );
  }

  async close(): Promise<void> {
    await this.bot?.stop().catch(() => undefined);
    await this.engine?.stop().catch(() => undefined);
    await this.sim.close();
    await this.fake.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Custom ids of every button on a message. */
export function buttonsOf(m: StoredMessage): string[] {
  return m.components.flatMap((row) =>
    Array.isArray(row.components)
      ? (row.components as { custom_id?: string }[]).map((c) => c.custom_id ?? '')
      : [],
  );
}
