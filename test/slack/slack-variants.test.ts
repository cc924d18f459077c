/** Variants on Slack end to end: n upstream jobs, each charged, together in one thread, each with its own buttons. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/platforms/slack/action-ids.ts';
import {
  ALICE,
  BOB,
  buttons,
  CHANNEL,
  fileReplies,
  type SlackHarness,
  shownText,
  startSlackHarness,
  topLevel,
  videosUsed,
} from './slack-harness.ts';

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ env: { QUOTA_ACTIVE_JOBS: '10', QUOTA_DAILY_SECONDS: '10000' } });
});
afterAll(async () => {
  await h?.close();
});

describe('Slack variants', () => {
  it('--variants 3 makes three jobs, charged three times, in one thread, each result with Remix and Re-roll', async () => {
    const before = await videosUsed(h, ALICE);
    await h.fake.slashCommand({
      command: '/video',
      text: 'three takes of a waterfall --variants 3 --seconds 4',
      user: ALICE,
      channel: CHANNEL,
    });
    const first = await h.fake.waitFor(() => topLevel(h.fake)[0], 10_000, 'first variant');
    const results = await h.fake.waitFor(
      () => {
        const r = fileReplies(h.fake, first.ts);
        return r.length === 3 ? r : undefined;
      },
      20_000,
      'three results in the thread',
    );
    expect(topLevel(h.fake)).toHaveLength(1);
    const thread = h.fake.thread(CHANNEL, first.ts).map(shownText).join('\n');
    expect(thread).toContain('Variant 2 of 3');
    expect(thread).toContain('Variant 3 of 3');
    for (const r of results) {
      expect(buttons(r)).toEqual(expect.arrayContaining([ACTION_IDS.remix, ACTION_IDS.reroll]));
    }
    expect(await videosUsed(h, ALICE)).toBe(before + 3);
  });

  it('variants past the daily limit are not made or charged, and the requester is told', async () => {
    await h.engine.setUserLimits('slack', h.fake.teamId, BOB, { dailyVideos: 2 });
    const seen = h.fake.ephemerals({ user: BOB }).length;
    await h.fake.slashCommand({
      command: '/video',
      text: 'four foxes --variants 4 --seconds 4',
      user: BOB,
      channel: CHANNEL,
    });
    const notice = await h.fake.waitFor(() => h.fake.ephemerals({ user: BOB })[seen], 10_000, 'the notice');
    expect(notice.text).toContain('Only 2 of the 4 variants were started');
    expect(await videosUsed(h, BOB)).toBe(2);
  });
});
