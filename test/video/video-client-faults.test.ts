import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import type { Simulator } from '../../src/simulator/simulator.ts';
import {
  ContentPolicyError,
  InvalidParameterError,
  MalformedResponseError,
  NetworkError,
  RateLimitedError,
  SourceExpiredError,
  SourceNotCompletedError,
  TimeoutError,
  UnauthorizedError,
  UpstreamServerError,
  VideoApiError,
  VideoNotFoundError,
} from '../../src/video/errors.ts';
import { VideoClient } from '../../src/video/video-client.ts';
import { errorOf, readAll, simWithClient, TEST_KEY } from './sim-client-fixture.ts';

let sim: Simulator;
let client: VideoClient;
/** Every log line of every test in this file, for the secret scan at the end. */
const logLines: string[] = [];
const thrown: unknown[] = [];

const input = { prompt: 'a paper boat', size: '1280x720', seconds: 4 } as const;

beforeEach(async () => {
  ({ sim, client } = await simWithClient(
    {},
    {
      logger: createLogger({ level: 'debug', sink: (l) => logLines.push(l) }),
      limits: { sizes: ['1280x720', '720x1280'], seconds: [4, 8, 12] },
    },
  ));
});
afterEach(() => sim.close());

/** Run, expecting a typed error; the error is kept for the secret scan at the end. */
async function failure(promise: Promise<unknown>): Promise<VideoApiError> {
  const err = await errorOf(promise);
  thrown.push(err);
  expect(err).toBeInstanceOf(VideoApiError);
  return err as VideoApiError;
}

async function completed() {
  const v = await client.create(input);
  return client.retrieve(sim.completeNow(v.id).id);
}

describe('upstream faults', () => {
  it('retries a GET after a 429 and succeeds once the wait has passed', async () => {
    const v = await client.create(input);
    sim.faults.inject({ route: 'retrieve', kind: 'status', status: 429, retryAfterSeconds: 1 });
    expect((await client.retrieve(v.id)).id).toBe(v.id);
    expect(sim.stats.requests({ route: 'retrieve' }).map((r) => r.status)).toEqual([429, 200]);
    const [first, second] = sim.stats.requests({ route: 'retrieve' });
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('does not repeat a create answered 429 and says how long to wait', async () => {
    sim.faults.inject({ route: 'create', kind: 'status', status: 429, retryAfterSeconds: 7 });
    const err = await failure(client.create(input));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(7000);
    expect(err.message).toContain('7 s');
    expect(sim.stats.count('create')).toBe(1);
  });

  it('rides out a burst of 5xx on GET', async () => {
    const v = await client.create(input);
    sim.faults.inject({ route: 'retrieve', kind: 'status', status: 502, times: 2 });
    sim.faults.inject({ route: 'retrieve', kind: 'status', status: 503 });
    expect((await client.retrieve(v.id)).id).toBe(v.id);
    expect(sim.stats.count('retrieve')).toBe(4);
  });

  it('gives up on GET after the policy retries with UpstreamServerError', async () => {
    const v = await client.create(input);
    sim.faults.inject({ route: 'retrieve', kind: 'status', status: 500, times: Number.POSITIVE_INFINITY });
    const err = await failure(client.retrieve(v.id));
    expect(err).toBeInstanceOf(UpstreamServerError);
    expect(sim.stats.count('retrieve')).toBe(5);
  });

  it('never repeats a create that got a 5xx: the simulator sees exactly one', async () => {
    sim.faults.inject({ route: 'create', kind: 'status', status: 500 });
    expect(await failure(client.create(input))).toBeInstanceOf(UpstreamServerError);
    expect(sim.stats.count('create')).toBe(1);
  });

  it('never repeats a remix whose connection was reset', async () => {
    const v = await completed();
    sim.faults.inject({ route: 'remix', kind: 'reset' });
    expect(await failure(client.remix({ videoId: v.id, prompt: 'add snow' }))).toBeInstanceOf(NetworkError);
    expect(sim.stats.count('remix')).toBe(1);
  });

  it('retries a GET whose connection was reset', async () => {
    const v = await client.create(input);
    sim.faults.inject({ route: 'retrieve', kind: 'reset' });
    expect((await client.retrieve(v.id)).id).toBe(v.id);
  });

  it('turns an answer slower than the timeout into TimeoutError, for a create only once', async () => {
    const slow = new VideoClient({ baseUrl: sim.url, apiKey: TEST_KEY, dialect: 'openai', timeoutMs: 200 });
    sim.faults.inject({ route: 'create', kind: 'hang' });
    const err = await failure(slow.create(input));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(sim.stats.count('create')).toBe(1);
  });

  it('retries a GET that timed out and gets the answer', async () => {
    const v = await client.create(input);
    const slow = new VideoClient({ baseUrl: sim.url, apiKey: TEST_KEY, dialect: 'openai', timeoutMs: 300 });
    sim.faults.inject({ route: 'retrieve', kind: 'delay', ms: 2_000 });
    expect((await slow.retrieve(v.id)).id).toBe(v.id);
    expect(sim.stats.count('retrieve')).toBe(2);
  });

  it('reports malformed JSON as MalformedResponseError', async () => {
    const v = await client.create(input);
    sim.faults.inject({ route: 'retrieve', kind: 'malformed-json' });
    expect(await failure(client.retrieve(v.id))).toBeInstanceOf(MalformedResponseError);
  });

  it('errors a download that is cut short instead of delivering a truncated MP4', async () => {
    const v = await completed();
    sim.faults.inject({ route: 'content', kind: 'truncate', afterBytes: 4096 });
    const download = await client.download(v);
    const err = await failure(readAll(download.body));
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.message).toMatch(/cut short/i);
  });

  it('reads a content-policy refusal as ContentPolicyError', async () => {
    expect(await failure(client.create({ ...input, prompt: 'a dragon [reject]' }))).toBeInstanceOf(
      ContentPolicyError,
    );
  });

  it('says the key was refused, without the key', async () => {
    const wrong = new VideoClient({ baseUrl: sim.url, apiKey: 'sk-wrong-key-abcdef', dialect: 'openai' });
    const err = await failure(wrong.list());
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.message).toContain('VIDEO_API_KEY');
  });
});

describe('bad input', () => {
  it.each([
    ['an empty prompt', { ...input, prompt: '   ' }, 'prompt'],
    ['an over-long prompt', { ...input, prompt: 'p'.repeat(4001) }, 'prompt'],
    ['a size not offered', { ...input, size: '1920x1080' }, 'size'],
    ['seconds not offered', { ...input, seconds: 5 }, 'seconds'],
  ])('refuses %s without any request', async (_name, bad, param) => {
    const err = await failure(client.create(bad));
    expect(err).toBeInstanceOf(InvalidParameterError);
    expect((err as InvalidParameterError).param).toBe(param);
    expect(sim.stats.count()).toBe(0);
  });

  it('refuses a form-dialect remix prompt over 1000 characters without any request', async () => {
    const form = new VideoClient({ baseUrl: sim.url, apiKey: TEST_KEY, dialect: 'form' });
    const err = await failure(form.remix({ videoId: 'video_abc', prompt: 'q'.repeat(1001) }));
    expect(err).toBeInstanceOf(InvalidParameterError);
    expect(sim.stats.count()).toBe(0);
  });

  it('refuses ids that are not ids without any request', async () => {
    for (const id of ['..', '.', 'video\u0000', '']) {
      expect(await failure(client.retrieve(id))).toBeInstanceOf(VideoNotFoundError);
      expect(await failure(client.remix({ videoId: id, prompt: 'x' }))).toBeInstanceOf(VideoNotFoundError);
    }
    expect(sim.stats.count()).toBe(0);
  });

  it('escapes ids with / so they stay one path segment: a lookup, never another route', async () => {
    for (const id of ['../../admin', 'video_1/content']) {
      expect(await failure(client.retrieve(id))).toBeInstanceOf(VideoNotFoundError);
    }
    expect(sim.stats.requests().map((r) => r.route)).toEqual(['retrieve', 'retrieve']);
  });

  it('refuses remix of an unknown, unfinished or expired video with typed errors, starting nothing', async () => {
    expect(await failure(client.remix({ videoId: 'video_nope', prompt: 'x' }))).toBeInstanceOf(
      VideoNotFoundError,
    );
    const running = await client.create({ ...input, prompt: 'still going [never]' });
    expect(await failure(client.remix({ videoId: running.id, prompt: 'x' }))).toBeInstanceOf(
      SourceNotCompletedError,
    );
    const old = await client.create(input);
    sim.expireNow(old.id);
    expect(await failure(client.remix({ videoId: old.id, prompt: 'x' }))).toBeInstanceOf(SourceExpiredError);
    expect(await failure(client.download(old.id))).toBeInstanceOf(SourceExpiredError);
    expect(sim.jobs()).toHaveLength(2);
  });

  it('checks a json-remix-size source locally before sending the remix', async () => {
    const { sim: jrs, client: c } = await simWithClient({ dialect: 'json-remix-size' });
    try {
      const running = await c.create({ ...input, prompt: 'slow one [never]' });
      expect(await failure(c.remix({ videoId: running.id, prompt: 'x' }))).toBeInstanceOf(
        SourceNotCompletedError,
      );
      expect(jrs.stats.count('remix')).toBe(0);
    } finally {
      await jrs.close();
    }
  });
});

describe('a dialect set wrongly', () => {
  it('tells the admin to check VIDEO_API_DIALECT when a form upstream gets JSON, without blaming the user', async () => {
    const { sim: form } = await simWithClient({ dialect: 'form' });
    try {
      const wrong = new VideoClient({ baseUrl: form.url, apiKey: TEST_KEY, dialect: 'openai' });
      const err = await failure(wrong.create(input));
      expect(err.userFault).toBe(false);
      expect(err.message).toContain('VIDEO_API_DIALECT');
      expect(form.jobs()).toHaveLength(0);
    } finally {
      await form.close();
    }
  });
});

describe('secrets', () => {
  it('never shows the key in any thrown error or log line', () => {
    expect(thrown.length).toBeGreaterThan(10);
    for (const err of thrown) {
      const e = err as VideoApiError;
      const text = [e.message, e.stack, JSON.stringify(e), e.upstreamMessage, String(e.cause)].join('\n');
      expect(text).not.toContain(TEST_KEY);
      expect(text).not.toContain('sk-wrong-key-abcdef');
    }
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.join('\n')).not.toContain(TEST_KEY);
  });
});
