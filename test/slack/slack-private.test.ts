/** Private mode on Slack end to end: the job message is ephemeral, the MP4 goes to a DM, Remix/Re-roll/Delete work from there. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS, VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import {
  ADMIN,
  ALICE,
  BOB,
  CHANNEL,
  isMp4,
  type SlackHarness,
  shownText,
  startSlackHarness,
  videosUsed,
} from './slack-harness.ts';

const DM = 'D0ALICE';
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ env: { QUOTA_ACTIVE_JOBS: '10', QUOTA_DAILY_SECONDS: '10000' } });
});
afterAll(async () => {
  await h?.close();
});

const dmResults = () => h.fake.messages(DM).filter((m) => m.files.length > 0);

describe('Slack private mode', () => {
  it('--private: only the requester sees the job, the MP4 arrives in their DM, charged once', async () => {
    const before = await videosUsed(h, ALICE);
    await h.fake.slashCommand({
      command: '/video',
      text: 'a secret garden --private --seconds 4',
      user: ALICE,
      channel: CHANNEL,
    });
    const result = await h.fake.waitFor(() => dmResults()[0], 15_000, 'the video in the DM');
    expect(isMp4(result.files[0]?.data)).toBe(true);
    expect(shownText(result)).toContain('a secret garden');
    expect(h.fake.messages(CHANNEL)).toHaveLength(0);
    const mine = h.fake
      .ephemerals({ user: ALICE, channel: CHANNEL })
      .map((e) => e.text + JSON.stringify(e.blocks));
    expect(mine.some((t) => t.includes('a secret garden'))).toBe(true);
    await h.fake.waitFor(
      () =>
        h.fake.ephemerals({ user: ALICE }).some((e) => JSON.stringify(e.blocks).includes('direct message')),
      10_000,
      'the private notice that it was sent',
    );
    expect(h.fake.ephemerals({ user: BOB })).toHaveLength(0);
    expect(await videosUsed(h, ALICE)).toBe(before + 1);
  });

  it('Re-roll, Remix and Delete work from the DM and stay private', async () => {
    const first = dmResults()[0]!;
    await h.fake.clickButton({ channel: DM, ts: first.ts, actionId: ACTION_IDS.reroll, user: ALICE });
    await h.fake.waitFor(() => dmResults().length >= 2, 15_000, 'the re-roll in the DM');
    await h.fake.clickButton({ channel: DM, ts: first.ts, actionId: ACTION_IDS.remix, user: ALICE });
    await h.fake.waitFor(
      () => h.fake.views(VIEW_IDS.remix).find((v) => !v.closed && v.updates > 0),
      5000,
      'remix dialog',
    );
    await h.fake.submitView({ callbackId: VIEW_IDS.remix, user: ALICE, values: { change: 'make it night' } });
    await h.fake.waitFor(
      () => dmResults().find((m) => shownText(m).includes('make it night')),
      15_000,
      'the remix in the DM',
    );
    expect(h.fake.messages(CHANNEL)).toHaveLength(0);
    await h.fake.clickButton({ channel: DM, ts: first.ts, actionId: ACTION_IDS.delete, user: ALICE });
    await h.fake.waitFor(() => !h.fake.message(DM, first.ts), 10_000, 'the DM result deleted');
  });

  it('a channel default makes every /video there private', async () => {
    const seen = h.fake.ephemerals({ user: ADMIN }).length;
    await h.fake.slashCommand({
      command: '/settings',
      text: 'channel private=on',
      user: ADMIN,
      channel: CHANNEL,
    });
    await h.fake.waitFor(() => h.fake.ephemerals({ user: ADMIN })[seen], 10_000, 'saved');
    await h.fake.slashCommand({
      command: '/video',
      text: 'quietly now --seconds 4',
      user: BOB,
      channel: CHANNEL,
    });
    await h.fake.waitFor(
      () => h.fake.messages('D0BOB').find((m) => m.files.length > 0 && shownText(m).includes('quietly now')),
      15_000,
      'the video in bob’s DM',
    );
    expect(h.fake.messages(CHANNEL)).toHaveLength(0);
  });
});
