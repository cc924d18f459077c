/**
 * Slack under stress, end to end: restart mid-job, rate-limited edits, failed uploads, files too
 * big for Slack, a recycled Socket Mode connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/platforms/slack/action-ids.ts';
import type { FakeMessage } from '../fakes/slack/fake-slack.ts';
import {
  ALICE,
  BOB,
  buttons,
  buttonValue,
  CHANNEL,
  fileReplies,
  type HarnessOptions,
  isMp4,
  type SlackHarness,
  shownText,
  startSlackHarness,
  topLevel,
} from './slack-harness.ts';

let h: SlackHarness | undefined;
async function harness(o: HarnessOptions = {}): Promise<SlackHarness> {
  h = await startSlackHarness(o);
  return h;
}
afterEach(async () => {
  if (!h) return;
  expect(h.fake.deliveries.filter((d) => !d.ackedInTime)).toEqual([]);
  await h.close();
  h = undefined;
});

async function video(x: SlackHarness, text: string): Promise<FakeMessage> {
  const before = topLevel(x.fake).length;
  await x.fake.slashCommand({ command: '/video', text, user: ALICE, channel: CHANNEL });
  return x.fake.waitFor(() => topLevel(x.fake)[before], 10_000, 'job message');
}

function done(x: SlackHarness, ts: string): Promise<FakeMessage> {
  return x.fake.waitFor(
    () => {
      const m = x.fake.message(CHANNEL, ts);
      return shownText(m).includes('Video ready') ? m : undefined;
    },
    15_000,
    'job message shows Video ready',
  );
}

describe('Slack resilience', () => {
  it('finishes a job across a restart in its original thread, and old buttons still work', async () => {
    const x = await harness();
    const first = await video(x, 'a paper boat --seconds 4');
    const firstResult = await x.fake.waitFor(() => fileReplies(x.fake, first.ts)[0], 15_000, 'first video');
    const running = await video(x, '[never] a very long sunset --seconds 4');
    const jobId = buttonValue(running, ACTION_IDS.cancel);
    const inProgress = await x.fake.waitFor(
      async () => {
        const j = await x.engine.getJob(jobId);
        return j?.state === 'in_progress' && j.videoId ? j : undefined;
      },
      10_000,
      'job running upstream',
    );

    await x.restart();
    x.sim.completeNow(inProgress.videoId ?? '');
    const [result] = await x.fake.waitFor(
      () => {
        const r = fileReplies(x.fake, running.ts);
        return r.length > 0 ? r : undefined;
      },
      15_000,
      'video delivered after the restart',
    );
    expect(isMp4(result?.files[0]?.data)).toBe(true);
    await done(x, running.ts);
    expect(fileReplies(x.fake, running.ts)).toHaveLength(1);

    // A button posted before the restart still works: its value carries the job id.
    await x.fake.clickButton({
      channel: CHANNEL,
      ts: firstResult.ts,
      actionId: ACTION_IDS.reroll,
      user: BOB,
    });
    await x.fake.waitFor(() => fileReplies(x.fake, first.ts).length >= 2, 15_000, 're-roll after restart');
  });

  it('still delivers when chat.update is rate limited, and the final state is shown', async () => {
    const x = await harness();
    x.fake.rateLimit({ method: 'chat.update', times: 3, retryAfter: 1 });
    const job = await video(x, 'rain on a window --seconds 4');
    await x.fake.waitFor(() => fileReplies(x.fake, job.ts)[0], 20_000, 'video delivered');
    const final = await done(x, job.ts);
    expect(buttons(final)).toEqual([
      ACTION_IDS.remix,
      ACTION_IDS.reroll,
      ACTION_IDS.extend,
      ACTION_IDS.edit,
      ACTION_IDS.details,
      ACTION_IDS.delete,
    ]);
    expect(x.fake.callsTo('chat.update').filter((c) => c.status === 429)).toHaveLength(3);
  });

  it('retries a failed upload without posting the video twice', async () => {
    const x = await harness();
    x.fake.failNext({ method: 'files.completeUploadExternal', error: 'internal_error' });
    const job = await video(x, 'a spinning top --seconds 4');
    await done(x, job.ts);
    expect(fileReplies(x.fake, job.ts)).toHaveLength(1);
    expect(x.fake.callsTo('files.completeUploadExternal').map((c) => c.ok)).toEqual([false, true]);
  });

  it('says plainly when the video is too big for Slack and no download link is set up', async () => {
    const x = await harness({ slack: { maxUploadBytes: 1000 } });
    const job = await video(x, 'a huge waterfall --seconds 4');
    const note = await x.fake.waitFor(
      () => x.fake.thread(CHANNEL, job.ts).find((m) => m.text.includes('more than')),
      15_000,
      'too-large notice in the thread',
    );
    expect(note.text).toContain('Ask the bot operator for video id');
    expect(x.fake.callsTo('files.getUploadURLExternal')).toEqual([]);
  });

  it('links the shared file when the video is too big for Slack', async () => {
    const x = await harness({
      slack: { maxUploadBytes: 1000 },
      fileShare: { publish: async (f) => `https://bot.example/files/${f.fileName}` },
    });
    const job = await video(x, 'a huge waterfall --seconds 4');
    const note = await x.fake.waitFor(
      () => x.fake.thread(CHANNEL, job.ts).find((m) => m.text.includes('more than')),
      15_000,
      'too-large notice in the thread',
    );
    expect(note.text).toContain('<https://bot.example/files/');
    expect(shownText(await done(x, job.ts))).toContain('Download it here');
  });

  it('keeps working after Slack recycles the Socket Mode connection', async () => {
    const x = await harness();
    x.fake.dropSocket();
    await x.fake.waitFor(() => x.fake.socketConnectionsOpened >= 2, 10_000, 'reconnect');
    const job = await video(x, 'a kite in the wind --seconds 4');
    await x.fake.waitFor(() => fileReplies(x.fake, job.ts)[0], 15_000, 'video delivered');
  });

  it('lets a workspace admin cancel anyone’s job', async () => {
    const x = await harness();
    const job = await video(x, '[never] an endless staircase --seconds 4');
    await x.fake.clickButton({ channel: CHANNEL, ts: job.ts, actionId: ACTION_IDS.cancel, user: 'U0ADMIN' });
    await x.fake.waitFor(
      () => shownText(x.fake.message(CHANNEL, job.ts)).includes('Cancelled'),
      10_000,
      'cancelled',
    );
    expect(x.fake.callsTo('users.info').length).toBeGreaterThan(0);
  });
});
