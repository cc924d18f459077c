/**
 * Several real bot processes, started as the image starts them (`dist/main.js` with the image's
 * `node` flags), sharing one Redis (`REDIS_URL`) or, for one instance, on its own SQLite store;
 * the simulator with a pool of API keys and a strict cap per key (a create past it gets 429);
 * the fake Discord with HTTP interactions, its load balancer spreading them over the instances.
 * Everything but the bots lives in the bench process.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import type { SimulatorTiming } from '../../src/simulator/simulator-options.ts';
import { FakeDiscord } from '../../test/fakes/discord/fake-discord.ts';
import type { FakeUser } from '../../test/fakes/discord/fixtures.ts';
import { startTestRedis, type TestRedis } from '../../test/support/redis-server.ts';
import { newBenchDir } from '../lib/engine-rig.ts';
import { procCpuSeconds, procMemory } from '../lib/proc-memory.ts';
import { benchSimInternals } from '../lib/reused-renderer.ts';
import { addMembers, sendSpread } from './fake-traffic.ts';
import { FileLoggedBot } from './file-logged-bot.ts';
import { dockerCommand, ROOT } from './production-command.ts';

export interface ClusterRigOptions {
  /** API keys the upstream accepts (the bots get all of them unless `botKeys` says fewer). */
  keys: number;
  /** Keys handed to the bots. @default keys */
  botKeys?: number;
  capPerKey: number;
  /** Share a Redis (distributed mode); without it the bot runs embedded on SQLite. */
  redis: boolean;
  timing: SimulatorTiming;
  /** People in the guild (commands go to them in turn). */
  people: number;
}

export interface Instance {
  name: string;
  bot: FileLoggedBot;
  pid: number;
  /** Its `POST /discord/interactions` URL. */
  endpoint: string;
  /** Resident set right after it was ready. */
  idleRss: number;
  /** Its high-water mark when it was killed. */
  peakAtKill?: number;
}

/** Limits nobody in the bench reaches. */
const NO_LIMITS = {
  QUOTA_DAILY_VIDEOS: '100000',
  QUOTA_DAILY_SECONDS: '10000000',
  QUOTA_ACTIVE_JOBS: '1000',
  QUOTA_WORKSPACE_DAILY_VIDEOS: '10000000',
};

export class ClusterRig {
  readonly instances: Instance[] = [];
  /** Every instance ever started (killed ones too), for their logs and peaks. */
  readonly everyInstance: Instance[] = [];
  readonly people: FakeUser[];
  readonly #keys: string[];

  private constructor(
    readonly o: ClusterRigOptions,
    readonly fake: FakeDiscord,
    readonly sim: Simulator,
    readonly redis: TestRedis | undefined,
    readonly dir: string,
  ) {
    this.#keys = [sim.options.apiKey, ...sim.options.extraApiKeys];
    const u = fake.users;
    this.people = [u.alice, u.bob, u.carol, ...addMembers(fake, Math.max(0, o.people - 3))];
  }

  static async start(o: ClusterRigOptions): Promise<ClusterRig> {
    const extraApiKeys = Array.from({ length: o.keys - 1 }, (_, i) => `bench-key-${i + 2}`);
    const [fake, sim, redis] = await Promise.all([
      FakeDiscord.start(),
      startSimulator(
        { timing: o.timing, concurrencyPerKey: o.capPerKey, overLimit: 'reject', extraApiKeys },
        benchSimInternals,
      ),
      o.redis ? startTestRedis({ appendfsync: 'everysec' }) : Promise.resolve(undefined),
    ]);
    return new ClusterRig(o, fake, sim, redis, newBenchDir('cluster'));
  }

  /** Start an instance, wait until it serves interactions, and put it behind the load balancer. */
  async addInstance(name: string): Promise<Instance> {
    const env: Record<string, string> = {
      DISCORD_TOKEN: this.fake.botToken,
      DISCORD_GUILD_ID: this.fake.guildId,
      DISCORD_API_URL: this.fake.apiUrl,
      DISCORD_PUBLIC_KEY: this.fake.publicKey,
      VIDEO_API_BASE_URL: this.sim.url,
      VIDEO_API_KEY: this.#keys.slice(0, this.o.botKeys ?? this.o.keys).join(','),
      VIDEO_API_DIALECT: 'openai',
      VIDEO_API_MAX_CONCURRENCY: String(this.o.capPerKey),
      DATA_DIR: join(this.dir, `${name}-data`),
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      // `job state` lines say which instance runs which upstream video.
      LOG_LEVEL: 'info',
      ...NO_LIMITS,
      ...(this.redis
        ? { REDIS_URL: this.redis.url }
        : { STORE_URL: `sqlite://${join(this.dir, 'reelbot.sqlite')}` }),
    };
    const args = dockerCommand().args.map((a) => (a.startsWith('dist/') ? join(ROOT, a) : a));
    // A CPU profile per instance (written when it stops), to see where a figure's time goes.
    const prof = process.env.BENCH_BOT_CPU_PROF;
    if (prof) args.unshift('--cpu-prof', `--cpu-prof-dir=${prof}`);
    const bot = new FileLoggedBot(args, env, this.dir, join(this.dir, `${name}.log`));
    const ops = await bot.waitForLog((l) => l.msg === 'ops server listening', `${name}: ops server`, 60_000);
    await bot.waitForLog((l) => l.msg === 'reelbot is running', `${name}: running`, 60_000);
    const pid = bot.pid;
    const instance: Instance = {
      name,
      bot,
      pid,
      endpoint: `${String(ops.url)}/discord/interactions`,
      idleRss: procMemory(pid).rss,
    };
    if (this.instances.length === 0) await this.fake.setInteractionsEndpoint(instance.endpoint);
    this.instances.push(instance);
    this.everyInstance.push(instance);
    this.fake.balanceInteractions(this.instances.map((i) => i.endpoint));
    return instance;
  }

  /** SIGKILL an instance (as a crash or a lost machine would) and take it out of the balancer. */
  async kill(instance: Instance): Promise<void> {
    instance.peakAtKill = procMemory(instance.pid).peakRss;
    instance.bot.kill();
    await instance.bot.exited;
    this.instances.splice(this.instances.indexOf(instance), 1);
    this.fake.balanceInteractions(this.instances.map((i) => i.endpoint));
  }

  /** An instance's high-water mark so far (or when it was killed). */
  peakRss(instance: Instance): number {
    return instance.peakAtKill ?? procMemory(instance.pid).peakRss;
  }

  /** CPU seconds used so far by the live instances, Redis, and this process (the fakes). */
  cpu(): { bots: number; redis: number; bench: number } {
    const usage = process.cpuUsage();
    return {
      bots: this.instances.reduce((sum, i) => sum + procCpuSeconds(i.pid), 0),
      redis: this.redis?.pid === undefined ? 0 : procCpuSeconds(this.redis.pid),
      bench: (usage.user + usage.system) / 1e6,
    };
  }

  send(count: number, withinMs: number, options: (i: number) => Record<string, string | number>) {
    return sendSpread(this.fake, this.people, count, withinMs, options);
  }

  /** The latest `job state` line, per upstream video, of each live instance: who follows what. */
  followers(): Map<string, Instance> {
    const latest = new Map<string, { at: number; instance: Instance }>();
    for (const instance of this.instances) {
      for (const l of instance.bot.logs()) {
        if (l.msg !== 'job state' || typeof l.video !== 'string') continue;
        const seen = latest.get(l.video);
        const at = Date.parse(String(l.time));
        if (!seen || at >= seen.at) latest.set(l.video, { at, instance });
      }
    }
    return new Map([...latest].map(([video, v]) => [video, v.instance]));
  }

  /** Stop every instance as an orchestrator would (SIGTERM, SIGKILL after 15 s), then the rest. */
  async close(): Promise<void> {
    await Promise.all(
      this.instances.map(async (i) => {
        i.bot.child.kill('SIGTERM');
        const force = setTimeout(() => i.bot.kill(), 15_000);
        await i.bot.exited;
        clearTimeout(force);
      }),
    );
    await this.sim.close();
    await this.fake.close();
    await this.redis?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
