/**
 * The charging rule: only the user's own mistakes are charged (content policy, a prompt or image
 * refused for its content). What the bot, the upstream or their mismatch caused is refunded, and
 * the error says which kind it was. One test per class, unit first, then through the engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  blameOf,
  contentPolicy,
  expiredBeforeDelivery,
  generationError,
  lostUpstream,
  noAnswer,
  refundFor,
  submitError,
  timedOut,
} from '../../src/engine/job-errors.ts';
import { jobErrorText } from '../../src/presentation/job-error-text.ts';
import {
  ContentPolicyError,
  DialectMismatchError,
  InvalidParameterError,
  NetworkError,
  SourceExpiredError,
  TimeoutError,
  UnauthorizedError,
  UnsupportedFeatureError,
  UpstreamServerError,
  VideoNotFoundError,
} from '../../src/video/errors.ts';
import { rapidRetryPolicy } from '../../src/video/retry-policy.ts';
import { VideoClient } from '../../src/video/video-client.ts';
import { type Harness, request, startHarness, submitted, waitForState } from './engine-harness.ts';

describe('who caused a failure, and whether it is charged', () => {
  it.each([
    ['content policy at create', submitError(new ContentPolicyError('no')), 'user'],
    [
      'a prompt the upstream refuses',
      submitError(new InvalidParameterError('bad', { param: 'prompt' })),
      'user',
    ],
    ['content policy while generating', generationError({ code: 'moderation_blocked', message: '' }), 'user'],
    [
      'a policy failure given only as a sentence',
      generationError({ code: 'unknown', message: 'Blocked by the safety system' }),
      'user',
    ],
    [
      'a size the bot offered but the upstream refuses',
      submitError(new InvalidParameterError('bad', { param: 'size' })),
      'bot',
    ],
    ['a refusal naming no parameter', submitError(new InvalidParameterError('bad')), 'bot'],
    ['a wrong encoding or route guess', submitError(new DialectMismatchError('x', { status: 400 })), 'bot'],
    ['a refused API key', submitError(new UnauthorizedError('x', { status: 401 })), 'bot'],
    [
      'a feature the upstream lacks',
      submitError(new UnsupportedFeatureError('remix', 'This video service does not offer remix.')),
      'upstream',
    ],
    ['a 5xx', submitError(new UpstreamServerError('x', { status: 502 })), 'upstream'],
    ['a timeout', submitError(new TimeoutError('x')), 'upstream'],
    ['a connection failure', submitError(new NetworkError('x')), 'upstream'],
    ['a remix source that vanished', submitError(new VideoNotFoundError('x')), 'upstream'],
    ['a remix source that expired', submitError(new SourceExpiredError('x')), 'upstream'],
    ['a generation failure', generationError({ code: 'internal', message: 'oops' }), 'upstream'],
    ['no answer to a create', noAnswer(), 'upstream'],
    ['a job the upstream lost', lostUpstream(), 'upstream'],
    ['a job past its deadline', timedOut(), 'upstream'],
    ['a result that expired before delivery', expiredBeforeDelivery(), 'upstream'],
  ] as const)('%s: blame %s', (_what, error, blame) => {
    expect(error.blame).toBe(blame);
    expect(error.userFault).toBe(blame === 'user');
    expect(refundFor(error)).toBe(blame !== 'user');
    // The engine stores codes; what the requester reads comes from the catalogue.
    const text = jobErrorText('en-US', error);
    if (blame !== 'user') expect(text).toMatch(/Nothing was charged|nothing was charged/);
    if (blame === 'bot') expect(text).toMatch(/admin/);
    if (blame !== 'user') expect(jobErrorText('zh-CN', error)).toContain('没有扣除配额');
  });

  it('reads errors stored before blame existed from userFault', () => {
    const { blame: _, ...old } = contentPolicy();
    expect(blameOf(old)).toBe('user');
    expect(blameOf({ ...old, userFault: false })).toBe('upstream');
    expect(refundFor({ ...old, userFault: false })).toBe(true);
  });
});

describe('refunds through the engine', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const usedBy = async (userId: string) =>
    (await h!.engine.usage({ ...request(userId, '').actor }, 'ws1')).videos.used;

  it('a remix on an upstream without remix fails refunded, and the next one is refused before any charge', async () => {
    h = await startHarness({ sim: { dialect: 'openrouter' } });
    const { job: source } = submitted(await h.engine.submit(request('u1', 'a fox')));
    const done = await waitForState(h.engine, source.id, 'delivered');
    const { job: remix } = submitted(
      await h.engine.submit(request('u1', 'make it night', { remixOf: done.videoId ?? '' })),
    );
    const failed = await waitForState(h.engine, remix.id, 'failed');
    expect(failed.error).toMatchObject({ code: 'unsupported', blame: 'upstream' });
    expect(jobErrorText('en-US', failed.error)).toMatch(/does not offer remix.*Nothing was charged/);
    expect(await usedBy('u1')).toBe(1); // the source only
    const again = await h.engine.submit(request('u1', 'add rain', { remixOf: done.videoId ?? '' }));
    expect(again).toMatchObject({ ok: false, refusal: { code: 'unsupported' } });
    expect(await usedBy('u1')).toBe(1);
    expect(h.sim.jobs()).toHaveLength(1);
  });

  it('a remix the upstream cannot read because of the bot’s fixed dialect is refunded, blamed on the bot', async () => {
    h = await startHarness({ sim: { dialect: 'form-remix' } });
    const { job: source } = submitted(await h.engine.submit(request('u1', 'a fox')));
    const done = await waitForState(h.engine, source.id, 'delivered');
    // The harness pairs form-remix with `auto`; a fixed openai client cannot switch spelling.
    const fixed = await startHarness({ simulator: h.sim, engine: { client: fixedOpenaiClient(h) } });
    try {
      const { job } = submitted(
        await fixed.engine.submit(request('u2', 'make it night', { remixOf: done.videoId ?? '' })),
      );
      const failed = await waitForState(fixed.engine, job.id, 'failed');
      expect(failed.error).toMatchObject({ code: 'dialect_mismatch', blame: 'bot', userFault: false });
      expect((await fixed.engine.usage(request('u2', '').actor, 'ws1')).videos.used).toBe(0);
    } finally {
      await fixed.close();
    }
  });

  it('with auto, the same form-only remix works and is charged once, as a made video', async () => {
    h = await startHarness({ sim: { dialect: 'form-remix' } });
    const { job: source } = submitted(await h.engine.submit(request('u1', 'a fox')));
    const done = await waitForState(h.engine, source.id, 'delivered');
    const { job } = submitted(
      await h.engine.submit(request('u1', 'make it night', { remixOf: done.videoId ?? '' })),
    );
    await waitForState(h.engine, job.id, 'delivered');
    expect(await usedBy('u1')).toBe(2);
  });
});

function fixedOpenaiClient(h: Harness) {
  return new VideoClient({
    baseUrl: h.sim.url,
    apiKey: h.sim.options.apiKey,
    dialect: 'openai',
    retry: rapidRetryPolicy,
  });
}

describe('recovery without a list', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a create whose answer was lost, on an upstream with no list, fails refunded and is created once', async () => {
    h = await startHarness({ sim: { dialect: 'openrouter' } });
    // The first 500 meets the probe's harmless empty create, the second the real one.
    h.sim.faults.inject({ route: 'create', kind: 'status', status: 500, times: 2 });
    const { job } = submitted(await h.engine.submit(request('u1', 'lost in transit')));
    const failed = await waitForState(h.engine, job.id, 'failed', 'delivered');
    expect(failed.error).toMatchObject({ code: 'upstream_no_answer', blame: 'upstream' });
    expect(h.sim.stats.count('create')).toBe(2); // the probe's empty create, and one real POST: never re-sent
    expect((await h.engine.usage(request('u1', '').actor, 'ws1')).videos.used).toBe(0);
  });
});
