/**
 * The user journeys on Slack, end to end: real Bolt app (Socket Mode) + real engine + real
 * VideoClient + simulator + the fake Slack.
 */
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import {
  ALICE,
  BOB,
  buttons,
  buttonValue,
  CHANNEL,
  fileReplies,
  isMp4,
  makeVideo as makeHarnessVideo,
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
    expect(shownText(job)).toMatch(/simulated/i);
    const [reply] = await h.fake.waitFor(
      () => {
        const r = fileReplies(h.fake, job.ts);
        return r.length > 0 ? r : undefined;
      },
      15_000,
      'uploaded video',
    );
    expect(isMp4(reply?.files[0]?.data)).toBe(true);
    expect(buttons(reply)).toEqual([
      ACTION_IDS.remix,
      ACTION_IDS.reroll,
      ACTION_IDS.extend,
      ACTION_IDS.edit,
      ACTION_IDS.details,
      ACTION_IDS.delete,
    ]);
    const done = await h.fake.waitFor(
      () =>
        shownText(h.fake.message(CHANNEL, job.ts)).includes('Video ready')
          ? h.fake.message(CHANNEL, job.ts)
          : undefined,
      5000,
      'job message done',
    );
    expect(buttons(done)).toEqual([
      ACTION_IDS.remix,
      ACTION_IDS.reroll,
      ACTION_IDS.extend,
      ACTION_IDS.edit,
      ACTION_IDS.details,
      ACTION_IDS.delete,
    ]);
    // It showed progress on the way (edits of the same message, not new messages).
    expect(job.history.length).toBeGreaterThan(0);
    expect(topLevel(h.fake)).toHaveLength(1);
  });

  const makeVideo = (text: string, user = ALICE) => makeHarnessVideo(h, text, user);

  it('Remix opens a dialog with the one-change hint and posts the remix in the source thread with lineage', async () => {
    const { job, reply } = await makeVideo('a fox in snow --seconds 4');
    await h.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.remix, user: BOB });
    const dialog = await h.fake.waitFor(
      () => h.fake.views(VIEW_IDS.remix).find((v) => v.updates > 0),
      5000,
      'remix dialog with the source prompt',
    );
    const dialogText = JSON.stringify(dialog.view);
    expect(dialogText).toContain('One clear change per remix');
    expect(dialogText).toContain('a fox in snow');
    const submitted = await h.fake.submitView({
      callbackId: VIEW_IDS.remix,
      user: BOB,
      values: { change: 'make it night' },
    });
    expect(submitted.ackPayload).toBeUndefined();
    const remixJob = await h.fake.waitFor(
      () =>
        h.fake
          .thread(CHANNEL, job.ts)
          .find((m) => m.files.length === 0 && shownText(m).includes('make it night')),
      10_000,
      'remix job message in the source thread',
    );
    expect(remixJob.threadTs).toBe(job.ts);
    const remixResult = await h.fake.waitFor(
      () => fileReplies(h.fake, job.ts).find((m) => shownText(m).includes('make it night')),
      15_000,
      'remix result in the same thread',
    );
    expect(isMp4(remixResult.files[0]?.data)).toBe(true);
    expect(shownText(remixResult)).toMatch(/remix of .*a fox in snow/);
    expect(topLevel(h.fake)).toHaveLength(1);
  });

  it('Re-roll makes the same prompt again in the same thread', async () => {
    const { job, reply } = await makeVideo('a lighthouse at dusk --seconds 4');
    const d = await h.fake.clickButton({
      channel: CHANNEL,
      ts: reply.ts,
      actionId: ACTION_IDS.reroll,
      user: BOB,
    });
    expect(d.ackedInTime).toBe(true);
    await h.fake.waitFor(() => fileReplies(h.fake, job.ts).length >= 2, 15_000, 'second video in the thread');
    const rerollJob = h.fake.thread(CHANNEL, job.ts).find((m) => m.ts !== job.ts && m.files.length === 0);
    expect(shownText(rerollJob)).toContain('a lighthouse at dusk');
    expect(shownText(rerollJob)).toContain('re-roll');
    expect(topLevel(h.fake)).toHaveLength(1);
  });

  it("refuses a stranger's Cancel privately, and the requester's Cancel stops the job", async () => {
    await h.fake.slashCommand({
      command: '/video',
      text: '[never] a cat that takes forever',
      user: ALICE,
      channel: CHANNEL,
    });
    const job = await h.fake.waitFor(
      () => topLevel(h.fake).find((m) => buttons(m).includes(ACTION_IDS.cancel)),
      10_000,
      'job message with Cancel',
    );
    await h.fake.clickButton({ channel: CHANNEL, ts: job.ts, actionId: ACTION_IDS.cancel, user: BOB });
    const refusal = await h.fake.waitFor(
      () => h.fake.ephemerals({ user: BOB })[0],
      5000,
      'refusal for the stranger',
    );
    expect(refusal.text.length).toBeGreaterThan(0);
    const jobId = buttonValue(job, ACTION_IDS.cancel);
    expect((await h.engine.getJob(jobId))?.state).not.toBe('cancelled');
    expect(shownText(h.fake.message(CHANNEL, job.ts))).not.toContain('Cancelled');
    await h.fake.clickButton({ channel: CHANNEL, ts: job.ts, actionId: ACTION_IDS.cancel, user: ALICE });
    const cancelled = await h.fake.waitFor(
      () =>
        shownText(h.fake.message(CHANNEL, job.ts)).includes('Cancelled')
          ? h.fake.message(CHANNEL, job.ts)
          : undefined,
      10_000,
      'cancelled job message',
    );
    expect(shownText(cancelled)).toContain(`<@${ALICE}>`);
    expect(buttons(cancelled)).not.toContain(ACTION_IDS.cancel);
    expect(h.fake.ephemerals({ user: ALICE })).toEqual([]);
  });

  it('refuses a video over quota privately, posts nothing and charges nothing; /quota shows it', async () => {
    await h.engine.setUserLimits('slack', h.fake.teamId, BOB, { dailySeconds: 6 });
    const d = await h.fake.slashCommand({
      command: '/video',
      text: 'a dog on a skateboard --seconds 8',
      user: BOB,
      channel: CHANNEL,
    });
    expect(d.ackedInTime).toBe(true);
    const refusal = await h.fake.waitFor(() => h.fake.ephemerals({ user: BOB })[0], 5000, 'quota refusal');
    expect(refusal.text).toContain('past your 6 video-seconds');
    expect(topLevel(h.fake)).toEqual([]);
    await h.fake.slashCommand({ command: '/quota', user: BOB, channel: CHANNEL });
    const quota = await h.fake.waitFor(() => h.fake.ephemerals({ user: BOB })[1], 5000, '/quota answer');
    expect(quota.text).toContain('Videos today: 0 of');
    expect(quota.text).toContain('Video seconds today: 0 of 6');
  });

  it('/video alone opens a form; submitting it with an image makes an image-to-video job', async () => {
    await h.fake.slashCommand({ command: '/video', user: ALICE, channel: CHANNEL });
    const form = await h.fake.waitFor(() => h.fake.views(VIEW_IDS.video)[0], 5000, 'video form');
    expect(JSON.stringify(form.view)).toContain('file_input');
    const png = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#3366aa' } })
      .png()
      .toBuffer();
    const file = h.fake.addFile({ name: 'start.png', mimetype: 'image/png', data: png, user: ALICE });
    const empty = await h.fake.submitView({ callbackId: VIEW_IDS.video, values: { prompt: '   ' } });
    expect(empty.ackPayload).toMatchObject({ response_action: 'errors' });
    await h.fake.submitView({
      callbackId: VIEW_IDS.video,
      values: { prompt: 'the picture comes alive', size: '1280x720', seconds: '4', image: { files: [file] } },
    });
    const job = await h.fake.waitFor(() => topLevel(h.fake)[0], 10_000, 'job message from the form');
    expect(shownText(job)).toContain('from the attached image');
    await h.fake.waitFor(() => fileReplies(h.fake, job.ts)[0], 15_000, 'uploaded video');
    expect(h.fake.callsTo('files.info')).toHaveLength(1);
  });

  it('escapes user text so it cannot ping the channel, mention people or inject links', async () => {
    await makeVideo('<!channel> & <@U0BOB> <https://evil.example|click> --seconds 4');
    const everything = h.fake.messages(CHANNEL).map(shownText).join('\n');
    expect(everything).not.toContain('<!channel>');
    expect(everything).not.toContain('<@U0BOB>');
    expect(everything).not.toContain('<https://evil.example');
    expect(everything).toContain('&lt;!channel&gt; &amp; &lt;@U0BOB&gt;');
  });

  it('answers a malformed /video privately with how to use it', async () => {
    await h.fake.slashCommand({
      command: '/video',
      text: 'a fox --seconds many',
      user: ALICE,
      channel: CHANNEL,
    });
    const answer = await h.fake.waitFor(() => h.fake.ephemerals({ user: ALICE })[0], 5000, 'usage answer');
    expect(answer.text).toContain('--seconds is a whole number');
    expect(topLevel(h.fake)).toEqual([]);
  });

  it('/remix with a video id posts the remix in that video’s thread; an unknown id is refused privately', async () => {
    const { job, reply } = await makeVideo('a snowman --seconds 4');
    const videoId = buttonValue(reply, ACTION_IDS.remix);
    await h.fake.slashCommand({
      command: '/remix',
      text: `${videoId} make it melt`,
      user: BOB,
      channel: CHANNEL,
    });
    const result = await h.fake.waitFor(
      () => fileReplies(h.fake, job.ts).find((m) => shownText(m).includes('make it melt')),
      15_000,
      'remix result in the source thread',
    );
    expect(shownText(result)).toMatch(/remix of .*a snowman/);
    await h.fake.slashCommand({
      command: '/remix',
      text: 'video_doesnotexist make it melt',
      user: BOB,
      channel: CHANNEL,
    });
    await h.fake.waitFor(() => h.fake.ephemerals({ user: BOB })[0], 10_000, 'refusal of an unknown video');
    expect(topLevel(h.fake)).toHaveLength(1);
  });
});
