/**
 * Slack end to end against upstreams that speak the variations seen in gateways and resellers,
 * with `VIDEO_API_DIALECT=auto`: `/video`, the MP4 in the thread, then Remix where offered. The
 * form-only remix upstream is the one that used to fail a Remix and keep the charge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, VIEW_IDS } from '../../src/platforms/slack/action-ids.ts';
import type { SimulatorDialect } from '../../src/simulator/simulator-options.ts';
import type { FakeMessage } from '../fakes/slack/fake-slack.ts';
import {
  BOB,
  buttonValue,
  CHANNEL,
  fileReplies,
  type HarnessOptions,
  isMp4,
  makeVideo,
  type SlackHarness,
  shownText,
  startSlackHarness,
  videosUsed,
} from './slack-harness.ts';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(dialect: SimulatorDialect, o: HarnessOptions = {}): Promise<SlackHarness> {
  h = await startSlackHarness({
    configuredUpstream: true,
    ...o,
    sim: { dialect, ...o.sim },
    env: { VIDEO_API_DIALECT: 'auto', ...o.env },
  });
  return h;
}

/** Click Remix on a result, type one change, and wait for the remix's job message in the thread. */
async function remixByButton(x: SlackHarness, job: FakeMessage, reply: FakeMessage, change: string) {
  const opened = x.fake.views(VIEW_IDS.remix).length;
  await x.fake.clickButton({ channel: CHANNEL, ts: reply.ts, actionId: ACTION_IDS.remix, user: BOB });
  await x.fake.waitFor(
    () =>
      x.fake
        .views(VIEW_IDS.remix)
        .slice(opened)
        .find((v) => v.updates > 0),
    5000,
    'remix dialog',
  );
  await x.fake.submitView({ callbackId: VIEW_IDS.remix, user: BOB, values: { change } });
  return x.fake.waitFor(
    () => x.fake.thread(CHANNEL, job.ts).find((m) => m.files.length === 0 && shownText(m).includes(change)),
    10_000,
    'remix job message',
  );
}

async function remixResult(x: SlackHarness, job: FakeMessage, change: string): Promise<FakeMessage> {
  return x.fake.waitFor(
    () => fileReplies(x.fake, job.ts).find((m) => shownText(m).includes(change)),
    15_000,
    'remix result',
  );
}

describe('Slack against a form-only remix upstream (auto)', () => {
  it('/video then Remix works end to end, and after a restart the learned spelling is used at once', async () => {
    const x = await start('form-remix');
    const { job, reply } = await makeVideo(x, 'a fox in snow --seconds 4');
    expect(isMp4(reply.files[0]?.data)).toBe(true);
    await remixByButton(x, job, reply, 'make it night');
    const result = await remixResult(x, job, 'make it night');
    expect(isMp4(result.files[0]?.data)).toBe(true);
    expect(shownText(result)).toMatch(/remix of .*a fox in snow/);
    expect(x.sim.jobs().find((j) => j.prompt === 'make it night')?.remixedFromVideoId).toBe(
      buttonValue(reply, ACTION_IDS.remix),
    );

    await x.restart();
    const before = x.sim.stats.count('remix');
    const probesBefore = x.sim.stats.count('list');
    await remixByButton(x, job, reply, 'add rain');
    await remixResult(x, job, 'add rain');
    expect(x.sim.stats.count('remix')).toBe(before + 1); // multipart straight away, remembered in the store
    expect(x.sim.stats.count('list')).toBe(probesBefore); // and no probing again
  });

  it('with a fixed dialect that cannot switch, the refused Remix says so and is refunded', async () => {
    const x = await start('form-remix', { env: { VIDEO_API_DIALECT: 'openai' } });
    const { job, reply } = await makeVideo(x, 'a lighthouse --seconds 4');
    const remixJob = await remixByButton(x, job, reply, 'make it night');
    const failed = await x.fake.waitFor(
      () => {
        const m = x.fake.message(CHANNEL, remixJob.ts);
        return /VIDEO_API_DIALECT/.test(shownText(m)) ? m : undefined;
      },
      10_000,
      'the failure in the remix job message',
    );
    expect(shownText(failed)).toMatch(/Nothing was charged/);
    expect(await videosUsed(x, BOB)).toBe(0);
  });
});

describe.each(['new-api', 'litellm'] as const)('Slack against a %s-like upstream (auto)', (dialect) => {
  it('/video delivers the MP4 and Remix delivers the remix in the thread', async () => {
    const x = await start(dialect);
    const { job, reply } = await makeVideo(x, 'a teapot --seconds 4');
    expect(isMp4(reply.files[0]?.data)).toBe(true);
    await remixByButton(x, job, reply, 'make it night');
    expect(isMp4((await remixResult(x, job, 'make it night')).files[0]?.data)).toBe(true);
  });
});

describe('Slack against an OpenRouter-like upstream without remix (auto)', () => {
  it('/video delivers; Remix says the service does not offer it, refunded, and the next is refused at once', async () => {
    const x = await start('openrouter');
    const { job, reply } = await makeVideo(x, 'a lighthouse --seconds 4');
    expect(isMp4(reply.files[0]?.data)).toBe(true);
    const remixJob = await remixByButton(x, job, reply, 'make it night');
    await x.fake.waitFor(
      () => (/does not offer remix/.test(shownText(x.fake.message(CHANNEL, remixJob.ts))) ? true : undefined),
      10_000,
      'the remix job message says remix is not offered',
    );
    expect(await videosUsed(x, BOB)).toBe(0);
    await x.fake.slashCommand({
      command: '/remix',
      text: `${buttonValue(reply, ACTION_IDS.remix)} add rain`,
      user: BOB,
      channel: CHANNEL,
    });
    const refusal = await x.fake.waitFor(() => x.fake.ephemerals({ user: BOB })[0], 10_000, 'refusal');
    expect(refusal.text).toMatch(/does not offer remix/);
    expect(x.sim.jobs()).toHaveLength(1);
    expect(await videosUsed(x, BOB)).toBe(0);
  });
});
