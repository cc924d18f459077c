/**
 * Discord faults end to end (fake Discord, real discord.js, real engine): 429 and 5xx on edits
 * and uploads, a gateway disconnect mid-job, a late acknowledgement (10062) and an expired
 * interaction token (50027).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buttonsOf, DiscordHarness, type HarnessOptions } from '../discord/discord-harness.ts';
import { ChaosProxy } from './chaos-proxy.ts';

let h: DiscordHarness | undefined;
let proxy: ChaosProxy | undefined;
afterEach(async () => {
  await h?.close();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

async function harness(o: HarnessOptions = {}): Promise<DiscordHarness> {
  h = await DiscordHarness.start(o);
  return h;
}

/** Route the bot's REST calls through a chaos proxy (restarts the bot on the same store). */
async function throughProxy(t: DiscordHarness): Promise<ChaosProxy> {
  proxy = await ChaosProxy.start(t.fake.origin);
  t.config = { ...t.config, DISCORD_API_URL: `${proxy.origin}/api` };
  await t.restart();
  return proxy;
}

const alice = (t: DiscordHarness) => ({
  platform: 'discord' as const,
  userId: t.fake.users.alice.id,
  displayName: 'Alice',
  isAdmin: false,
});
const titleOf = (m: { embeds: Record<string, unknown>[] } | undefined) => String(m?.embeds[0]?.title ?? '');

describe('Discord faults', () => {
  it('500/502/503 and 429 on job message edits and on the MP4 upload: the video still lands once, charged once', async () => {
    const t = await harness();
    const p = await throughProxy(t);
    for (const status of [500, 502, 503]) p.inject({ route: 'PATCH /api/v10/', status, times: 2 });
    p.inject({ route: 'POST /api/v10/channels', status: 502, times: 1 });
    t.fake.rateLimit({ route: 'PATCH /channels', times: 3, retryAfter: 0.2 });
    t.fake.rateLimit({ route: 'PATCH /webhooks', times: 2, retryAfter: 0.2 });
    const i = await t.video({ options: { prompt: 'waves under a pier' } });
    // The deferred reply could not be edited, so the job message may have been posted in the
    // channel instead: look for the delivered video wherever it is.
    const msg = await t.fake.waitFor(
      () => t.fake.messages(i.channelId).find((m) => titleOf(m).startsWith('✅')),
      30_000,
      'a delivered video',
    );
    expect(msg.attachments.filter((a) => a.filename.endsWith('.mp4'))).toHaveLength(1);
    expect(p.injected).toBeGreaterThan(0);
    expect(t.fake.rateLimitsServed).toBeGreaterThan(0);
    const channel = t.fake.messages(i.channelId);
    expect(channel.filter((m) => m.attachments.some((a) => a.filename.endsWith('.mp4')))).toHaveLength(1);
    expect((await t.engine.usage(alice(t), t.fake.guildId)).videos.used).toBe(1);
    expect(t.sim.jobs()).toHaveLength(1);
  }, 40_000);

  it('a gateway disconnect mid-job is resumed: the job is delivered and the next command is served', async () => {
    const t = await harness();
    const i = await t.video({ options: { prompt: 'a slow sunrise [slow]' } });
    await t.fake.waitFor(() => (titleOf(i.original()).includes('Generating') ? true : undefined), 15_000);
    const before = t.fake.gatewayCounts;
    t.fake.disconnectGateway();
    await t.fake.waitFor(
      () => t.fake.gatewayCounts.resume + t.fake.gatewayCounts.identify > before.resume + before.identify,
      15_000,
      'the bot to reconnect',
    );
    await t.fake.waitForBot();
    await t.delivered(() => i.original()?.id, 30_000);
    const next = await t.video({ options: { prompt: 'after the reconnect' } });
    await t.delivered(() => next.original()?.id, 20_000);
    expect(t.sim.jobs()).toHaveLength(2);
  }, 60_000);

  it('an acknowledgement that arrives after the window (10062) starts no job and charges nothing', async () => {
    // A negative window: every acknowledgement is late, however fast the bot is.
    const t = await harness({ fake: { ackWindowMs: -1 } });
    const i = await t.fake.sendCommand({ name: 'video', options: { prompt: 'too late' } });
    await t.fake.waitFor(
      () => t.fake.interactionResponses(i.id).rejected.length > 0,
      10_000,
      'a rejected ack',
    );
    await t.engine.idle();
    expect(t.sim.stats.count('create')).toBe(0);
    expect((await t.engine.usage(alice(t), t.fake.guildId)).videos.used).toBe(0);
  });

  it('after the interaction token expired (50027) the result is still delivered through the bot token, buttons included', async () => {
    const t = await harness({ fake: { tokenLifetimeMs: 600 } });
    const i = await t.video({ options: { prompt: 'fog lifting [never]' } });
    const msg = await t.fake.waitFor(
      () => (titleOf(i.original()).includes('Generating') ? i.original() : undefined),
      15_000,
    );
    await t.fake
      .waitFor(() => Date.now() - i.original()!.edits * 0 > 0 && undefined, 700)
      .catch(() => undefined);
    t.sim.completeNow(t.sim.jobs()[0]!.id);
    const done = await t.delivered(() => msg.id, 20_000);
    expect(done.attachments.some((a) => a.filename.endsWith('.mp4'))).toBe(true);
    expect(buttonsOf(done).some((b) => b.startsWith('rb:remix:'))).toBe(true);
  });
});
