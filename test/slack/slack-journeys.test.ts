/**
 * The user journeys on Slack, end to end: real Bolt app (Socket Mode) + real engine + real
 * VideoClient + simulator + the fake Slack.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import {
  ALICE,
  buttons,
  CHANNEL,
  fileReplies,
  isMp4,
  type SlackHarness,
  shownText,
  startSlackHarness,
  topLevel,
} from './slack-harness.ts';

describe('Slack journeys', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness();
  });
  afterEach(async () => {
    // Every command, click and form in every journey was acknowledged inside Slack's 3 s.
    expect(h.fake.deliveries.filter((d) => !d.ackedInTime)).toEqual([]);
    await h.close();
  });

  it('/video with text posts a live job message, then the MP4 in its thread with buttons', async () => {
    const d = await h.fake.slashCommand({
      command: '/video',
      text: 'a fox in snow --size 720x1280 --seconds 8',
      user: ALICE,
      channel: CHANNEL,
    });
    expect(d.ackedInTime).toBe(true);
    const job = await h.fake.waitFor(() => topLevel(h.fake)[0], 10_000, 'job message');
    expect(shownText(job)).toContain('a fox in snow');
    expect(shownText(job)).toContain('720x1280');
    expect(shownText(job)).toContain('simulated');
    const [reply] = await h.fake.waitFor(
      () => {
        const r = fileReplies(h.fake, job.ts);
        return r.length > 0 ? r : undefined;
      },
      15_000,
      'uploaded video',
    );
    expect(isMp4(reply?.files[0]?.data)).toBe(true);
    expect(buttons(reply)).toEqual([ACTION_IDS.remix, ACTION_IDS.reroll]);
    const done = await h.fake.waitFor(
      () =>
        shownText(h.fake.message(CHANNEL, job.ts)).includes('Done')
          ? h.fake.message(CHANNEL, job.ts)
          : undefined,
      5000,
      'job message done',
    );
    expect(buttons(done)).toEqual([ACTION_IDS.remix, ACTION_IDS.reroll]);
    // It showed progress on the way (edits of the same message, not new messages).
    expect(job.history.length).toBeGreaterThan(0);
    expect(topLevel(h.fake)).toHaveLength(1);
  });
});
