/**
 * HTTP mode (`SLACK_SIGNING_SECRET` + `SLACK_PORT`): Bolt's own receiver checks every request's
 * signature; the fake signs like Slack. End to end with the real engine and simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import {
  ALICE,
  CHANNEL,
  fileReplies,
  type SlackHarness,
  startSlackHarness,
  topLevel,
} from './slack-harness.ts';

describe('Slack in HTTP mode', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ http: true });
  });
  afterAll(() => h.close());

  it('runs in HTTP mode on the configured port', () => {
    expect(h.bot.mode).toBe('http');
    expect(h.bot.port).toBeGreaterThan(0);
  });

  it('rejects a bad signature with 401 and starts nothing', async () => {
    const d = await h.fake.slashCommand(
      { command: '/video', text: 'forged fox', user: ALICE, channel: CHANNEL },
      { signature: 'bad' },
    );
    expect(d.httpStatus).toBe(401);
    const unsigned = await h.fake.slashCommand(
      { command: '/video', text: 'unsigned fox', user: ALICE, channel: CHANNEL },
      { signature: 'none' },
    );
    expect(unsigned.httpStatus).toBe(401);
    expect(topLevel(h.fake)).toEqual([]);
  });

  it('rejects a replayed request (old timestamp, otherwise valid signature) with 401', async () => {
    const d = await h.fake.slashCommand(
      { command: '/video', text: 'replayed fox', user: ALICE, channel: CHANNEL },
      { timestampSec: Math.floor(Date.now() / 1000) - 10 * 60 },
    );
    expect(d.httpStatus).toBe(401);
    expect(topLevel(h.fake)).toEqual([]);
  });

  it('takes a correctly signed command, acks it in time and delivers the video', async () => {
    const d = await h.fake.slashCommand({
      command: '/video',
      text: 'an honest fox --seconds 4',
      user: ALICE,
      channel: CHANNEL,
    });
    expect(d.httpStatus).toBe(200);
    expect(d.ackedInTime).toBe(true);
    const job = await h.fake.waitFor(() => topLevel(h.fake)[0], 10_000, 'job message');
    await h.fake.waitFor(() => fileReplies(h.fake, job.ts)[0], 15_000, 'video delivered');
  });

  it('opens the form from a signed command (trigger id used in time)', async () => {
    const d = await h.fake.slashCommand({ command: '/video', user: ALICE, channel: CHANNEL });
    expect(d.ackedInTime).toBe(true);
    await h.fake.waitFor(() => h.fake.views(VIEW_IDS.video)[0], 5000, 'form opened');
  });
});
