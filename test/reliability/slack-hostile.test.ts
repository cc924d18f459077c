/**
 * Hostile input and authorisation through the real Bolt app and the fake Slack: escaped prompts
 * within Slack's limits, over-long prompts refused, cancel rights, allowed channels, and signed
 * HTTP requests that are forged, tampered with or replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/platforms/slack/action-ids.ts';
import type { FakeMessage } from '../fakes/slack/fake-slack.ts';
import { type SignedHeaders, signSlackRequest } from '../fakes/slack/request-signing.ts';
import {
  ADMIN,
  ALICE,
  BOB,
  buttons,
  CHANNEL,
  type SlackHarness,
  shownText,
  startSlackHarness,
  topLevel,
} from '../slack/slack-harness.ts';

const OTHER = 'C0OTHER';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const actor = (userId: string) => ({
  platform: 'slack' as const,
  userId,
  displayName: userId,
  isAdmin: false,
});

async function video(x: SlackHarness, text: string, user = ALICE): Promise<FakeMessage> {
  const before = topLevel(x.fake).length;
  await x.fake.slashCommand({ command: '/video', text, user, channel: CHANNEL });
  return x.fake.waitFor(() => topLevel(x.fake)[before], 10_000, 'job message');
}

describe('Slack hostile input and authorisation (Socket Mode)', () => {
  let x: SlackHarness;
  beforeAll(async () => {
    x = await startSlackHarness();
    x.fake.addChannel({ id: OTHER, name: 'other' });
  });
  afterAll(async () => {
    await x.close();
  });

  it('<!channel>, <!here>, <@U…>, links, &<> and control characters in a prompt stay inert text in every message, within limits', async () => {
    const msg = await video(
      x,
      '<!channel> <!here|here> <!subteam^S123> <@U0BOB> <#C0OTHER> <https://evil.test|verify> a & b < c > d *bold* ```code``` \u0007\u001b[2J zero\u200bwidth \u202eRTL',
    );
    await x.fake.waitFor(
      () => shownText(x.fake.message(CHANNEL, msg.ts)).includes('Video ready'),
      20_000,
      'Video ready',
    );
    const mine = x.fake.messages(CHANNEL).filter((m) => m.ts === msg.ts || m.threadTs === msg.ts);
    const shown = mine.map(shownText).join('\n');
    for (const raw of ['<!channel>', '<!here', '<!subteam', '<@U0BOB>', '<#C0OTHER>', '<https://evil.test']) {
      expect(shown).not.toContain(raw);
    }
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).toContain('a &amp; b &lt; c &gt; d');
    expect(CONTROL.test(shown)).toBe(false);
    const failedCalls = x.fake.calls.filter((c) => !c.ok && c.method.startsWith('chat.'));
    expect(failedCalls).toEqual([]);
  });

  it('a 10,000-character prompt is refused privately with the limit, nothing posted or charged', async () => {
    const before = topLevel(x.fake).length;
    await x.fake.slashCommand({ command: '/video', text: 'z'.repeat(10_000), user: BOB, channel: CHANNEL });
    const told = await x.fake.waitFor(
      () => x.fake.ephemerals({ user: BOB }).find((e) => /4000/.test(e.text)),
      10_000,
      'a private refusal',
    );
    expect(told.text.length).toBeLessThan(3000);
    expect(topLevel(x.fake)).toHaveLength(before);
    expect((await x.engine.usage(actor(BOB), x.fake.teamId)).videos.used).toBe(0);
  });

  it('Cancel: a stranger is refused privately, a workspace admin may cancel anyone’s job', async () => {
    const msg = await video(x, 'a corridor without end [never]');
    await x.fake.waitFor(() => buttons(x.fake.message(CHANNEL, msg.ts)).includes(ACTION_IDS.cancel), 10_000);
    await x.fake.clickButton({ channel: CHANNEL, ts: msg.ts, actionId: ACTION_IDS.cancel, user: BOB });
    await x.fake.waitFor(
      () => x.fake.ephemerals({ user: BOB }).find((e) => /Only the person/.test(e.text)),
      10_000,
    );
    expect(shownText(x.fake.message(CHANNEL, msg.ts))).not.toMatch(/Cancelled/);
    await x.fake.clickButton({ channel: CHANNEL, ts: msg.ts, actionId: ACTION_IDS.cancel, user: ADMIN });
    await x.fake.waitFor(
      () => /Cancelled/.test(shownText(x.fake.message(CHANNEL, msg.ts))),
      10_000,
      'Cancelled',
    );
  });

  it('with allowed channels set, /video in another channel is refused privately, nothing posted or charged', async () => {
    await x.engine.setAllowedChannels('slack', x.fake.teamId, [CHANNEL]);
    try {
      const creates = x.sim.stats.count('create');
      await x.fake.slashCommand({ command: '/video', text: 'in the wrong room', user: BOB, channel: OTHER });
      await x.fake.waitFor(
        () => x.fake.ephemerals({ user: BOB }).find((e) => /channel/.test(e.text)),
        10_000,
        'a private refusal',
      );
      expect(x.fake.messages(OTHER)).toHaveLength(0);
      expect(x.sim.stats.count('create')).toBe(creates);
      expect((await x.engine.usage(actor(BOB), x.fake.teamId)).videos.used).toBe(0);
    } finally {
      await x.engine.setAllowedChannels('slack', x.fake.teamId, null);
    }
  });
});

describe('Slack HTTP mode: forged, tampered and replayed requests', () => {
  let x: SlackHarness;
  let url: string;
  beforeAll(async () => {
    x = await startSlackHarness({ http: true });
    url = `http://127.0.0.1:${x.bot.port}/slack/events`;
  });
  afterAll(async () => {
    await x.close();
  });

  const body = (text: string) =>
    new URLSearchParams({
      command: '/video',
      text,
      user_id: ALICE,
      user_name: 'alice',
      channel_id: CHANNEL,
      team_id: x.fake.teamId,
      trigger_id: '1.2.3',
      response_url: `${x.fake.url}/nowhere`,
    }).toString();

  const post = (raw: string, headers: Partial<Record<string, string>> | SignedHeaders) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: raw,
    });

  it('a body changed after signing, a replay 10 minutes old, a wrong, missing or garbled signature: all 401, nothing started', async () => {
    const secret = x.fake.signingSecret;
    const now = Math.floor(Date.now() / 1000);
    const tampered = await post(body('tampered fox'), signSlackRequest(body('innocent fox'), secret));
    const past = await post(body('replayed fox'), signSlackRequest(body('replayed fox'), secret, now - 600));
    const wrong = await post(body('forged fox'), signSlackRequest(body('forged fox'), 'not-the-secret'));
    const none = await post(body('unsigned fox'), {});
    const garbage = await post(body('garbage fox'), {
      'x-slack-request-timestamp': 'soon',
      'x-slack-signature': 'v0=zz',
    });
    for (const r of [tampered, past, wrong, none, garbage]) {
      expect(r.status).toBe(401);
      await r.body?.cancel();
    }
    expect(topLevel(x.fake)).toEqual([]);
    expect(x.sim.stats.count('create')).toBe(0);
  });
});
