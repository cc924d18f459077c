/**
 * Team controls on Slack end to end (real Bolt app + engine + simulator + fake Slack):
 * Details, Delete and /history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/platforms/slack/action-ids.ts';
import type { FakeEphemeral } from '../fakes/slack/fake-slack.ts';
import {
  ADMIN,
  ALICE,
  BOB,
  buttons,
  buttonValue,
  CHANNEL,
  makeVideo,
  type SlackHarness,
  startSlackHarness,
  videosUsed,
} from './slack-harness.ts';

const MEI = 'U0MEI';
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness();
  h.fake.addUser({ id: MEI, name: 'mei', locale: 'zh-CN' });
});
afterAll(async () => {
  await h?.close();
});

/** The next private answer to `user` after `count` earlier ones. */
function nextEphemeral(user: string, count: number): Promise<FakeEphemeral> {
  return h.fake.waitFor(() => h.fake.ephemerals({ user })[count], 10_000, `a private answer to ${user}`);
}

describe('Slack team controls', () => {
  it('results carry Details and Delete beside Remix and Re-roll', async () => {
    const { reply } = await makeVideo(h, 'a tram in fog --seconds 4');
    expect(buttons(reply)).toEqual([
      ACTION_IDS.remix,
      ACTION_IDS.reroll,
      ACTION_IDS.extend,
      ACTION_IDS.edit,
      ACTION_IDS.details,
      ACTION_IDS.delete,
    ]);
  });

  it('Details answers the clicker alone with the prompt, ids and the flag form of /video', async () => {
    const { reply } = await makeVideo(h, 'a <heron> wading at dusk --size 720x1280 --seconds 8');
    const jobId = buttonValue(reply, ACTION_IDS.details);
    const job = (await h.engine.getJob(jobId))!;
    const seen = h.fake.ephemerals({ user: BOB }).length;
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.details, user: BOB });
    const answer = await nextEphemeral(BOB, seen);
    expect(answer.text).toContain('Video details');
    expect(answer.text).toContain('&lt;heron&gt;');
    expect(answer.text).toContain(job.id);
    expect(answer.text).toContain(job.videoId!);
    expect(answer.text).toContain(
      '/video a &lt;heron&gt; wading at dusk --size 720x1280 --seconds 8 --model sora-2',
    );
    expect(h.fake.ephemerals({ user: ALICE }).some((e) => e.text.includes('Video details'))).toBe(false);
  });

  it('Details reads in Chinese for a zh-CN user', async () => {
    const { reply } = await makeVideo(h, 'rain on a tin roof --seconds 4');
    const seen = h.fake.ephemerals({ user: MEI }).length;
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.details, user: MEI });
    const answer = await nextEphemeral(MEI, seen);
    expect(answer.text).toContain('视频详情');
    expect(answer.text).toContain('再做一次的命令');
  });

  it('Delete: a stranger is refused; the requester removes both messages and the upstream video, quota unchanged, remixes show the parent deleted', async () => {
    const before = await videosUsed(h, ALICE);
    const { job, reply } = await makeVideo(h, 'a paper boat in a gutter --seconds 4');
    const sourceJob = (await h.engine.getJob(buttonValue(reply, ACTION_IDS.delete)))!;
    const remix = await h.engine.remixFromResult(
      sourceJob.videoId!,
      'make it snow',
      { platform: 'slack', userId: BOB, displayName: 'bob', isAdmin: false },
      { platform: 'slack', workspaceId: h.fake.teamId, channelId: CHANNEL, threadRef: job.ts },
    );
    if (!remix.ok) throw new Error(remix.refusal.code);
    await h.fake.waitFor(
      async () => (await h.engine.getJob(remix.value.job.id))?.state === 'delivered',
      15_000,
      'the remix delivered',
    );
    expect(await videosUsed(h, ALICE)).toBe(before + 1);

    const bobSeen = h.fake.ephemerals({ user: BOB }).length;
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.delete, user: BOB });
    expect((await nextEphemeral(BOB, bobSeen)).text).toMatch(/Only the person who asked/);
    expect(h.fake.message(CHANNEL, reply.ts)).toBeDefined();

    const aliceSeen = h.fake.ephemerals({ user: ALICE }).length;
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.delete, user: ALICE });
    expect((await nextEphemeral(ALICE, aliceSeen)).text).toMatch(/Deleted here and at the video service/);
    expect(h.fake.message(CHANNEL, reply.ts)).toBeUndefined();
    expect(h.fake.message(CHANNEL, job.ts)).toBeUndefined();
    expect(h.fake.deletedMessages(CHANNEL).map((m) => m.ts)).toEqual(
      expect.arrayContaining([job.ts, reply.ts]),
    );
    const upstream = await fetch(`${h.sim.url}/videos/${sourceJob.videoId}`, {
      headers: { authorization: `Bearer ${h.sim.options.apiKey}` },
    });
    expect(upstream.status).toBe(404);
    expect(await videosUsed(h, ALICE)).toBe(before + 1);

    // The remix (in the same thread) stays, and its Details name the parent as deleted.
    const remixJob = (await h.engine.getJob(remix.value.job.id))!;
    expect(h.fake.message(CHANNEL, remixJob.resultMessageRef!)).toBeDefined();
    const seen = h.fake.ephemerals({ user: BOB }).length;
    await h.fake.clickButton({
      channel: CHANNEL,
      ts: remixJob.resultMessageRef!,
      actionId: ACTION_IDS.details,
      user: BOB,
    });
    expect((await nextEphemeral(BOB, seen)).text).toContain(`${sourceJob.videoId} (deleted)`);
  });

  it('a workspace admin may delete anyone’s result', async () => {
    const { reply } = await makeVideo(h, 'a kite over dunes --seconds 4', BOB);
    const seen = h.fake.ephemerals({ user: ADMIN }).length;
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.delete, user: ADMIN });
    expect((await nextEphemeral(ADMIN, seen)).text).toMatch(/Deleted/);
    expect(h.fake.message(CHANNEL, reply.ts)).toBeUndefined();
  });

  it('/history lists my videos newest first with links and pages with Older/Newer in place', async () => {
    const actor = { platform: 'slack' as const, userId: MEI, displayName: 'mei', isAdmin: true };
    const place = { platform: 'slack' as const, workspaceId: h.fake.teamId, channelId: CHANNEL };
    for (let n = 1; n <= 9; n++) {
      const out = await h.engine.submit({ actor, place, prompt: `lantern ${n}`, seconds: 4 });
      expect(out.ok).toBe(true);
    }
    await h.fake.waitFor(
      async () => {
        const page = await h.engine.history(
          { platform: 'slack', workspaceId: h.fake.teamId, userId: MEI },
          1,
          8,
        );
        return page.jobs[0]?.place.link !== undefined;
      },
      10_000,
      'the oldest job message posted',
    );
    const seen = h.fake.ephemerals({ user: MEI }).length;
    await h.fake.slashCommand({ command: '/history', user: MEI, channel: CHANNEL });
    const page = await nextEphemeral(MEI, seen);
    expect(page.text).toContain('你的视频');
    const text = JSON.stringify(page.blocks);
    expect(text.indexOf('lantern 9')).toBeLessThan(text.indexOf('lantern 8'));
    expect(text).not.toContain('lantern 1”');
    expect(text).toContain('第 1 页，共 2 页');
    await h.fake.clickEphemeralButton({ ephemeral: page, actionId: `${ACTION_IDS.historyPage}_older` });
    await h.fake.waitFor(() => (page.replaced ?? 0) > 0, 10_000, 'the page replaced');
    const second = JSON.stringify(page.blocks);
    expect(second).toContain('lantern 1');
    expect(second).toMatch(/<https?:\/\/[^|]+\|“lantern 1”>/);
    expect(buttons({ blocks: page.blocks } as never)).toEqual([`${ACTION_IDS.historyPage}_newer`]);
  });

  it('/history all lists the whole workspace with who asked', async () => {
    const seen = h.fake.ephemerals({ user: ALICE }).length;
    await h.fake.slashCommand({ command: '/history', text: 'all', user: ALICE, channel: CHANNEL });
    const page = await nextEphemeral(ALICE, seen);
    expect(page.text).toContain('Videos in this workspace');
    expect(JSON.stringify(page.blocks)).toContain('by mei');
  });
});
