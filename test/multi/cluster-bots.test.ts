/**
 * The whole product on several instances: three real bots (`src/main.ts`, child processes) with
 * `REDIS_URL`, a real redis-server, the simulator with two API keys and a strict cap of 2 per key
 * (a create past it gets 429), the fake Discord over HTTP interactions (a load balancer spreads
 * commands over the three) and the fake Slack in Socket Mode (it gives each command to one of the
 * three connections).
 *
 * First the fairness order across instances and keys; then, with more jobs running, one instance
 * is SIGKILLed at a seeded moment (`CLUSTER_SEED` repeats a run), a fresh one joins, and Redis
 * itself is killed and restarted (AOF). Each run shows: every accepted job ends delivered, each
 * prompt is created upstream once, no result is posted twice, no create gets a 429 from the cap,
 * and every user's quota is charged exactly once per video.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/engine-api.ts';
import { openRedis } from '../../src/engine/redis-connection.ts';
import { RedisQuotaBook } from '../../src/engine/redis-quota-book.ts';
import { Settings } from '../../src/engine/settings.ts';
import { openStore } from '../../src/engine/store.ts';
import { SeededRandom } from '../../src/simulator/seeded-random.ts';
import { type Simulator, startSimulator } from '../../src/simulator/simulator.ts';
import { type BotProcess, type LogLine, startBotProcess } from '../app/bot-process.ts';
import { rateLimitedCreates, TEST_LIMITS } from '../engine/engine-harness.ts';
import { FakeDiscord, type InteractionHandle } from '../fakes/discord/fake-discord.ts';
import type { FakeUser } from '../fakes/discord/fixtures.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';
import { fileReplies, shownText, topLevel } from '../slack/slack-harness.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

const SEED = Number(process.env.CLUSTER_SEED ?? 20261202);
const CHANNEL = 'C0CLUSTER';
const SLACK_USERS = ['U0SAM', 'U0SKY'];
const LIMITS = { QUOTA_ACTIVE_JOBS: '20', QUOTA_DAILY_VIDEOS: '50', QUOTA_DAILY_SECONDS: '2000' };

/** One accepted request and how to see its outcome. */
interface Sent {
  prompt: string;
  /** The job id, as the job message carries it (for failure reports). */
  jobId(): string | undefined;
  actor: Actor;
  workspaceId: string;
  /** The result message shows the video, once. */
  delivered(): boolean;
  /** Successful uploads of this job's MP4. */
  uploads(): number;
}

describe('three bot instances over Redis: Discord HTTP interactions and Slack Socket Mode', () => {
  const random = new SeededRandom(SEED);
  let dir: string;
  let redis: TestRedis;
  let sim: Simulator;
  let discord: FakeDiscord;
  let slack: FakeSlack;
  const bots: BotProcess[] = [];
  /** Each live instance's interactions endpoint (behind the load balancer). */
  const endpoints = new Map<BotProcess, string>();
  const sent: Sent[] = [];

  const env = (name: string): Record<string, string> => ({
    DISCORD_TOKEN: discord.botToken,
    DISCORD_GUILD_ID: discord.guildId,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_PUBLIC_KEY: discord.publicKey,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_APP_TOKEN: slack.appToken,
    SLACK_API_URL: slack.apiUrl,
    REDIS_URL: redis.url,
    // A dead instance's jobs are taken over after 5 s (production: 20 s). Much shorter, and a
    // claim on a result could run out while Redis restarts under a post still in flight.
    REDIS_LOCK_MS: '5000',
    VIDEO_API_BASE_URL: sim.url,
    VIDEO_API_KEY: [sim.options.apiKey, 'second-key'].join(','),
    VIDEO_API_DIALECT: 'openai',
    VIDEO_API_MAX_CONCURRENCY: '2',
    ...LIMITS,
    DATA_DIR: join(dir, `${name}-data`),
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    PROGRESS_EDIT_INTERVAL_MS: '500',
    LOG_LEVEL: 'info',
  });

  /** A bot process, ready: its interactions endpoint URL. */
  const start = async (name: string): Promise<{ bot: BotProcess; endpoint: string }> => {
    const bot = startBotProcess(env(name), dir);
    bots.push(bot);
    const ops = await bot.waitForLog(
      (l: LogLine) => l.msg === 'ops server listening',
      `${name}: ops server`,
      60_000,
    );
    await bot.waitForLog((l: LogLine) => l.msg === 'reelbot is running', `${name}: running`, 60_000);
    const endpoint = `${String(ops.url)}/discord/interactions`;
    endpoints.set(bot, endpoint);
    return { bot, endpoint };
  };

  const viaDiscord = async (user: FakeUser, prompt: string): Promise<InteractionHandle> => {
    const h = await discord.sendCommand({ name: 'video', user, options: { prompt, seconds: 4 } });
    expect((await h.response()).type, `${prompt}: deferred`).toBe(5);
    // Accepted (the job message shows it) before the next command: the order users asked in.
    await discord.waitFor(() => h.original()?.embeds[0], 30_000, `${prompt}: its job message`);
    const actor: Actor = { platform: 'discord', userId: user.id, displayName: user.username, isAdmin: false };
    const mp4 = (): string | undefined =>
      h.original()?.attachments.find((a) => a.filename.endsWith('.mp4'))?.filename;
    sent.push({
      prompt,
      jobId: () => /job_[0-9a-z]+/.exec(JSON.stringify(h.original() ?? {}))?.[0],
      actor,
      workspaceId: discord.guildId,
      delivered: () => String(h.original()?.embeds[0]?.title ?? '').startsWith('✅') && mp4() !== undefined,
      uploads: () => {
        const name = mp4();
        return name === undefined
          ? 0
          : discord.requests().filter((r) => r.status < 300 && r.files.some((f) => f.name === name)).length;
      },
    });
    return h;
  };

  const viaSlack = async (user: string, prompt: string): Promise<void> => {
    const d = await slack.slashCommand({
      command: '/video',
      text: `${prompt} --seconds 4`,
      user,
      channel: CHANNEL,
    });
    expect(d.ackedInTime, `${prompt}: acked`).toBe(true);
    const job = () => topLevel(slack, CHANNEL).find((m) => shownText(m).includes(prompt));
    await slack.waitFor(job, 30_000, `${prompt}: its job message`);
    const files = () => {
      const m = job();
      return m ? fileReplies(slack, m.ts, CHANNEL) : [];
    };
    sent.push({
      prompt,
      jobId: () => /job_[0-9a-z]+/.exec(JSON.stringify(job() ?? {}))?.[0],
      actor: { platform: 'slack', userId: user, displayName: user, isAdmin: false },
      workspaceId: slack.teamId,
      delivered: () => files().length > 0,
      uploads: () => files().length,
    });
  };

  /** Every job sent so far delivered (the fakes are waited on together). */
  const allDelivered = async (timeoutMs: number) => {
    const left = () => sent.filter((s) => !s.delivered()).map((s) => s.prompt);
    const end = Date.now() + timeoutMs;
    while (left().length > 0) {
      if (Date.now() > end) {
        const upstream = left().map(
          (p) => `${p}: ${sim.jobs().find((j) => j.prompt === p)?.state ?? 'never created'}`,
        );
        const stuck = new Set(sent.filter((s) => !s.delivered()).map((s) => s.jobId()));
        const problems = bots.flatMap((b, i) =>
          b.logs
            .filter((l) => l.level === 'error' || stuck.has(String(l.job)))
            .map((l) => `bot ${i}: ${JSON.stringify(l).slice(0, 400)}`),
        );
        throw new Error(
          `not delivered within ${timeoutMs} ms: ${upstream.join('; ')}\n${[...stuck].join(' ')}\n${problems.slice(-60).join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  /** Order in which the upstream saw each prompt created. */
  const createOrder = () =>
    [...sim.jobs()].sort((a, b) => a.createdAtMs - b.createdAtMs).map((j) => String(j.prompt));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reelbot-cluster-'));
    [redis, sim, discord, slack] = await Promise.all([
      startTestRedis(),
      startSimulator({
        // A 4 s video runs 6 s upstream: long enough to catch jobs running, short enough to finish.
        timing: { queuedMs: 50, msPerVideoSecond: 1500, minRunMs: 500, jitter: 0 },
        concurrencyPerKey: 2,
        overLimit: 'reject',
        extraApiKeys: ['second-key'],
      }),
      FakeDiscord.start(),
      startFakeSlack(),
    ]);
    slack.addChannel({ id: CHANNEL, name: 'cluster' });
    for (const id of SLACK_USERS) slack.addUser({ id, name: id.slice(2).toLowerCase() });
    const started = await Promise.all(['a', 'b', 'c'].map(start));
    await discord.setInteractionsEndpoint(started[0]!.endpoint);
    discord.balanceInteractions(started.map((s) => s.endpoint));
    await slack.waitFor(() => slack.openSocketConnections === 3, 30_000, 'three Socket Mode connections');
  }, 180_000);

  afterAll(async () => {
    for (const b of bots) b.kill();
    await Promise.all(bots.map((b) => b.exited));
    await discord?.close();
    await slack?.close();
    await sim?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves users in turn across instances and keys: a heavy user’s fifth and sixth jobs wait for the others’', async () => {
    const { alice, bob } = discord.users;
    // Four of Alice's jobs fill both keys' slots; her fifth and sixth wait with everyone else's.
    for (let i = 1; i <= 6; i++) await viaDiscord(alice, `alice heavy ${i}`);
    await viaDiscord(bob, 'bob light 1');
    await viaSlack(SLACK_USERS[0]!, 'sam light 1');
    await viaDiscord(bob, 'bob light 2');
    await viaSlack(SLACK_USERS[0]!, 'sam light 2');
    await allDelivered(120_000);
    const order = createOrder();
    expect(order.slice(0, 4).sort()).toEqual([1, 2, 3, 4].map((i) => `alice heavy ${i}`));
    expect(order.slice(4, 8).sort()).toEqual(['bob light 1', 'bob light 2', 'sam light 1', 'sam light 2']);
    expect(order.slice(8)).toEqual(expect.arrayContaining(['alice heavy 5', 'alice heavy 6']));
    expect(rateLimitedCreates(sim)).toBe(0);
  }, 180_000);

  it(`loses and doubles nothing when an instance is SIGKILLed at a seeded moment and Redis restarts (seed ${SEED})`, async () => {
    const users = [discord.users.alice, discord.users.bob, discord.users.carol];
    for (let i = 1; i <= 9; i++) {
      const n = i - 1;
      if (n % 3 === 2) await viaSlack(SLACK_USERS[n % 2]!, `slack wave ${i}`);
      else await viaDiscord(users[n % users.length]!, `discord wave ${i}`);
    }
    // Kill one instance while jobs run upstream, somewhere in the first round.
    const victim = bots[random.int(3)]!;
    await new Promise((r) => setTimeout(r, 500 + random.int(4000)));
    victim.kill();
    await victim.exited;
    // A new instance joins (as an orchestrator would restart the dead one); then Redis dies and
    // comes back with its append-only file while the jobs are still going.
    await start('d');
    endpoints.delete(victim);
    discord.balanceInteractions([...endpoints.values()]);
    await redis.kill();
    await redis.restart();
    await allDelivered(150_000);

    for (const s of sent) expect(s.uploads(), `${s.prompt}: uploads of its video`).toBe(1);
    const created = new Map<string, number>();
    for (const p of createOrder()) created.set(p, (created.get(p) ?? 0) + 1);
    expect(
      [...created.values()].every((n) => n === 1),
      'each prompt created upstream once',
    ).toBe(true);
    expect([...created.keys()].sort()).toEqual(sent.map((s) => s.prompt).sort());
    expect(rateLimitedCreates(sim)).toBe(0);

    // Quotas: one video and its seconds per delivered job, nothing left in progress.
    const conn = openRedis(redis.url);
    const store = await openStore(redis.url);
    try {
      const book = new RedisQuotaBook(conn, new Settings(store), TEST_LIMITS, async () => []);
      const perUser = new Map<string, Sent[]>();
      for (const s of sent) {
        const k = `${s.actor.platform}:${s.actor.userId}`;
        perUser.set(k, [...(perUser.get(k) ?? []), s]);
      }
      for (const jobs of perUser.values()) {
        const u = await book.usage(jobs[0]!.actor, jobs[0]!.workspaceId, Date.now());
        expect(u.videos.used, `${jobs[0]!.actor.userId}: videos charged`).toBe(jobs.length);
        expect(u.seconds.used).toBe(jobs.length * 4);
        expect(u.active.used).toBe(0);
      }
    } finally {
      await store.close();
      conn.disconnect();
    }
  }, 300_000);
});
