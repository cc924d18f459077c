/**
 * Slack with several app instances: two Bolt apps (each its own engine and store) on one fake
 * Slack, sharing a duplicate check in a real redis-server. In Socket Mode Slack gives each
 * delivery to one connection; in HTTP mode a load balancer takes turns. A retried delivery
 * (same envelope id on another connection, or the same body with `X-Slack-Retry-Num` to the
 * other instance) is handled once; without Redis, one instance handles its own retries once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/engine-api.ts';
import { RedisOnceGuard } from '../../src/engine/once-guard.ts';
import { silentLogger } from '../../src/log/logger.ts';
import type { Delivery } from '../fakes/slack/app-delivery.ts';
import {
  ALICE,
  CHANNEL,
  fileReplies,
  type SlackHarness,
  shownText,
  startSlackHarness,
  topLevel,
} from '../slack/slack-harness.ts';
import { startTestRedis, type TestRedis } from '../support/redis-server.ts';

const alice: Actor = { platform: 'slack', userId: ALICE, displayName: 'alice', isAdmin: false };

/** Job messages showing `prompt`. */
const jobsFor = (h: SlackHarness, prompt: string) =>
  topLevel(h.fake).filter((m) => shownText(m).includes(prompt));

/** Videos charged to Alice on both instances together: one per job started. */
async function videosCharged(a: SlackHarness, b: SlackHarness): Promise<number> {
  const [ua, ub] = await Promise.all([a.engine.usage(alice, 'T0FAKE'), b.engine.usage(alice, 'T0FAKE')]);
  return ua.videos.used + ub.videos.used;
}

async function video(h: SlackHarness, prompt: string): Promise<Delivery> {
  const d = await h.fake.slashCommand({
    command: '/video',
    text: `${prompt} --seconds 4`,
    user: ALICE,
    channel: CHANNEL,
  });
  expect(d.ackedInTime).toBe(true);
  return d;
}

async function deliveredOnce(h: SlackHarness, prompt: string): Promise<void> {
  const job = await h.fake.waitFor(() => jobsFor(h, prompt)[0], 10_000, `job message for ${prompt}`);
  await h.fake.waitFor(() => fileReplies(h.fake, job.ts)[0], 20_000, `video for ${prompt}`);
  expect(jobsFor(h, prompt)).toHaveLength(1);
}

describe.each([
  ['Socket Mode', false],
  ['HTTP mode behind a load balancer', true],
] as const)('two Slack instances in %s, duplicate check in Redis', (_name, http) => {
  let redis: TestRedis;
  let conn: Redis;
  let a: SlackHarness;
  let b: SlackHarness;

  beforeAll(async () => {
    redis = await startTestRedis();
    conn = new Redis(redis.url, { maxRetriesPerRequest: null });
    const once = new RedisOnceGuard(conn, silentLogger);
    a = await startSlackHarness({ http, once });
    b = await startSlackHarness({ http, once, beside: a });
    if (http) a.fake.useHttp([a, b].map((h) => `http://127.0.0.1:${h.bot.port}/slack/events`));
    else await a.fake.waitFor(() => a.fake.openSocketConnections === 2, 10_000, 'both sockets open');
  }, 30_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    conn?.disconnect();
    await redis?.stop();
  });

  it('gives each command to one instance, both instances take some, and each is handled once', async () => {
    const prompts = ['a red kite', 'a blue whale', 'a green frog', 'a grey owl'];
    const sent = [];
    for (const p of prompts) sent.push(await video(a, p));
    const where = new Set(sent.map((d) => (http ? d.target : d.connection)));
    expect(where.size).toBe(2);
    for (const p of prompts) await deliveredOnce(a, p);
    expect(await videosCharged(a, b)).toBe(prompts.length);
  }, 60_000);

  it('handles a retried command once, though the retry reaches the other instance', async () => {
    const before = await videosCharged(a, b);
    const first = await video(a, 'a retried heron');
    const retry = await a.fake.retry(first);
    expect(retry.retryNum).toBe(1);
    expect(retry.ackedInTime).toBe(true);
    if (http) {
      expect(retry.target).not.toBe(first.target);
      expect(retry.httpStatus).toBe(200);
    } else {
      expect(retry.id).toBe(first.id);
      expect(retry.connection).not.toBe(first.connection);
    }
    await deliveredOnce(a, 'a retried heron');
    expect(await videosCharged(a, b)).toBe(before + 1);
  }, 60_000);
});

describe('one Slack instance in HTTP mode without Redis', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ http: true });
  });
  afterAll(() => h.close());

  it('handles a command retried with X-Slack-Retry-Num once (the check is in memory)', async () => {
    const first = await video(h, 'a lone retried crane');
    const retry = await h.fake.retry(first);
    expect(retry.httpStatus).toBe(200);
    await deliveredOnce(h, 'a lone retried crane');
    expect((await h.engine.usage(alice, 'T0FAKE')).videos.used).toBe(1);
  }, 30_000);
});
