/**
 * Extend and Edit on Slack against the simulator: the dialogs, the new video in the source's
 * thread as a child in the lineage, and quotas charged by the added seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/engine/engine-api.ts';
import { ACTION_IDS, VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import {
  ALICE,
  BOB,
  buttons,
  buttonValue,
  CHANNEL,
  fileReplies,
  isMp4,
  makeVideo,
  type SlackHarness,
  shownText,
  startSlackHarness,
} from './slack-harness.ts';

describe('Extend and Edit on Slack', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const usedSeconds = async (userId: string) => {
    const actor: Actor = { platform: 'slack', userId, displayName: 'x', isAdmin: false };
    return (await h.engine.usage(actor, h.fake.teamId)).seconds.used;
  };

  it('Extend asks what happens next and for how long; the extension lands in the thread, extended from the source', async () => {
    const { job, reply } = await makeVideo(h, 'a fox in snow --seconds 4', ALICE);
    expect(buttons(reply)).toContain(ACTION_IDS.extend);
    const before = await usedSeconds(BOB);
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.extend, user: BOB });
    const dialog = await h.fake.waitFor(() => h.fake.views(VIEW_IDS.extend)[0], 5000, 'extend dialog');
    expect(JSON.stringify(dialog.view)).toContain('What happens next?');
    const submitted = await h.fake.submitView({
      callbackId: VIEW_IDS.extend,
      user: BOB,
      values: { next: 'the fox digs into the snow', seconds: '8' },
    });
    expect(submitted.ackPayload).toBeUndefined();
    const result = await h.fake.waitFor(
      () => fileReplies(h.fake, job.ts).find((m) => shownText(m).includes('the fox digs')),
      15_000,
      'extension in the source thread',
    );
    expect(isMp4(result.files[0]?.data)).toBe(true);
    expect(shownText(result)).toMatch(/extended from .*a fox in snow/);
    expect((await usedSeconds(BOB)) - before).toBe(8);
    const made = await h.engine.findJobByVideoId(buttonValue(result, ACTION_IDS.remix));
    expect(made?.kind).toBe('extend');
    expect(made?.parentVideoId).toBe(buttonValue(reply, ACTION_IDS.remix));
  });

  it('Edit posts the changed video, edit of the source', async () => {
    const { job, reply } = await makeVideo(h, 'a lighthouse at dusk --seconds 4', ALICE);
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.edit, user: ALICE });
    await h.fake.waitFor(() => h.fake.views(VIEW_IDS.edit)[0], 5000, 'edit dialog');
    await h.fake.submitView({ callbackId: VIEW_IDS.edit, user: ALICE, values: { change: 'paint it red' } });
    const result = await h.fake.waitFor(
      () => fileReplies(h.fake, job.ts).find((m) => shownText(m).includes('paint it red')),
      15_000,
      'edit in the source thread',
    );
    expect(shownText(result)).toMatch(/edit of .*a lighthouse at dusk/);
  });

  it('an extension the upstream fails is refunded exactly', async () => {
    const { reply } = await makeVideo(h, 'a kite over dunes --seconds 4', ALICE);
    const before = await usedSeconds(BOB);
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.extend, user: BOB });
    await h.fake.waitFor(() => h.fake.views(VIEW_IDS.extend).find((v) => !v.closed), 5000, 'extend dialog');
    await h.fake.submitView({
      callbackId: VIEW_IDS.extend,
      user: BOB,
      values: { next: 'the string snaps [fail]', seconds: '12' },
    });
    // The job was charged when accepted, then failed upstream: it ends refunded to the second.
    await h.fake.waitFor(
      () =>
        h.fake
          .messages(CHANNEL)
          .find((m) => shownText(m).includes('the string snaps') && /Could not make/.test(shownText(m))),
      15_000,
      'the failure shown',
    );
    expect(await usedSeconds(BOB)).toBe(before);
  });
});

describe('Slack where the upstream lacks the routes', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ sim: { editRoutes: false } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('results offer no Extend or Edit', async () => {
    const { reply } = await makeVideo(h, 'a quiet harbour --seconds 4');
    expect(buttons(reply)).toEqual([
      ACTION_IDS.remix,
      ACTION_IDS.reroll,
      ACTION_IDS.details,
      ACTION_IDS.delete,
    ]);
  });
});
