/**
 * Slack faults end to end (fake Slack, real Bolt, real engine): 429 and server errors on message
 * updates and on the upload, a Socket Mode connection cut mid-job, expired trigger ids.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../fakes/slack/fake-slack.ts';
import {
  ALICE,
  CHANNEL,
  fileReplies,
  type HarnessOptions,
  type SlackHarness,
  shownText,
  startSlackHarness,
  topLevel,
} from '../slack/slack-harness.ts';

let h: SlackHarness | undefined;
async function harness(o: HarnessOptions = {}): Promise<SlackHarness> {
  h = await startSlackHarness(o);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const alice = { platform: 'slack' as const, userId: ALICE, displayName: 'alice', isAdmin: false };

async function video(x: SlackHarness, text: string): Promise<FakeMessage> {
  const before = topLevel(x.fake).length;
  await x.fake.slashCommand({ command: '/video', text, user: ALICE, channel: CHANNEL });
  return x.fake.waitFor(() => topLevel(x.fake)[before], 10_000, 'job message');
}

function done(x: SlackHarness, ts: string, timeoutMs = 20_000): Promise<FakeMessage> {
  return x.fake.waitFor(
    () => {
      const m = x.fake.message(CHANNEL, ts);
      return shownText(m).includes('Video ready') ? m : undefined;
    },
    timeoutMs,
    'job message shows Video ready',
  );
}

describe('Slack faults', () => {
  it('429s and internal errors on chat.update and on every upload step: the MP4 is posted once, charged once, and the message ends Done', async () => {
    const x = await harness();
    x.fake.rateLimit({ method: 'chat.update', times: 3, retryAfter: 0 });
    x.fake.rateLimit({ method: 'files.getUploadURLExternal', times: 2, retryAfter: 0 });
    x.fake.failNext({ method: 'files.completeUploadExternal', error: 'internal_error', times: 1 });
    const msg = await video(x, 'gulls over a harbour [never]');
    const running = await x.fake.waitFor(
      async () =>
        (await x.engine.usage(alice, x.fake.teamId)).active.jobs.find((j) => j.state === 'in_progress'),
      10_000,
      'the job to run',
    );
    await x.engine.idle();
    // The next edits (the final one after the upload among them) fail: found a job message stuck
    // at "running" with a Cancel button after a delivered video.
    x.fake.failNext({ method: 'chat.update', error: 'fatal_error', times: 3 });
    x.sim.completeNow(running.videoId!);
    await done(x, msg.ts);
    expect(fileReplies(x.fake, msg.ts)).toHaveLength(1);
    expect((await x.engine.usage(alice, x.fake.teamId)).videos.used).toBe(1);
    expect(x.sim.jobs()).toHaveLength(1);
  }, 40_000);

  it('a Socket Mode connection cut without warning mid-job: the bot reconnects, delivers, and serves the next command', async () => {
    const x = await harness();
    const msg = await video(x, 'a heron waiting [slow]');
    const opened = x.fake.socketConnectionsOpened;
    x.fake.killSocket();
    await x.fake.waitFor(() => x.fake.socketConnectionsOpened > opened, 20_000, 'a new socket');
    await done(x, msg.ts);
    const next = await video(x, 'after the reconnect');
    await done(x, next.ts);
    expect(fileReplies(x.fake, msg.ts)).toHaveLength(1);
    expect(x.sim.jobs()).toHaveLength(2);
  }, 60_000);

  it('an expired trigger id: the form cannot open, the user is told privately to run it again, nothing is charged', async () => {
    const x = await harness({ fake: { triggerTtlMs: -1 } });
    await x.fake.slashCommand({ command: '/video', text: '', user: ALICE, channel: CHANNEL });
    const told = await x.fake.waitFor(
      () => x.fake.ephemerals({ user: ALICE }).find((e) => /Run `\/video` again/.test(e.text)),
      10_000,
      'a private note',
    );
    expect(told).toBeDefined();
    expect(x.fake.views()).toHaveLength(0);
    expect((await x.engine.usage(alice, x.fake.teamId)).videos.used).toBe(0);
    expect(x.sim.stats.count('create')).toBe(0);
  });
});
