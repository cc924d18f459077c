/**
 * The bot in a child process (engine + Discord adapter, as `npm start` runs it) talking to the
 * fake Discord and the simulator, which live in the bench process so their memory and CPU are
 * not the bot's.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/simulator/simulator.ts';
import { FakeDiscord, type InteractionHandle } from '../../test/fakes/discord/fake-discord.ts';
import type { FakeUser } from '../../test/fakes/discord/fixtures.ts';
import { newBenchDir } from '../lib/engine-rig.ts';
import { benchSimInternals } from '../lib/reused-renderer.ts';
import { delay } from '../lib/wait-until.ts';
import { BotChild } from './bot-child.ts';

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
    const like = this.fake.fixtures.guild.members.find((m) => m.user.id === this.fake.users.alice.id)!;
    for (let i = 0; i < count; i++) {
      const id = String(310_000_000_000_000_000n + BigInt(this.#extra.length + 1));
      const user: FakeUser = {
        id,
        username: `member${i}`,
        global_name: `member ${i}`,
        discriminator: '0',
        avatar: null,
      };
      this.fake.fixtures.guild.members.push({ ...like, user });
      this.#extra.push(user);
    }
  }

  /**
   * `count` `/video` commands spread evenly over `withinMs`, sent through the fake's gateway.
   * Resolves with the handles once all were sent (not answered).
   */
  async burst(count: number, withinMs: number, options: (i: number) => Record<string, string | number>) {
    const handles: InteractionHandle[] = [];
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + (i * withinMs) / count;
      const wait = due - performance.now();
      if (wait > 1) await delay(wait);
      const user = this.people[i % this.people.length]!;
      handles.push(await this.fake.sendCommand({ name: 'video', options: options(i), user }));
    }
    return { handles, sentInMs: performance.now() - start };
  }

  async close(): Promise<void> {
    await this.bot.stop();
    await this.sim.close();
    await this.fake.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
