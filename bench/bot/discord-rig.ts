/**
 * The bot in a child process (engine + Discord adapter, as `npm start` runs it) talking to the
 * fake Discord and the simulator, which live in the bench process so their memory and CPU are
 * not the bot's.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import { FakeDiscord } from '../../test/fakes/discord/fake-discord.ts';
import type { FakeUser } from '../../test/fakes/discord/fixtures.ts';
import { newBenchDir } from '../lib/engine-rig.ts';
import { benchSimInternals } from '../lib/reused-renderer.ts';
import { BotChild } from './bot-child.ts';
import { addMembers, sendSpread } from './fake-traffic.ts';

export interface DiscordRigOptions {
  sim: SimulatorOptions;
  engineTiming: EngineOptions['timing'];
  /** Extra bot environment (overrides the defaults below). */
  env?: Record<string, string>;
  /** Per-file upload limit of the guild and its interactions. @default the fake's (10 MiB) */
  uploadLimit?: number;
  reportStates?: boolean;
}

export class DiscordRig {
  private constructor(
    readonly fake: FakeDiscord,
    readonly sim: Simulator,
    readonly bot: BotChild,
    readonly dir: string,
  ) {}

  static async start(o: DiscordRigOptions): Promise<DiscordRig> {
    const fake = await FakeDiscord.start();
    if (o.uploadLimit !== undefined) fake.setUploadLimit(o.uploadLimit);
    const sim = await startSimulator(o.sim, benchSimInternals);
    const dir = newBenchDir('discord');
    try {
      const bot = await BotChild.start({
        reportStates: o.reportStates ?? false,
        env: {
          DISCORD_TOKEN: fake.botToken,
          DISCORD_GUILD_ID: fake.guildId,
          DISCORD_API_URL: fake.apiUrl,
          VIDEO_API_BASE_URL: sim.url,
          VIDEO_API_KEY: sim.options.apiKey,
          VIDEO_API_DIALECT: 'openai',
          STORE_URL: `sqlite://${join(dir, 'reelbot.sqlite')}`,
          DATA_DIR: join(dir, 'data'),
          LOG_LEVEL: 'silent',
          // Nobody in the bench runs into a quota.
          QUOTA_DAILY_VIDEOS: '100000',
          QUOTA_DAILY_SECONDS: '10000000',
          QUOTA_ACTIVE_JOBS: '1000',
          QUOTA_WORKSPACE_DAILY_VIDEOS: '10000000',
          BENCH_ENGINE_TIMING: JSON.stringify(o.engineTiming ?? {}),
          ...o.env,
        },
      });
      await fake.waitForBot();
      return new DiscordRig(fake, sim, bot, dir);
    } catch (err) {
      await sim.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  #extra: FakeUser[] = [];

  /** The fake's users (and any added), for spreading commands over people. */
  get people(): FakeUser[] {
    const u = this.fake.users;
    return [u.alice, u.bob, u.carol, ...this.#extra];
  }

  /** Add `count` ordinary members to the fake guild (more people than the fake's three). */
  addPeople(count: number): void {
    this.#extra.push(...addMembers(this.fake, count));
  }

  /** `count` `/video` commands spread evenly over `withinMs`, through the fake's gateway (see {@link sendSpread}). */
  burst(count: number, withinMs: number, options: (i: number) => Record<string, string | number>) {
    return sendSpread(this.fake, this.people, count, withinMs, options);
  }

  async close(): Promise<void> {
    await this.bot.stop();
    await this.sim.close();
    await this.fake.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
